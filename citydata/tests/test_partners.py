"""Partners' data for the inner city: the API with a real token, the CSV upload, who may
write where, staff approval, the dashboard and open data."""

import csv
import hashlib
import io
import json
import os
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from accounts.tests.factories import UserFactory, signed_in_colleague
from citydata import dashboard
from citydata.models import ApiToken, Observation, dimension_key
from citydata.tests.factories import STREETS, DatasetFactory, PartnerFactory, make_token
from common.charts import bar_chart
from neighbourhoods.tests.factories import EventFactory, NeighbourhoodFactory
from privacy.models import AuditEntry
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _post(client, dataset, rows, token=None, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post(
        reverse("citydata:api_observations", kwargs={"slug": dataset.slug}),
        data=json.dumps(rows),
        content_type="application/json",
        **headers,
    )


def _day(days_ago=1):
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def world():
    member = UserFactory()
    partner = PartnerFactory(members=[member])
    dataset = DatasetFactory(partner=partner)
    token, plain = make_token(partner)
    other_member = UserFactory()
    other = PartnerFactory(members=[other_member])
    other_dataset = DatasetFactory(partner=other)
    _other_token, other_plain = make_token(other)
    return {
        "member": member,
        "partner": partner,
        "dataset": dataset,
        "token": token,
        "plain": plain,
        "other_member": other_member,
        "other_dataset": other_dataset,
        "other_plain": other_plain,
    }


# --- the API -------------------------------------------------------------------------


def test_a_partner_publishes_a_series_and_publishing_again_replaces_it(world):
    client = Client()
    rows = [
        {"period": _day(2), "street": "Langestraat", "value": 8412},
        {"period": _day(2), "street": "Hof", "value": "4100"},
        {"period": _day(1), "street": "Langestraat", "value": 7900.5},
    ]
    response = _post(client, world["dataset"], rows, world["plain"])
    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 3, "dataset": world["dataset"].slug}
    stored = {
        (row.period.isoformat(), row.dimension_values["street"]): row.value
        for row in Observation.objects.filter(dataset=world["dataset"])
    }
    assert stored == {
        (_day(2), "Langestraat"): 8412,
        (_day(2), "Hof"): 4100,
        (_day(1), "Langestraat"): 7900.5,
    }
    response = _post(
        client,
        world["dataset"],
        [{"period": _day(2), "street": "Hof", "value": 4200}],
        world["plain"],
    )
    assert response.status_code == 200
    assert Observation.objects.filter(dataset=world["dataset"]).count() == 3
    assert (
        Observation.objects.get(dataset=world["dataset"], period=_day(2), key__contains="Hof").value
        == 4200
    )
    world["token"].refresh_from_db()
    assert world["token"].last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_api_works_against_a_live_server(world, live_server):
    request = urllib.request.Request(  # noqa: S310  the test's own server
        live_server.url
        + reverse("citydata:api_observations", kwargs={"slug": world["dataset"].slug}),
        data=json.dumps([{"period": _day(), "street": "Hof", "value": 12}]).encode(),
        headers={"Authorization": f"Bearer {world['plain']}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310  the test's own server
        assert answer.status == 200
        assert json.loads(answer.read())["stored"] == 1


def test_without_a_token_or_with_a_bad_one_the_api_answers_401(world):
    client = Client()
    rows = [{"period": _day(), "street": "Hof", "value": 1}]
    assert _post(client, world["dataset"], rows).status_code == 401
    assert _post(client, world["dataset"], rows, "not-a-token").status_code == 401
    basic = _post(client, world["dataset"], rows, HTTP_AUTHORIZATION=f"Basic {world['plain']}")
    assert basic.status_code == 401
    # Never a token in the address: it is not read from there.
    in_url = client.post(
        reverse("citydata:api_observations", kwargs={"slug": world["dataset"].slug})
        + f"?token={world['plain']}",
        data=json.dumps(rows),
        content_type="application/json",
    )
    assert in_url.status_code == 401
    assert in_url["WWW-Authenticate"].startswith("Bearer")
    assert not Observation.objects.exists()


def test_a_revoked_token_answers_401(world):
    world["token"].revoked_at = timezone.now()
    world["token"].save()
    response = _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": 1}],
        world["plain"],
    )
    assert response.status_code == 401
    assert not Observation.objects.exists()


def test_a_token_of_another_partner_answers_403(world):
    response = _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": 1}],
        world["other_plain"],
    )
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_an_unknown_dataset_answers_404(world):
    response = Client().post(
        reverse("citydata:api_observations", kwargs={"slug": "bestaat-niet"}),
        data="[]",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['plain']}",
    )
    assert response.status_code == 404


