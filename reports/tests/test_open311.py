"""Open311 GeoReport v2: apps read categories and reports and send reports, in JSON and
XML, with the standard's fields and errors, and nothing personal.

The schema below is written from the standard's field tables (service list, service
definition, service requests, POST response, errors) as summarised for this project."""

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from reports import actions
from reports.models import Category, Open311Client, Photo, Report, Status, StatusChange
from reports.tests.factories import ReportFactory, loose_paving

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
SECRET_EMAIL = "melder.geheim@example.nl"

# --- the standard's fields, as a small schema -----------------------------------------
STR, NUM, BOOL, DATETIME = "string", "number", "boolean", "datetime"
SERVICE = {
    "required": {"service_code": STR, "service_name": STR, "metadata": BOOL, "type": STR},
    "optional": {"description": STR, "keywords": STR, "group": STR},
    "enums": {"type": {"realtime", "batch", "blackbox"}},
}
REQUEST = {
    "required": {
        "service_request_id": STR,
        "status": STR,
        "service_code": STR,
        "requested_datetime": DATETIME,
    },
    "optional": {
        "status_notes": STR,
        "service_name": STR,
        "description": STR,
        "agency_responsible": STR,
        "service_notice": STR,
        "updated_datetime": DATETIME,
        "expected_datetime": DATETIME,
        "address": STR,
        "address_id": STR,
        "zipcode": STR,
        "lat": NUM,
        "long": NUM,
        "media_url": STR,
    },
    "enums": {"status": {"open", "closed"}},
}
POSTED = {
    "required": {"service_request_id": STR},
    "optional": {"service_notice": STR, "account_id": STR, "token": STR},
    "enums": {},
}
ERROR = {"required": {"code": NUM, "description": STR}, "optional": {}, "enums": {}}
DEFINITION = {"required": {"service_code": STR}, "optional": {}, "enums": {}}


def _of_type(value, kind: str, xml: bool) -> bool:
    if xml:  # XML has only text: check that it reads as the type
        if kind == NUM:
            try:
                float(value)
            except ValueError:
                return False
            return True
        if kind == BOOL:
            return value in ("true", "false")
    else:
        if kind == NUM:
            return isinstance(value, int | float) and not isinstance(value, bool)
        if kind == BOOL:
            return isinstance(value, bool) or value in ("true", "false")
        if not isinstance(value, str):
            return False
    if kind == DATETIME:
        from django.utils.dateparse import parse_datetime

        moment = parse_datetime(value)
        return moment is not None and moment.tzinfo is not None  # the standard wants a zone
    return True


def check_item(item: dict, schema: dict, *, xml: bool = False) -> None:
    known = schema["required"] | schema["optional"]
    for key in schema["required"]:
        assert item.get(key) not in (None, ""), f"{key} missing in {item}"
    for key, value in item.items():
        assert key in known or key == "attributes", f"unknown field {key}"
        if value is None or (xml and value == "") or key == "attributes":
            continue
        assert _of_type(value, known[key], xml), f"{key}={value!r} is not a {known[key]}"
    for key, allowed in schema["enums"].items():
        assert item[key] in allowed


def xml_items(body: bytes, root: str, child: str) -> list[dict]:
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    tree = ET.fromstring(body)  # noqa: S314  # our own response, in a test
    assert tree.tag == root
    items = []
    for element in tree:
        assert element.tag == child
        items.append({field.tag: (field.text or "") for field in element})
    return items


def check_response(response, schema: dict, root: str, child: str, fmt: str) -> list[dict]:
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        data = json.loads(response.content)
        assert isinstance(data, list)
        for item in data:
            check_item(item, schema)
        return data
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    items = xml_items(response.content, root, child)
    for item in items:
        check_item(item, schema, xml=True)
    return items


def check_errors(response, status: int, fmt: str) -> list[str]:
    assert response.status_code == status
    items = check_response(response, ERROR, "errors", "error", fmt)
    assert items
    assert all(str(item["code"]) == str(status) for item in items)
    return [item["description"] for item in items]


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def app_key() -> str:
    client = Open311Client(name="Buitenbeter")
    key = client.new_key()
    client.save()
    return key


