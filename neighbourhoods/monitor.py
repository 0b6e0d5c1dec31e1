"""The neighbourhood monitor (wijkmonitor): how each neighbourhood is doing, beside the
city as a whole. All neighbourhoods are computed together in a fixed number of grouped
queries, so a page costs the same however much data there is.

Other apps add figures by registering a provider (``register_provider``): a function
that takes the neighbourhoods and the year and returns, per neighbourhood id, a list of
``Indicator``. The surveys app adds its indicator scores this way.
"""

import datetime
import io
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.csv import spreadsheet_safe_writer
from neighbourhoods.models import AgendaItem, AgendaStatus, Neighbourhood, ProgrammeProject
from portal.aggregates import LocalDaysBetween, Percentile, kept, local_days_between
from portal.charts import bar_chart, labelled_counts


@dataclass
class Indicator:
    """A score from elsewhere (e.g. a survey question), with its uncertainty. ``value``
    is None when the group is too small to show."""

    label: str
    value: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class Figures:
    neighbourhood: Neighbourhood | None  # None: the city
    population: int
    initiatives_by_status: dict[str, int]
    agenda_by_status: dict[str, int]
    median_answer_days: float | None = None
    budget_planned: Decimal = Decimal(0)
    budget_spent: Decimal = Decimal(0)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def initiatives(self) -> int:
        return sum(self.initiatives_by_status.values())

    @property
    def initiatives_per_1000(self) -> float:
        return round(self.initiatives * 1000 / self.population, 1) if self.population else 0.0

    @property
    def agenda_items(self) -> int:
        return sum(self.agenda_by_status.values())

    @property
    def spent_share(self) -> int:
        if not self.budget_planned:
            return 0
        return round(self.budget_spent * 100 / self.budget_planned)

    @property
    def budget_per_resident(self) -> Decimal:
        if not self.population:
            return Decimal(0)
        return (self.budget_planned / self.population).quantize(Decimal("0.01"))


Provider = Callable[[list[Neighbourhood], int], dict[int, list[Indicator]]]
_PROVIDERS: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def city_figures_kept(year: int) -> tuple[list[Figures], Figures, datetime.datetime]:
    """The monitor's figures as computed at most ``PORTAL_DASHBOARD_CACHE_SECONDS`` ago,
    like the city dashboard: they scan every initiative, and a few minutes' delay is
    fine for a monitor."""

    return kept(f"monitor:{year}", lambda: (*city_figures(year), timezone.now()))


