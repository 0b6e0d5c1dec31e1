"""The demo: a year of reports with realistic lead times and people who also saw them."""

import pytest
from django.core.management import call_command

from common import workdays
from reports import figures
from reports.models import Feedback, Improvement, Report, Status, Supporter

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_year_of_reports_with_realistic_lead_times():
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    reports = list(Report.objects.select_related("category"))
    assert len(reports) == 300
    closed = [r for r in reports if r.closed_at is not None]
    assert len(closed) > 200
    on_time = sum(
        1
        for r in closed
        if workdays.working_days_between(r.submitted_at.date(), r.closed_at.date())
        <= r.category.term_working_days
    )
    assert 0.6 < on_time / len(closed) < 0.98  # mostly in time, some late
    assert Report.objects.filter(status__in=[Status.RECEIVED, Status.IN_PROGRESS]).exists()
    assert Supporter.objects.exists()
    assert all(r.neighbourhood_id and r.department_id for r in reports)
    assert sum(r.supporter_count for r in reports) == Supporter.objects.count()
    # About four in ten closed reports have the reporter's answer to "is it solved?".
    answered = Feedback.objects.filter(report__isnull=False).count()
    assert 0.25 < answered / len(closed) < 0.55
    assert Feedback.objects.filter(solved="no").exists()
    assert Feedback.objects.filter(reasons__isnull=False).exists()
    # Three improvements from those answers, with figures before and after them.
    improvements = list(Improvement.objects.published())
    assert len(improvements) == 3
    compared = figures.before_and_after(improvements)
    assert any(not row.before.times_hidden and not row.after.times_hidden for row in compared)
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    assert Report.objects.count() == 300
    assert Improvement.objects.count() == 3
