"""Public pages cached for visitors who are not signed in (common.public_cache): served
again without the database, never stale after a change, never shared with anyone
signed in, and with each visitor's own form token."""

import re

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import public_cache
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from notifications.tests.factories import NotificationFactory
from reports.tests.factories import ReportFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'[A-Za-z0-9]{64}|nonce="[^"]+"')  # per response: token and nonce


@pytest.fixture
def caching(settings):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60


@pytest.fixture
def initiative(db):
    return InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")


def test_a_visitor_gets_the_cached_page_without_queries(
    caching, initiative, django_assert_num_queries
):
    url = reverse("initiatives:detail", args=[initiative.pk])
    first = Client().get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert second.status_code == 200
    assert "Bankjes aan het water" in second.text
    assert ANY_TOKEN.sub("", first.text) == ANY_TOKEN.sub("", second.text)


def test_nothing_is_cached_when_switched_off(settings, initiative, django_assert_max_num_queries):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 0
    url = reverse("initiatives:detail", args=[initiative.pk])
    Client().get(url)
    with django_assert_max_num_queries(20) as captured:
        Client().get(url)
    assert len(captured) > 0


def test_each_visitor_gets_an_own_token_that_works(caching, initiative):
    url = reverse("initiatives:detail", args=[initiative.pk])
    Client().get(url)  # caches the page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    token = TOKEN.search(page.text).group(1)
    assert public_cache.CSRF_PLACEHOLDER not in page.text
    assert re.search(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', page.text)  # htmx's header too
    switched = visitor.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302
    # A stranger's token from the cached page is no use for someone with another cookie.
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(url)
    refused = stranger.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": "x" * 64}
    )
    assert refused.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_shows_at_once(caching):
    initiative = InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")
    url = reverse("initiatives:detail", args=[initiative.pk])
    assert "Bankjes aan het water" in Client().get(url).text
    initiative.title = "Picknicktafels aan het water"
    initiative.save()
    assert "Picknicktafels aan het water" in Client().get(url).text


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_shows_at_once_without_a_write_request(caching):
    """Counters and back-office actions change rows with UPDATE, which sends no model
    signal: the update itself renews what its app shows (for initiatives: everything,
    unless the code says which initiatives it changed)."""
    from initiatives.models import Initiative

    initiative = InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")
    url = reverse("initiatives:detail", args=[initiative.pk])
    assert "Bankjes aan het water" in Client().get(url).text
    Initiative.objects.filter(pk=initiative.pk).update(title="Zonder signaal")
    assert "Zonder signaal" in Client().get(url).text
    with public_cache.changing(f"initiative:{initiative.pk}"):
        Initiative.objects.filter(pk=initiative.pk).update(title="Gezegd wat")
    assert "Gezegd wat" in Client().get(url).text


def _tag_generations() -> dict:
    keys = [public_cache.TAG_KEY + tag for tag in (public_cache.ANY, public_cache.EVERYTHING)]
    return public_cache.cache.get_many(keys)


@pytest.mark.django_db(transaction=True)
def test_quiet_tables_and_write_requests_leave_the_cached_pages_alone(caching, resident):
    public_cache.bump()
    before = _tag_generations()
    NotificationFactory(recipient=resident)
    signed_in = Client()
    signed_in.force_login(resident)
    signed_in.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _tag_generations() == before
    InitiativeFactory(status=Status.SUBMITTED)
    assert _tag_generations() != before


def test_signed_in_residents_never_get_the_visitors_page(caching, initiative, client, resident):
    url = reverse("initiatives:detail", args=[initiative.pk])
    Client().get(url)
    client.force_login(resident)
    page = client.get(url)
    assert "Sign out" in page.text or "Uitloggen" in page.text or "Afmelden" in page.text
    assert reverse("overview:my_page") in page.text


def test_a_flash_message_is_shown_not_swallowed(caching, client, resident):
    Client().get(reverse("home"))  # the visitors' home page is cached
    client.force_login(resident)
    client.post(reverse("account_logout"))
    page = client.get(reverse("home"))
    messages = list(page.context["messages"])
    assert [m.level for m in messages] == [constants.SUCCESS]
    assert messages[0].message in page.text