def post_data(key: str, **changes) -> dict:
    data = {
        "api_key": key,
        "service_code": loose_paving().slug,
        "lat": "52.150000",
        "long": "5.370000",
        "description": "Losse stoeptegels voor de bakker.",
        "email": SECRET_EMAIL,
        "first_name": "Geheime",
        "last_name": "Melder",
        "phone": "0612345678",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def everything_public(client) -> str:
    """Every GET answer of the API and the open data, in both formats, as one text."""
    bodies = []
    for fmt in ("json", "xml"):
        for path in ("services", "requests"):
            bodies.append(client.get(f"{BASE}{path}.{fmt}").content.decode())
        for report in Report.objects.all():
            bodies.append(client.get(f"{BASE}requests/{report.pk}.{fmt}").content.decode())
    for name in ("json", "geojson", "csv"):
        bodies.append(client.get(f"/openbare-ruimte/meldingen.{name}").content.decode())
    return "\n".join(bodies)


# --- services -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_service_list_has_the_categories_a_resident_can_choose(client, fmt):
    response = client.get(f"{BASE}services.{fmt}")
    assert response.status_code == 200
    items = check_response(response, SERVICE, "services", "service", fmt)
    reportable = list(Category.objects.reportable())
    assert [item["service_code"] for item in items] == [c.slug for c in reportable]
    paving = next(item for item in items if item["service_code"] == loose_paving().slug)
    assert paving["service_name"] == loose_paving().name_nl  # Dutch unless asked
    assert paving["group"] == loose_paving().parent.name_nl
    assert str(paving["metadata"]).lower() == "false"
    assert paving["type"] == "realtime"


def test_service_names_in_the_language_asked(client):
    paving = loose_paving()
    by_locale = json.loads(client.get(f"{BASE}services.json?locale=en").content)
    by_header = json.loads(
        client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content
    )
    for items in (by_locale, by_header):
        item = next(item for item in items if item["service_code"] == paving.slug)
        assert item["service_name"] == paving.name_en
        assert item["group"] == paving.parent.name_en


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_descriptions_in_the_language_asked(client, fmt):
    """The description follows ``locale`` or Accept-Language like the name; a category
    without an English description has none in English, never the Dutch one."""
    paving = loose_paving()
    paving.description_nl = "Losse of kapotte stoeptegels."
    paving.description_en = "Loose or broken paving stones."
    paving.save()
    untranslated = Category.objects.reportable().exclude(pk=paving.pk).first()
    untranslated.description_nl = "Alleen in het Nederlands."
    untranslated.description_en = ""
    untranslated.save()

    def described(**asked) -> dict:
        query = asked.pop("query", "")
        response = client.get(f"{BASE}services.{fmt}{query}", **asked)
        items = check_response(response, SERVICE, "services", "service", fmt)
        return {item["service_code"]: item.get("description") for item in items}

    for english in (
        described(query="?locale=en"),
        described(query="?locale=en_GB"),
        described(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8,nl;q=0.5"),
    ):
        assert english[paving.slug] == "Loose or broken paving stones."
        assert english[untranslated.slug] in (None, "")
    for dutch in (described(), described(HTTP_ACCEPT_LANGUAGE="nl"), described(query="?locale=nl")):
        assert dutch[paving.slug] == "Losse of kapotte stoeptegels."
        assert dutch[untranslated.slug] == "Alleen in het Nederlands."


def test_an_inactive_category_is_no_service(client):
    paving = loose_paving()
    Category.objects.filter(pk=paving.pk).update(is_active=False)
    codes = [item["service_code"] for item in client.get(f"{BASE}services.json").json()]
    assert paving.slug not in codes
    check_errors(client.get(f"{BASE}services/{paving.slug}.json"), 404, "json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_has_no_attributes(client, fmt):
    response = client.get(f"{BASE}services/{loose_paving().slug}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        data = json.loads(response.content)
        check_item(data, DEFINITION)
        assert data["attributes"] == []
    else:
        tree = ET.fromstring(response.content)  # noqa: S314
        assert tree.tag == "service_definition"
        assert tree.findtext("service_code") == loose_paving().slug
        assert tree.find("attributes") is not None
    check_errors(client.get(f"{BASE}services/bestaat-niet.{fmt}"), 404, fmt)


# --- creating and reading requests ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_app_sends_a_report_that_goes_in_routed_and_can_be_read_back(
    client, app_key, fmt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}requests.{fmt}", post_data(app_key))
    assert response.status_code == 200
    posted = check_response(response, POSTED, "service_requests", "request", fmt)
    assert len(posted) == 1
    report = Report.objects.get()
    assert posted[0]["service_request_id"] == str(report.pk)
    assert "working day" in posted[0]["service_notice"] or "werkdag" in posted[0]["service_notice"]
    # The same domain action as the web form: in at once (the app vouches for the
    # address), routed, due in the category's term, on the timeline.
    assert report.status == Status.RECEIVED
    assert report.open311_client.name == "Buitenbeter"
    assert report.reporter_email == SECRET_EMAIL
    assert report.email_confirmed_at is not None
    assert report.department == loose_paving().department_for(report.neighbourhood)
    assert report.due_date is not None
    assert report.changes.order_by("created_at", "pk").first().key == "received"
    assert mail.outbox == []  # no confirmation link: the app vouched

    read = client.get(f"{BASE}requests/{report.pk}.{fmt}")
    assert read.status_code == 200
    items = check_response(read, REQUEST, "service_requests", "request", fmt)
    assert len(items) == 1
    item = items[0]
    assert item["service_request_id"] == str(report.pk)
    assert item["status"] == "open"
    assert item["service_code"] == loose_paving().slug
    assert float(item["lat"]) == 52.15
    assert float(item["long"]) == 5.37
    listed = check_response(
        client.get(f"{BASE}requests.{fmt}"), REQUEST, "service_requests", "request", fmt
    )
    assert [item["service_request_id"] for item in listed] == [str(report.pk)]
    assert SECRET_EMAIL not in everything_public(client)
    assert "0612345678" not in everything_public(client)


def test_an_address_without_a_point_is_enough(client, app_key):
    response = client.post(
        f"{BASE}requests.json", post_data(app_key, lat=None, long=None, address_string="Markt 1")
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.address, report.latitude) == ("Markt 1", None)
    item = client.get(f"{BASE}requests/{report.pk}.json").json()[0]
    assert item["address"] == "Markt 1"
    assert item["lat"] is None


def test_a_report_by_an_app_without_an_email_goes_in_too(client, app_key):
    assert client.post(f"{BASE}requests.json", post_data(app_key, email=None)).status_code == 200
    report = Report.objects.get()
    assert (report.status, report.reporter_email, report.email_confirmed_at) == (
        Status.RECEIVED,
        "",
        None,
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("changes", "status", "says"),
    [
        ({"api_key": "fout"}, 403, "api_key"),
        ({"api_key": None}, 403, "api_key"),
        ({"service_code": "bestaat-niet"}, 404, "bestaat-niet"),
        ({"service_code": None}, 400, "service_code"),
        ({"lat": None, "long": None}, 400, "address_string"),
        ({"long": None}, 400, "together"),
        ({"lat": "48.1"}, 400, "lat"),
        ({"lat": "noord"}, 400, "lat"),
        ({"description": "x" * 2001}, 400, "description"),
        ({"description": "<script>alert(1)</script>"}, 400, "description"),
        ({"email": "geen-adres"}, 400, "email"),
        ({"address_string": "x" * 201, "lat": None, "long": None}, 400, "address_string"),
    ],
)
def test_bad_posts_get_the_standards_errors_and_save_nothing(
    client, app_key, fmt, changes, status, says, settings
):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "open311_request": "1000/m"}
    response = client.post(
        f"{BASE}requests.{fmt}", post_data(app_key, **changes), HTTP_ACCEPT_LANGUAGE="en"
    )
    descriptions = check_errors(response, status, fmt)
    assert any(says in text for text in descriptions), descriptions
    assert not Report.objects.exists()
    assert not StatusChange.objects.exists()


def test_a_switched_off_app_is_refused(client, app_key):
    Open311Client.objects.update(is_active=False)
    check_errors(client.post(f"{BASE}requests.xml", post_data(app_key)), 403, "xml")
    assert not Report.objects.exists()


def test_the_key_is_kept_only_hashed(app_key):
    app = Open311Client.objects.get()
    assert app_key not in {app.key_hash, app.key_start, app.name}
    assert app.key_start == app_key[:8]
    assert Open311Client.objects.for_key(app_key) == app
    assert Open311Client.objects.for_key("") is None


def test_posting_is_rate_limited_in_the_standards_format(client, app_key, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "open311_request": "2/m"}
    for _ in range(2):
        assert client.post(f"{BASE}requests.json", post_data(app_key)).status_code == 200
    check_errors(client.post(f"{BASE}requests.json", post_data(app_key)), 429, "json")
    assert Report.objects.count() == 2


def test_the_description_cap_is_the_web_forms(client, app_key, settings):
    """An app may send the description a resident may type in the web form: one limit,
    the model's."""
    from reports.forms import ReportForm
    from reports.open311 import Open311RequestForm

    cap = Report._meta.get_field("description").max_length
    assert Open311RequestForm.base_fields["description"].max_length == cap
    assert ReportForm.base_fields["description"].max_length == cap
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "open311_request": "1000/m"}
    longest = ("Losse stoeptegels. " * cap)[:cap]
    response = client.post(f"{BASE}requests.json", post_data(app_key, description=longest))
    assert response.status_code == 200, response.content
    assert Report.objects.get().description == longest.strip()
    too_long = client.post(f"{BASE}requests.json", post_data(app_key, description=longest + "x"))
    check_errors(too_long, 400, "json")
    assert Report.objects.count() == 1


def test_posting_is_rate_limited_per_app_whatever_its_address(client, app_key, settings):
    """An app (its api_key) is counted across addresses, next to each address's limit;
    another app is not held back by it."""
    settings.PORTAL_RATE_LIMITS = {
        **settings.PORTAL_RATE_LIMITS,
        "open311_request": "1000/m",
        "open311_client": "2/m",
    }
    for address in ("192.0.2.1", "192.0.2.2"):
        response = client.post(f"{BASE}requests.json", post_data(app_key), REMOTE_ADDR=address)
        assert response.status_code == 200
    refused = client.post(f"{BASE}requests.json", post_data(app_key), REMOTE_ADDR="192.0.2.3")
    check_errors(refused, 429, "json")
    assert refused["Retry-After"] == "60"
    other = Open311Client(name="Andere app")
    other_key = other.new_key()
    other.save()
    allowed = client.post(f"{BASE}requests.json", post_data(other_key), REMOTE_ADDR="192.0.2.3")
    assert allowed.status_code == 200
    assert Report.objects.count() == 3


def test_the_post_needs_no_form_token_but_the_rest_of_the_portal_does(app_key):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.post(f"{BASE}requests.json", post_data(app_key)).status_code == 200
    assert browser.post("/openbare-ruimte/melden/", {}).status_code == 403


# --- reading requests ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_requests_are_404_in_the_standards_format(client, fmt):
    waiting = ReportFactory(status=Status.UNCONFIRMED, reporter=None, reporter_email="a@b.nl")
    for request_id in ("999999", "not-an-id", str(waiting.pk)):
        check_errors(client.get(f"{BASE}requests/{request_id}.{fmt}"), 404, fmt)


def test_search_filters(client):
    now = timezone.now()
    paving = loose_paving()
    other = Category.objects.reportable().exclude(pk=paving.pk).first()
    old = ReportFactory(submitted_at=now - timedelta(days=120))
    recent = ReportFactory(submitted_at=now - timedelta(days=2))
    closed = ReportFactory(
        submitted_at=now - timedelta(days=5), status=Status.SOLVED, closed_at=now
    )
    elsewhere = ReportFactory(category=other, submitted_at=now - timedelta(days=1))
    ReportFactory(status=Status.UNCONFIRMED, reporter=None, reporter_email="x@example.nl")

    def ids(query=""):
        response = client.get(f"{BASE}requests.json{query}")
        assert response.status_code == 200, response.content
        return {int(item["service_request_id"]) for item in response.json()}

    assert ids() == {recent.pk, closed.pk, elsewhere.pk}  # the last 90 days
    assert ids("?status=open") == {recent.pk, elsewhere.pk}
    assert ids("?status=closed") == {closed.pk}
    assert ids("?status=closed,closed") == {closed.pk}  # said twice is still one filter
    assert ids("?status=open,closed&jurisdiction_id=") == {recent.pk, closed.pk, elsewhere.pk}
    assert ids(f"?service_code={other.slug}") == {elsewhere.pk}
    assert ids(f"?service_code={other.slug},{paving.slug}") == {
        recent.pk,
        closed.pk,
        elsewhere.pk,
    }
    start = urllib.parse.quote((now - timedelta(days=130)).isoformat())
    end = urllib.parse.quote((now - timedelta(days=100)).isoformat())
    assert ids(f"?start_date={start}&end_date={end}") == {old.pk}
    assert ids(f"?start_date={start}") == {old.pk}
    # With ids every other filter is ignored.
    assert ids(f"?service_request_id={old.pk},{closed.pk},x&status=open") == {old.pk, closed.pk}
    assert ids("?service_code=&status=&start_date=&end_date=") == ids()  # empty = absent
    closed_item = client.get(f"{BASE}requests/{closed.pk}.json").json()[0]
    assert closed_item["status"] == "closed"
    assert closed_item["expected_datetime"] is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "query",
    [
        "start_date=gisteren",
        "start_date=2026-01-01T00:00:00",  # no timezone
        "end_date=2026-13-01T00:00:00Z",
        "start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",  # over 90 days
        "status=gesloten",
        # No date in UTC (the database compares in UTC): a clean 400, not a server error.
        "start_date=0001-01-01T00:00:00%2B01:00",
        "end_date=9999-12-31T23:00:00-05:00",
    ],
)
def test_bad_searches_get_400(client, fmt, query):
    check_errors(client.get(f"{BASE}requests.{fmt}?{query}"), 400, fmt)


