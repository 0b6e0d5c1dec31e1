"""The city dashboard (datagedreven sturing): how the municipality is doing with
initiatives, answers, agendas, programmes, the survey's indicators and local suppliers,
for a chosen period. Every figure is a few grouped queries, whatever the data size,
and is shown as a chart, as a table and in one CSV.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    F,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.models import Plan, Round
from common import stored_figures
from common.aggregates import LocalDaysBetween, Percentile, local_days_between
from common.charts import bar_chart, labelled_counts
from common.csv import spreadsheet_safe_writer
from community import figures as community_figures
from initiatives.models import Initiative, Status
from neighbourhoods.area_monitor import min_group
from neighbourhoods.models import (
    AgendaItem,
    AgendaStatus,
    CbsFigure,
    CbsImport,
    Neighbourhood,
    ProgrammeProject,
)
from procurement import figures as procurement_figures
from procurement.models import Supplier, Tender
from reports import figures as report_figures
from reports.models import Report
from surveys.indicators import indicator_rows_for_years


@dataclass(frozen=True)
class Period:
    """From and to, both days included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_twelve_months(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today.replace(year=today.year - 1) + datetime.timedelta(days=1), today)

    def selection(self) -> dict[str, str]:
        """The period as stored figures name it (``common.figures``)."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_selection(cls, selection: dict[str, str]) -> Period:
        return cls(
            datetime.date.fromisoformat(selection["start"]),
            datetime.date.fromisoformat(selection["end"]),
        )

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes [start, end + 1 day)."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, zone
        )
        return start, end

    @property
    def years(self) -> range:
        return range(self.start.year, self.end.year + 1)


@dataclass
class Figure:
    """One figure: labelled numbers, drawn as bars and listed as a table."""

    key: str
    title: str
    # A value None is not shown (too few people to show, or no data).
    rows: list[tuple[str, float | None]]
    label_heading: str
    suffix: str = ""
    note: str = ""
    # The values are amounts of money (euro): shown as currency under "Amount".
    money: bool = False

    @property
    def chart(self) -> dict:
        return bar_chart(self.rows, suffix=self.suffix)


@dataclass
class AnswerTimes:
    answered: int
    median_days: float | None
    p90_days: float | None
    within_deadline: int

    @property
    def within_deadline_share(self) -> int | None:
        return round(self.within_deadline * 100 / self.answered) if self.answered else None


@dataclass
class TurnoutRow:
    """One neighbourhood's (or the whole city's) budget rounds counted in the period:
    its ballots against its residents in the newest CBS import (None: no CBS figure)."""

    name: str
    rounds: int
    ballots: int
    residents: int | None

    @property
    def turnout(self) -> float | None:
        """Ballots per 100 residents per round (the mean over its rounds)."""
        if not self.residents:
            return None
        return round(self.ballots * 100 / (self.residents * self.rounds), 1)


@dataclass
class BudgetTurnout:
    """Neighbourhood budget rounds counted in the period and their turnout."""

    rounds: int
    ballots: int
    cbs_year: int | None
    rows: list[TurnoutRow]

    @property
    def chart(self) -> dict:
        return bar_chart([(row.name, row.turnout) for row in self.rows], suffix="%")


@dataclass
class Dashboard:
    computed_at: datetime.datetime
    period: Period
    figures: list[Figure]
    answer_times: AnswerTimes
    indicators: list[dict] = field(default_factory=list)
    # Public-space reports closed and answered in the period (reports.figures).
    reports: report_figures.Stats | None = None
    budget_turnout: BudgetTurnout | None = None

    def csv(self) -> str:
        out = io.StringIO()
        writer = spreadsheet_safe_writer(out)
        writer.writerow(["figure", "label", "value", "period_start", "period_end"])
        period = [self.period.start.isoformat(), self.period.end.isoformat()]
        for figure in self.figures:
            for label, value in figure.rows:
                writer.writerow([figure.key, label, value, *period])
        times = self.answer_times
        for label, value in [
            ("answered", times.answered),
            ("median_days", times.median_days),
            ("p90_days", times.p90_days),
            ("within_deadline_percent", times.within_deadline_share),
        ]:
            writer.writerow(["answer_times", label, "" if value is None else value, *period])
        if self.reports is not None:
            for label, value in [
                ("closed", self.reports.handled),
                ("median_working_days", self.reports.median_days),
                ("p90_working_days", self.reports.p90_days),
                ("on_time_percent", self.reports.on_time_share),
                ("answers", self.reports.answers),
                ("solved_percent", self.reports.solved_share),
                ("mean_grade", self.reports.mean_grade),
                ("grade_ci95_low", self.reports.grade_low),
                ("grade_ci95_high", self.reports.grade_high),
            ]:
                writer.writerow(
                    ["public_space_reports", label, "" if value is None else value, *period]
                )
        if self.budget_turnout is not None:
            writer.writerow(
                ["budget_rounds", "rounds_counted", self.budget_turnout.rounds, *period]
            )
            writer.writerow(
                ["budget_rounds", "ballots_counted", self.budget_turnout.ballots, *period]
            )
            for turnout in self.budget_turnout.rows:
                value = turnout.turnout
                writer.writerow(
                    [
                        "budget_turnout_percent",
                        turnout.name,
                        "" if value is None else value,
                        *period,
                    ]
                )
        for row in self.indicators:
            for label in ("target", "realised", "ci_low", "ci_high", "n"):
                value = row[label]
                writer.writerow(
                    [
                        f"indicator:{row['slug']}:{row['year']}",
                        label,
                        "" if value is None else value,
                        *period,
                    ]
                )
        return out.getvalue()


def answer_times(period: Period) -> AnswerTimes:
    """Calendar days from submission to the municipality's first answer, for answers
    given in the period; and how many came within the answer term."""
    start, end = period.moments()
    answered = Initiative.objects.filter(
        submitted_at__isnull=False, responded_at__gte=start, responded_at__lt=end
    )
    on_time = Q(responded_at__date__lte=F("response_due"))
    if connection.vendor == "postgresql":
        days = LocalDaysBetween("submitted_at", "responded_at")
        row = answered.aggregate(
            n=Count("pk"),
            median=Percentile(days, 0.5),
            p90=Percentile(days, 0.9),
            on_time=Count("pk", filter=on_time),
        )
        return AnswerTimes(
            row["n"],
            None if row["median"] is None else round(row["median"], 1),
            None if row["p90"] is None else round(row["p90"], 1),
            row["on_time"],
        )
    # SQLite, the embedded default with little data: the same figures in Python.
    durations = [
        local_days_between(submitted, responded)
        for submitted, responded in answered.values_list("submitted_at", "responded_at")
    ]
    on_time_count = answered.filter(on_time).count()
    if not durations:
        return AnswerTimes(0, None, None, 0)
    ordered = sorted(durations)
    p90 = (
        statistics.quantiles(ordered, n=10, method="inclusive")[-1]
        if len(ordered) > 1
        else ordered[0]
    )
    return AnswerTimes(
        len(ordered), round(statistics.median(ordered), 1), round(p90, 1), on_time_count
    )


FIGURES = "dashboard"


def build_cached(period: Period) -> Dashboard:
    """The dashboard as stored (``common.stored_figures``): the beat schedule computes the
    default period ahead of time, and the page says as of when. Its grouped counts scan a
    year of records; a report a few minutes old is right for steering, and it keeps the
    page fast for everyone who opens it. The default period is stored as "the last twelve
    months" (not its dates), so that after midnight the page is still served at once."""
    default = period == Period.last_twelve_months()
    stored = stored_figures.figures(FIGURES, {} if default else period.selection())
    return dataclasses.replace(stored.value, computed_at=stored.computed_at)


