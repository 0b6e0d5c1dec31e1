"""A write renews only what can show it (common.public_cache's tags), on the real Redis
(TEST_REDIS_URL): for each kind of write, the page that shows the change is fresh at once
and a page that does not is still served from the cache (no query at all); writes that
change nothing public (a sign-in, a language switch, a page of a survey) renew nothing.
And the round trips to Redis a page costs, counted."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, sign_in_staff
from common import public_cache
from conftest import REDIS_KEY_PREFIX
from initiatives import actions as initiative_actions
from initiatives.models import Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def caching(settings, redis_cache):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}


def from_cache(url: str) -> bool:
    """A visitor gets the page without a single query: it came from the cache."""
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(url)
    assert page.status_code == 200
    return len(queries) == 0


def visit(*urls: str) -> None:
    """Visitors ask for the pages: each is cached from now on."""
    for url in urls:
        assert Client().get(url).status_code == 200
        assert from_cache(url), url


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def tags_now() -> dict:
    """Every tag generation in the cache (a write that renews nothing leaves them)."""
    client = public_cache.cache._cache.get_client()
    pattern = f"{REDIS_KEY_PREFIX}:*{public_cache.TAG_KEY}*"
    keys = [key.decode() for key in client.keys(pattern)]
    return {key: client.get(key) for key in keys}


@pytest.fixture
def two_initiatives():
    north, south = NeighbourhoodFactory(name="Noord"), NeighbourhoodFactory(name="Zuid")
    ours = InitiativeFactory(status=Status.SUBMITTED, title="Bankjes", neighbourhood=north)
    other = InitiativeFactory(status=Status.SUBMITTED, title="Speeltuin", neighbourhood=south)
    return ours, other


def test_a_support_renews_its_initiative_and_the_lists_not_other_initiatives(two_initiatives):
    ours, other = two_initiatives
    lists = reverse("initiatives:list")
    visit(ours.get_absolute_url(), other.get_absolute_url(), lists)
    visit(ours.neighbourhood.get_absolute_url(), reverse("reports:list"))
    response = signed_in(UserFactory()).post(reverse("initiatives:support", args=[ours.pk]))
    assert response.status_code in (200, 302)
    assert "1 steunbetuiging" in Client().get(ours.get_absolute_url()).text
    assert "1 steunbetuiging" in Client().get(lists).text
    assert from_cache(other.get_absolute_url())
    # Its neighbourhood's page names it, but counts no supporters; other apps' pages.
    assert from_cache(ours.neighbourhood.get_absolute_url())
    assert from_cache(reverse("reports:list"))


def test_a_comment_renews_its_initiative_only(two_initiatives):
    ours, other = two_initiatives
    visit(ours.get_absolute_url(), other.get_absolute_url(), reverse("initiatives:list"))
    response = signed_in(UserFactory()).post(
        reverse("initiatives:comment", args=[ours.pk]), {"text": "Goed plan voor de buurt"}
    )
    assert response.status_code == 302
    assert "Goed plan voor de buurt" in Client().get(ours.get_absolute_url()).text
    assert from_cache(other.get_absolute_url())
    assert from_cache(reverse("initiatives:list"))


def test_a_priority_vote_renews_its_neighbourhoods_pages_only(two_initiatives):
    ours, other = two_initiatives
    item = AgendaItemFactory(neighbourhood=ours.neighbourhood, title="Meer groen")
    AgendaItemFactory(neighbourhood=other.neighbourhood, title="Minder verkeer")
    agenda = reverse("neighbourhoods:agenda", args=[ours.neighbourhood.slug])
    other_agenda = reverse("neighbourhoods:agenda", args=[other.neighbourhood.slug])
    visit(agenda, other_agenda, ours.neighbourhood.get_absolute_url(), ours.get_absolute_url())
    voter = signed_in(UserFactory())
    response = voter.post(
        reverse("neighbourhoods:agenda_vote", args=[ours.neighbourhood.slug, item.pk])
    )
    assert response.status_code == 302
    assert "1 prioriteitsstem" in Client().get(agenda).text
    assert "1 prioriteitsstem" in Client().get(ours.neighbourhood.get_absolute_url()).text
    assert from_cache(other_agenda)
    assert from_cache(ours.get_absolute_url())


def test_deletes_renew_the_same_pages_as_saves(two_initiatives):
    """A support taken back (a delete) and an agenda item deleted with its votes (a
    cascade) renew what showed them; other pages stay cached."""
    ours, other = two_initiatives
    supporter = signed_in(UserFactory())
    supporter.post(reverse("initiatives:support", args=[ours.pk]))
    item = AgendaItemFactory(neighbourhood=ours.neighbourhood, title="Meer groen")
    supporter.post(reverse("neighbourhoods:agenda_vote", args=[ours.neighbourhood.slug, item.pk]))
    agenda = reverse("neighbourhoods:agenda", args=[ours.neighbourhood.slug])
    visit(ours.get_absolute_url(), other.get_absolute_url(), agenda)
    supporter.post(reverse("initiatives:support", args=[ours.pk]), {"withdraw": "1"})
    assert "0 steunbetuigingen" in Client().get(ours.get_absolute_url()).text
    item.delete()
    assert "Meer groen" not in Client().get(agenda).text
    assert from_cache(other.get_absolute_url())


def test_a_status_change_in_the_back_office_renews_the_initiative_and_where_it_is_named(
    two_initiatives,
):
    ours, other = two_initiatives
    visit(ours.get_absolute_url(), other.get_absolute_url(), reverse("surveys:list"))
    visit(ours.neighbourhood.get_absolute_url())
    initiative_actions.change_initiative_status(
        initiative=ours, to=Status.IN_REVIEW, by=StaffFactory(), message_key="in_review"
    )
    assert "In behandeling" in Client().get(ours.get_absolute_url()).text
    assert "In behandeling" in Client().get(ours.neighbourhood.get_absolute_url()).text
    assert from_cache(other.get_absolute_url())
    assert from_cache(reverse("surveys:list"))


def test_a_bulk_action_in_the_back_office_renews_the_chosen_initiatives_only(two_initiatives):
    ours, other = two_initiatives
    visit(ours.get_absolute_url(), other.get_absolute_url(), reverse("initiatives:list"))
    colleague = StaffFactory(is_superuser=True, display_name="Fatima de Vries")
    back_office = Client()
    sign_in_staff(back_office, colleague)
    response = back_office.post(
        reverse("admin:initiatives_initiative_changelist"),
        {"action": "assign_to_me", "_selected_action": [ours.pk]},
    )
    assert response.status_code == 302
    assert "Fatima de Vries" in Client().get(ours.get_absolute_url()).text
    assert from_cache(other.get_absolute_url())
    assert from_cache(reverse("initiatives:list"))


def test_a_public_space_report_renews_the_reports_pages_only(two_initiatives):
    from reports.tests.factories import ReportFactory

    ours, _other = two_initiatives
    visit(reverse("reports:list"), ours.get_absolute_url(), reverse("initiatives:list"))
    report = ReportFactory(description="Lantaarnpaal kapot")
    assert f"Melding {report.pk}" in Client().get(reverse("reports:list")).text
    assert from_cache(ours.get_absolute_url())
    assert from_cache(reverse("initiatives:list"))


def test_reporting_a_comment_to_the_moderators_renews_nothing(two_initiatives):
    ours, _other = two_initiatives
    comment = CommentFactory(initiative=ours, text="Iets grofs")
    visit(ours.get_absolute_url())
    before = tags_now()
    response = signed_in(UserFactory()).post(
        reverse("initiatives:report", args=[comment.pk]), {"reason": "Dit is grof"}
    )
    assert response.status_code in (200, 302)
    assert tags_now() == before
    assert from_cache(ours.get_absolute_url())


def test_a_tender_change_renews_the_procurement_pages_only(two_initiatives):
    from procurement.tests.factories import TenderFactory

    ours, _other = two_initiatives
    tender = TenderFactory(title="Onderhoud parken 2027")
    calendar = reverse("procurement:calendar")
    page = reverse("procurement:tender", args=[tender.pk])
    visit(calendar, page, ours.get_absolute_url())
    tender.title = "Onderhoud parken en plantsoenen 2027"
    tender.save()
    assert "Onderhoud parken en plantsoenen 2027" in Client().get(calendar).text
    assert "Onderhoud parken en plantsoenen 2027" in Client().get(page).text
    assert from_cache(ours.get_absolute_url())


def test_a_survey_page_answered_renews_nothing(two_initiatives):
    from surveys.models import Survey
    from surveys.tests.factories import QuestionFactory, SurveyFactory

    ours, _other = two_initiatives
    survey = SurveyFactory(audience=Survey.Audience.OPEN)
    first = QuestionFactory(survey=survey, page=1)
    QuestionFactory(survey=survey, page=2)
    visit(reverse("surveys:list"), ours.get_absolute_url())
    before = tags_now()
    resident = Client()
    resident.get(reverse("surveys:start", args=[survey.slug]))
    response = resident.post(reverse("surveys:page", args=[survey.slug, 1]), {str(first.pk): "7"})
    assert response.status_code == 302
    assert tags_now() == before
    assert from_cache(reverse("surveys:list"))
    assert from_cache(ours.get_absolute_url())


def test_signing_in_and_switching_language_renew_nothing(two_initiatives):
    ours, _other = two_initiatives
    visit(ours.get_absolute_url(), reverse("initiatives:list"))
    before = tags_now()
    person = UserFactory()
    client = Client()
    signed = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert signed.status_code == 302
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302
    visitor = Client()
    visitor.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert tags_now() == before
    assert from_cache(ours.get_absolute_url())
    assert from_cache(reverse("initiatives:list"))


def test_a_rename_of_shared_reference_data_renews_everything(two_initiatives):
    """A theme (like a category) shows on every page of its kind: everything moves on."""
    ours, other = two_initiatives
    visit(ours.get_absolute_url(), other.get_absolute_url(), reverse("reports:list"))
    theme = ours.theme
    theme.name_nl = "Spelen en bewegen"
    theme.save()
    assert not from_cache(other.get_absolute_url())
    assert not from_cache(reverse("reports:list"))


def test_round_trips_to_redis_per_page(two_initiatives, count_cache_calls):
    """A visitor's page costs one round trip when cached and two when not (look up the
    page with its tags; store it with its parts); a list page one more per cached
    value it reads (its count and filter form; its results are a part of the page, not
    looked up while a visitor's page is rendered). A signed-in resident's initiative page
    reads its tags and all its cached parts with the first part (one round trip) and
    stores what it rendered in one more."""
    ours, _other = two_initiatives
    url = ours.get_absolute_url()
    with count_cache_calls() as miss:
        Client().get(url)
    with count_cache_calls() as hit:
        Client().get(url)
    assert [name for name, _args in miss] == ["get_many", "set_many"]
    assert [name for name, _args in hit] == ["get_many"]
    public_cache.bump(f"initiative:{ours.pk}")
    resident = signed_in(UserFactory())
    with count_cache_calls() as signed_in_miss:
        resident.get(url)
    with count_cache_calls() as signed_in_hit:
        resident.get(url)
    assert [name for name, _args in signed_in_miss] == ["get_many", "set_many"]
    assert [name for name, _args in signed_in_hit] == ["get_many"]
    lists = reverse("initiatives:list")
    with count_cache_calls() as list_miss:
        Client().get(lists)
    with count_cache_calls() as list_hit:
        Client().get(lists)
    # The page; the cached count and filter form (shared with other pages and with
    # signed-in readers, so looked up); the store of all of them with the results.
    assert [name for name, _args in list_miss] == ["get_many"] * 3 + ["set_many"]
    assert len(list_hit) == 1


def test_every_page_of_a_list_shares_its_filter_form(two_initiatives):
    """The filter form is rendered once for what was asked of its fields: another page
    number (or anything else in the address) reads it from the cache without a query,
    another filter renders it anew."""
    from django.http import QueryDict

    from initiatives.forms import InitiativeFilterForm

    first = InitiativeFilterForm(QueryDict("pagina=2")).render()
    with CaptureQueriesContext(connection) as queries:
        again = InitiativeFilterForm(QueryDict("pagina=3&utm_source=nieuwsbrief")).render()
    assert again == first
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        filtered = InitiativeFilterForm(QueryDict("pagina=3&status=submitted")).render()
    assert len(queries) > 0
    assert 'value="submitted" selected' in filtered
    assert 'value="submitted" selected' not in first


def test_a_write_while_a_signed_in_page_is_built_never_stamps_its_old_part_as_new(
    two_initiatives, monkeypatch
):
    """A resident's page reads the row, then another request changes it and renews the
    tags, then the page renders its cached part from the row it read: that part must not
    be kept as if it were rendered after the change."""
    from initiatives import views as initiative_views
    from initiatives.models import Initiative

    ours, _other = two_initiatives
    reader = signed_in(UserFactory())
    original = initiative_views.get_initiative_page
    raced = []

    def read_then_someone_writes(request, pk):
        initiative = original(request, pk)
        if not raced:
            raced.append(pk)
            Initiative.objects.filter(pk=pk).update(summary="Nu met een moestuin erbij")
        return initiative

    monkeypatch.setattr(initiative_views, "get_initiative_page", read_then_someone_writes)
    first = reader.get(ours.get_absolute_url())
    assert "Nu met een moestuin erbij" not in first.text  # rendered from the row it read
    again = reader.get(ours.get_absolute_url())
    assert "Nu met een moestuin erbij" in again.text
