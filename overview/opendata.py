"""Open data: read-only JSON and GeoJSON of what the portal publishes anyway.

Field names are stable (documented in the README); new fields may be added, none are
renamed or removed without a new version in the path. Nothing here names a person:
no initiators, proposers, commenters, assignees or contact people.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from citydata.models import Dataset
from common.public_cache import shared_with_visitors
from common.replica import reads_from_replica
from initiatives.models import Initiative
from neighbourhoods import area_monitor
from neighbourhoods.models import AgendaItem, Event, Neighbourhood, Programme, ProgrammeProject
from neighbourhoods.progress import progress_data
from notifications.emails import absolute_url
from surveys.indicators import indicator_rows_for_years
from surveys.models import IndicatorYear, Survey
from surveys.results import survey_results

PAGE_SIZE = 100
GEO_PAGE_SIZE = 1000


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, no cookies involved
    return response


def _paged(
    request: HttpRequest,
    queryset: QuerySet,
    serialize: Callable,
    *,
    page_size: int = PAGE_SIZE,
    envelope: Callable[[list, dict], dict] | None = None,
) -> JsonResponse:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return _json({"error": "page must be a whole number"}, status=400)
    paginator = Paginator(queryset.order_by("pk"), page_size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        return _json({"error": "no such page", "pages": paginator.num_pages}, status=404)
    base = absolute_url(request.path)
    links = {
        "count": paginator.count,
        "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
        "previous": f"{base}?page={page.previous_page_number()}" if page.has_previous() else None,
    }
    items = [serialize(row) for row in page.object_list]
    if envelope:
        return _json(envelope(items, links))
    return _json({**links, "results": items})


def _initiative(row: Initiative) -> dict:
    return {
        "id": row.pk,
        "title": row.title,
        "summary": row.summary,
        "status": row.status,
        "neighbourhood": row.neighbourhood.slug if row.neighbourhood_id else None,
        "theme": row.theme.slug if row.theme_id else None,
        "support_asked": [kind.code for kind in row.support_kinds.all()],
        "amount_requested": row.amount_requested,
        "latitude": _value(row.latitude),
        "longitude": _value(row.longitude),
        "submitted_at": _value(row.submitted_at),
        "response_due": _value(row.response_due),
        "responded_at": _value(row.responded_at),
        "decided_at": _value(row.decided_at),
        "supporters": row.supporter_count,
        "url": absolute_url(row.get_absolute_url()),
    }


def _agenda_item(row: AgendaItem) -> dict:
    return {
        "id": row.pk,
        "neighbourhood": row.neighbourhood.slug,
        "title": row.title,
        "description": row.description,
        "location": row.location,
        "origin": row.origin,
        "status": row.status,
        "answer": row.answer,
        "votes": row.vote_count,
        "initiative": row.initiative_id,
        "created_at": _value(row.created_at),
        "url": absolute_url(row.get_absolute_url()),
    }


def _programme(row: Programme) -> dict:
    return {
        "id": row.pk,
        "neighbourhood": row.neighbourhood.slug,
        "year": row.year,
        "introduction": row.introduction,
        "budget": _value(row.budget),
        "published_at": _value(row.published_at),
        "url": absolute_url(row.get_absolute_url()),
        "projects": [
            {
                "id": project.pk,
                "title": project.title,
                "description": project.description,
                "status": project.status,
                "budget": _value(project.budget),
                "spent": _value(project.spent),
                "survey_finding": project.survey_finding,
                **progress_data(project),
                "agenda_items": [item.pk for item in project.agenda_items.all()],
                "initiatives": [initiative.pk for initiative in project.initiatives.all()],
            }
            for project in row.projects.all()
        ],
    }


def _event(row: Event) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "title": row.title,
        "description": row.description,
        "neighbourhood": row.neighbourhood.slug if row.neighbourhood_id else None,
        "location": row.location,
        "starts_at": _value(row.starts_at),
        "ends_at": _value(row.ends_at),
        "cancelled": row.cancelled,
        "url": absolute_url(row.get_absolute_url()),
    }


def _survey(row: Survey) -> dict:
    return {
        "slug": row.slug,
        "title": row.title,
        "kind": row.kind,
        "opens_at": _value(row.opens_at),
        "closes_at": _value(row.closes_at),
        "results_published_at": _value(row.results_published_at),
        "results": absolute_url(reverse("overview:api_survey_results", args=[row.slug])),
        "url": absolute_url(row.get_results_url()),
    }


@require_safe
@shared_with_visitors
@reads_from_replica
def initiatives(request: HttpRequest) -> JsonResponse:
    queryset = (
        Initiative.objects.public()
        .select_related("neighbourhood", "theme")
        .prefetch_related("support_kinds")
    )
    return _paged(request, queryset, _initiative)


@require_safe
@shared_with_visitors
@reads_from_replica
def agenda_items(request: HttpRequest) -> JsonResponse:
    return _paged(request, AgendaItem.objects.select_related("neighbourhood"), _agenda_item)


@require_safe
@shared_with_visitors
@reads_from_replica
def programmes(request: HttpRequest) -> JsonResponse:
    queryset = (
        Programme.objects.published()
        .select_related("neighbourhood")
        .prefetch_related(
            Prefetch(
                "projects",
                queryset=ProgrammeProject.objects.prefetch_related(
                    "agenda_items", "initiatives", "milestones"
                ).order_by("pk"),
            )
        )
    )
    return _paged(request, queryset, _programme)


@require_safe
@shared_with_visitors
@reads_from_replica
def events(request: HttpRequest) -> JsonResponse:
    return _paged(request, Event.objects.select_related("neighbourhood"), _event)


@require_safe
@shared_with_visitors
@reads_from_replica
def surveys(request: HttpRequest) -> JsonResponse:
    return _paged(request, Survey.objects.published(), _survey)


@require_safe
@shared_with_visitors
@reads_from_replica
def survey_result(request: HttpRequest, slug: str) -> JsonResponse:
    survey = get_object_or_404(Survey.objects.published(), slug=slug)
    results = survey_results(survey)
    questions = []
    for result in results["questions"]:
        estimate = result.estimate
        questions.append(
            {
                "code": result.question.code,
                "text": result.question.text,
                "kind": result.question.kind,
                "n": result.n,
                "mean": round(estimate.mean, 3) if estimate else None,
                "ci_low": round(estimate.low, 3) if estimate else None,
                "ci_high": round(estimate.high, 3) if estimate else None,
                "distribution": [
                    {"option": str(row["label"]), "count": row["value"]}
                    for row in result.distribution
                ],
            }
        )
    return _json({**_survey(survey), "questions": questions})


@require_safe
@shared_with_visitors
@reads_from_replica
def indicators(request: HttpRequest) -> JsonResponse:
    years = sorted(set(IndicatorYear.objects.values_list("year", flat=True)))
    grouped: dict[str, dict] = {}
    for row in indicator_rows_for_years(years):
        entry = grouped.setdefault(
            row["slug"],
            {
                "slug": row["slug"],
                "name": row["name"],
                "url": absolute_url(row["url"]),
                "years": [],
            },
        )
        entry["years"].append(
            {
                "year": row["year"],
                "target": row["target"],
                "realised": None if row["realised"] is None else round(row["realised"], 3),
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "n": row["n"],
            }
        )
    return _json({"count": len(grouped), "results": list(grouped.values())})


@require_safe
@shared_with_visitors
@reads_from_replica
def neighbourhoods_geojson(request: HttpRequest) -> JsonResponse:
    features = [
        {
            "type": "Feature",
            "id": row.slug,
            "geometry": row.boundary,
            "properties": {
                "name": row.name,
                "slug": row.slug,
                "cbs_code": row.cbs_code,
                "population": row.population,
                "url": absolute_url(row.get_absolute_url()),
            },
        }
        for row in Neighbourhood.objects.order_by("name")
    ]
    response = _json({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


@require_safe
@shared_with_visitors
@reads_from_replica
def initiatives_geojson(request: HttpRequest) -> JsonResponse:
    queryset = (
        Initiative.objects.public()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .only("pk", "title", "status", "latitude", "longitude")
    )

    def feature(row: Initiative) -> dict:
        return {
            "type": "Feature",
            "id": row.pk,
            # GeoJSON (RFC 7946) puts longitude first.
            "geometry": {
                "type": "Point",
                "coordinates": [float(row.longitude), float(row.latitude)],
            },
            "properties": {
                "title": row.title,
                "status": row.status,
                "url": absolute_url(row.get_absolute_url()),
            },
        }

    response = _paged(
        request,
        queryset,
        feature,
        page_size=GEO_PAGE_SIZE,
        envelope=lambda items, links: {"type": "FeatureCollection", **links, "features": items},
    )
    response["Content-Type"] = "application/geo+json"
    return response


def _area_monitor(request: HttpRequest) -> tuple[area_monitor.Monitor, JsonResponse | None]:
    """The monitor a data user asked for, or a 400 naming what can be asked: an API
    never answers with another level or figure than the one in its address."""
    level, figure = request.GET.get("level", ""), request.GET.get("figure", "")
    levels = [value for value, _label in area_monitor.LEVELS]
    monitor = area_monitor.stored(level, figure)
    if level and level not in levels:
        return monitor, _json({"error": "unknown level", "levels": levels}, status=400)
    if figure and figure != monitor.figure:
        choices = [value for value, _label in monitor.choices]
        return monitor, _json(
            {"error": "unknown figure at this level", "figures": choices}, status=400
        )
    return monitor, None


@require_safe
@shared_with_visitors
@reads_from_replica
def area_figures(request: HttpRequest) -> JsonResponse:
    """The monitor's figure per wijk, buurt or street (``level``, ``figure`` as on the
    page), with the municipality, the figures to choose from, source and licence."""
    monitor, refused = _area_monitor(request)
    if refused:
        return refused
    base = absolute_url(reverse("overview:api_area_figures"))
    return _json(
        {
            **area_monitor.as_data(monitor),
            "levels": [value for value, _label in area_monitor.LEVELS],
            "figures": [
                {
                    "figure": value,
                    "label": label,
                    "url": f"{base}?{area_monitor.query(monitor.level, value)}",
                }
                for value, label in monitor.choices
            ],
            "csv": absolute_url(reverse("overview:api_area_figures_csv"))
            + "?"
            + area_monitor.query(monitor.level, monitor.figure),
        }
    )


@require_safe
@shared_with_visitors
@reads_from_replica
def area_figures_csv(request: HttpRequest) -> HttpResponse:
    monitor, refused = _area_monitor(request)
    if refused:
        return refused
    response = HttpResponse(area_monitor.as_csv(monitor), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="area-figures-{monitor.level}-{monitor.figure}.csv"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


ENDPOINTS = [
    ("api_initiatives", "initiatives.json"),
    ("api_agenda_items", "agenda-items.json"),
    ("api_programmes", "programmes.json"),
    ("api_events", "events.json"),
    ("api_surveys", "survey-results.json"),
    ("api_indicators", "indicators.json"),
    ("api_neighbourhoods_geojson", "neighbourhoods.geojson"),
    ("api_initiatives_geojson", "initiatives.geojson"),
    ("api_area_figures", "area-figures.json"),
    ("api_area_figures_csv", "area-figures.csv"),
]


@require_safe
@shared_with_visitors
def open_data_page(request: HttpRequest):
    return render(
        request,
        "overview/open_data.html",
        {
            "endpoints": [(name, reverse(f"overview:{name}")) for name, _file in ENDPOINTS],
            # Partners' datasets approved for publication, each with its source and licence.
            "datasets": Dataset.objects.approved().select_related("partner"),
        },
    )
