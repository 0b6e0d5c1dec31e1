"""After a decision, in Chromium, in Dutch and in English: a resident who supported an
initiative gets the evaluation email in their language, follows the link, first sends
the questionnaire empty (the error summary), then answers it; the answers are sealed
without a link to the person. Every page passes axe."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.tests.factories import StaffFactory, UserFactory
from initiatives import actions
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from surveys.models import Invitation, SealedResponse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_supporter_says_how_taking_part_went(
    language, page: Page, live_server, assert_accessible
):
    initiative = InitiativeFactory(title="Een bankje bij de vijver", status=Status.SUBMITTED)
    supporter = UserFactory(language=language)
    actions.support_initiative(initiative=initiative, user=supporter)
    staff = StaffFactory()
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
    )
    actions.change_initiative_status(
        initiative=initiative,
        to=Status.ACCEPTED,
        by=staff,
        message="Het bankje past in het groenplan van de wijk.",
    )
    email = next(m for m in mail.outbox if m.to == [supporter.email] and "/uitnodiging/" in m.body)
    took_part = {"nl": "Je deed mee aan", "en": "You took part in"}[language]
    assert f"{took_part} “Een bankje bij de vijver”" in email.body
    link = re.search(r"http://testserver(/enquetes/uitnodiging/\S+/)", email.body).group(1)

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(live_server.url + link)
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    page.get_by_role("link", name={"nl": "Beginnen", "en": "Start"}[language]).click()
    send = page.get_by_role(
        "button", name={"nl": "Mijn antwoorden versturen", "en": "Submit my answers"}[language]
    )
    expect(send).to_be_visible()
    assert_accessible(page)
    send.click()
    expect(page.locator(".portal-error-summary")).to_be_visible()
    assert_accessible(page)

    survey = Invitation.objects.get(email=supporter.email.lower()).survey
    answers = {question.code: question for question in survey.questions.all()}
    page.locator(f"input[name='{answers['waardering-betrekken'].pk}'][value='8']").check()
    page.locator(f"input[name='{answers['informatie-duidelijk'].pk}'][value='4']").check()
    page.locator(f"input[name='{answers['serieus-genomen'].pk}'][value='5']").check()
    page.locator(f"input[name='{answers['opnieuw-meedoen'].pk}'][value='1']").check()
    page.locator(f"textarea[name='{answers['beter-kan'].pk}']").fill("Sneller laten weten.")
    send.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        {"nl": "Bedankt voor je antwoorden", "en": "Thank you for your answers"}[language]
    )
    assert_accessible(page)
    assert SealedResponse.objects.filter(survey=survey).count() == 1
    assert "/uitnodiging/" not in page.url
