"""Open data: the public list of reports as JSON, GeoJSON and CSV, without anything
personal, spreadsheet-safe, linked from the list page, in a constant number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import Category, Status
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "melder.geheim@example.nl"
JSON, GEOJSON, CSV = (
    "/openbare-ruimte/meldingen.json",
    "/openbare-ruimte/meldingen.geojson",
    ("/openbare-ruimte/meldingen.csv"),
)


@pytest.fixture
def reports():
    now = timezone.now()
    return {
        "open": ReportFactory(
            reporter=None, reporter_email=SECRET_EMAIL, email_confirmed_at=now, supporter_count=2
        ),
        "address_only": ReportFactory(latitude=None, longitude=None, address="Markt 1"),
        "solved": ReportFactory(status=Status.SOLVED, closed_at=now - timedelta(days=3)),
        "long_solved": ReportFactory(status=Status.SOLVED, closed_at=now - timedelta(days=60)),
        "waiting": ReportFactory(
            status=Status.UNCONFIRMED, reporter=None, reporter_email="wacht@example.nl"
        ),
    }


def test_json_has_the_public_list(client, reports):
    response = client.get(JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    ids = {row["id"] for row in data["results"]}
    assert ids == {reports[name].pk for name in ("open", "address_only", "solved")}
    assert data["count"] == 3
    row = next(row for row in data["results"] if row["id"] == reports["open"].pk)
    assert row["latitude"] == 52.15
    assert row["longitude"] == 5.37
    assert row["status"] == "received"
    assert row["also_seen_by"] == 2
    assert row["url"].endswith(reports["open"].get_absolute_url())


def test_geojson_is_a_feature_collection_of_points_lon_lat(client, reports):
    response = client.get(GEOJSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    # Only reports with a point on the map.
    assert {f["id"] for f in data["features"]} == {reports["open"].pk, reports["solved"].pk}
    feature = next(f for f in data["features"] if f["id"] == reports["open"].pk)
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.37, 52.15]}
    assert feature["properties"]["service_code"] == reports["open"].category.slug


def test_csv_is_spreadsheet_safe(client, reports):
    ReportFactory(description='=HYPERLINK("http://kwaad.example")', address="@SUM(A1)")
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 4
    evil = next(row for row in rows if "HYPERLINK" in row["description"])
    assert evil["description"].startswith("'=")
    assert evil["address"] == "'@SUM(A1)"


def test_no_personal_data_in_the_exports(client, reports):
    for url in (JSON, GEOJSON, CSV):
        body = client.get(url).content.decode()
        assert SECRET_EMAIL not in body
        assert reports["solved"].reporter.email not in body
        assert "wacht@example.nl" not in body
        assert "reporter" not in body


def test_the_list_page_links_the_exports(client):
    page = client.get(reverse("reports:list")).content.decode()
    for url in (JSON, GEOJSON, CSV, "/open311/v2/services.xml"):
        assert f'href="{url}"' in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_reports(client):
    ReportFactory()
    one = [_count(client, url) for url in (JSON, GEOJSON, CSV)]
    categories = list(Category.objects.reportable())
    for number in range(30):
        ReportFactory(category=categories[number % len(categories)])
    assert [_count(client, url) for url in (JSON, GEOJSON, CSV)] == one