def test_a_photo_is_linked_only_once_checked(client):
    report = ReportFactory()
    photo = Photo.objects.create(
        report=report,
        token="c" * 32,
        content_type="image/png",
        size=8,
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="foto.png"),
    )
    assert client.get(f"{BASE}requests/{report.pk}.json").json()[0]["media_url"] is None
    actions.check_photos(reports=[report], by=StaffFactory())
    media = client.get(f"{BASE}requests/{report.pk}.json").json()[0]["media_url"]
    assert media.endswith(photo.get_absolute_url())
    assert client.get(photo.get_absolute_url()).status_code == 200


def test_no_personal_data_in_any_answer(client):
    ReportFactory(reporter=None, reporter_email=SECRET_EMAIL, email_confirmed_at=timezone.now())
    with_account = ReportFactory()
    text = everything_public(client)
    assert SECRET_EMAIL not in text
    assert with_account.reporter.email not in text


# --- query counts ----------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_query_counts_do_not_grow_with_the_reports(client, fmt):
    report = ReportFactory(photos_checked=True)
    Photo.objects.create(
        report=report, token="d" * 32, content_type="image/png", size=8, file="x.png"
    )
    urls = [f"{BASE}requests.{fmt}", f"{BASE}services.{fmt}"]
    one = [_count(client, url) for url in urls]
    categories = list(Category.objects.reportable())
    for number in range(30):
        many = ReportFactory(category=categories[number % len(categories)], photos_checked=True)
        Photo.objects.create(
            report=many, token=f"{number:032d}", content_type="image/png", size=8, file="x.png"
        )
    Category.objects.create(
        parent=loose_paving().parent, slug="nieuw", name_nl="Nieuw", name_en="New"
    )
    assert [_count(client, url) for url in urls] == one


