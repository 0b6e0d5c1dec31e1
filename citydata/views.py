"""The inner city's pages: the public dashboard, the partners' own pages (their datasets
and the CSV upload), the API's documentation and the approved datasets as open data."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from citydata import actions, dashboard
from citydata.forms import UploadForm
from citydata.models import Dataset, Observation, Partner
from common import stored_figures
from common.abuse import rate_limited
from common.csv import spreadsheet_safe_writer
from common.public_cache import shared_with_visitors
from common.replica import reads_from_replica
from notifications.emails import absolute_url


def _language() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


@require_safe
@shared_with_visitors
@reads_from_replica
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The inner city over the past year: partners' series beside the portal's own."""
    stored = stored_figures.figures(dashboard.FIGURES)
    return render(
        request,
        "citydata/dashboard.html",
        {"dashboard": stored.value, "computed_at": stored.computed_at},
    )


@require_safe
@shared_with_visitors
def api_docs(request: HttpRequest) -> HttpResponse:
    """How a partner publishes through the API, for its developers."""
    example = reverse("citydata:api_observations", kwargs={"slug": "passanten-binnenstad"})
    return render(request, "citydata/api_docs.html", {"example_url": absolute_url(example)})


def _partners_of(request: HttpRequest) -> list[Partner]:
    """The partners the signed-in person is a member of; a 404 for everyone else."""
    # Behind login_required: a signed-in person.
    partners = list(Partner.objects.filter(members=cast(User, request.user)))
    if not partners:
        raise Http404
    return partners


@login_required
@require_safe
def partner_home(request: HttpRequest) -> HttpResponse:
    """A partner's datasets: what each holds, whether it is published, and how to add."""
    partners = _partners_of(request)
    datasets = (
        Dataset.objects.of_member(request.user)
        .select_related("partner")
        .annotate(rows=Count("observations"), latest=Max("observations__period"))
    )
    return render(
        request,
        "citydata/partner_home.html",
        {"partners": partners, "datasets": datasets, "language": _language()},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("partner_upload")
def upload(request: HttpRequest) -> HttpResponse:
    """A partner uploads a CSV file into one of its own datasets: all rows or none."""
    _partners_of(request)
    form = UploadForm(
        request.POST or None, request.FILES or None, user=request.user, language=_language()
    )
    if request.method == "POST" and form.is_valid():
        dataset = form.cleaned_data["dataset"]
        try:
            stored = actions.publish_observations(dataset=dataset, rows=form.cleaned_data["rows"])
        except actions.RowsRefused as refused:
            form.refuse_rows(refused.errors)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s row stored in %(dataset)s.",
                    "%(count)s rows stored in %(dataset)s.",
                    stored,
                )
                % {"count": stored, "dataset": dataset.name_for(_language())},
            )
            return redirect("citydata:partner_home")
    datasets = Dataset.objects.of_member(request.user).select_related("partner")
    return render(
        request,
        "citydata/upload.html",
        {"form": form, "datasets": datasets, "language": _language()},
        status=400 if request.method == "POST" else 200,
    )


def _approved(slug: str) -> Dataset:
    return get_object_or_404(Dataset.objects.approved().select_related("partner"), slug=slug)


def _observations(dataset: Dataset):
    return Observation.objects.filter(dataset=dataset).order_by("period", "key")


@require_safe
@shared_with_visitors
@reads_from_replica
def dataset_json(request: HttpRequest, slug: str) -> JsonResponse:
    """An approved dataset as open data: its schema, source, licence and every row."""
    dataset = _approved(slug)
    data = {
        "dataset": dataset.slug,
        "name": {"nl": dataset.name_nl, "en": dataset.name_en},
        "publisher": dataset.partner.name,
        "source": dataset.source,
        "licence": dataset.licence,
        "period": dataset.granularity,
        "dimensions": [
            {"name": item["name"], "values": item["values"]} for item in dataset.dimensions
        ],
        "measure": {"nl": dataset.measure_nl, "en": dataset.measure_en, "unit": dataset.unit},
        "observations": [
            {
                "period": row.period.isoformat(),
                **row.dimension_values,
                "value": float(row.value),
            }
            for row in _observations(dataset).only("period", "dimension_values", "value")
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@shared_with_visitors
@reads_from_replica
def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """An approved dataset as CSV; its source and licence in the header lines' comment
    and in the ``Link`` header."""
    dataset = _approved(slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    writer = spreadsheet_safe_writer(response)
    names = dataset.dimension_names()
    writer.writerow([*dataset.columns(), "source", "licence"])
    for row in _observations(dataset).only("period", "dimension_values", "value"):
        writer.writerow(
            [
                row.period.isoformat(),
                *(row.dimension_values.get(name, "") for name in names),
                row.value,
                dataset.source,
                dataset.licence,
            ]
        )
    return response
