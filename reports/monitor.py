"""What public-space reports add to the neighbourhood monitor (registered in
``ReportsConfig.ready``): reports per neighbourhood and status (a count source, in the
monitor's CSV), and per neighbourhood the median lead time in working days of the
reports closed in the year and the mean grade reporters gave, with its 95% interval
(indicators on the monitor page). Small groups are hidden like on the figures page."""

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from neighbourhoods.models import Buurt, Neighbourhood, first_containing
from neighbourhoods.monitor import Indicator
from reports import figures
from reports.models import Feedback, Report, Status


def status_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Status.choices if value != Status.UNCONFIRMED]


def counts_by_neighbourhood() -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for neighbourhood, status, n in (
        Report.objects.public()
        .filter(neighbourhood__isnull=False)
        .values_list("neighbourhood_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[neighbourhood][status] = n
    return dict(counts)


def neighbourhood_indicators(neighbourhoods: list[Any], year: int) -> dict[int, list[Indicator]]:
    """Two indicators per neighbourhood for ``year``: two queries for all of them. Small
    neighbourhoods are hidden, and where one would be hidden alone the next smallest too
    (``figures.protect_hidden``)."""
    minimum = figures.min_group()
    zone = timezone.get_current_timezone()
    closed = Report.objects.filter(neighbourhood__isnull=False).annotate(
        year=ExtractYear("closed_at", tzinfo=zone)
    )
    times: dict[int, list[int]] = defaultdict(list)
    for _main, _department, neighbourhood, went_in, closed_on, _due in figures.closed_rows(
        closed.filter(year=year)
    ):
        times[neighbourhood].append(figures.lead_time(went_in, closed_on))
    grades: dict[int, dict[str, Any]] = {
        row["report__neighbourhood_id"]: dict(row)
        for row in Feedback.objects.annotate(year=ExtractYear("created_at", tzinfo=zone))
        .filter(year=year, report__neighbourhood__isnull=False)
        .values("report__neighbourhood_id")
        .annotate(**figures.answer_aggregates())
        .order_by()
    }
    stats = {
        neighbourhood.pk: figures.group_stats(
            str(neighbourhood.pk),
            neighbourhood.name,
            times.get(neighbourhood.pk, []),
            0,
            grades.get(neighbourhood.pk),
            minimum,
        )
        for neighbourhood in neighbourhoods
    }
    # The neighbourhoods are the parts of the city's figures of the year (which the
    # back office's figures show): a single hidden neighbourhood takes the next smallest
    # with it, so that no hidden one can be worked out by subtraction.
    total = figures.group_stats(
        "all",
        "all",
        [days for lead in times.values() for days in lead],
        0,
        figures.summed_answers(grades.values()),
        minimum,
    )
    figures.protect_hidden(list(stats.values()), total)
    result: dict[int, list[Indicator]] = {}
    for neighbourhood in neighbourhoods:
        row = stats[neighbourhood.pk]
        result[neighbourhood.pk] = [
            Indicator(
                _("Public-space reports: median lead time (working days)"),
                None if row.times_hidden else row.median_days,
                row.handled,
            ),
            Indicator(
                _("Public-space reports: mean grade for the handling"),
                None if row.answers_hidden else row.mean_grade,
                row.answers,
                None if row.answers_hidden else row.grade_low,
                None if row.answers_hidden else row.grade_high,
            ),
        ]
    return result


def located_counts(level: str) -> dict[str | None, int]:
    """Public reports per wijk or buurt (CBS code; by their point) or per street (by
    their address), for the monitor per area: one grouped query. Reports not placed at
    the level are counted under None (no wijk or buurt) or "" (no street), so the counts
    add up to every public report."""
    column = {"wijk": "neighbourhood__cbs_code", "buurt": "buurt__cbs_code", "straat": "street"}[
        level
    ]
    return dict(Report.objects.public().values_list(column).annotate(n=Count("pk")).order_by())


def located_label() -> str:
    return _("Public-space reports")


def locate_in_buurten(neighbourhood: Neighbourhood) -> int:
    """Place the reports with a point in ``neighbourhood`` in its buurten again (after
    staff drew or changed a buurt's boundary); how many changed buurt."""
    buurten = list(Buurt.objects.filter(neighbourhood=neighbourhood, boundary__isnull=False))
    moved = []
    for report in Report.objects.filter(
        neighbourhood=neighbourhood, latitude__isnull=False, longitude__isnull=False
    ).only("pk", "latitude", "longitude", "buurt_id"):
        latitude, longitude = float(report.latitude or 0), float(report.longitude or 0)
        buurt = first_containing(buurten, latitude, longitude)
        buurt_id = buurt.pk if buurt else None
        if buurt_id != report.buurt_id:
            report.buurt_id = buurt_id
            moved.append(report)
    Report.objects.bulk_update(moved, ["buurt"], batch_size=1000)
    return len(moved)
