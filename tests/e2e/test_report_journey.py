"""Public-space reports end to end in Chromium: a visitor reports loose paving with a
photo and a point on the map, confirms the email address, a second resident adds
themselves, and the area's civil servant takes it on and solves it; the reporter hears
by email, the second resident by notification. The pages pass axe in Dutch and English."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from reports import actions as report_actions
from reports.models import Feedback, Report, Status
from tests.e2e.test_initiative_journey import png_file, sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

# A neighbourhood around the map's centre, where the click on the map lands.
AROUND_CENTRE = {
    "type": "Polygon",
    "coordinates": [[[5.37, 52.14], [5.41, 52.14], [5.41, 52.17], [5.37, 52.17], [5.37, 52.14]]],
}


def test_loose_paving_from_report_to_solved(
    page: Page, browser, live_server, sign_in, assert_accessible, tmp_path
):
    manager = StaffFactory(display_name="Ruud")
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    NeighbourhoodFactory(name="Molenbuurt", boundary=AROUND_CENTRE, area_manager=manager)

    # A visitor reports loose paving, with a photo and a point on the map.
    page.goto(live_server.url + "/openbare-ruimte/")
    assert_accessible(page)
    page.get_by_role("link", name="Iets melden").click()
    page.get_by_label("Waar gaat het over?").select_option(
        label="Onderhoud stoep, straat en fietspad"
    )
    page.locator("[data-map=picker]").click()
    expect(page.locator("#location-status")).to_have_text("De plek staat op de kaart.")
    page.get_by_label("Omschrijving").fill("Drie losse stoeptegels voor de bakker.")
    page.get_by_label("Foto's").set_input_files(png_file(tmp_path))
    page.get_by_label("Je e-mailadres").fill("melder@example.nl")
    assert_accessible(page)
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in je e-mail")
    report = Report.objects.get()
    assert report.status == Status.UNCONFIRMED
    assert report.latitude is not None
    assert report.photos.count() == 1

    # The link in the email: the token leaves the address, a button confirms.
    link = re.search(r"http://\S+/openbare-ruimte/bevestigen/\S+/", mail.outbox[-1].body)[0]
    page.goto(link.replace("http://testserver", live_server.url))
    assert page.url == live_server.url + "/openbare-ruimte/bevestigen/"
    assert_accessible(page)
    page.get_by_role("button", name="Mijn e-mailadres bevestigen").click()
    expect(page.locator(".portal-messages")).to_contain_text("Je melding is binnen")
    report.refresh_from_db()
    assert report.status == Status.RECEIVED
    assert report.neighbourhood.name == "Molenbuurt"
    expect(page.locator(".portal-timeline")).to_contain_text("De melding is ontvangen.")
    assert_accessible(page)

    # A second resident saw it too.
    neighbour_context = browser.new_context()
    neighbour = neighbour_context.new_page()
    resident = UserFactory(display_name="Bram")
    sign_in(neighbour, resident)
    neighbour.goto(live_server.url + report.get_absolute_url())
    neighbour.get_by_role("button", name="Ik heb dit ook gezien").click()
    expect(neighbour.locator(".portal-messages")).to_contain_text("je telt mee")
    expect(neighbour.locator(".portal-facts")).to_contain_text("1 persoon")
    assert_accessible(neighbour)

    # The area manager takes it on in the queue and solves it with a message.
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in_staff_in_browser(staff_page, live_server, manager)
    staff_page.goto(live_server.url + "/beheer/reports/report/")
    staff_page.get_by_role("checkbox", name=re.compile(f"#{report.pk}")).check()
    staff_page.locator("select[name=action]").select_option("assign_to_me")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("toegewezen")
    staff_page.get_by_role("link", name=f"#{report.pk}").click()
    staff_page.get_by_label("Volgende status").select_option("solved")
    staff_page.get_by_label("Openbaar bericht").fill("De tegels liggen weer vast.")
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_context.close()
    report.refresh_from_db()
    assert (report.status, report.assigned_to) == (Status.SOLVED, manager)

    # The reporter hears by email, the second resident on their notifications.
    to_reporter = [m for m in mail.outbox if m.to == ["melder@example.nl"]]
    assert any("De melding is opgelost." in m.body for m in to_reporter)
    assert Notification.objects.filter(recipient=resident).exists()
    neighbour.goto(live_server.url + "/berichten/")
    expect(neighbour.locator("main")).to_contain_text("De melding is opgelost.")
    neighbour_context.close()

    # The public page shows the timeline without the reporter.
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.locator(".portal-timeline")).to_contain_text("De tegels liggen weer vast.")
    expect(page.locator("main")).not_to_contain_text("melder@example.nl")


def test_report_pages_in_english_pass_axe(page: Page, live_server, assert_accessible):
    from reports.tests.factories import ReportFactory

    report = ReportFactory()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(live_server.url + "/openbare-ruimte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports about the public space")
    assert_accessible(page)
    page.goto(live_server.url + report.get_absolute_url())
    expect(page.locator("#now-title")).to_have_text("What happens now, and when")
    assert_accessible(page)
    page.goto(live_server.url + "/openbare-ruimte/melden/")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".portal-form")).to_contain_text(
        "Say where it is: type an address or mark the place on the map."
    )
    assert_accessible(page)


def test_a_report_by_address_and_its_feedback_without_javascript(browser, live_server, sign_in):
    """With JavaScript off (no map): a signed-in resident first forgets to say where, is
    told beside the field, reports by address, and after it was solved answers "is it
    solved?" with the plain form (every reason shown under its answer). (axe needs
    JavaScript: the same pages are checked with it in the journeys above.)"""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    resident = UserFactory(display_name="Fenna")
    sign_in(page, resident)

    page.goto(live_server.url + "/openbare-ruimte/melden/")
    expect(page.locator("[data-map=picker]")).to_have_count(1)  # there, but inert
    page.get_by_label("Waar gaat het over?").select_option(label="Container glas vol")
    page.get_by_label("Omschrijving").fill("Een kapotte vuilniszak naast de glasbak.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.locator(".portal-error-summary")).to_be_visible()
    expect(page.locator("#id_address_error")).to_contain_text("typ een adres")
    assert not Report.objects.exists()

    page.get_by_label("Adres of plek").fill("Stationsplein 1, Eemdal")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.locator(".portal-messages")).to_contain_text("Je melding is binnen")
    report = Report.objects.get()
    assert (report.status, report.reporter, report.address) == (
        Status.RECEIVED,
        resident,
        "Stationsplein 1, Eemdal",
    )

    colleague = StaffFactory()
    report_actions.change_status(
        report=report, to=Status.SOLVED, by=colleague, message="Opgeruimd."
    )
    link = next(
        re.search(r"http://\S+/openbare-ruimte/tevredenheid/\S+/", m.body)[0]
        for m in mail.outbox
        if "/tevredenheid/" in m.body
    )
    page.goto(link.replace("http://testserver", live_server.url))
    expect(page.locator("fieldset[data-answer=yes]")).to_be_visible()
    expect(page.locator("fieldset[data-answer=no]")).to_be_visible()
    page.locator("input[name=solved][value=yes]").check()
    page.locator("input[name=grade][value='9']").check()
    page.locator(".portal-form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/openbare-ruimte/tevredenheid/bedankt/")
    feedback = Feedback.objects.get()
    assert (feedback.solved, feedback.grade) == ("yes", 9)
    context.close()