def test_the_database_holds_no_plain_token(world):
    token = ApiToken.objects.get(pk=world["token"].pk)
    assert token.token_hash == hashlib.sha256(world["plain"].encode()).hexdigest()
    assert token.prefix == world["plain"][:8]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM citydata_apitoken")
        cells = [str(cell) for row in cursor.fetchall() for cell in row]
    assert not any(world["plain"] in cell for cell in cells)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"period": _day(), "street": "Hof", "value": 1, "weather": "sun"}, "weather", "geen veld"),
        ({"period": _day(), "value": 1}, "street", "ontbreekt"),
        ({"period": _day(-3), "street": "Hof", "value": 1}, "period", "in de toekomst"),
        ({"period": "3-2-2026", "street": "Hof", "value": 1}, "period", "JJJJ-MM-DD"),
        ({"period": _day(), "street": "Kalverstraat", "value": 1}, "street", "Kalverstraat"),
        ({"period": _day(), "street": "Hof", "value": "veel"}, "value", "Schrijf een getal"),
        ({"period": _day(), "street": "Hof", "value": -5}, "value", "van 0 tot 100000"),
        ({"period": _day(), "street": "Hof", "value": True}, "value", "Schrijf een getal"),
    ],
)
def test_a_bad_row_refuses_every_row_with_its_index_and_field(world, row, field, message):
    good = {"period": _day(), "street": "Langestraat", "value": 10}
    response = _post(Client(), world["dataset"], [good, row], world["plain"])
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(
        error["index"] == 1 and error["field"] == field and message in error["message"]
        for error in errors
    ), errors
    assert not Observation.objects.exists()


def test_what_comes_back_in_an_error_is_never_markup(world):
    row = {"period": _day(), "street": "<b>Hof</b>", "value": 1, "<script>": 1}
    response = _post(Client(), world["dataset"], [row], world["plain"])
    assert response.status_code == 400
    assert b"<" not in response.content
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"<script>", "street"}


def test_duplicate_rows_in_one_upload_are_refused(world):
    row = {"period": _day(), "street": "Hof", "value": 1}
    response = _post(Client(), world["dataset"], [row, {**row, "value": 2}], world["plain"])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 1,
            "field": "period",
            "message": "Een eerdere rij heeft dezelfde periode en waarden.",
        }
    ]
    assert not Observation.objects.exists()


@pytest.mark.parametrize("body", ["geen json", "{}", "[]", "[1, 2]", '{"rows": []}'])
def test_a_body_that_is_not_a_list_of_rows_is_refused(world, body):
    response = Client().post(
        reverse("citydata:api_observations", kwargs={"slug": world["dataset"].slug}),
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['plain']}",
    )
    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_a_monthly_dataset_takes_months(world):
    dataset = DatasetFactory(partner=world["partner"], granularity="month", dimensions=[])
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    response = _post(
        Client(), dataset, [{"period": month.strftime("%Y-%m"), "value": 31}], world["plain"]
    )
    assert response.status_code == 200, response.content
    assert Observation.objects.get(dataset=dataset).period == month.replace(day=1)
    response = _post(
        Client(), dataset, [{"period": month.isoformat(), "value": 31}], world["plain"]
    )
    assert response.status_code == 400  # a month written as a day that is not the first


# --- the CSV upload ------------------------------------------------------------------


def _csv(*lines):
    return SimpleUploadedFile("telling.csv", "\n".join(lines).encode(), content_type="text/csv")


