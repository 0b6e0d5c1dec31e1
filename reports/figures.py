"""The figures of public-space reports: how long handling takes against the term, and
what reporters say afterwards, per main category, department, neighbourhood and month.

- Lead time: working days (Dutch public holidays excluded, ``common.workdays``) from
  going in to closing, for reports solved or declined in the period (merged ones are
  counted in the report they went on in). Median and 90th percentile interpolate
  between ranks, as PostgreSQL's ``percentile_cont`` does.
- On time: closed on a day when the queue's "days left" was not yet negative
  (``reports.models.closed_on_time``, the one definition the queue uses too).
- Satisfaction: the answers given in the period ("is it solved?", grade 1-10): the share
  solved, the mean grade with its 95% interval (Student's t), and the reasons of the
  unhappy (answer "partly" or "no") ranked.
- Groups with fewer reports (or answers) than ``PORTAL_REPORT_FIGURES_MIN_GROUP`` are
  hidden, and the page says why. Where a breakdown would hide exactly one group, the
  next smallest is hidden too (secondary suppression): otherwise the total minus the
  groups shown would give the hidden group's figures.

Everything is computed in a fixed number of queries, whatever the number of reports:
one query fetches the few columns of every closed report in the selection (working days
cannot be counted in the database), the answers are aggregated by the database per group.
"""

from __future__ import annotations

import datetime
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common import suppression, workdays
from common.charts import bar_chart
from common.csv import spreadsheet_safe_writer
from neighbourhoods.models import Neighbourhood
from reports.models import (
    Answer,
    Category,
    Department,
    Feedback,
    Improvement,
    Report,
    Status,
    working_days_left_on,
)

HANDLED = [Status.SOLVED, Status.DECLINED]
DIMENSIONS = ["category", "department", "neighbourhood", "month"]
# "You said, we did": the figures this long before and after an improvement.
BEFORE_AFTER_MONTHS = 3


def min_group() -> int:
    return int(getattr(settings, "PORTAL_REPORT_FIGURES_MIN_GROUP", settings.SURVEY_MIN_GROUP_SIZE))


# --- statistics -----------------------------------------------------------------------


def percentile(ordered: list[int] | list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of sorted values, interpolating between the nearest
    ranks (PostgreSQL's ``percentile_cont``)."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# Student's t, two-sided 95% (the 0.975 quantile), for small samples.
_T_975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
}
_Z_975 = 1.959964


def t_975(degrees: int) -> float:
    """The 0.975 quantile of Student's t: the table up to 30 degrees of freedom, above
    that the Cornish-Fisher expansion around the normal (exact to 0.001)."""
    if degrees in _T_975:
        return _T_975[degrees]
    z = _Z_975
    return (
        z
        + (z**3 + z) / (4 * degrees)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * degrees**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * degrees**3)
    )


def mean_interval(n: int, total: float, squares: float) -> tuple[float, float, float] | None:
    """Mean and its 95% interval from the count, sum and sum of squares."""
    if n < 2:
        return None
    mean = total / n
    variance = max(0.0, (squares - total * total / n) / (n - 1))
    half = t_975(n - 1) * math.sqrt(variance / n)
    return mean, mean - half, mean + half


# --- one group's figures --------------------------------------------------------------


@dataclass
class Stats:
    """The figures of one group. Values are None when the group is too small."""

    key: str
    label: str
    handled: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    on_time: int = 0
    answers: int = 0
    solved: int = 0
    partly: int = 0
    mean_grade: float | None = None
    grade_low: float | None = None
    grade_high: float | None = None
    times_hidden: bool = False
    answers_hidden: bool = False

    @property
    def on_time_share(self) -> int | None:
        if self.times_hidden or not self.handled:
            return None
        return round(self.on_time * 100 / self.handled)

    @property
    def solved_share(self) -> int | None:
        if self.answers_hidden or not self.answers:
            return None
        return round(self.solved * 100 / self.answers)

    @property
    def partly_share(self) -> int | None:
        if self.answers_hidden or not self.answers:
            return None
        return round(self.partly * 100 / self.answers)

    @property
    def is_hidden(self) -> bool:
        return self.times_hidden and self.answers_hidden


