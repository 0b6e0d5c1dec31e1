""" "Is it solved?" end to end in Chromium, in Dutch and in English: a colleague solves a
report, the reporter follows the link in the email (the token leaves the address), first
sends the form empty (the error summary), then answers "no" with a reason and a grade,
and reopens the report; the area's colleague sees it reopened in the queue, with the
feedback on its page. Every page passes axe."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports import actions
from reports.models import Department, Feedback, FeedbackReason, Status
from reports.tests.factories import ReportFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_unhappy_reporter_reopens_the_report(
    language, page: Page, browser, live_server, assert_accessible
):
    manager = StaffFactory(display_name="Ruud")
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    Department.objects.get(slug="wegen").members.add(manager)
    area = NeighbourhoodFactory(name="Molenbuurt", area_manager=manager)
    reporter = UserFactory(language=language)
    report = ReportFactory(reporter=reporter, neighbourhood=area)
    actions.change_status(report=report, to=Status.SOLVED, by=manager, message="Gerepareerd.")
    (email,) = [m for m in mail.outbox if "/tevredenheid/" in m.body]
    assert email.to == [reporter.email]
    assert f'<html lang="{language}">' in email.alternatives[0][0]
    link = re.search(r"http://\S+/openbare-ruimte/tevredenheid/\S+/", email.body)[0]

    # The reporter follows the link (signed in or not: the link is what counts).
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(link.replace("http://testserver", live_server.url))
    assert page.url == live_server.url + "/openbare-ruimte/tevredenheid/"
    assert page.locator("html").get_attribute("lang") == language
    if language == "en":
        expect(page.get_by_role("heading", level=1)).to_have_text("Is it solved?")
        expect(page.locator("main")).to_contain_text("1 = very bad, 10 = excellent")
    assert_accessible(page)

    # Sent empty: the error summary, the errors beside the fields.
    submit = page.locator(".portal-form button[type=submit]")
    submit.click()
    expect(page.locator(".portal-error-summary")).to_be_visible()
    expect(page.locator("#id_solved_error")).to_be_visible()
    expect(page.locator("#id_grade_error")).to_be_visible()
    assert_accessible(page)
    assert not Feedback.objects.exists()

    # "No", a reason that goes with it, a grade and a remark.
    reason = FeedbackReason.objects.filter(answer="no", applies_to="report").first()
    expect(page.locator("fieldset[data-answer=yes]")).to_be_visible()
    page.locator("input[name=solved][value=no]").check()
    # With JavaScript only the reasons that go with "no" are shown.
    expect(page.locator("fieldset[data-answer=yes]")).to_be_hidden()
    expect(page.locator("fieldset[data-answer=no]")).to_be_visible()
    page.locator("input[name=grade][value='2']").check()
    page.locator(f"#id_reasons_{reason.pk}").check()
    page.locator("#id_remark").fill("De tegels liggen nog steeds los.")
    submit.click()
    expect(page).to_have_url(live_server.url + "/openbare-ruimte/tevredenheid/bedankt/")
    assert_accessible(page)
    page.locator("form[action$='/heropenen/'] button").click()
    expect(page).to_have_url(live_server.url + report.get_absolute_url())
    expect(page.locator(".portal-messages")).to_be_visible()
    assert_accessible(page)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.changes.filter(key="reopened").exists()
    feedback = Feedback.objects.get()
    assert (feedback.solved, feedback.grade, feedback.reopened_at is not None) == ("no", 2, True)

    # The colleague sees it reopened in the queue, with the feedback on its page.
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in_staff_in_browser(staff_page, live_server, manager)
    staff_page.goto(live_server.url + "/beheer/reports/report/?reopened=by_reporter")
    staff_page.get_by_role("link", name=f"#{report.pk}").click()
    expect(staff_page.locator("main, #content").first).to_contain_text(
        "De tegels liggen nog steeds los."
    )
    staff_context.close()
