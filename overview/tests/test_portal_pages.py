"""Home, find-your-neighbourhood, search, the city dashboard, my page and open data."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from initiatives.models import Follow, Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.models import AgendaVote, NeighbourhoodFollow, Programme
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    EventFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)
from notifications.tests.factories import NotificationFactory
from overview import dashboard
from procurement.models import Interest, Tender
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory, TenderFactory
from surveys.models import Invitation, Survey
from surveys.tests.factories import PanelMemberFactory, SurveyFactory

pytestmark = pytest.mark.django_db

PERSON_EMAIL = "pimpelmees.k4@example.nl"
PERSON_NAME = "Pimpelmees K4"


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response
    return len(queries)


def make_world(count: int, person=None):
    """``count`` of everything the portal-wide pages show, credited to ``person``."""
    person = (
        person
        or User.objects.filter(email=PERSON_EMAIL).first()
        or UserFactory(email=PERSON_EMAIL, display_name=PERSON_NAME)
    )
    neighbourhood = NeighbourhoodFactory(postcodes="3811")
    now = timezone.now()
    for number in range(count):
        initiative = InitiativeFactory(
            title=f"Speeltuin aan de haven {number}",
            status=Status.ACCEPTED,
            initiator=person,
            neighbourhood=neighbourhood,
            latitude=52.15,
            longitude=5.38,
            support=["money"],
        )
        Initiative.objects.filter(pk=initiative.pk).update(
            responded_at=now - timedelta(days=1), decided_at=now - timedelta(days=1)
        )
        Support.objects.create(initiative=initiative, user=person)
        Follow.objects.create(initiative=initiative, user=person)
        item = AgendaItemFactory(
            neighbourhood=neighbourhood, title=f"Speeltuin opknappen {number}", proposed_by=person
        )
        programme = ProgrammeFactory(
            neighbourhood=NeighbourhoodFactory(), year=2000 + number, published_at=now
        )
        project = ProgrammeProjectFactory(programme=programme, title=f"Speeltuin {number}")
        project.agenda_items.add(item)
        project.initiatives.add(initiative)
        EventFactory(neighbourhood=neighbourhood, title=f"Feest in de speeltuin {number}")
        TenderFactory(title=f"Toestellen voor de speeltuin {number}", status=Tender.Status.PLANNED)
        SurveyFactory(
            title=f"Peiling over de speeltuin {number}",
            audience=Survey.Audience.OPEN,
            results_published_at=now,
        )
        NotificationFactory(recipient=person)
    NeighbourhoodFollow.objects.get_or_create(neighbourhood=neighbourhood, user=person)
    return person


@pytest.fixture
def person(db):
    return UserFactory(email=PERSON_EMAIL, display_name=PERSON_NAME)


# --- home ---------------------------------------------------------------------------


def test_home_shows_what_is_happening_now_and_no_drafts(client):
    make_world(2)
    InitiativeFactory(title="Geheim concept", status=Status.DRAFT)
    page = client.get(reverse("home")).content.decode()
    assert "Speeltuin aan de haven 1" in page
    assert "Feest in de speeltuin" in page
    assert "Toestellen voor de speeltuin" in page
    assert "Peiling over de speeltuin" in page
    assert "Speeltuin opknappen" in page
    assert "Geheim concept" not in page


def test_home_query_count_is_the_same_for_1_and_many(client):
    make_world(1)
    one = count_queries(client, reverse("home"))
    make_world(8)
    assert count_queries(client, reverse("home")) == one


# --- find your neighbourhood ----------------------------------------------------------


def test_postcode_in_one_neighbourhood_goes_straight_there(client):
    neighbourhood = NeighbourhoodFactory(postcodes="3811-3812, 3817")
    response = client.get(reverse("neighbourhoods:find"), {"postcode": "3812 ab"})
    assert response.status_code == 302
    assert response["Location"] == neighbourhood.get_absolute_url()


def test_postcode_across_a_boundary_offers_a_choice(client):
    NeighbourhoodFactory(name="Oost", postcodes="3816")
    NeighbourhoodFactory(name="West", postcodes="3815-3816")
    page = client.get(reverse("neighbourhoods:find"), {"postcode": "3816"}).content.decode()
    assert "Oost" in page
    assert "West" in page


@pytest.mark.parametrize("value", ["abc", "0123", "38111", "<script>", "1234 ZZZ", ""])
def test_bad_postcode_gets_a_message_beside_the_field(client, value):
    response = client.get(reverse("neighbourhoods:find"), {"postcode": value})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


def test_unknown_postcode_says_so_and_lists_all(client):
    NeighbourhoodFactory(name="Centrum", postcodes="3811")
    page = client.get(reverse("neighbourhoods:find"), {"postcode": "9999"}).content.decode()
    assert "Centrum" in page
    assert 'role="status"' in page


@pytest.mark.parametrize("value", ["38", "3811-", "2000-1000", "1000-9999", "abc"])
def test_postcode_areas_must_read(value):
    from django.core.exceptions import ValidationError

    neighbourhood = NeighbourhoodFactory.build(postcodes=value, cbs_code="WK123456")
    with pytest.raises(ValidationError) as error:
        neighbourhood.full_clean(exclude=["slug", "name"])
    assert "postcodes" in error.value.message_dict


# --- search ---------------------------------------------------------------------------


def test_search_groups_hits_by_kind(client):
    make_world(1)
    NeighbourhoodFactory()
    response = client.get(reverse("overview:search"), {"q": "speeltuin"})
    groups = {group.kind.key: group.hits for group in response.context["groups"]}
    assert set(groups) == {"initiatives", "agenda", "projects", "events", "tenders", "results"}
    page = client.get(reverse("overview:search"), {"q": "privacy"}).content.decode()
    assert reverse("overview:page", args=["privacy"]) in page


def test_search_leaves_out_what_is_not_public(client):
    InitiativeFactory(title="Verborgen speeltuin", status=Status.DRAFT)
    TenderFactory(title="Verborgen speeltuin", status=Tender.Status.DRAFT)
    SurveyFactory(title="Verborgen speeltuin")  # results not published
    ProgrammeProjectFactory(
        programme=ProgrammeFactory(published_at=None), title="Verborgen speeltuin"
    )
    response = client.get(reverse("overview:search"), {"q": "verborgen"})
    assert response.context["groups"] == []
    assert "Niets gevonden" in response.content.decode()


def test_search_uses_dutch_stemming_on_postgresql_and_words_on_sqlite(client):
    InitiativeFactory(title="Nieuwe speeltuinen voor de wijk", status=Status.SUBMITTED)
    hits = client.get(reverse("overview:search"), {"q": "speeltuin wijk"}).context["groups"]
    assert [hit.title for hit in hits[0].hits] == ["Nieuwe speeltuinen voor de wijk"]
    stemmed = client.get(reverse("overview:search"), {"q": "speeltuinen wijken"}).context["groups"]
    if connection.vendor == "postgresql":
        assert stemmed, "Dutch stemming: 'wijken' finds 'wijk'"
    else:
        assert stemmed == [], "SQLite looks for the words themselves"


def test_search_answers_htmx_with_the_results_region_only(client):
    make_world(1)
    response = client.get(reverse("overview:search"), {"q": "speeltuin"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="search-results"')
    assert "<html" not in body
    assert response["Vary"]
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("text", ["x" * 5000, "' OR 1=1 --", "<script>alert(1)</script>", "\x01"])
def test_search_survives_hostile_input(client, text):
    response = client.get(reverse("overview:search"), {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_search_with_a_nul_character_is_a_clean_400(client):
    """A NUL never comes from a person; every view refuses it the same way."""
    assert client.get(reverse("overview:search"), {"q": "a\x00b"}).status_code == 400


def test_search_query_count_is_the_same_for_1_and_many(client):
    make_world(1)
    one = count_queries(client, reverse("overview:search"), {"q": "speeltuin"})
    make_world(9)
    assert count_queries(client, reverse("overview:search"), {"q": "speeltuin"}) == one


# --- the city dashboard -----------------------------------------------------------------


def _answered(days: int, *, late: bool = False, **kwargs):
    submitted = timezone.now() - timedelta(days=40)
    initiative = InitiativeFactory(status=Status.ACCEPTED, **kwargs)
    Initiative.objects.filter(pk=initiative.pk).update(
        submitted_at=submitted,
        responded_at=submitted + timedelta(days=days),
        response_due=(submitted + timedelta(days=days - 1 if late else days + 5)).date(),
    )


def test_answer_times_median_p90_and_share_on_time():
    for days in [1, 2, 3, 4, 5, 6, 7, 8, 9]:
        _answered(days)
    _answered(30, late=True)
    times = dashboard.answer_times(dashboard.Period.last_twelve_months())
    assert times.answered == 10
    assert times.median_days == pytest.approx(5.5, abs=0.05)
    assert times.p90_days == pytest.approx(11.1, abs=0.05)
    assert times.within_deadline == 9
    assert times.within_deadline_share == 90


def test_dashboard_period_leaves_out_what_falls_outside():
    _answered(3)
    long_ago = dashboard.Period(
        timezone.localdate().replace(year=2001), timezone.localdate().replace(year=2002)
    )
    built = dashboard.build(long_ago)
    assert built.answer_times.answered == 0
    figures = {figure.key: figure for figure in built.figures}
    assert sum(value for _label, value in figures["initiatives_by_status"].rows) == 0


def test_dashboard_counts_local_and_sme_suppliers():
    SupplierFactory(postcode="3811 AB", staff_count=5, turnover="2m")
    SupplierFactory(postcode="1011 AB", staff_count=500, turnover="50m+")
    built = dashboard.build(dashboard.Period.last_twelve_months())
    suppliers = dict(next(f for f in built.figures if f.key == "suppliers").rows)
    assert suppliers["Alle"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-05-01", "end": "2026-01-01"}, "end"),
        ({"start": "gisteren", "end": "2026-01-01"}, "start"),
        ({"start": "1990-01-01", "end": "2026-01-01"}, "end"),
        ({"start": "2026-01-01"}, "end"),
    ],
)
def test_dashboard_bad_period_gets_a_message_beside_the_field(client, params, field):
    response = client.get(reverse("overview:dashboard"), params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert client.get(reverse("overview:dashboard_csv"), params).status_code == 400


def test_dashboard_csv_holds_every_figure(client):
    make_world(2)
    response = client.get(reverse("overview:dashboard_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    keys = {row["figure"] for row in rows}
    page = client.get(reverse("overview:dashboard"))
    figures = page.context["dashboard"].figures
    expected = {figure.key for figure in figures if figure.rows} | {"answer_times"}
    assert len(expected) >= 7
    assert expected <= keys


def test_dashboard_query_count_is_the_same_for_1_and_many(client, settings):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0  # count the computation itself
    make_world(1)
    one = count_queries(client, reverse("overview:dashboard"))
    make_world(8)
    assert count_queries(client, reverse("overview:dashboard")) == one


def test_dashboard_figures_are_cached_for_a_while_and_say_when(client, settings):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 600
    make_world(2)
    first = count_queries(client, reverse("overview:dashboard"))
    again = count_queries(client, reverse("overview:dashboard"))
    assert again < first
    assert again <= 2  # the session and the user at most; no figure is counted again
    assert "Cijfers van" in client.get(reverse("overview:dashboard")).content.decode()


# --- my page -------------------------------------------------------------------------


def test_my_page_shows_ones_own_part_everywhere(client):
    person = make_world(2)
    member = PanelMemberFactory(user=person)
    survey = SurveyFactory()
    Invitation.objects.create(
        survey=survey, member=member, token_hash="c" * 64, sent_at=timezone.now()
    )
    supplier = SupplierFactory()
    SupplierMemberFactory(supplier=supplier, user=person)
    tender = TenderFactory(title="Bankjes leveren")
    Interest.objects.create(tender=tender, supplier=supplier)
    item = AgendaItemFactory()
    AgendaVote.objects.create(
        item=item,
        user=person,
        neighbourhood=item.neighbourhood,
        year=timezone.localdate().year,
        slot=1,
    )
    client.force_login(person)
    response = client.get(reverse("overview:my_page"))
    page = response.content.decode()
    for text in [
        "Speeltuin aan de haven 1",
        survey.title,
        "Bankjes leveren",
        item.neighbourhood.name,
    ]:
        assert text in page
    left = {row.neighbourhood.pk: row.left for row in response.context["votes_left"]}
    assert left[item.neighbourhood.pk] == item.neighbourhood.vote_budget - 1


def test_my_page_shows_nothing_of_another_resident(client):
    make_world(1)
    other = UserFactory()
    client.force_login(other)
    page = client.get(reverse("overview:my_page")).content.decode()
    assert "Speeltuin aan de haven" not in page


def test_my_page_needs_an_account(client):
    response = client.get(reverse("overview:my_page"))
    assert response.status_code == 302


def test_my_page_query_count_is_the_same_for_1_and_many(client):
    person = make_world(1)
    client.force_login(person)
    one = count_queries(client, reverse("overview:my_page"))
    make_world(8, person=person)
    assert count_queries(client, reverse("overview:my_page")) == one


# --- open data ----------------------------------------------------------------------

ENDPOINT_FIELDS = {
    "overview:api_initiatives": {
        "id", "title", "summary", "status", "neighbourhood", "theme", "support_asked",
        "amount_requested", "latitude", "longitude", "submitted_at", "response_due",
        "responded_at", "decided_at", "supporters", "url",
    },
    "overview:api_agenda_items": {
        "id", "neighbourhood", "title", "description", "location", "origin", "status",
        "answer", "votes", "initiative", "created_at", "url",
    },
    "overview:api_programmes": {
        "id", "neighbourhood", "year", "introduction", "budget", "published_at", "url",
        "projects",
    },
    "overview:api_events": {
        "id", "kind", "title", "description", "neighbourhood", "location", "starts_at",
        "ends_at", "cancelled", "url",
    },
    "overview:api_surveys": {
        "slug", "title", "kind", "opens_at", "closes_at", "results_published_at", "results",
        "url",
    },
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ENDPOINT_FIELDS))
def test_open_data_lists_have_stable_fields_and_pages(client, name):
    make_world(2)
    data = client.get(reverse(name)).json()
    assert data["count"] >= 1
    assert {"count", "next", "previous", "results"} <= set(data)
    assert set(data["results"][0]) == ENDPOINT_FIELDS[name]


@pytest.mark.parametrize(
    "name",
    [
        *sorted(ENDPOINT_FIELDS),
        "overview:api_indicators",
        "overview:api_neighbourhoods_geojson",
        "overview:api_initiatives_geojson",
    ],
)
def test_open_data_holds_no_personal_data(client, name):
    make_world(2)
    text = client.get(reverse(name)).content.decode()
    assert PERSON_EMAIL not in text
    assert PERSON_NAME not in text
    for word in ("initiator", "email", "proposed_by", "assignee", "contact", "respondent"):
        assert word not in text


@pytest.mark.parametrize(
    "name",
    [*sorted(ENDPOINT_FIELDS), "overview:api_initiatives_geojson", "overview:api_indicators"],
)
def test_open_data_query_count_is_the_same_for_1_and_many(client, name):
    make_world(1)
    one = count_queries(client, reverse(name))
    make_world(7)
    assert count_queries(client, reverse(name)) == one


def test_survey_results_endpoint_gives_numbers_not_answers(client):
    survey = SurveyFactory(results_published_at=timezone.now())
    data = client.get(reverse("overview:api_survey_results", args=[survey.slug])).json()
    assert data["slug"] == survey.slug
    assert isinstance(data["questions"], list)
    unpublished = SurveyFactory()
    response = client.get(reverse("overview:api_survey_results", args=[unpublished.slug]))
    assert response.status_code == 404


def test_geojson_puts_longitude_first(client):
    make_world(1)
    data = client.get(reverse("overview:api_initiatives_geojson")).json()
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"]["coordinates"] == [5.38, 52.15]
    neighbourhoods = json.loads(client.get(reverse("overview:api_neighbourhoods_geojson")).content)
    assert neighbourhoods["type"] == "FeatureCollection"


@pytest.mark.parametrize(("page", "status"), [("x", 400), ("0", 404), ("99", 404), ("1", 200)])
def test_open_data_paging_answers_bad_pages_cleanly(client, page, status):
    make_world(1)
    assert client.get(reverse("overview:api_initiatives"), {"page": page}).status_code == status


def test_programmes_endpoint_leaves_out_unpublished(client):
    ProgrammeFactory(published_at=None)
    data = client.get(reverse("overview:api_programmes")).json()
    assert data["count"] == Programme.objects.published().count() == 0


def test_home_page_weight_stays_under_150_kb_compressed(client):
    """HTML, CSS and JavaScript of the home page together, gzipped, images excluded."""
    import gzip
    import re

    from django.conf import settings
    from django.contrib.staticfiles import finders

    make_world(5)
    html = client.get(reverse("home")).content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    assert len(assets) >= 3, "the stylesheets and scripts were found"
    total = len(gzip.compress(html))
    for asset in assets:
        path = finders.find(asset.decode().removeprefix(settings.STATIC_URL))
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    assert total < 150_000, f"{total} bytes"


def test_dashboard_shows_the_programme_budget_as_money_not_as_a_number(client):
    """Review walk 5: "375000" under the heading "Aantal"."""
    ProgrammeProjectFactory(
        programme=ProgrammeFactory(published_at=timezone.now()), budget=375_000, spent=0
    )
    page = client.get(reverse("overview:dashboard")).content.decode()
    table = page.split('id="programme_budget-caption"', 1)[1].split("</table>", 1)[0]
    assert "€ 375.000" in table
    assert "375000" not in table
    assert "Aantal" not in table
    # Other figures still count under "Number".
    assert "Aantal" in page.split('id="suppliers-caption"', 1)[1].split("</table>", 1)[0]
