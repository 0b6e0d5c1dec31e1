"""Public-space reports on the city dashboard (a headline: lead time against the term and
the reporters' grade) and in the neighbourhood monitor (counts, median lead time, grade)."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common import workdays
from neighbourhoods import monitor
from neighbourhoods.tests.factories import NeighbourhoodFactory
from overview import dashboard
from reports.models import Answer, Feedback, FeedbackRequest, Status
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _closed(area, count: int) -> None:
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    for index in range(count):
        went_in = today - timedelta(days=30 + index)
        report = ReportFactory(
            neighbourhood=area,
            status=Status.SOLVED,
            submitted_at=datetime.combine(went_in, time(9), zone),
            closed_at=datetime.combine(went_in + timedelta(days=7), time(15), zone),
            due_date=went_in + timedelta(days=14),
        )
        request = FeedbackRequest.objects.create(
            report=report,
            token_hash=f"{report.pk:064d}",
            expires_at=timezone.now() + timedelta(days=14),
        )
        Feedback.objects.create(
            report=report,
            request=request,
            solved=Answer.YES,
            grade=7 + index % 2,
            created_at=datetime.combine(went_in + timedelta(days=8), time(10), zone),
        )


def test_the_dashboard_shows_how_reports_are_handled(client, settings):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 5
    _closed(NeighbourhoodFactory(), 6)
    built = dashboard.build(dashboard.Period.last_twelve_months())
    assert built.reports.handled == 6
    assert built.reports.on_time_share == 100
    assert built.reports.mean_grade == 7.5
    page = client.get(reverse("overview:dashboard")).content.decode()
    assert "Hoe we meldingen over de openbare ruimte afhandelen" in page
    assert "public_space_reports,median_working_days" in built.csv()


def test_the_dashboard_hides_too_few_reports(client, settings):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 10
    _closed(NeighbourhoodFactory(), 3)
    page = client.get(reverse("overview:dashboard")).content.decode()
    assert "te weinig meldingen afgesloten" in page


def test_the_monitor_counts_reports_and_their_lead_time(settings):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 5
    area = NeighbourhoodFactory(name="Molenbuurt")
    _closed(area, 6)
    ReportFactory(neighbourhood=area)  # open
    rows, city = monitor.city_figures(timezone.localdate().year)
    (row,) = [row for row in rows if row.neighbourhood == area]
    assert row.counts["reports"] == {Status.SOLVED: 6, Status.RECEIVED: 1}
    lead, grade = [i for i in row.indicators if "Meldingen openbare ruimte" in i.label]
    assert lead.n == 6
    today = timezone.localdate()
    weeks = sorted(
        workdays.working_days_between(day, day + timedelta(days=7))
        for day in (today - timedelta(days=30 + index) for index in range(6))
    )
    assert lead.value == (weeks[2] + weeks[3]) / 2  # a week: five working days, or fewer
    assert grade.value == 7.5
    assert grade.ci_low < 7.5 < grade.ci_high
    written = list(csv.reader(io.StringIO(monitor.as_csv(rows, city, 2026))))
    assert "reports_solved" in written[0]