def test_a_partner_uploads_a_csv_into_its_own_dataset(world):
    client = Client()
    client.force_login(world["member"])
    page = client.get(reverse("citydata:upload"))
    assert page.status_code == 200
    choices = [value for value, _label in page.context["form"].fields["dataset"].choices if value]
    assert [choice.value for choice in choices] == [world["dataset"].pk]
    response = client.post(
        reverse("citydata:upload"),
        {
            "dataset": world["dataset"].pk,
            "file": _csv(
                "period,street,value",
                f"{_day(2)},Langestraat,100",
                f"{_day(1)},Hof,200",
            ),
        },
    )
    assert response.status_code == 302
    assert Observation.objects.filter(dataset=world["dataset"]).count() == 2


def test_a_bad_csv_is_refused_row_by_row_and_nothing_is_stored(world):
    client = Client()
    client.force_login(world["member"])
    response = client.post(
        reverse("citydata:upload"),
        {
            "dataset": world["dataset"].pk,
            "file": _csv(
                "period,street,value",
                f"{_day(2)},Langestraat,100",
                f"{_day(1)},Kalverstraat,200",
                f"{_day(1)},Hof,veel",
                f"{_day(-2)},Hof,3",
                f"{_day(2)},Langestraat,100",
            ),
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors == [
        "Regel 3, street: “Kalverstraat” is geen van de waarden van deze dataset.",
        "Regel 4, value: Schrijf een getal zoals 1250 of 12,5: cijfers, hoogstens twee "
        "decimalen na een komma of punt, geen scheidingstekens voor duizendtallen.",
        "Regel 5, period: Deze datum ligt in de toekomst.",
        "Regel 6, period: Een eerdere rij heeft dezelfde periode en waarden.",
    ]
    content = response.content.decode()
    assert "Regel 3, street" in content
    assert "Er is niets opgeslagen" in content
    assert not Observation.objects.exists()


def test_a_csv_with_a_wrong_header_is_refused(world):
    client = Client()
    client.force_login(world["member"])
    response = client.post(
        reverse("citydata:upload"),
        {"dataset": world["dataset"].pk, "file": _csv("datum,straat,aantal", f"{_day()},Hof,1")},
    )
    assert response.status_code == 400
    assert "period, street, value" in response.context["form"].errors["file"][0]
    assert not Observation.objects.exists()


def test_a_partner_cannot_upload_into_another_partners_dataset(world):
    client = Client()
    client.force_login(world["member"])
    response = client.post(
        reverse("citydata:upload"),
        {
            "dataset": world["other_dataset"].pk,
            "file": _csv("period,street,value", f"{_day()},Hof,1"),
        },
    )
    assert response.status_code == 400
    assert "dataset" in response.context["form"].errors
    assert not Observation.objects.exists()


@pytest.mark.parametrize("name", ["citydata:upload", "citydata:partner_home"])
def test_a_resident_who_is_no_partner_has_no_partner_pages(world, name):
    client = Client()
    assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name)).status_code in (404, 405)


def test_a_partner_sees_only_its_own_datasets(world):
    client = Client()
    client.force_login(world["member"])
    page = client.get(reverse("citydata:partner_home")).content.decode()
    assert world["dataset"].name_nl in page
    assert world["other_dataset"].name_nl not in page


# --- approval and the public pages --------------------------------------------------


def _approve(client, dataset):
    return client.post(
        reverse("admin:citydata_dataset_changelist"),
        {"action": "approve_for_publication", "_selected_action": [dataset.pk]},
    )