# --- over the network --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_over_http_with_urllib(live_server, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "open311_request": "1000/m"}
    app = Open311Client(name="Stadsapp")
    key = app.new_key()
    app.save()
    body = urllib.parse.urlencode(post_data(key)).encode()
    request = urllib.request.Request(  # noqa: S310  # the test's own server
        f"{live_server.url}{BASE}requests.json",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        assert answer.status == 200
        posted = json.loads(answer.read())
    check_item(posted[0], POSTED)
    request_id = posted[0]["service_request_id"]
    with urllib.request.urlopen(f"{live_server.url}{BASE}requests/{request_id}.xml") as answer:  # noqa: S310
        assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
        items = xml_items(answer.read(), "service_requests", "request")
    check_item(items[0], REQUEST, xml=True)
    assert items[0]["service_request_id"] == request_id
    # An error over the network: the status and the standard's body.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(  # noqa: S310
            urllib.request.Request(  # noqa: S310
                f"{live_server.url}{BASE}requests.xml",
                data=urllib.parse.urlencode(post_data("fout")).encode(),
            )
        )
    assert refused.value.code == 403
    errors = xml_items(refused.value.read(), "errors", "error")
    check_item(errors[0], ERROR, xml=True)
    assert Report.objects.count() == 1
    assert Decimal(str(items[0]["lat"])) == Decimal("52.15")


