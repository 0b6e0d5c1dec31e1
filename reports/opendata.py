"""Open data: the public list of reports (open ones and those closed in the past
weeks) as JSON, GeoJSON and CSV, with the same fields the public pages show and
nothing about who reported them. Field names are stable; new ones may be added.

The GeoJSON has only the reports with a point on the map (``[longitude, latitude]``,
WGS84); the JSON and CSV have them all. The CSV is spreadsheet-safe (``common.csv``).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from common.csv import spreadsheet_safe_writer
from common.public_cache import public_page
from common.replica import reads_from_replica
from notifications.emails import absolute_url
from reports.models import Report

FIELDS = [
    "id",
    "url",
    "service_code",
    "category",
    "main_category",
    "status",
    "status_label",
    "description",
    "address",
    "neighbourhood",
    "latitude",
    "longitude",
    "reported",
    "updated",
    "closed",
    "due_date",
    "also_seen_by",
]


def _reports() -> Any:
    return (
        Report.objects.public()
        .on_public_list()
        .for_listing()
        .order_by("-submitted_at", "-pk")
        .iterator(chunk_size=2000)
    )


def _row(report: Report) -> dict[str, Any]:
    category = report.category
    return {
        "id": report.pk,
        "url": absolute_url(report.get_absolute_url()),
        "service_code": category.service_code,
        "category": category.name,
        "main_category": category.parent.name if category.parent is not None else None,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "description": report.description,
        "address": report.address or None,
        "neighbourhood": report.neighbourhood.name if report.neighbourhood else None,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "reported": report.submitted_at.isoformat() if report.submitted_at else None,
        "updated": report.updated_at.isoformat(),
        "closed": report.closed_at.isoformat() if report.closed_at else None,
        "due_date": report.due_date.isoformat() if report.due_date else None,
        "also_seen_by": report.supporter_count,
    }


def _json(data: Any) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, no cookies involved
    return response


@require_safe
@public_page("reports")
@reads_from_replica
def reports_json(request: HttpRequest) -> JsonResponse:
    rows = [_row(report) for report in _reports()]
    return _json({"count": len(rows), "results": rows})


@require_safe
@public_page("reports")
@reads_from_replica
def reports_geojson(request: HttpRequest) -> JsonResponse:
    features = []
    for report in _reports():
        if report.latitude is None or report.longitude is None:
            continue
        properties = _row(report)
        del properties["latitude"], properties["longitude"]
        features.append(
            {
                "type": "Feature",
                "id": report.pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(report.longitude), float(report.latitude)],
                },
                "properties": properties,
            }
        )
    response = _json({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


@require_safe
@public_page("reports")
@reads_from_replica
def reports_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meldingen-openbare-ruimte.csv"'
    writer = spreadsheet_safe_writer(response)
    writer.writerow(FIELDS)
    for report in _reports():
        row = _row(report)
        writer.writerow(["" if row[name] is None else row[name] for name in FIELDS])
    return response