def test_staff_approve_a_dataset_and_it_appears_on_the_dashboard_and_as_open_data(world):
    _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": 4321}],
        world["plain"],
    )
    visitor = Client()
    assert (
        world["dataset"].name_nl not in visitor.get(reverse("citydata:dashboard")).content.decode()
    )
    json_url = reverse("citydata:dataset_json", kwargs={"slug": world["dataset"].slug})
    assert visitor.get(json_url).status_code == 404
    staff = Client()
    researcher = signed_in_colleague(staff, Role.RESEARCHER)
    response = _approve(staff, world["dataset"])
    assert response.status_code == 302
    world["dataset"].refresh_from_db()
    assert world["dataset"].approved_by == researcher
    assert AuditEntry.objects.filter(
        actor=researcher, summary="approve_for_publication", target_id=str(world["dataset"].pk)
    ).exists()
    page = visitor.get(reverse("citydata:dashboard")).content.decode()
    assert world["dataset"].name_nl in page
    assert "Bron: Binnenstadsondernemers. Licentie: CC BY 4.0." in page
    assert "4.321" in page or "4321" in page
    data = visitor.get(json_url).json()
    assert data["source"] == "Binnenstadsondernemers"
    assert data["licence"] == "CC BY 4.0"
    assert data["observations"] == [{"period": _day(), "street": "Hof", "value": 4321.0}]
    rows = list(
        csv.reader(
            io.StringIO(
                visitor.get(
                    reverse("citydata:dataset_csv", kwargs={"slug": world["dataset"].slug})
                ).content.decode()
            )
        )
    )
    assert rows == [
        ["period", "street", "value", "source", "licence"],
        [_day(), "Hof", "4321.00", "Binnenstadsondernemers", "CC BY 4.0"],
    ]
    open_data = visitor.get(reverse("overview:open_data")).content.decode()
    assert json_url in open_data
    assert world["other_dataset"].slug not in open_data


def test_staff_revoke_a_token_and_it_answers_401(world):
    staff = Client()
    signed_in_colleague(staff, Role.RESEARCHER)
    response = staff.post(
        reverse("admin:citydata_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [world["token"].pk]},
    )
    assert response.status_code == 302
    world["token"].refresh_from_db()
    assert world["token"].revoked_at is not None
    response = _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": 1}],
        world["plain"],
    )
    assert response.status_code == 401