def test_languages_are_cached_apart(caching, initiative, settings):
    url = reverse("initiatives:list")
    dutch = Client().get(url)
    english_visitor = Client()
    english_visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_visitor.get(url)
    assert dutch.headers["Content-Language"] == "nl"
    assert english.headers["Content-Language"] == "en"
    assert '<html lang="en"' in english.text
    assert '<html lang="nl"' in Client().get(url).text


def test_pages_that_are_not_found_are_not_cached(caching, db, django_assert_max_num_queries):
    url = reverse("initiatives:detail", args=[999_999])
    assert Client().get(url).status_code == 404
    with django_assert_max_num_queries(10) as captured:
        assert Client().get(url).status_code == 404
    assert len(captured) > 0


def test_an_unreachable_cache_renders_pages_and_accepts_writes(caching, initiative):
    """Redis down: pages come from the database, and a save still succeeds."""
    unreachable = {
        "default": {
            "BACKEND": "common.redis_cache.PortalRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    url = reverse("initiatives:detail", args=[initiative.pk])
    with override_settings(CACHES=unreachable):
        assert "Bankjes aan het water" in Client().get(url).text
        public_cache.bump()
        initiative.title = "Nog steeds opgeslagen"
        initiative.save()
    initiative.refresh_from_db()
    assert initiative.title == "Nog steeds opgeslagen"


@pytest.mark.django_db(transaction=True)
def test_the_home_lists_are_cached_for_signed_in_residents_too(caching, client, resident):
    client.force_login(resident)
    InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")
    assert "Bankjes aan het water" in client.get(reverse("home")).text
    with CaptureQueriesContext(connection) as again:
        page = client.get(reverse("home"))
    assert not [q for q in again if "initiatives_initiative" in q["sql"]]
    assert reverse("overview:my_page") in page.text  # still their own page around the lists
    InitiativeFactory(status=Status.SUBMITTED, title="Picknicktafels")
    assert "Picknicktafels" in client.get(reverse("home")).text


def test_each_allowed_host_gets_its_own_cached_page(caching, initiative, settings):
    """Pages may carry absolute links: one host's cached page is never sent for another."""
    settings.ALLOWED_HOSTS = ["portal.example.nl", "www.portal.example.nl"]
    url = reverse("initiatives:detail", args=[initiative.pk])
    Client(headers={"host": "www.portal.example.nl"}).get(url)
    with CaptureQueriesContext(connection) as other_host:
        Client(headers={"host": "portal.example.nl"}).get(url)
    with CaptureQueriesContext(connection) as same_host:
        Client(headers={"host": "www.portal.example.nl"}).get(url)
    assert len(other_host) > 0
    assert len(same_host) == 0


@pytest.mark.django_db(transaction=True)
def test_search_hits_are_cached_for_everyone_until_public_content_changes(
    caching, client, resident
):
    client.force_login(resident)
    InitiativeFactory(status=Status.SUBMITTED, title="Speeltuin aan de haven")
    url = reverse("overview:search") + "?q=speeltuin"
    assert "Speeltuin aan de haven" in client.get(url).text
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again if "initiatives_initiative" in q["sql"]]
    InitiativeFactory(status=Status.SUBMITTED, title="Speeltuin bij de molen")
    assert "Speeltuin bij de molen" in client.get(url).text


@pytest.mark.django_db(transaction=True)
def test_an_erased_resident_leaves_no_name_on_cached_pages(caching):
    """Erasure by the retention job runs without a request: it renews the pages itself."""
    from accounts.tests.factories import UserFactory
    from initiatives.tests.factories import CommentFactory
    from privacy import registry

    author = UserFactory(display_name="Zoë Zonneveld")
    comment = CommentFactory(author=author)
    url = reverse("initiatives:detail", args=[comment.initiative.pk])
    assert "Zoë Zonneveld" in Client().get(url).text
    registry.erase_person(user=author)
    assert "Zoë Zonneveld" not in Client().get(url).text


def test_each_response_names_its_own_script_nonce(caching, initiative):
    """The Content-Security-Policy nonce is per response, cached page or not: the script
    tags carry the nonce the header names, never the first visitor's."""
    url = reverse("initiatives:detail", args=[initiative.pk])
    nonces = []
    for _visitor in range(2):
        page = Client().get(url)
        named = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
        used = set(re.findall(r'<script[^>]* nonce="([^"]+)"', page.text))
        assert used == {named}
        nonces.append(named)
    assert nonces[0] != nonces[1]
    assert public_cache.NONCE_PLACEHOLDER not in page.text


@pytest.mark.django_db(transaction=True)
def test_a_filter_form_is_rendered_once_until_its_choices_change(caching):
    from initiatives.forms import InitiativeFilterForm
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    NeighbourhoodFactory(name="Havenkwartier")
    first = str(InitiativeFilterForm({"q": "bankje"}))
    with CaptureQueriesContext(connection) as captured:
        again = str(InitiativeFilterForm({"q": "bankje"}))
    assert again == first
    assert len(captured) == 0
    assert 'value="bankje"' in again
    # Another question is another rendering.
    assert 'value="speeltuin"' in str(InitiativeFilterForm({"q": "speeltuin"}))
    NeighbourhoodFactory(name="Zuiderpark")
    assert "Zuiderpark" in str(InitiativeFilterForm({"q": "bankje"}))


@pytest.mark.django_db(transaction=True)
def test_signed_in_residents_share_the_list_results_and_see_changes_at_once(caching, resident):
    InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")
    signed_in = Client()
    signed_in.force_login(resident)
    url = reverse("initiatives:list")
    assert "Bankjes aan het water" in signed_in.get(url).text
    with CaptureQueriesContext(connection) as rendered:
        Client().get(url, {"sort": "newest"})
    with CaptureQueriesContext(connection) as shared:
        signed_in.get(url, {"sort": "newest"})
    # The results came from what the visitor's request cached: no initiative was read.
    assert any("initiatives_initiative" in query["sql"] for query in rendered.captured_queries)
    assert not any("initiatives_initiative" in query["sql"] for query in shared.captured_queries)
    InitiativeFactory(status=Status.SUBMITTED, title="Picknicktafels in het park")
    page = signed_in.get(url).text
    assert "Picknicktafels in het park" in page
    assert "Mijn pagina" in page  # still their own page around the shared results


@pytest.mark.django_db(transaction=True)
def test_cached_parts_are_shared_but_what_is_personal_is_not(caching, resident):
    """The tender calendar's list is cached for everyone; whether the reader has a company
    profile is theirs alone."""
    from procurement.tests.factories import SupplierMemberFactory, TenderFactory

    TenderFactory(title="Onderhoud parken 2027")
    member = SupplierMemberFactory()
    supplier_page = Client()
    supplier_page.force_login(member.user)
    resident_page = Client()
    resident_page.force_login(resident)
    url = reverse("procurement:calendar")
    first = supplier_page.get(url).text
    assert "Onderhoud parken 2027" in first
    profile_link = f'href="{reverse("procurement:profile")}"'
    assert profile_link in first
    with CaptureQueriesContext(connection) as captured:
        second = resident_page.get(url).text
    assert "Onderhoud parken 2027" in second
    # Only the count of the page's paginator; the tenders themselves were not read.
    assert not any('"procurement_tender"."title"' in q["sql"] for q in captured.captured_queries)
    assert profile_link not in second
    assert reverse("procurement:register") in second
    TenderFactory(title="Schoonmaak stadhuis")
    assert "Schoonmaak stadhuis" in resident_page.get(url).text


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_rendered_once_for_everyone_in_each_language(caching, resident, client):
    signed_in = Client()
    signed_in.force_login(resident)
    url = reverse("overview:dashboard")
    Client().get(url)
    with CaptureQueriesContext(connection) as captured:
        page = signed_in.get(url)
    assert page.status_code == 200
    assert "Mijn pagina" in page.text
    assert not any("initiatives_initiative" in query["sql"] for query in captured.captured_queries)
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": url})
    assert "The city in figures" in english.get(url).text
    # A period that is not valid is answered with its error, not with a cached page.
    refused = signed_in.get(url, {"start": "gisteren"})
    assert refused.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_an_initiative_page_caches_its_facts_but_not_who_supports_it(
    caching, resident, other_resident
):
    from initiatives.models import Support

    initiative = InitiativeFactory(status=Status.SUBMITTED, title="Bankjes aan het water")
    Support.objects.create(initiative=initiative, user=resident)
    url = reverse("initiatives:detail", args=[initiative.pk])
    supporter, stranger = Client(), Client()
    supporter.force_login(resident)
    stranger.force_login(other_resident)
    assert "Je steunt dit initiatief." in supporter.get(url).text
    page = stranger.get(url).text
    assert "Bankjes aan het water" in page
    assert "Je steunt dit initiatief." not in page
    initiative.title = "Picknicktafels aan het water"
    initiative.save()
    assert "Picknicktafels aan het water" in stranger.get(url).text


@pytest.mark.django_db(transaction=True)
def test_a_neighbourhood_page_caches_its_overview_but_not_who_follows_it(
    caching, resident, other_resident
):
    from neighbourhoods.models import NeighbourhoodFollow
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    neighbourhood = NeighbourhoodFactory(name="Havenkwartier")
    InitiativeFactory(status=Status.SUBMITTED, title="Bankjes", neighbourhood=neighbourhood)
    NeighbourhoodFollow.objects.create(neighbourhood=neighbourhood, user=resident)
    follower, stranger = Client(), Client()
    follower.force_login(resident)
    stranger.force_login(other_resident)
    url = neighbourhood.get_absolute_url()
    assert "Je volgt deze wijk." in follower.get(url).text
    page = stranger.get(url).text
    assert "Bankjes" in page
    assert "Je volgt deze wijk." not in page
    InitiativeFactory(status=Status.SUBMITTED, title="Speeltuin", neighbourhood=neighbourhood)
    assert "Speeltuin" in stranger.get(url).text


def test_the_benchmark_is_told_what_the_cache_served(
    caching, settings, initiative, django_user_model
):
    """With BENCHMARK_VIEWS (make bench only) a page says whether it came from the cache;
    otherwise nothing about the cache is told."""
    url = reverse("initiatives:detail", args=[initiative.pk])
    assert public_cache.CACHE_HEADER not in Client().get(url).headers
    settings.BENCHMARK_VIEWS = True
    public_cache.bump()
    assert Client().get(url)[public_cache.CACHE_HEADER].startswith("miss")
    assert Client().get(url)[public_cache.CACHE_HEADER] == "hit"
    resident = Client()
    resident.force_login(django_user_model.objects.create_user("lezer@example.nl"))
    first = resident.get(url)[public_cache.CACHE_HEADER]
    again = resident.get(url)[public_cache.CACHE_HEADER]
    cached, total = (int(n) for n in again.removeprefix("personal; parts=").split("/"))
    assert first.startswith("personal")
    assert total > 0
    assert cached == total
    settings.PORTAL_VISITOR_CACHE_SECONDS = 0
    assert Client().get(url)[public_cache.CACHE_HEADER] == "off"


@pytest.mark.django_db(transaction=True)
def test_the_public_space_list_is_read_once_for_everyone_signed_in_or_not(caching, resident):
    """The reports on a page of the public-space list are the same for everyone: a
    signed-in resident gets them from the cache (no report is read), and a new report
    shows at once."""
    ReportFactory(description="Losse stoeptegel")
    url = reverse("reports:list")
    Client().get(url)
    signed_in = Client()
    signed_in.force_login(resident)
    with CaptureQueriesContext(connection) as captured:
        page = signed_in.get(url).text
    assert "1 melding" in page
    assert not any("reports_report" in query["sql"] for query in captured.captured_queries)
    second = ReportFactory(description="Kapotte lantaarnpaal")
    assert f"Melding {second.pk}" in signed_in.get(url).text
    assert "2 meldingen" in Client().get(url).text