def build_selection(selection: dict[str, str]) -> Dashboard:
    """``build`` for a stored selection: a period (``Period.selection``), or none for
    the default period."""
    if not selection:
        return build(Period.last_twelve_months())
    return build(Period.from_selection(selection))


def build(period: Period) -> Dashboard:
    start, end = period.moments()
    submitted = Initiative.objects.public().filter(submitted_at__gte=start, submitted_at__lt=end)
    by_status = dict(submitted.values_list("status").annotate(n=Count("pk")).order_by())
    by_neighbourhood = list(
        submitted.values_list("neighbourhood__name")
        .annotate(n=Count("pk"))
        .order_by("neighbourhood__name")
    )
    agenda = dict(
        AgendaItem.objects.filter(created_at__gte=start, created_at__lt=end)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    projects = ProgrammeProject.objects.filter(
        programme__year__in=period.years, programme__published_at__isnull=False
    )
    project_status = dict(projects.values_list("status").annotate(n=Count("pk")).order_by())
    money = projects.exclude(status=ProgrammeProject.Status.CANCELLED).aggregate(
        planned=Sum("budget"), spent=Sum("spent")
    )
    suppliers = Supplier.objects.filter(created_at__lt=end).exclude(
        status=Supplier.Status.SUSPENDED
    )
    supplier_counts = suppliers.aggregate(
        total=Count("pk"),
        local=Count("pk", filter=Q(is_local=True)),
        sme=Count("pk", filter=Q(size__in=Supplier.SME_SIZES)),
    )
    tenders = (
        Tender.objects.public()
        .filter(expected_publication__gte=period.start, expected_publication__lte=period.end)
        .annotate(quarter=TruncQuarter("expected_publication"))
        .values_list("quarter")
        .annotate(n=Count("pk"))
        .order_by("quarter")
    )

    def share(part: int) -> float:
        total = supplier_counts["total"]
        return round(part * 100 / total) if total else 0

    figures = [
        Figure(
            "initiatives_by_status",
            _("Initiatives submitted, by status now"),
            [
                (label, by_status.get(value, 0))
                for value, label in Status.choices
                if value != Status.DRAFT
            ],
            _("Status"),
        ),
        Figure(
            "initiatives_by_neighbourhood",
            _("Initiatives submitted, by neighbourhood"),
            [(name or _("No neighbourhood"), n) for name, n in by_neighbourhood],
            _("Neighbourhood"),
        ),
        Figure(
            "agenda_by_status",
            _("Agenda items proposed, by status now"),
            labelled_counts(agenda, AgendaStatus.choices),
            _("Status"),
        ),
        Figure(
            "projects_by_status",
            _("Programme projects, by status"),
            labelled_counts(project_status, ProgrammeProject.Status.choices),
            _("Status"),
        ),
        Figure(
            "programme_budget",
            _("Programme budget (euro)"),
            [
                (_("Planned"), round(money["planned"] or 0)),
                (_("Spent"), round(money["spent"] or 0)),
            ],
            _("Budget"),
            money=True,
        ),
        Figure(
            "suppliers",
            _("Suppliers registered (at the end of the period)"),
            [
                (_("All"), supplier_counts["total"]),
                (_("Local"), supplier_counts["local"]),
                (_("Small and medium-sized (SME)"), supplier_counts["sme"]),
            ],
            _("Suppliers"),
            note=_("%(local)s%% local, %(sme)s%% SME.")
            % {"local": share(supplier_counts["local"]), "sme": share(supplier_counts["sme"])},
        ),
        *procurement_headline_figures(period),
        *residents_together_figures(period),
        budget_winners_on_time_figure(period),
        Figure(
            "tenders_by_quarter",
            _("Tenders on the calendar, by expected quarter"),
            [(f"{quarter:%Y}-Q{(quarter.month - 1) // 3 + 1}", n) for quarter, n in tenders],
            _("Quarter"),
        ),
    ]
    return Dashboard(
        computed_at=timezone.now(),
        period=period,
        figures=figures,
        answer_times=answer_times(period),
        indicators=indicator_rows_for_years(period.years),
        reports=report_figures.compute(
            Report.objects.public(),
            report_figures.Selection(period.start, period.end),
            breakdowns=False,
        ).total,
        budget_turnout=budget_turnout(period),
    )


def budget_turnout(period: Period) -> BudgetTurnout:
    """Neighbourhood budget rounds counted in the period, per neighbourhood (and the
    whole city's rounds), with their ballots against the residents in the newest CBS
    import: the wijk's figure, for a city-wide round the municipality's. Two queries."""
    start, end = period.moments()
    counted = list(
        Round.objects.filter(results_computed_at__gte=start, results_computed_at__lt=end)
        .values_list("neighbourhood__name", "neighbourhood__cbs_code")
        .annotate(rounds=Count("pk"), ballots=Sum("ballots_counted"))
        .order_by("neighbourhood__name")
    )
    newest = CbsImport.objects.order_by("-year").values("pk")[:1]
    codes = [code for _name, code, _rounds, _ballots in counted if code]
    residents: dict[str, int] = {}
    city: int | None = None
    year = None
    for code, level, value, imported in (
        CbsFigure.objects.filter(cbs_import__in=Subquery(newest), key="population")
        .filter(Q(code__in=codes) | Q(level="gemeente"))
        .order_by("code")
        .values_list("code", "level", "value", "cbs_import__year")
    ):
        year = imported
        if level == "gemeente":
            city = city or int(value)
        else:
            residents[code] = int(value)
    rows = [
        TurnoutRow(
            name=name or _("Whole city"),
            rounds=rounds,
            ballots=ballots or 0,
            residents=residents.get(code) if code else city,
        )
        for name, code, rounds, ballots in counted
    ]
    return BudgetTurnout(
        rounds=sum(row.rounds for row in rows),
        ballots=sum(row.ballots for row in rows),
        cbs_year=year,
        rows=rows,
    )


def procurement_headline_figures(period: Period) -> list[Figure]:
    """Contracts that started in the period: the share of their value with local
    suppliers and SMEs, and social return obliged against realised (the procurement
    figures page has the rest, per department and year)."""
    head = procurement_figures.headline(period.start, period.end)
    contracts = head["contracts"]
    note = ngettext(
        "%(count)s contract started in this period.",
        "%(count)s contracts started in this period.",
        contracts,
    ) % {"count": contracts}
    return [
        Figure(
            "procurement_local_sme",
            _("Contract value with local suppliers and SMEs (%)"),
            [
                (_("Local"), head["local_value_share"] or 0.0),
                (_("Small and medium-sized (SME)"), head["sme_value_share"] or 0.0),
            ],
            _("Suppliers"),
            suffix="%",
            note=note,
        ),
        Figure(
            "procurement_social_return",
            _("Social return of these contracts (euro)"),
            [(_("Obliged"), head["obliged"]), (_("Realised"), head["realised"])],
            _("Social return"),
            money=True,
        ),
    ]


def residents_together_figures(period: Period) -> list[Figure]:
    """Residents together per neighbourhood (``community.figures``: what counts as an
    active network, an answered offer and a volunteer found): networks and ambassadors
    at the end of the period, offers, requests and responses in it. Ambassadors and
    volunteers are people: a neighbourhood's count under ``SURVEY_MIN_GROUP_SIZE`` is
    not shown (``common.suppression``). Every neighbourhood is listed, 0 where nothing
    happened (as on the neighbourhood monitor, so both hide the same ones). Five queries."""
    start, end = period.moments()
    counts = community_figures.counts_by_neighbourhood(start, end)
    names, slugs = {}, {}
    for pk, name, slug in Neighbourhood.objects.order_by("name", "pk").values_list(
        "pk", "name", "slug"
    ):
        names[pk], slugs[pk] = name, slug
    order = list(names)
    minimum = min_group()
    figures = []
    for key, label in community_figures.figure_choices():
        shown = community_figures.shown(
            key, {pk: counts.get(pk, {}).get(key, 0) for pk in order}, slugs
        )
        figures.append(
            Figure(
                f"community_{key}",
                _("%(figure)s, by neighbourhood") % {"figure": label},
                [(names.get(pk, ""), shown[pk]) for pk in order],
                _("Neighbourhood"),
                note=(
                    ngettext(
                        "Counts of fewer than %(n)s person are not shown.",
                        "Counts of fewer than %(n)s people are not shown.",
                        minimum,
                    )
                    % {"n": minimum}
                    if key in community_figures.PEOPLE
                    else ""
                ),
            )
        )
    return figures


def budget_winners_on_time_figure(period: Period) -> Figure:
    """The share of neighbourhood budget winners delivered on time: among the winners'
    projects with a planned completion, done in the period or past their planned
    completion in it without being done, those done on or before their planned
    completion. A winner without a planned date is neither on time nor late; only
    projects of published programmes count (this page is public). One query."""
    today = timezone.localdate()
    winners = (
        ProgrammeProject.objects.public()
        .filter(
            pk__in=Plan.objects.filter(outcome__won=True, project__isnull=False).values("project"),
            planned_completion__isnull=False,
        )
        .exclude(status=ProgrammeProject.Status.CANCELLED)
    )
    done = Q(
        status=ProgrammeProject.Status.DONE,
        completed_on__gte=period.start,
        completed_on__lte=period.end,
    )
    overdue = ~Q(status=ProgrammeProject.Status.DONE) & Q(
        planned_completion__gte=period.start,
        planned_completion__lte=min(period.end, today - datetime.timedelta(days=1)),
    )
    counts = winners.filter(done | overdue).aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk",
            filter=done & Q(completed_on__lte=F("planned_completion")),
        ),
    )
    due, on_time = counts["due"], counts["on_time"]
    note = (
        ngettext(
            "%(on_time)s of %(count)s winner delivered on time (%(share)s%%).",
            "%(on_time)s of %(count)s winners delivered on time (%(share)s%%).",
            due,
        )
        % {"on_time": on_time, "count": due, "share": round(on_time * 100 / due)}
        if due
        else _("No winner was due in this period.")
    )
    return Figure(
        "budget_winners_on_time",
        _("Neighbourhood budget winners delivered on time"),
        [(_("On time"), on_time), (_("Late or not done"), due - on_time)],
        _("Delivery"),
        note=note,
    )