def test_staff_add_a_token_and_see_it_once(world):
    staff = Client()
    signed_in_colleague(staff, Role.RESEARCHER)
    response = staff.post(
        reverse("admin:citydata_apitoken_add"), {"partner": world["partner"].pk, "name": "Kassa"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    plain = response.context["token"]
    token = ApiToken.objects.get(name="Kassa")
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain in response.content.decode()
    change = staff.get(reverse("admin:citydata_apitoken_change", args=[token.pk]))
    assert plain not in change.content.decode()


def test_the_dashboard_counts_the_portals_own_figures_in_the_inner_city():
    inner = NeighbourhoodFactory(slug="binnenstad", name="Binnenstad")
    elsewhere = NeighbourhoodFactory()
    now = timezone.now()
    ReportFactory.create_batch(3, neighbourhood=inner, submitted_at=now)
    ReportFactory(neighbourhood=elsewhere, submitted_at=now)
    EventFactory(neighbourhood=inner, starts_at=now - timedelta(hours=4), ends_at=now)
    response = Client().get(reverse("citydata:dashboard"))
    portal = response.context["dashboard"].portal
    reports, _initiatives, events = portal
    assert reports.chart["rows"][-1]["value"] == 3
    assert sum(row["value"] for row in reports.chart["rows"]) == 3
    assert events.chart["rows"][-1]["value"] == 1
    assert "Binnenstad" in response.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_datasets_and_rows(world):
    NeighbourhoodFactory(slug="binnenstad", name="Binnenstad")
    world["dataset"].approved_at = timezone.now()
    world["dataset"].save()
    _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": 1}],
        world["plain"],
    )
    member = Client()
    member.force_login(world["member"])
    urls = [
        reverse("citydata:dashboard"),
        reverse("citydata:partner_home"),
        reverse("citydata:upload"),
        reverse("overview:open_data"),
    ]
    few = [_queries(member, url) for url in urls]
    for _ in range(4):
        dataset = DatasetFactory(partner=world["partner"], approved_at=timezone.now())
        rows = [
            {"period": _day(days), "street": street, "value": days}
            for days in range(1, 60)
            for street in ("Hof", "Langestraat")
        ]
        assert _post(Client(), dataset, rows, world["plain"]).status_code == 200
    many = [_queries(member, url) for url in urls]
    assert many == few


def test_the_api_is_documented_on_a_page():
    page = Client().get(reverse("citydata:api_docs")).content.decode()
    assert "Authorization: Bearer" in page
    assert "/api/v1/partners/datasets/" in page


def test_the_api_page_is_dutch_throughout():
    page = Client(headers={"accept-language": "nl"}).get(reverse("citydata:api_docs"))
    text = page.content.decode()
    assert "Het verzoek is te groot: stuur de rijen in kleinere delen." in text
    main = text[text.index("<main") : text.index("</main>")]
    assert " body " not in main


def test_the_upload_page_names_the_period_column_periode(world):
    client = Client(headers={"accept-language": "nl"})
    client.force_login(world["member"])
    page = client.get(reverse("citydata:upload")).content.decode()
    assert '<th class="utrecht-table__header-cell" scope="col">Periode</th>' in page
    assert "Looptijd" not in page


@pytest.mark.parametrize(
    ("url", "parameter", "field"),
    [
        ("admin:citydata_dataset_changelist", "approved", "approved_at"),
        ("admin:citydata_apitoken_changelist", "revoked", "revoked_at"),
    ],
)
def test_the_back_office_filters_approved_and_revoked_by_yes_or_no(world, url, parameter, field):
    model = world["dataset"] if field == "approved_at" else world["token"]
    setattr(model, field, timezone.now())
    model.save()
    staff = Client(headers={"accept-language": "nl"})
    signed_in_colleague(staff, Role.RESEARCHER)
    listing = staff.get(reverse(url)).content.decode()
    assert "Leeg" not in listing
    assert f"?{parameter}=yes" in listing
    assert f"?{parameter}=no" in listing
    yes = staff.get(reverse(url), {parameter: "yes"}).context["cl"].result_list
    no = staff.get(reverse(url), {parameter: "no"}).context["cl"].result_list
    assert [row.pk for row in yes] == [model.pk]
    assert model.pk not in [row.pk for row in no]
    assert len(no) >= 1


# --- hostile rows ----------------------------------------------------------------------

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.sampled_from(["<script>alert(1)</script>", "1e309", "NaN", "2026-02-30", "Hof", "-1"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
ROW = st.one_of(
    st.fixed_dictionaries(
        {}, optional={"period": HOSTILE, "street": HOSTILE, "value": HOSTILE, "x": HOSTILE}
    ),
    HOSTILE,
)


@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(st.lists(ROW, max_size=5), HOSTILE))
def test_hostile_rows_never_break_the_api_and_a_refusal_stores_nothing(world, body):
    with transaction.atomic():
        before = Observation.objects.count()
        response = _post(Client(), world["dataset"], body, world["plain"])
        assert response.status_code in (200, 400), response.content
        if response.status_code == 400:
            assert Observation.objects.count() == before
            assert b"<script>" not in response.content
        else:
            # Every row stored, none left out in silence.
            assert isinstance(body, list)
            assert response.json()["stored"] == len(body)
            assert Observation.objects.count() == before + len(body)
        transaction.set_rollback(True)


def test_staff_withdraw_a_dataset_and_it_leaves_the_public_pages(world):
    world["dataset"].approved_at = timezone.now()
    world["dataset"].save()
    json_url = reverse("citydata:dataset_json", kwargs={"slug": world["dataset"].slug})
    assert Client().get(json_url).status_code == 200
    staff = Client()
    signed_in_colleague(staff, Role.RESEARCHER)
    response = staff.post(
        reverse("admin:citydata_dataset_changelist"),
        {"action": "withdraw_publication", "_selected_action": [world["dataset"].pk]},
    )
    assert response.status_code == 302
    world["dataset"].refresh_from_db()
    assert world["dataset"].approved_at is None
    assert Client().get(json_url).status_code == 404
    page = Client().get(reverse("citydata:dashboard")).content.decode()
    assert world["dataset"].name_nl not in page


def test_someone_without_the_right_cannot_approve(world):
    staff = Client()
    signed_in_colleague(staff, Role.PROCUREMENT_OFFICER)
    _approve(staff, world["dataset"])
    world["dataset"].refresh_from_db()
    assert world["dataset"].approved_at is None


# --- rows read strictly, never dropped in silence --------------------------------------


@pytest.mark.parametrize("period", [0, False, [], {}, 20260203, 1.5, True])
def test_a_period_that_is_no_text_is_refused_never_skipped(world, period):
    good = {"period": _day(), "street": "Langestraat", "value": 10}
    row = {"period": period, "street": "Hof", "value": 1}
    response = _post(Client(), world["dataset"], [good, row], world["plain"])
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"index": 1, "field": "period", "message": "Schrijf de periode als datum, JJJJ-MM-DD."}
    ]
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    "value", ["12.500", "1,000", "1.000,5", "1_000", "1e3", "١٢", "12,", ",5", "0x10"]
)
def test_a_number_written_loosely_is_refused(world, value):
    row = {"period": _day(), "street": "Hof", "value": value}
    response = _post(Client(), world["dataset"], [row], world["plain"])
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["field"] == "value"
    assert "geen scheidingstekens voor duizendtallen" in error["message"]
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("value", "stored"),
    [("12,5", "12.50"), (" 1250 ", "1250.00"), ("7.25", "7.25"), ("-0", "0.00")],
)
def test_a_number_with_a_decimal_comma_or_point_is_read(world, value, stored):
    response = _post(
        Client(),
        world["dataset"],
        [{"period": _day(), "street": "Hof", "value": value}],
        world["plain"],
    )
    assert response.status_code == 200, response.content
    assert f"{Observation.objects.get().value:.2f}" == stored