def city_figures(year: int | None = None) -> tuple[list[Figures], Figures]:
    """Figures for every neighbourhood, and for the city as a whole."""
    from initiatives.models import Initiative

    year = year or timezone.localdate().year
    neighbourhoods = list(Neighbourhood.objects.order_by("name"))
    initiatives: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Initiative.objects.public()
        .values("neighbourhood_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        initiatives[row["neighbourhood_id"]][row["status"]] = row["count"]
    medians, city_median = _answer_day_medians()
    agenda: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        AgendaItem.objects.values("neighbourhood_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        agenda[row["neighbourhood_id"]][row["status"]] = row["count"]
    budgets = {
        row["programme__neighbourhood_id"]: row
        for row in ProgrammeProject.objects.filter(
            programme__year=year, programme__published_at__isnull=False
        )
        .exclude(status=ProgrammeProject.Status.CANCELLED)
        .values("programme__neighbourhood_id")
        .annotate(planned=Sum("budget"), spent=Sum("spent"))
        .order_by()
    }
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for provider in _PROVIDERS:
        for neighbourhood_id, rows in provider(neighbourhoods, year).items():
            indicators[neighbourhood_id].extend(rows)

    rows = []
    for neighbourhood in neighbourhoods:
        budget = budgets.get(neighbourhood.pk, {})
        rows.append(
            Figures(
                neighbourhood=neighbourhood,
                population=neighbourhood.population,
                initiatives_by_status=initiatives[neighbourhood.pk],
                agenda_by_status=agenda[neighbourhood.pk],
                median_answer_days=medians.get(neighbourhood.pk),
                budget_planned=budget.get("planned") or Decimal(0),
                budget_spent=budget.get("spent") or Decimal(0),
                indicators=indicators[neighbourhood.pk],
            )
        )
    city = Figures(
        neighbourhood=None,
        population=sum(row.population for row in rows),
        initiatives_by_status=_sum_counts(row.initiatives_by_status for row in rows),
        agenda_by_status=_sum_counts(row.agenda_by_status for row in rows),
        median_answer_days=city_median,
        budget_planned=sum((row.budget_planned for row in rows), Decimal(0)),
        budget_spent=sum((row.budget_spent for row in rows), Decimal(0)),
    )
    return rows, city


def _answer_day_medians() -> tuple[dict[int, float], float | None]:
    """Median calendar days from submission to the first answer, per neighbourhood and
    for the city. PostgreSQL computes them (percentile_cont); SQLite, with little data,
    in Python."""
    from initiatives.models import Initiative

    answered = Initiative.objects.filter(submitted_at__isnull=False, responded_at__isnull=False)
    if connection.vendor == "postgresql":
        days = LocalDaysBetween("submitted_at", "responded_at")
        per_neighbourhood = {
            row["neighbourhood_id"]: row["median"]
            for row in answered.values("neighbourhood_id")
            .annotate(median=Percentile(days, 0.5))
            .order_by()
        }
        city = answered.aggregate(median=Percentile(days, 0.5))["median"]
        return per_neighbourhood, city
    days_by_area: dict[int, list[int]] = defaultdict(list)
    for neighbourhood_id, submitted, responded in answered.values_list(
        "neighbourhood_id", "submitted_at", "responded_at"
    ):
        days_by_area[neighbourhood_id].append(local_days_between(submitted, responded))
    every = [days for values in days_by_area.values() for days in values]
    return (
        {area: statistics.median(values) for area, values in days_by_area.items()},
        statistics.median(every) if every else None,
    )


def _sum_counts(dicts) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for counts in dicts:
        for key, value in counts.items():
            total[key] += value
    return dict(total)


def bars(counts: dict[str, int], choices) -> dict:
    """A bar chart and its table: one row per choice, in the choices' order."""
    return bar_chart(labelled_counts(counts, choices))


def agenda_bars(figures: Figures) -> list[dict]:
    return bars(figures.agenda_by_status, AgendaStatus.choices)


def initiative_bars(figures: Figures) -> list[dict]:
    from initiatives.models import Status

    return bars(figures.initiatives_by_status, [c for c in Status.choices if c[0] != Status.DRAFT])


def as_csv(rows: list[Figures], city: Figures, year: int) -> str:
    """The monitor figures of all neighbourhoods and the city, one row each."""
    from initiatives.models import Status

    statuses = [value for value in Status.values if value != Status.DRAFT]
    output = io.StringIO()
    writer = spreadsheet_safe_writer(output)
    writer.writerow(
        [
            "neighbourhood",
            "cbs_code",
            "population",
            "initiatives",
            "initiatives_per_1000",
            *[f"initiatives_{status}" for status in statuses],
            "median_days_to_answer",
            "agenda_items",
            *[f"agenda_{status}" for status in AgendaStatus.values],
            f"programme_{year}_budget_eur",
            f"programme_{year}_spent_eur",
        ]
    )
    for row in [*rows, city]:
        median = row.median_answer_days
        writer.writerow(
            [
                row.neighbourhood.name if row.neighbourhood else _("Whole municipality"),
                row.neighbourhood.cbs_code if row.neighbourhood else "",
                row.population,
                row.initiatives,
                row.initiatives_per_1000,
                *[row.initiatives_by_status.get(status, 0) for status in statuses],
                "" if median is None else median,
                row.agenda_items,
                *[row.agenda_by_status.get(status, 0) for status in AgendaStatus.values],
                row.budget_planned,
                row.budget_spent,
            ]
        )
    return output.getvalue()
