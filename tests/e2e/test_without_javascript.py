"""The plain form paths work with JavaScript switched off (progressive enhancement)."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_js_page(browser: Browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_language_switch_and_notifications_without_javascript(no_js_page, live_server, sign_in):
    page = no_js_page
    resident = UserFactory()
    NotificationFactory(recipient=resident, message="Het wijkfeest gaat door")

    sign_in(page, resident)

    page.goto(live_server.url + "/berichten/")
    expect(page.get_by_role("link", name="Het wijkfeest gaat door")).to_be_visible()
    page.get_by_role("button", name="Markeer als gelezen").click()
    expect(page.get_by_role("status")).to_contain_text("gelezen")
    expect(page.get_by_role("button", name="Markeer als gelezen")).to_have_count(0)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def test_preferences_error_without_javascript(no_js_page, live_server, sign_in):
    page = no_js_page
    resident = UserFactory()
    sign_in(page, resident)
    page.goto(live_server.url + "/berichten/instellingen/")
    page.get_by_label("E-mail voor: Mededelingen van de gemeente").select_option("never")
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    expect(page.get_by_label("E-mail voor: Mededelingen van de gemeente")).to_have_value("never")


def test_the_note_about_the_map_shows_only_with_the_map(no_js_page, page, live_server):
    """Without JavaScript there is no map, so no sentence about what the map shows."""
    from reports.tests.factories import ReportFactory

    ReportFactory()
    note = "De kaart toont de meldingen op deze pagina"

    no_js_page.goto(live_server.url + "/openbare-ruimte/")
    first_report = no_js_page.get_by_role("heading", level=2, name="Melding", exact=False).first
    expect(first_report).to_be_visible()
    expect(no_js_page.get_by_text(note)).to_be_hidden()

    page.goto(live_server.url + "/openbare-ruimte/")
    expect(page.locator("[data-map=points]")).to_be_visible()
    expect(page.get_by_text(note)).to_be_visible()