@pytest.mark.parametrize("period", ["20260203", "2026-W05-2", "2026-2-3", "٢٠٢٦-٠٢-٠٣", "2026-02"])
def test_a_day_written_otherwise_than_yyyy_mm_dd_is_refused(world, period):
    row = {"period": period, "street": "Hof", "value": 1}
    response = _post(Client(), world["dataset"], [row], world["plain"])
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"index": 0, "field": "period", "message": "Schrijf de periode als datum, JJJJ-MM-DD."}
    ]


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("202601", "Schrijf de maand als JJJJ-MM."),
        ("2026-1", "Schrijf de maand als JJJJ-MM."),
        (0, "Schrijf de maand als JJJJ-MM."),
        ("2026-01-01", "JJJJ-MM"),
    ],
)
def test_a_month_written_otherwise_than_yyyy_mm_is_refused(world, period, message):
    dataset = DatasetFactory(partner=world["partner"], granularity="month", dimensions=[])
    response = _post(Client(), dataset, [{"period": period, "value": 3}], world["plain"])
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["field"] == "period"
    assert message in error["message"]


def test_a_dimension_value_too_long_is_refused_never_a_500(world):
    long_street = "Lange" * 30  # 150 characters, in a schema that allows it all the same
    dataset = DatasetFactory(
        partner=world["partner"],
        dimensions=[
            {"name": name, "label_nl": name, "label_en": name, "values": [long_street * 4]}
            for name in ("street", "side")
        ],
    )
    row = {"period": _day(), "street": long_street * 4, "side": long_street * 4, "value": 1}
    response = _post(Client(), dataset, [row], world["plain"])
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {error["field"] for error in errors} == {"street", "side"}
    assert all(error["message"] == "Schrijf hoogstens 100 tekens." for error in errors)
    assert not Observation.objects.exists()


def test_values_too_long_together_are_refused_never_a_500(world):
    names = ("street", "side", "block", "kind", "owner")
    value = "x" * 100
    dataset = DatasetFactory(
        partner=world["partner"],
        dimensions=[{"name": n, "label_nl": n, "label_en": n, "values": [value]} for n in names],
    )
    row = {"period": _day(), **dict.fromkeys(names, value), "value": 1}
    response = _post(Client(), dataset, [row], world["plain"])
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == [
        {"index": 0, "field": "", "message": "De waarden van deze rij zijn samen te lang."}
    ]
    assert not Observation.objects.exists()


