"""Area-based work end to end in Chromium: a resident proposes an agenda item, three
residents give it priority, the area manager moves it into the programme, followers are
told, and the item shows its path; RSVP to an event and take it home as .ics."""

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.models import AgendaItem, AgendaStatus, EventRSVP
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    EventFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)
from notifications.models import Notification
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[5.36, 52.14], [5.38, 52.14], [5.38, 52.155], [5.36, 52.155], [5.36, 52.14]]],
}


def test_agenda_item_into_the_programme(
    page: Page, browser, live_server, sign_in, assert_accessible
):
    manager = StaffFactory(display_name="Ruud")
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    haven = NeighbourhoodFactory(
        name="Havenkwartier", slug="havenkwartier", area_manager=manager, boundary=BOUNDARY
    )
    programme = ProgrammeFactory(neighbourhood=haven, published_at=timezone.now())
    ProgrammeProjectFactory(programme=programme, title="Groen aan de kade")
    follower = UserFactory()
    from neighbourhoods import actions

    actions.follow_neighbourhood(neighbourhood=haven, user=follower)

    # A resident proposes an item.
    sign_in(page, UserFactory(display_name="Fatima"))
    page.goto(live_server.url + "/wijken/havenkwartier/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="De hele agenda: prioriteit geven of een punt voorstellen"
    ).click()
    page.get_by_role("link", name="Een agendapunt voorstellen").click()
    page.get_by_label("Wat", exact=True).fill("Bomen langs de kade")
    page.get_by_label("Waarom", exact=True).fill("In de zomer is het er heet en kaal.")
    page.get_by_role("textbox", name="Waar (niet verplicht)").fill("Havenkade")
    assert_accessible(page)
    page.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bomen langs de kade")
    item = AgendaItem.objects.get()

    # Three residents give it priority.
    for name in ["Jeroen", "Ingrid", "Sanne"]:
        context = browser.new_context()
        voter = context.new_page()
        sign_in(voter, UserFactory(display_name=name))
        voter.goto(live_server.url + item.get_absolute_url())
        voter.get_by_role("button", name="Prioriteit geven").click()
        expect(voter.locator(".portal-messages")).to_contain_text("Je prioriteitsstem is geteld")
        context.close()
    item.refresh_from_db()
    assert item.vote_count == 3

    # The area manager puts it on the agenda and into the programme.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in_staff_in_browser(staff, live_server, manager)
    staff.goto(live_server.url + f"/beheer/neighbourhoods/agendaitem/{item.pk}/change/")
    staff.get_by_label("Volgende status").select_option("on_agenda")
    staff.get_by_label("Openbaar bericht").fill("Een goed idee; we zoeken budget.")
    staff.locator("input[name=_continue]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff.get_by_label("Volgende status").select_option("in_programme")
    project = programme.projects.get()
    staff.get_by_label("Programmaproject").select_option(str(project.pk))
    staff.get_by_label("Openbaar bericht").fill("De bomen komen in het project Groen aan de kade.")
    staff.locator("input[name=_continue]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff_context.close()
    item.refresh_from_db()
    assert item.status == AgendaStatus.IN_PROGRAMME
    assert Notification.objects.filter(recipient=follower, url=item.get_absolute_url()).count() >= 2

    # The item shows its path, the programme where it came from.
    page.goto(live_server.url + item.get_absolute_url())
    path = page.locator(".portal-timeline")
    expect(path).to_contain_text("Op de agenda")
    expect(path).to_contain_text("In het programma")
    page.get_by_role("link", name="Groen aan de kade").click()
    expect(page.locator(f"#project-{programme.projects.get().pk}")).to_contain_text(
        "Bomen langs de kade"
    )
    assert_accessible(page)


def test_rsvp_and_download_the_event(page: Page, live_server, sign_in, assert_accessible):
    event = EventFactory(kind="safari", title="Wijksafari Havenkwartier", location="Havenplein")
    resident = UserFactory()
    sign_in(page, resident)
    page.goto(live_server.url + event.get_absolute_url())
    page.get_by_role("button", name="Ik kom").click()
    expect(page.locator(".portal-messages")).to_contain_text("Je staat op de lijst")
    assert EventRSVP.objects.filter(event=event, user=resident).exists()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Zet in mijn agenda (.ics)").click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    entry = calendar.walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Wijksafari Havenkwartier"
    page.get_by_role("button", name="Ik kan toch niet komen").click()
    expect(page.locator(".portal-messages")).to_contain_text("niet meer op de lijst")
    assert not EventRSVP.objects.exists()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_neighbourhood_pages_have_no_accessibility_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    neighbourhood = NeighbourhoodFactory(slug="de-weiden", boundary=BOUNDARY)
    programme = ProgrammeFactory(neighbourhood=neighbourhood, published_at=timezone.now())
    project = ProgrammeProjectFactory(programme=programme, spent=4000, survey_finding="Te grijs")
    item = AgendaItemFactory(neighbourhood=neighbourhood, status=AgendaStatus.IN_PROGRAMME)
    AgendaItemFactory(neighbourhood=neighbourhood)
    project.agenda_items.add(item)
    project.initiatives.add(InitiativeFactory(neighbourhood=neighbourhood, status=Status.ACCEPTED))
    EventFactory(neighbourhood=neighbourhood, kind="meeting")
    resident = UserFactory()
    sign_in(page, resident)
    if language == "en":
        page.get_by_role("button", name="English").click()
    for path in [
        "/wijken/",
        "/wijken/de-weiden/",
        "/wijken/de-weiden/agenda/",
        "/wijken/de-weiden/agenda/nieuw/",
        item.get_absolute_url(),
        programme.get_absolute_url(),
        "/wijken/de-weiden/monitor/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
