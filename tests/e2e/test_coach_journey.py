"""A coach for an initiator end to end in Chromium, in Dutch and English: the initiator
asks for a coach (a question left empty is refused beside the field first), the area
manager sees the request in the triage list and assigns an energy ambassador of the
neighbourhood, the ambassador accepts, the initiative shows the coach, and the
initiator writes to them through the portal without anyone's email address showing."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from community.models import CoachRequest, Message
from community.tests.factories import AmbassadorFactory, NetworkFactory, theme
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "ask": "Vraag om een coach",
        "ambassador": "Een ambassadeur uit de wijk",
        "asked": "De gemeente zoekt een coach voor je initiatief",
        "waiting": "Coach gevraagd, nog niet gekozen",
        "status": "gevraagd, nog geen coach",
        "yes": "Ja, ik coach het",
        "answer": "Mijn antwoord versturen",
        "coaches": "Sanne, ambassadeur voor Energie in deze wijk, coacht dit initiatief.",
        "write": "Schrijf Sanne via het portaal",
        "send": "Bericht versturen",
    },
    "en": {
        "ask": "Ask for a coach",
        "ambassador": "An ambassador from the neighbourhood",
        "asked": "The municipality looks for a coach for your initiative",
        "waiting": "Coach asked, none assigned",
        "status": "asked, no coach yet",
        "yes": "Yes, I will coach it",
        "answer": "Send my answer",
        "coaches": "Sanne, ambassador for Energy in this neighbourhood, coaches this initiative.",
        "write": "Write to Sanne through the portal",
        "send": "Send message",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_initiator_gets_an_ambassador_as_coach_and_writes_to_them(
    page: Page, browser: Browser, live_server, sign_in, assert_accessible, language
):
    words = WORDS[language]
    manager = StaffFactory(display_name="Ruud", language=language)
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    neighbourhood = NeighbourhoodFactory(name="Binnenstad", slug="binnenstad", area_manager=manager)
    energy = theme("energie")
    energy.name_en = "Energy"
    energy.save()
    ambassador = AmbassadorFactory(
        network=NetworkFactory(neighbourhood=neighbourhood, theme=energy),
        public_name="Sanne",
        user=UserFactory(
            display_name="Sanne Jansen", email="sanne.jansen@example.nl", language=language
        ),
    )
    initiator = UserFactory(
        display_name="Fatima Initiatiefnemer", email="fatima.geheim@example.nl", language=language
    )
    initiative = InitiativeFactory(
        title="Zonnepanelen op het buurthuis",
        status="submitted",
        initiator=initiator,
        neighbourhood=neighbourhood,
    )

    # The initiator asks on their initiative's page; an empty question is refused.
    sign_in(page, initiator)
    page.goto(live_server.url + initiative.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#coach").get_by_role("link", name=words["ask"]).click()
    expect(page.get_by_label(words["ambassador"])).to_be_visible()
    assert_accessible(page)
    page.get_by_label(words["ambassador"]).check()
    page.get_by_role("button", name=words["ask"]).click()
    expect(page.locator("#id_question_error")).to_be_visible()
    assert_accessible(page)
    assert not CoachRequest.objects.exists()
    page.locator("#id_question").fill("Hoe krijgen we de buren mee en wie helpt met subsidie?")
    page.get_by_role("button", name=words["ask"]).click()
    expect(page.locator(".portal-messages")).to_contain_text(words["asked"])
    assert_accessible(page)
    coaching = CoachRequest.objects.get(initiative=initiative)

    # The area manager finds it in the triage list and assigns the energy ambassador.
    staff = browser.new_page()
    sign_in_staff_in_browser(staff, live_server, manager)
    staff.goto(f"{live_server.url}/beheer/initiatives/initiative/")
    staff.locator("#changelist-filter").get_by_role("link", name=words["waiting"]).click()
    expect(staff).to_have_url(re.compile(r"coach=waiting"))
    expect(staff.locator("#result_list")).to_contain_text("Zonnepanelen op het buurthuis")
    expect(staff.locator("#result_list")).to_contain_text(words["status"])
    staff.goto(f"{live_server.url}/beheer/community/coachrequest/{coaching.pk}/change/")
    staff.locator("#id_ambassador").select_option(
        label="Sanne (Energie)" if language == "nl" else "Sanne (Energy)"
    )
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    coaching.refresh_from_db()
    assert coaching.ambassador == ambassador
    staff.close()

    # The ambassador accepts.
    coach = browser.new_page()
    sign_in(coach, ambassador.user)
    coach.goto(f"{live_server.url}/samen/coach/{coaching.pk}/")
    expect(coach.locator("main")).to_contain_text("wie helpt met subsidie?")
    assert_accessible(coach)
    coach.get_by_label(words["yes"]).check()
    coach.get_by_role("button", name=words["answer"]).click()
    expect(coach.locator("#coach")).to_contain_text(words["coaches"])
    coach.close()

    # The initiative shows the coach; the initiator writes to them through the portal.
    page.goto(live_server.url + initiative.get_absolute_url())
    expect(page.locator("#coach")).to_contain_text(words["coaches"])
    assert_accessible(page)
    assert "sanne.jansen@example.nl" not in page.content()
    page.locator("#coach").get_by_role("link", name=words["write"]).click()
    page.locator("#id_text").fill("Dag Sanne, wanneer kunnen we even bellen?")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator("main")).to_contain_text("wanneer kunnen we even bellen?")
    assert_accessible(page)
    content = page.content()
    assert "sanne.jansen@example.nl" not in content
    assert Message.objects.filter(
        author=initiator, conversation__ambassador=ambassador, conversation__other=ambassador.user
    ).exists()

    # A visitor sees the coach by their profile name only.
    visitor = browser.new_page()
    visitor.goto(live_server.url + initiative.get_absolute_url())
    expect(visitor.locator("#coach")).to_contain_text("Sanne")
    assert "Jansen" not in visitor.locator("#coach").inner_text()
    visitor.close()