def test_a_schema_with_values_too_long_is_refused():
    dataset = DatasetFactory.build(
        dimensions=[{"name": "street", "label_nl": "s", "label_en": "s", "values": ["x" * 101]}]
    )
    with pytest.raises(ValidationError):
        dataset.full_clean(exclude=["partner"])


# --- the dashboard -----------------------------------------------------------------------


def test_the_breakdown_follows_the_schemas_first_dimension_not_the_alphabet(world):
    dataset = DatasetFactory(
        partner=world["partner"],
        approved_at=timezone.now(),
        dimensions=[
            {"name": "zone", "label_nl": "zone", "label_en": "zone", "values": ["Noord", "Zuid"]},
            {"name": "area", "label_nl": "gebied", "label_en": "area", "values": ["A", "B"]},
        ],
    )
    day = timezone.localdate()
    rows = [
        {"period": day.isoformat(), "zone": "Noord", "area": "A", "value": 5},
        {"period": day.isoformat(), "zone": "Noord", "area": "B", "value": 7},
        {"period": day.isoformat(), "zone": "Zuid", "area": "B", "value": 11},
    ]
    assert _post(Client(), dataset, rows, world["plain"]).status_code == 200
    months = dashboard.months_until(day)
    [series] = dashboard.partner_series(months, "nl")
    assert series.dimension_label == "zone"
    assert [(label, values[-1]) for label, values in series.breakdown] == [
        ("Noord", 12),
        ("Zuid", 11),
    ]


@pytest.fixture
def cached_pages(settings, redis_cache):
    """The dashboard's figures stored and visitors' pages cached, as in production."""
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 600
    settings.PORTAL_VISITOR_CACHE_SECONDS = 600


@pytest.mark.parametrize("language", ["nl", "en"])
def test_approving_and_withdrawing_shows_on_the_dashboard_at_once(
    world, cached_pages, django_capture_on_commit_callbacks, language
):
    dataset = world["dataset"]
    _post(Client(), dataset, [{"period": _day(), "street": "Hof", "value": 4321}], world["plain"])
    visitor = Client()
    visitor.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    name = dataset.name_for(language)
    url = reverse("citydata:dashboard")
    assert name not in visitor.get(url).content.decode()  # figures stored, page cached
    staff = Client()
    signed_in_colleague(staff, Role.RESEARCHER)
    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(staff, dataset).status_code == 302
    assert name in visitor.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:citydata_dataset_changelist"),
            {"action": "withdraw_publication", "_selected_action": [dataset.pk]},
        )
    assert response.status_code == 302
    assert name not in visitor.get(url).content.decode()


# --- the API's limits ---------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_as_json_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    rows = [{"period": _day(), "street": "Hof", "value": n} for n in range(40)]
    response = _post(Client(), world["dataset"], rows, world["plain"])
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == (
        "Het verzoek is groter dan 1000 bytes: stuur hoogstens 20000 rijen tegelijk."
    )
    assert not Observation.objects.exists()


def test_a_body_nested_too_deep_is_refused_as_json_400(world):
    response = Client().post(
        reverse("citydata:api_observations", kwargs={"slug": world["dataset"].slug}),
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['plain']}",
    )
    assert response.status_code == 400
    assert (
        response.json()["error"]
        == "De inhoud van het verzoek is te diep genest: stuur een lijst met rijen."
    )


# --- a schema once rows exist ---------------------------------------------------------------


def _form_data(dataset, **changes):
    data = {
        "partner": dataset.partner_id,
        "slug": dataset.slug,
        "name_nl": dataset.name_nl,
        "name_en": dataset.name_en,
        "description_nl": "",
        "description_en": "",
        "granularity": dataset.granularity,
        "dimensions": json.dumps(dataset.dimensions),
        "measure_nl": dataset.measure_nl,
        "measure_en": dataset.measure_en,
        "unit": dataset.unit,
        "aggregation": dataset.aggregation,
        "minimum": "0",
        "maximum": "100000",
        "licence": dataset.licence,
        "source": dataset.source,
    }
    return {**data, **changes}