def _lead_times(stats: Stats, lead_times: list[int], on_time: int, minimum: int) -> None:
    stats.handled = len(lead_times)
    stats.on_time = on_time
    if stats.handled < minimum or not lead_times:
        stats.times_hidden = True
        stats.on_time = 0
        return
    ordered = sorted(lead_times)
    stats.median_days = _round(percentile(ordered, 0.5))
    stats.p90_days = _round(percentile(ordered, 0.9))


def _answers(stats: Stats, row: dict[str, Any] | None, minimum: int) -> None:
    row = row or {}
    stats.answers = row.get("n") or 0
    if stats.answers < minimum or not stats.answers:
        stats.answers_hidden = True
        return
    stats.solved = row.get("yes") or 0
    stats.partly = row.get("part") or 0
    interval = mean_interval(
        stats.answers, float(row.get("total") or 0), float(row.get("squares") or 0)
    )
    if interval is not None:
        stats.mean_grade, stats.grade_low, stats.grade_high = (_round(v) for v in interval)


def group_stats(
    key: str,
    label: str,
    lead_times: list[int],
    on_time: int,
    answers: dict[str, Any] | None,
    minimum: int,
) -> Stats:
    """One group's figures from its lead times, how many were on time and its answers'
    aggregates (``answer_aggregates``); too small a group's hidden."""
    stats = Stats(key=key, label=label)
    _lead_times(stats, lead_times, on_time, minimum)
    _answers(stats, answers, minimum)
    return stats


