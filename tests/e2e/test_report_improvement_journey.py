"""From feedback to improvement, end to end in Chromium, in Dutch and in English: a
colleague of the roads department looks at the figures of their reports, records an
improvement in the back office (what residents said, what was changed, when, from which
reasons), and a visitor finds it on "U zei, wij deden" with the figures before and after
the change. Every page passes axe."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports.models import (
    Answer,
    Department,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    Improvement,
    Status,
)
from reports.tests.factories import ReportFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_and_answered(area, went_in, lead_days: int, grade: int, solved: str) -> None:
    zone = timezone.get_current_timezone()
    closed = went_in + timedelta(days=lead_days)
    report = ReportFactory(
        neighbourhood=area,
        status=Status.SOLVED,
        submitted_at=datetime.combine(went_in, time(9), zone),
        closed_at=datetime.combine(closed, time(15), zone),
        due_date=went_in + timedelta(days=7),
    )
    request = FeedbackRequest.objects.create(
        report=report,
        token_hash=f"{report.pk:064d}",
        expires_at=timezone.now() + timedelta(days=14),
    )
    Feedback.objects.create(
        report=report,
        request=request,
        solved=solved,
        grade=grade,
        created_at=datetime.combine(closed + timedelta(days=1), time(10), zone),
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_record_an_improvement_and_the_public_sees_before_and_after(
    language, page: Page, browser, live_server, assert_accessible, settings
):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 5
    roads = Department.objects.get(slug="wegen")
    colleague = StaffFactory(display_name="Ruud", language=language)
    colleague.groups.add(Role.AREA_MANAGER.group())
    give_totp(colleague)
    roads.members.add(colleague)
    area = NeighbourhoodFactory(name="Molenbuurt", area_manager=colleague)
    changed_on = timezone.localdate() - timedelta(days=40)
    for index in range(6):  # before: slow, unhappy
        went_in = changed_on - timedelta(days=60 - index * 3)
        _closed_and_answered(area, went_in, 14, 4 + index % 2, Answer.NO)
    for index in range(6):  # after: quicker, happier
        went_in = changed_on + timedelta(days=2 + index * 3)
        _closed_and_answered(area, went_in, 3, 8, Answer.YES)

    # The colleague reads the figures of their department's reports.
    sign_in_staff_in_browser(page, live_server, colleague)
    page.goto(live_server.url + "/beheer/reports/report/cijfers/")
    expect(page.locator("#total")).to_contain_text("12")
    assert_accessible(page)

    # ... and records what was changed because of the answers.
    page.goto(live_server.url + "/beheer/reports/improvement/add/")
    assert_accessible(page)
    page.locator("#id_title_nl").fill("Een vaste ploeg voor losse tegels")
    page.locator("#id_title_en").fill("A fixed crew for loose paving")
    page.locator("#id_said_nl").fill("Losse tegels lagen er na de melding nog weken.")
    page.locator("#id_said_en").fill("Loose paving stayed for weeks after a report.")
    reason = FeedbackReason.objects.filter(answer=Answer.NO, is_active=True).first()
    page.locator(f"input[name=reasons][value='{reason.pk}']").check()
    page.locator("#id_done_nl").fill("Een vaste ploeg herstelt losse tegels in rondes per wijk.")
    page.locator("#id_done_en").fill("A fixed crew repairs loose paving in rounds.")
    page.locator("#id_changed_on").fill(changed_on.isoformat())
    page.locator("#id_department").select_option(str(roads.pk))
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(live_server.url + "/beheer/reports/improvement/")
    assert_accessible(page)
    improvement = Improvement.objects.get()
    assert improvement.department == roads
    assert list(improvement.reasons.all()) == [reason]

    # A visitor finds it on the public page, in their language, with before and after.
    visitor = browser.new_context()
    public = visitor.new_page()
    visitor.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    public.goto(live_server.url + "/openbare-ruimte/jij-zei-wij-deden/")
    title = "A fixed crew for loose paving" if language == "en" else "Een vaste ploeg"
    expect(public.get_by_role("heading", level=2)).to_contain_text(title)
    table = public.locator("table").first
    expect(table).to_contain_text("Before" if language == "en" else "Voor")
    # Median lead time before (14 days: 10 working days or so) and after (3 days).
    rows = table.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("6")
    assert_accessible(public)
    visitor.close()
