"""A question to the municipality end to end in Chromium, in Dutch and in English: a
visitor asks a question to be answered in public and confirms the email address (the
token leaves the address, a button confirms); a colleague of the department answers in
the back office: a reply to the asker by email, and the question and answer as published
without personal details; the published answer (never the reply) is on the public page
and in the portal search, without the asker; the asker follows the
satisfaction link and answers. Every portal page passes axe."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from reports.models import Department, Feedback, FeedbackReason, Question, QuestionStatus
from reports.tests.factories import topic
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

ASKED = "Ik woon op Dorpsstraat 3. Mag ik een container voor bouwafval op straat zetten?"
PUBLISHED = "Mag ik een container voor bouwafval op straat zetten?"
ANSWER = "Ja, tot vier weken. Vraag het voor Dorpsstraat 3 vijf werkdagen van tevoren aan."
PUBLIC_ANSWER = "Ja, tot vier weken. Vraag het minstens vijf werkdagen van tevoren aan."
TEXTS = {
    "nl": {"check": "Kijk in je e-mail", "went_in": "Je vraag is binnengekomen"},
    "en": {"check": "Check your email", "went_in": "Your question went in"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_visitor_asks_in_public_and_hears_the_answer(
    language, page: Page, browser, live_server, assert_accessible
):
    colleague = StaffFactory(display_name="Wendy")
    colleague.groups.add(Role.AREA_MANAGER.group())
    give_totp(colleague)
    Department.objects.get(slug="afval").members.add(colleague)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )

    # The visitor asks, to be answered in public.
    page.goto(live_server.url + "/openbare-ruimte/vragen/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page)
    page.goto(live_server.url + "/openbare-ruimte/vragen/stellen/")
    assert_accessible(page)
    page.locator("button[type=submit]").last.click()  # empty: the error summary
    expect(page.locator(".portal-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("select[name=topic]").select_option(str(topic("vergunningen").pk))
    page.locator("textarea[name=text]").fill(ASKED)
    page.locator("input[name=visibility][value=public]").check()
    page.locator("input[name=email]").fill("vrager@example.nl")
    page.locator("button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTS[language]["check"])
    assert_accessible(page)
    question = Question.objects.get()
    assert question.status == QuestionStatus.UNCONFIRMED

    # The link in the email: the token leaves the address, a button confirms.
    link = re.search(r"http://\S+/openbare-ruimte/bevestigen/\S+/", mail.outbox[-1].body)[0]
    assert f'<html lang="{language}">' in mail.outbox[-1].alternatives[0][0]
    page.goto(link.replace("http://testserver", live_server.url))
    assert page.url == live_server.url + "/openbare-ruimte/bevestigen/"
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".portal-messages")).to_contain_text(TEXTS[language]["went_in"])
    assert_accessible(page)
    question.refresh_from_db()
    assert question.status == QuestionStatus.RECEIVED
    assert question.department.slug == "publiek"
    # Not on the public page before it is answered.
    expect(page.locator("main")).not_to_contain_text("bouwafval")

    # A colleague of the department answers, publishing the question without the address.
    Department.objects.get(slug="publiek").members.add(colleague)
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in_staff_in_browser(staff_page, live_server, colleague)
    staff_page.goto(live_server.url + "/beheer/reports/question/")
    staff_page.get_by_role("link", name=f"?{question.pk}").click()
    staff_page.locator("select[name=assigned_to]").select_option(str(colleague.pk))
    staff_page.locator("textarea[name=public_text]").fill(PUBLISHED)
    staff_page.locator("textarea[name=answer]").fill(ANSWER)
    staff_page.locator("textarea[name=public_answer]").fill(PUBLIC_ANSWER)
    mail.outbox.clear()
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_context.close()
    question.refresh_from_db()
    assert (question.status, question.assigned_to) == (QuestionStatus.ANSWERED, colleague)
    answer_mail = next(m for m in mail.outbox if ANSWER in m.body)
    assert answer_mail.to == ["vrager@example.nl"]
    assert f'<html lang="{language}">' in answer_mail.alternatives[0][0]

    # On the public page and in the search, without the asker's address.
    page.goto(live_server.url + "/openbare-ruimte/vragen/")
    expect(page.locator("main")).to_contain_text(PUBLISHED)
    expect(page.locator("main")).not_to_contain_text("Dorpsstraat")
    assert_accessible(page)
    page.get_by_role("link", name=PUBLISHED).click()
    expect(page.locator("main")).to_contain_text(PUBLIC_ANSWER)
    expect(page.locator("main")).not_to_contain_text("Dorpsstraat")
    assert_accessible(page)
    page.goto(live_server.url + "/zoeken/?q=bouwafval")
    expect(page.locator("main")).to_contain_text(PUBLISHED)
    assert_accessible(page)

    # The asker says whether the question is answered.
    feedback_mail = next(m for m in mail.outbox if "/tevredenheid/" in m.body)
    link = re.search(r"http://\S+/openbare-ruimte/tevredenheid/\S+/", feedback_mail.body)[0]
    page.goto(link.replace("http://testserver", live_server.url))
    assert page.url == live_server.url + "/openbare-ruimte/tevredenheid/"
    if language == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Is your question answered?")
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Is je vraag beantwoord?")
    assert_accessible(page)
    reason = FeedbackReason.objects.filter(answer="yes", applies_to="question").first()
    page.locator("input[name=solved][value=yes]").check()
    page.locator("input[name=grade][value='8']").check()
    page.locator(f"#id_reasons_{reason.pk}").check()
    page.locator(".portal-form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/openbare-ruimte/tevredenheid/bedankt/")
    assert_accessible(page)
    feedback = Feedback.objects.get()
    assert (feedback.question, feedback.solved, feedback.grade) == (question, "yes", 8)
    assert list(feedback.reasons.all()) == [reason]