def summed_answers(rows: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    """The answers' aggregates of several groups together (for their total)."""
    total: dict[str, Any] = {"n": 0, "yes": 0, "part": 0, "total": 0, "squares": 0}
    for row in rows:
        for name in total:
            total[name] += (row or {}).get(name) or 0
    return total


def _hide_times(stats: Stats) -> None:
    stats.times_hidden = True
    stats.on_time = 0
    stats.median_days = stats.p90_days = None


def _hide_answers(stats: Stats) -> None:
    stats.answers_hidden = True
    stats.solved = stats.partly = 0
    stats.mean_grade = stats.grade_low = stats.grade_high = None


def protect_hidden(rows: list[Stats], total: Stats) -> None:
    """Secondary suppression in one breakdown: while the total minus the groups shown
    would give a hidden group's figures (``common.suppression.protect_hidden``), the
    smallest group shown is hidden as well."""
    parts = (
        (lambda row: row.handled, lambda row: row.times_hidden, _hide_times, total.times_hidden),
        (
            lambda row: row.answers,
            lambda row: row.answers_hidden,
            _hide_answers,
            total.answers_hidden,
        ),
    )
    for size, hidden, hide, total_hidden in parts:
        suppression.protect_hidden(
            rows,
            size=size,
            hidden=hidden,
            hide=hide,
            label=lambda row: row.label,
            total_hidden=total_hidden,
            minimum=min_group(),
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- the selection --------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which reports: closed (or answered) from ``start`` to ``end``, both included,
    optionally of one main category, department or neighbourhood."""

    start: datetime.date
    end: datetime.date
    category: Category | None = None
    department: Department | None = None
    neighbourhood: Any = None

    @classmethod
    def last_months(cls, months: int, today: datetime.date | None = None, **filters: Any):
        today = today or timezone.localdate()
        start = today.replace(day=1) - relativedelta(months=months - 1)
        return cls(start, today, **filters)

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time.min, zone),
            datetime.datetime.combine(
                self.end + datetime.timedelta(days=1), datetime.time.min, zone
            ),
        )

    def report_filter(self, prefix: str = "") -> Q:
        q = Q()
        if self.category is not None:
            q &= Q(**{f"{prefix}category": self.category}) | Q(
                **{f"{prefix}category__parent": self.category}
            )
        if self.department is not None:
            q &= Q(**{f"{prefix}department": self.department})
        if self.neighbourhood is not None:
            q &= Q(**{f"{prefix}neighbourhood": self.neighbourhood})
        return q


@dataclass
class ReportFigures:
    selection: Selection
    minimum: int
    total: Stats
    groups: dict[str, list[Stats]]
    reasons: list[tuple[str, float]] | None  # None: too few unhappy answers to show
    unhappy: int
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def trend_chart(self) -> dict:
        """The median lead time per month (months too small to show left out)."""
        return bar_chart(
            [
                (row.label, row.median_days)
                for row in self.groups["month"]
                if row.median_days is not None
            ]
        )

    @property
    def grade_chart(self) -> dict:
        return bar_chart(
            [
                (row.label, row.mean_grade)
                for row in self.groups["month"]
                if row.mean_grade is not None
            ]
        )

    @property
    def reasons_chart(self) -> dict:
        return bar_chart(self.reasons or [])

    def csv(self) -> str:
        out = io.StringIO()
        writer = spreadsheet_safe_writer(out)
        writer.writerow(
            [
                "breakdown",
                "group",
                "closed",
                "median_working_days",
                "p90_working_days",
                "on_time_percent",
                "answers",
                "solved_percent",
                "partly_percent",
                "mean_grade",
                "grade_ci95_low",
                "grade_ci95_high",
                "hidden",
                "period_start",
                "period_end",
            ]
        )
        period = [self.selection.start.isoformat(), self.selection.end.isoformat()]
        rows = [("all", self.total)] + [
            (dimension, row) for dimension in DIMENSIONS for row in self.groups[dimension]
        ]
        for dimension, row in rows:
            hidden = [
                part
                for part, is_hidden in (
                    ("lead_time", row.times_hidden),
                    ("answers", row.answers_hidden),
                )
                if is_hidden
            ]
            writer.writerow(
                [
                    dimension,
                    row.key if dimension == "month" else row.label,
                    row.handled if not row.times_hidden else "",
                    _blank(row.median_days),
                    _blank(row.p90_days),
                    _blank(row.on_time_share),
                    row.answers if not row.answers_hidden else "",
                    _blank(row.solved_share),
                    _blank(row.partly_share),
                    _blank(row.mean_grade),
                    _blank(row.grade_low),
                    _blank(row.grade_high),
                    " ".join(hidden),
                    *period,
                ]
            )
        for label, count in self.reasons or []:
            writer.writerow(["unhappy_reason", label, "", "", "", "", count, *[""] * 6, *period])
        return out.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


def _month_key(day: datetime.date | datetime.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return date_format(datetime.date(int(year), int(month), 1), "F Y")


def closed_rows(reports: QuerySet[Report]) -> Iterable[tuple]:
    """(main category, department, neighbourhood, went in, closed, due) of each closed
    report, dates in the municipality's time zone: one query."""
    zone = timezone.get_current_timezone()
    return (
        reports.filter(status__in=HANDLED, submitted_at__isnull=False, due_date__isnull=False)
        .annotate(
            main=Coalesce("category__parent_id", "category_id"),
            went_in=TruncDate("submitted_at", tzinfo=zone),
            closed_on=TruncDate("closed_at", tzinfo=zone),
        )
        .order_by()
        .values_list(
            "main", "department_id", "neighbourhood_id", "went_in", "closed_on", "due_date"
        )
    )


def lead_time(went_in: datetime.date, closed_on: datetime.date) -> int:
    return workdays.working_day_number(closed_on) - workdays.working_day_number(went_in)


def answer_aggregates() -> dict[str, Any]:
    return {
        "n": Count("pk"),
        "yes": Count("pk", filter=Q(solved=Answer.YES)),
        "part": Count("pk", filter=Q(solved=Answer.PARTLY)),
        "total": Sum("grade"),
        "squares": Sum(F("grade") * F("grade")),
    }


def compute(
    visible: QuerySet[Report], selection: Selection, *, breakdowns: bool = True
) -> ReportFigures:
    """The figures of the reports in ``visible`` (the viewer's scope, as in the queue)
    that ``selection`` picks; without ``breakdowns`` only the total (the dashboard)."""
    minimum = min_group()
    dimensions = DIMENSIONS if breakdowns else []
    start, end = selection.moments()
    visible = visible.order_by()
    reports = visible.filter(selection.report_filter(), closed_at__gte=start, closed_at__lt=end)

    times: dict[str, dict[Any, list[int]]] = {d: defaultdict(list) for d in dimensions}
    on_time: dict[str, dict[Any, int]] = {d: defaultdict(int) for d in dimensions}
    all_times: list[int] = []
    all_on_time = 0
    for main, department, neighbourhood, went_in, closed_on, due in closed_rows(reports):
        days = lead_time(went_in, closed_on)
        in_time = working_days_left_on(due, closed_on) >= 0
        all_times.append(days)
        all_on_time += in_time
        if not breakdowns:
            continue
        for dimension, key in (
            ("category", main),
            ("department", department),
            ("neighbourhood", neighbourhood),
            ("month", _month_key(closed_on)),
        ):
            times[dimension][key].append(days)
            on_time[dimension][key] += in_time

    answers = Feedback.objects.filter(
        selection.report_filter("report__"),
        report__in=visible.values("pk"),
        created_at__gte=start,
        created_at__lt=end,
    )
    zone = timezone.get_current_timezone()
    total_answers = answers.aggregate(**answer_aggregates())
    answer_groups: dict[str, dict[Any, dict]] = {}
    for dimension, expression in (
        ("category", Coalesce("report__category__parent_id", "report__category_id")),
        ("department", F("report__department_id")),
        ("neighbourhood", F("report__neighbourhood_id")),
        ("month", TruncDate("created_at", tzinfo=zone)),
    ):
        if dimension not in dimensions:
            continue
        grouped: dict[Any, dict] = defaultdict(
            lambda: {"n": 0, "yes": 0, "part": 0, "total": 0, "squares": 0}
        )
        for row in (
            answers.annotate(group=expression)
            .values("group")
            .annotate(**answer_aggregates())
            .order_by()
        ):
            key = _month_key(row["group"]) if dimension == "month" else row["group"]
            for name in ("n", "yes", "part", "total", "squares"):
                # The stubs cannot see annotations passed as a dict.
                grouped[key][name] += row[name] or 0  # type: ignore[misc]
        answer_groups[dimension] = grouped

    labels: dict[str, dict[Any, str]] = (
        {
            "category": {c.pk: c.name for c in Category.objects.main()},
            "department": dict(Department.objects.values_list("pk", "name")),
            "neighbourhood": dict(Neighbourhood.objects.values_list("pk", "name")),
        }
        if breakdowns
        else {}
    )
    none_labels = {
        "category": _("No category"),
        "department": _("No department"),
        "neighbourhood": _("No neighbourhood"),
    }
    total = Stats(key="all", label=_("All reports in the selection"))
    _lead_times(total, all_times, all_on_time, minimum)
    _answers(total, total_answers, minimum)

    groups: dict[str, list[Stats]] = {}
    for dimension in dimensions:
        keys = set(times[dimension]) | set(answer_groups[dimension])
        rows = []
        for key in keys:
            if dimension == "month":
                label = _month_label(key)
            elif key is None:
                label = none_labels[dimension]
            else:
                label = labels[dimension].get(key, str(key))
            stats = Stats(key=str(key), label=label)
            _lead_times(
                stats, times[dimension].get(key, []), on_time[dimension].get(key, 0), minimum
            )
            _answers(stats, answer_groups[dimension].get(key), minimum)
            rows.append(stats)
        if dimension == "month":
            rows.sort(key=lambda row: row.key)
        else:
            rows.sort(key=lambda row: row.label.lower())
        protect_hidden(rows, total)
        groups[dimension] = rows

    unhappy = (total_answers.get("n") or 0) - (total_answers.get("yes") or 0)
    reasons: list[tuple[str, float]] | None = None
    if breakdowns and unhappy >= minimum:
        through = Feedback.reasons.through
        text = "feedbackreason__text_en" if _is_english() else "feedbackreason__text_nl"
        reasons = [
            (row[text], row["n"])
            for row in through.objects.filter(
                feedback__in=answers.exclude(solved=Answer.YES).values("pk")
            )
            .values("feedbackreason_id", text)
            .annotate(n=Count("pk"))
            .order_by("-n", text)
        ]
    return ReportFigures(selection, minimum, total, groups, reasons, unhappy)


def _is_english() -> bool:
    return (get_language() or "nl").startswith("en")


# --- "You said, we did": before and after an improvement ---------------------------


@dataclass
class BeforeAfter:
    improvement: Improvement
    before_start: datetime.date
    after_end: datetime.date
    before: Stats
    after: Stats
    after_complete: bool

    @property
    def sides(self) -> list[Stats]:
        return [self.before, self.after]


def _applies(improvement: Improvement, main: int, category: int, department: int | None) -> bool:
    if improvement.category_id is not None and improvement.category_id not in (main, category):
        return False
    return improvement.department_id is None or improvement.department_id == department


def _scope(improvement: Improvement, prefix: str = "") -> Q:
    q = Q()
    if improvement.category_id is not None:
        q &= Q(**{f"{prefix}category_id": improvement.category_id}) | Q(
            **{f"{prefix}category__parent_id": improvement.category_id}
        )
    if improvement.department_id is not None:
        q &= Q(**{f"{prefix}department_id": improvement.department_id})
    return q


def before_and_after(
    improvements: list[Improvement], today: datetime.date | None = None
) -> list[BeforeAfter]:
    """For each improvement: the figures of its category and department in the
    ``BEFORE_AFTER_MONTHS`` before the day it changed and after it (up to today). Two
    queries for all of them together."""
    today = today or timezone.localdate()
    minimum = min_group()
    zone = timezone.get_current_timezone()
    windows = []
    for improvement in improvements:
        start = improvement.changed_on - relativedelta(months=BEFORE_AFTER_MONTHS)
        full_end = improvement.changed_on + relativedelta(months=BEFORE_AFTER_MONTHS)
        end = min(full_end - datetime.timedelta(days=1), today)
        windows.append((improvement, start, end, end == full_end - datetime.timedelta(days=1)))
    if not windows:
        return []

    def moment(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, zone)

    report_q = Q()
    answer_q = Q()
    for improvement, start, end, _complete in windows:
        span = (moment(start), moment(end + datetime.timedelta(days=1)))
        report_q |= _scope(improvement) & Q(closed_at__gte=span[0], closed_at__lt=span[1])
        answer_q |= _scope(improvement, "report__") & Q(
            created_at__gte=span[0], created_at__lt=span[1]
        )
    report_rows = list(
        Report.objects.filter(report_q)
        .filter(status__in=HANDLED, submitted_at__isnull=False, due_date__isnull=False)
        .annotate(
            main=Coalesce("category__parent_id", "category_id"),
            went_in=TruncDate("submitted_at", tzinfo=zone),
            closed_on=TruncDate("closed_at", tzinfo=zone),
        )
        .order_by()
        .values_list("main", "category_id", "department_id", "went_in", "closed_on", "due_date")
    )
    answer_rows = list(
        Feedback.objects.filter(answer_q, report__isnull=False)
        .annotate(
            main=Coalesce("report__category__parent_id", "report__category_id"),
            given_on=TruncDate("created_at", tzinfo=zone),
        )
        .order_by()
        .values_list(
            "main", "report__category_id", "report__department_id", "given_on", "grade", "solved"
        )
    )
    result = []
    for improvement, start, end, complete in windows:
        sides: dict[str, tuple[list[int], int, dict[str, int]]] = {
            "before": ([], 0, {"n": 0, "yes": 0, "part": 0, "total": 0, "squares": 0}),
            "after": ([], 0, {"n": 0, "yes": 0, "part": 0, "total": 0, "squares": 0}),
        }
        counts = {"before": 0, "after": 0}
        for main, category, department, went_in, closed_on, due in report_rows:
            if not (start <= closed_on <= end) or not _applies(
                improvement, main, category, department
            ):
                continue
            side = "before" if closed_on < improvement.changed_on else "after"
            sides[side][0].append(lead_time(went_in, closed_on))
            counts[side] += due is not None and working_days_left_on(due, closed_on) >= 0
        for main, category, department, given_on, grade, solved in answer_rows:
            if not (start <= given_on <= end) or not _applies(
                improvement, main, category, department
            ):
                continue
            side = "before" if given_on < improvement.changed_on else "after"
            row = sides[side][2]
            row["n"] += 1
            row["yes"] += solved == Answer.YES
            row["part"] += solved == Answer.PARTLY
            row["total"] += grade
            row["squares"] += grade * grade
        stats = {
            side: group_stats(side, side, lead_times, counts[side], answers_row, minimum)
            for side, (lead_times, _unused, answers_row) in sides.items()
        }
        # Before and after are the two parts of the whole window, whose figures show
        # elsewhere (the back office's figures of the same category, department and
        # months): one side hidden takes the other with it, so that neither can be
        # worked out from the whole minus the other (secondary suppression).
        window = group_stats(
            "window",
            "window",
            sides["before"][0] + sides["after"][0],
            counts["before"] + counts["after"],
            summed_answers(row for _times, _unused, row in sides.values()),
            minimum,
        )
        protect_hidden([stats["before"], stats["after"]], window)
        result.append(
            BeforeAfter(improvement, start, end, stats["before"], stats["after"], complete)
        )
    return result