def test_once_a_dataset_holds_rows_its_owner_period_and_dimensions_stay(world):
    dataset = world["dataset"]
    staff = Client()
    signed_in_colleague(staff, Role.RESEARCHER)
    url = reverse("admin:citydata_dataset_change", args=[dataset.pk])
    form = staff.get(url).content.decode()
    assert 'name="granularity"' in form  # no rows yet: all of it may change
    _post(Client(), dataset, [{"period": _day(), "street": "Hof", "value": 1}], world["plain"])
    form = staff.get(url).content.decode()
    assert 'name="granularity"' not in form
    assert 'name="partner"' not in form
    other = world["other_dataset"].partner_id
    for dimensions in (
        [{"name": "zone", "label_nl": "zone", "label_en": "zone", "values": ["Hof"]}],
        [{"name": "street", "label_nl": "straat", "label_en": "street", "values": ["Hof"]}],
        [],
    ):
        response = staff.post(
            url,
            _form_data(
                dataset, dimensions=json.dumps(dimensions), granularity="month", partner=other
            ),
        )
        assert response.status_code == 200
        assert "Deze dataset bevat rijen" in response.content.decode()
    dataset.refresh_from_db()
    assert dataset.dimension_names() == ["street"]
    # Labels may change and values be added; owner and period stay whatever is sent.
    grown = [
        {
            "name": "street",
            "label_nl": "winkelstraat",
            "label_en": "shopping street",
            "values": [*STREETS, "Vismarkt"],
        }
    ]
    response = staff.post(
        url, _form_data(dataset, dimensions=json.dumps(grown), granularity="month", partner=other)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dataset.refresh_from_db()
    assert dataset.dimensions == grown
    assert dataset.granularity == "day"
    assert dataset.partner == world["partner"]


def test_the_dashboard_says_the_day_and_the_time_of_its_figures(world):
    page = Client().get(reverse("citydata:dashboard")).content.decode()
    now = timezone.localtime()
    assert f"Cijfers van {now:%-d} " in page
    assert f" {now.year}, " in page


def test_a_value_below_zero_draws_no_bar_backwards():
    chart = bar_chart([("jan", -5), ("feb", 10), ("mrt", 0)])
    assert [row["length"] for row in chart["rows"]] == [0, 320, 0]
    assert [row["text"] for row in chart["rows"]] == ["-5", "10", "0"]
    chart = bar_chart([("jan", -5), ("feb", -1)])
    assert [row["length"] for row in chart["rows"]] == [0, 0]


@pytest.mark.parametrize(("aggregation", "expected"), [("sum", 36), ("average", 12), ("last", 14)])
def test_a_stock_is_shown_per_month_as_its_dataset_says(world, aggregation, expected):
    dataset = DatasetFactory(
        partner=world["partner"], approved_at=timezone.now(), aggregation=aggregation
    )
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
    # Three counts of vacant units in the Hof last month, oldest first: 10, 12, 14
    # (sent in another order: the last is the latest period, not the last sent).
    for days, number in ((2, 14), (0, 10), (1, 12)):
        day = month + timedelta(days=days)
        Observation.objects.create(
            dataset=dataset,
            period=day,
            dimension_values={"street": "Hof"},
            key=dimension_key({"street": "Hof"}),
            value=number,
        )
    [series] = dashboard.partner_series(dashboard.months_until(today), "nl")
    assert series.chart["rows"][-2]["value"] == expected
    assert series.breakdown[-1] == ("Hof", [None] * 10 + [expected, None])


def test_a_month_without_data_is_no_data_in_the_chart_and_its_table(world):
    dataset = world["dataset"]
    _post(Client(), dataset, [{"period": _day(), "street": "Hof", "value": 5}], world["plain"])
    dataset.approved_at = timezone.now()
    dataset.save()
    months = dashboard.months_until(timezone.localdate())
    (series,) = dashboard.partner_series(months, "nl")
    rows = series.chart["rows"]
    month = dashboard._month_of(timezone.localdate() - timedelta(days=1))
    assert [row["value"] for row in rows].count(None) == len(months) - 1
    assert rows[months.index(month)]["value"] == 5
    assert rows[months.index(month) - 1]["text"] == "geen gegevens"