def test_xml_stays_well_formed_and_json_holds_no_markup(client):
    report = ReportFactory(description="Tegel\x0b los <b>hier</b> & daar")
    tree = ET.fromstring(client.get(f"{BASE}requests/{report.pk}.xml").content)  # noqa: S314
    assert tree.findtext("request/description") == "Tegel los <b>hier</b> & daar"
    body = client.get(f"{BASE}requests/{report.pk}.json").content
    assert b"<b>" not in body
    assert json.loads(body)[0]["description"] == "Tegel\x0b los <b>hier</b> & daar"


# --- the back office ---------------------------------------------------------------------


def test_staff_with_the_permission_add_an_app_and_see_its_key_once(client):
    from django.contrib.auth.models import Permission

    from accounts.tests.factories import sign_in_staff

    colleague = StaffFactory()
    colleague.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_open311client", "view_open311client"])
    )
    sign_in_staff(client, colleague)
    add = reverse("admin:reports_open311client_add")
    response = client.post(add, {"name": "Buitenbeter", "is_active": "on"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    app = Open311Client.objects.get()
    page = response.content.decode()
    key = page.split('id="open311-key" type="text" readonly value="')[1].split('"')[0]
    assert Open311Client.objects.for_key(key) == app
    assert key not in {app.key_hash, app.key_start}
    # Afterwards the key is nowhere to be read.
    change_url = reverse("admin:reports_open311client_change", args=[app.pk])
    change = client.get(change_url).content.decode()
    assert key not in change
    assert app.key_start in change
    listing = client.get(reverse("admin:reports_open311client_changelist")).content.decode()
    assert key not in listing


def test_staff_without_the_permission_cannot_add_an_app(client):
    from accounts.tests.factories import sign_in_staff

    sign_in_staff(client, StaffFactory())
    response = client.post(reverse("admin:reports_open311client_add"), {"name": "Kwaad"})
    assert response.status_code in (302, 403)
    assert not Open311Client.objects.exists()


def test_the_back_office_shows_which_app_sent_a_report(client, app_key):
    from accounts.tests.factories import sign_in_staff

    client.post(f"{BASE}requests.json", post_data(app_key))
    report = Report.objects.get()
    sign_in_staff(client, StaffFactory(is_superuser=True))
    page = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert page.status_code == 200
    assert "Buitenbeter" in page.content.decode()
