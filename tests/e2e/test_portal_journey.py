"""The portal that ties the apps together, in Chromium: a visitor finds their
neighbourhood from the home page; a resident searches, finds an initiative and follows
it; a resident downloads their data and deletes their account, after which their
initiative shows "a former resident" and their login fails."""

import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from initiatives.models import Follow, Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import EventFactory, NeighbourhoodFactory
from procurement.tests.factories import TenderFactory
from surveys.tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db(transaction=True)

BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[5.36, 52.14], [5.38, 52.14], [5.38, 52.155], [5.36, 52.155], [5.36, 52.14]]],
}


def _some_of_everything():
    haven = NeighbourhoodFactory(
        name="Havenkwartier", slug="havenkwartier", postcodes="3813", boundary=BOUNDARY
    )
    NeighbourhoodFactory(name="Molenbuurt", slug="molenbuurt", postcodes="3816-3817")
    NeighbourhoodFactory(name="De Weiden", slug="de-weiden", postcodes="3814-3816")
    initiative = InitiativeFactory(
        title="Speeltuin op het Havenplein",
        status=Status.SUBMITTED,
        neighbourhood=haven,
        latitude=52.145,
        longitude=5.37,
    )
    EventFactory(neighbourhood=haven, title="Wijkavond Havenkwartier")
    TenderFactory(title="Speeltoestellen Havenplein")
    SurveyFactory(title="Peiling speelplekken", results_published_at=timezone.now())
    return haven, initiative


def test_visitor_finds_their_neighbourhood_from_the_home_page(
    page: Page, live_server, assert_accessible
):
    _some_of_everything()
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Speeltuin op het Havenplein")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Je postcode").fill("3813 AB")
    page.get_by_role("button", name="Zoeken", exact=True).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Havenkwartier")

    # A postcode area across a boundary: the portal asks which one.
    page.goto(live_server.url + "/")
    page.get_by_label("Je postcode").fill("3816")
    page.get_by_role("button", name="Zoeken", exact=True).last.click()
    expect(
        page.get_by_role("heading", name="Je postcode ligt in meer dan één wijk")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Molenbuurt").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Molenbuurt")

    # A wrong postcode: the message sits beside the field and in the summary.
    page.goto(live_server.url + "/wijken/zoeken/?postcode=abc")
    expect(page.get_by_role("alert")).to_contain_text("Vul een Nederlandse postcode in")
    expect(page.get_by_label("Je postcode")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_resident_searches_finds_an_initiative_and_follows_it(
    page: Page, live_server, sign_in, assert_accessible
):
    _haven, initiative = _some_of_everything()
    resident = UserFactory()
    sign_in(page, resident)
    page.goto(live_server.url + "/zoeken/")
    # Results come as one types (htmx), without pressing the button.
    page.get_by_label("Zoek naar").fill("havenplein")
    results = page.locator("#search-results")
    expect(results.get_by_role("heading", name="Initiatieven")).to_be_visible()
    expect(results.get_by_role("heading", name="Aanbestedingen")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/zoeken/?q=havenplein")
    assert_accessible(page)

    results.get_by_role("link", name="Speeltuin op het Havenplein").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Speeltuin op het Havenplein")
    page.get_by_role("button", name="Volg dit initiatief").click()
    expect(page.get_by_text("Je volgt dit initiatief.", exact=True)).to_be_visible()
    assert Follow.objects.filter(initiative=initiative, user=resident).exists()

    page.get_by_role("link", name="Mijn pagina").click()
    follows = page.get_by_role("region", name="Wat ik volg")
    expect(follows.get_by_role("link", name="Speeltuin op het Havenplein")).to_be_visible()
    assert_accessible(page)


def test_resident_downloads_their_data_and_deletes_their_account(
    page: Page, live_server, sign_in, assert_accessible
):
    haven, _other = _some_of_everything()
    resident = UserFactory(email="merel.vink@example.nl", display_name="Merel Vink")
    mine = InitiativeFactory(
        title="Bankjes langs de kade",
        status=Status.SUBMITTED,
        initiator=resident,
        neighbourhood=haven,
    )
    sign_in(page, resident)
    page.get_by_role("link", name="Mijn pagina").click()
    page.get_by_role("link", name="Mijn gegevens bekijken en downloaden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    expect(page.get_by_role("cell", name="merel.vink@example.nl").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download als JSON").click()
    export = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    tables = {section["table"] for section in export["sections"]}
    assert {"accounts.User", "initiatives.Initiative"} <= tables
    assert "merel.vink@example.nl" in json.dumps(export)

    page.get_by_role("link", name="Terug naar mijn pagina").click()
    page.get_by_role("link", name="Mijn account verwijderen").click()
    # Forgetting to confirm gets a clear message and deletes nothing.
    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    expect(page.get_by_role("alert")).to_contain_text("Vink dit vakje aan om te bevestigen.")
    assert_accessible(page)
    assert User.objects.filter(pk=resident.pk).exists()

    page.get_by_label("Je wachtwoord").fill(PASSWORD)
    page.get_by_label("Ik begrijp dat dit niet ongedaan kan worden gemaakt").check()
    page.get_by_role("button", name="Mijn account definitief verwijderen").click()
    expect(page.get_by_text("Je account en je persoonsgegevens zijn verwijderd.")).to_be_visible()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()

    page.goto(live_server.url + mine.get_absolute_url())
    expect(page.get_by_text("Een voormalig inwoner").first).to_be_visible()
    expect(page.get_by_text("Merel Vink")).to_have_count(0)

    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mailadres").fill("merel.vink@example.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/account/login/")


PAGES = [
    "/",
    "/zoeken/?q=havenplein",
    "/cijfers/",
    "/cijfers/?start=2026-05-01&end=2026-01-01",
    "/open-data/",
    "/pagina/privacy/",
    "/pagina/toegankelijkheid/",
    "/wijken/zoeken/?postcode=3816",
]
SIGNED_IN_PAGES = ["/mijn/", "/mijn/gegevens/", "/mijn/account-verwijderen/"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_portal_pages_have_no_axe_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    _some_of_everything()
    resident = UserFactory()
    sign_in(page, resident)
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for path in PAGES + SIGNED_IN_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status in {200, 400}, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)


def test_cached_pages_serve_visitors_forms_that_work_and_show_changes_at_once(
    page: Page, browser, live_server, settings, assert_accessible
):
    """Public pages cached for visitors (common.public_cache), in Chromium: a second visitor
    gets the cached pages, their scripts run under the Content-Security-Policy, the language
    switch (a form with its own token) works, and a new initiative shows at once."""
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    _some_of_everything()
    first_visitor = browser.new_page()
    for path in ("/initiatieven/", "/zoeken/"):
        first_visitor.goto(live_server.url + path)  # rendered and cached
    first_visitor.close()
    console = []
    page.on("console", lambda message: console.append(message.text))

    # The cached search page's script runs (its nonce is this response's): results as one types.
    page.goto(live_server.url + "/zoeken/")
    page.get_by_label("Zoek naar").fill("havenplein")
    results = page.locator("#search-results")
    expect(results.get_by_role("heading", name="Initiatieven")).to_be_visible()
    assert not [text for text in console if "Content Security Policy" in text]

    page.goto(live_server.url + "/initiatieven/")
    expect(page.get_by_role("link", name="Speeltuin op het Havenplein")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Citizen initiatives")
    assert_accessible(page)

    InitiativeFactory(title="Bankjes langs de haven", status=Status.SUBMITTED)
    page.reload()
    expect(page.get_by_role("link", name="Bankjes langs de haven")).to_be_visible()
