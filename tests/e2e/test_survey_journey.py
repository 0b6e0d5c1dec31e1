"""The resident panel end to end in Chromium: a resident joins, the researcher sends the
invitations, the resident answers over two sessions, cannot answer twice, and sees the
published results with their intervals."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys.models import Invitation, Question, Response, SealedResponse
from surveys.tests.factories import ChoiceFactory, QuestionFactory, SurveyFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def survey_with_two_pages():
    survey = SurveyFactory(title="Panelpeiling groen", slug="panelpeiling-groen")
    QuestionFactory(survey=survey, page=1, text="Welk cijfer geeft u het groen?", code="groen")
    choice = QuestionFactory(
        survey=survey, page=2, kind=Question.Kind.SINGLE, text="Wat wilt u meer?"
    )
    ChoiceFactory(question=choice, value="bomen", label="Bomen")
    ChoiceFactory(question=choice, value="bloemen", label="Bloemen")
    return survey


def admin_action(page: Page, survey_title: str, action: str) -> None:
    page.get_by_role("checkbox", name=re.compile(survey_title)).check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()


def test_panel_member_answers_in_two_sessions_and_sees_results(
    page: Page, browser, live_server, sign_in, assert_accessible
):
    NeighbourhoodFactory(name="De Weiden")
    survey = survey_with_two_pages()
    resident = UserFactory(display_name="Ingrid")
    researcher = StaffFactory(display_name="Pieter")
    researcher.groups.add(Role.RESEARCHER.group())
    give_totp(researcher)

    # The resident joins the panel.
    sign_in(page, resident)
    page.goto(live_server.url + "/enquetes/panel/")
    page.get_by_label("Je wijk").select_option(label="De Weiden")
    page.get_by_label("Je leeftijd").select_option("45-64")
    page.get_by_role("button", name="Word panellid").click()
    expect(page.locator(".portal-error-summary")).to_contain_text("toestemming")
    page.get_by_label(re.compile("Ik vind het goed")).check()
    page.get_by_role("button", name="Word panellid").click()
    expect(page.locator(".portal-messages")).to_contain_text("Welkom in het inwonerspanel")
    assert_accessible(page)

    # The researcher invites the panel and sends.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in_staff_in_browser(staff, live_server, researcher)
    staff.goto(live_server.url + "/beheer/surveys/survey/")
    admin_action(staff, "Panelpeiling groen", "invite_panel")
    admin_action(staff, "Panelpeiling groen", "send_invitations")
    invitation = Invitation.objects.get(survey=survey)
    assert invitation.sent_at is not None
    email = next(m for m in mail.outbox if m.to == [resident.email])
    link = re.search(r"http://testserver(/enquetes/uitnodiging/\S+/)", email.body).group(1)

    # First session: page 1, then the resident stops.
    first = browser.new_context()
    answering = first.new_page()
    answering.goto(live_server.url + link)
    assert_accessible(answering)
    answering.get_by_role("link", name="Beginnen").click()
    answering.get_by_role("radio", name="8", exact=True).check()
    assert_accessible(answering)
    answering.get_by_role("button", name="Opslaan en verder").click()
    expect(answering.get_by_text("Wat wilt u meer?")).to_be_visible()
    first.close()

    # Second session, another day: the same link resumes on page 2.
    second = browser.new_context()
    answering = second.new_page()
    answering.goto(live_server.url + link)
    answering.get_by_role("link", name="Verdergaan waar je was").click()
    answering.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(answering.locator(".portal-error-summary")).to_be_visible()  # required
    assert_accessible(answering)
    answering.get_by_role("radio", name="Bomen").check()
    answering.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(answering.get_by_role("heading", level=1)).to_have_text("Bedankt voor je antwoorden")
    # Sealed until its batch is released (here: when the survey closes).
    assert SealedResponse.objects.count() == 1
    assert not Response.objects.exists()
    assert "/uitnodiging/" not in answering.url
    answering.goto(live_server.url + link)
    expect(answering.locator("main")).to_contain_text("Je hebt deze enquête al beantwoord")
    second.close()

    # The researcher closes the survey and publishes the results.
    admin_action(staff, "Panelpeiling groen", "close")
    admin_action(staff, "Panelpeiling groen", "publish")
    # One response, below the minimum: published only with a public reason.
    staff.locator("textarea[name=reason]").fill("Een proef met één panellid.")
    staff.locator("input[name=apply]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff_context.close()

    page.goto(live_server.url + "/enquetes/panel/")
    page.get_by_role("link", name="resultaten").click()
    expect(page.locator(".portal-result__mean")).to_contain_text("Gemiddelde: 8,0")
    expect(page.locator(".portal-result__mean")).to_contain_text("95%-interval")
    assert_accessible(page)


def test_answering_works_without_javascript(browser, live_server):
    survey = SurveyFactory(audience="open", one_page=True, slug="feedback")
    question = QuestionFactory(survey=survey, text="Cijfer voor de balie?")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/enquetes/feedback/")
    page.get_by_role("link", name="Beginnen").click()
    page.get_by_role("radio", name="7", exact=True).check()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor je antwoorden")
    assert SealedResponse.objects.get().answers[str(question.pk)] == 7  # waits for its batch
    context.close()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_survey_pages_have_no_accessibility_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    from datetime import timedelta

    from django.utils import timezone

    from surveys.models import Answer, Indicator, IndicatorYear, PanelMember

    NeighbourhoodFactory()
    open_survey = SurveyFactory(audience="open", slug="open-peiling")
    QuestionFactory(survey=open_survey, page=1, kind=Question.Kind.LIKERT, text="Ik voel me veilig")
    QuestionFactory(
        survey=open_survey, page=2, kind=Question.Kind.TEXT, text="Toelichting", required=False
    )
    now = timezone.now()
    done = SurveyFactory(
        slug="klaar",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
        results_published_at=now,
        weighted=True,
    )
    rating = QuestionFactory(survey=done, text="Cijfer")
    neighbourhood = NeighbourhoodFactory()
    for value in [6, 7, 8] * 5:
        response = Response.objects.create(
            survey=done, neighbourhood=neighbourhood, submitted_on=now.date()
        )
        Answer.objects.create(response=response, question=rating, value_number=value)
    indicator = Indicator.objects.create(name="Waardering", slug="waardering")
    IndicatorYear.objects.create(indicator=indicator, year=done.year, target=7, question=rating)
    resident = UserFactory()
    sign_in(page, resident)
    if language == "en":
        page.get_by_role("button", name="English").click()
    for path in [
        "/enquetes/",
        "/enquetes/panel/",
        "/enquetes/open-peiling/",
        "/enquetes/open-peiling/pagina/1/",
        "/enquetes/open-peiling/pagina/2/",
        "/enquetes/klaar/resultaten/",
        "/enquetes/indicatoren/waardering/",
        "/enquetes/open-peiling/bedankt/",
        "/enquetes/panel/verlaten/",  # without a link opened: where to go
        f"/enquetes/panel/verlaten/{PanelMember.leave_token(resident)}/",  # on to the page
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
