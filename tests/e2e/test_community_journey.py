"""Residents together end to end in Chromium, in Dutch and English: a resident asks to
become an energy ambassador, the area manager of the neighbourhood approves, and the
ambassador appears on the neighbourhood's page; an initiative asks for 3 volunteers, two
residents respond, the count shows 2 of 3, and the initiator reads their messages
without seeing their email addresses (also without JavaScript)."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from community.models import Membership, VolunteerCall
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "energy": "Energie",
        "ambassador": "Als ambassadeur, met een kort openbaar profiel",
        "join": "Meedoen",
        "asked": "De gebiedsmanager bekijkt je aanvraag",
        "decided": "1 ambassadeur goedgekeurd",
        "ask": "Vraag om vrijwilligers voor “Plantdag in de Binnenstad”",
        "ask_button": "Vraag om vrijwilligers",
        "count_me_in": "Ik doe mee",
        "counted": "Je telt mee als vrijwilliger",
        "two_of_three": "2 van 3 vrijwilligers",
        "with": "Met Vrijwilliger",
    },
    "en": {
        "energy": "Energy",
        "ambassador": "As an ambassador, with a short public profile",
        "join": "Join",
        "asked": "The area manager will look at your request",
        "decided": "1 ambassador approved",
        "ask": "Ask for volunteers for “Plantdag in de Binnenstad”",
        "ask_button": "Ask for volunteers",
        "count_me_in": "Count me in",
        "counted": "You count as a volunteer",
        "two_of_three": "2 of 3 volunteers",
        "with": "With Vrijwilliger",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_resident_becomes_an_energy_ambassador_after_approval(
    page: Page, browser: Browser, live_server, sign_in, assert_accessible, language
):
    words = WORDS[language]
    manager = StaffFactory(display_name="Ruud", language=language)
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    neighbourhood = NeighbourhoodFactory(name="Binnenstad", slug="binnenstad", area_manager=manager)
    resident = UserFactory(
        display_name="Sanne Jansen", email="sanne.jansen@example.nl", language=language
    )

    sign_in(page, resident)
    page.goto(f"{live_server.url}/samen/wijk/binnenstad/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(words["energy"], exact=True).check()
    page.get_by_label(words["ambassador"]).check()
    page.locator("#id_public_name").fill("Sanne")
    page.locator("#id_can_help_with").fill("Advies over isolatie; ik leen een warmtecamera uit.")
    page.get_by_role("button", name=words["join"], exact=True).click()
    expect(page.locator(".portal-messages")).to_contain_text(words["asked"])
    assert_accessible(page)
    membership = Membership.objects.get(user=resident)
    assert membership.status == Membership.Status.WAITING

    staff = browser.new_page()
    sign_in_staff_in_browser(staff, live_server, manager)
    staff.goto(f"{live_server.url}/beheer/community/membership/?status__exact=waiting")
    staff.get_by_role("checkbox", name=re.compile("Sanne")).check()
    staff.locator("select[name=action]").select_option("approve")
    staff.locator("button[name=index], input[name=index]").first.click()
    expect(staff.locator(".messagelist")).to_contain_text(words["decided"])
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED

    page.goto(live_server.url + neighbourhood.get_absolute_url())
    section = page.locator("section", has=page.locator("#networks-title"))
    expect(section).to_contain_text("Sanne")
    expect(section).to_contain_text("warmtecamera")
    assert "sanne.jansen@example.nl" not in page.content()
    assert "Jansen" not in section.inner_text()
    assert_accessible(page)


@pytest.mark.parametrize(("language", "javascript"), [("nl", True), ("en", True), ("nl", False)])
def test_an_initiative_finds_volunteers_without_exposing_them(
    browser: Browser, live_server, sign_in, assert_accessible, language, javascript
):
    words = WORDS[language]

    def new_page() -> Page:
        page = browser.new_context(java_script_enabled=javascript).new_page()
        page.set_default_timeout(10_000)
        return page

    def check(page: Page) -> None:
        if javascript:
            assert_accessible(page)

    neighbourhood = NeighbourhoodFactory(name="Binnenstad")
    initiator = UserFactory(display_name="Initiatiefnemer Fatima", language=language)
    InitiativeFactory(
        title="Plantdag in de Binnenstad",
        status="submitted",
        initiator=initiator,
        neighbourhood=neighbourhood,
    )
    page = new_page()
    sign_in(page, initiator)
    page.goto(f"{live_server.url}/samen/")
    page.get_by_role("link", name=words["ask"]).click()
    expect(page.locator("#id_title")).to_be_visible()
    check(page)
    page.locator("#id_title").fill("3 mensen voor de plantdag op 12 april")
    page.locator("#id_wanted").fill("0")
    page.get_by_role("button", name=words["ask_button"]).click()
    expect(page.locator("#id_wanted_error")).to_be_visible()
    assert not VolunteerCall.objects.exists()
    page.locator("#id_wanted").fill("3")
    page.locator("#id_ends_on").fill("2099-04-12")
    page.get_by_role("button", name=words["ask_button"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "3 mensen voor de plantdag op 12 april"
    )
    call_url = page.url

    volunteers = []
    for number in (1, 2):
        volunteer = UserFactory(
            display_name=f"Vrijwilliger {number}",
            email=f"vrijwilliger{number}.geheim@example.nl",
            language=language,
        )
        volunteers.append(volunteer)
        other = new_page()
        sign_in(other, volunteer)
        other.goto(call_url)
        other.locator("#id_text").fill(f"Ik help graag mee, groet van nummer {number}.")
        other.get_by_role("button", name=words["count_me_in"]).click()
        expect(other.locator(".portal-messages")).to_contain_text(words["counted"])
        check(other)
        other.context.close()

    page.goto(call_url)
    expect(page.locator("#call-count")).to_have_text(words["two_of_three"])
    page.goto(f"{live_server.url}/samen/berichten/")
    expect(page.get_by_text(f"{words['with']} 1")).to_be_visible()
    expect(page.get_by_text(f"{words['with']} 2")).to_be_visible()
    check(page)
    page.get_by_role("link", name="3 mensen voor de plantdag op 12 april").first.click()
    expect(page.locator("main")).to_contain_text("groet van nummer")
    check(page)
    content = page.content()
    for volunteer in volunteers:
        assert volunteer.email not in content
    page.context.close()
