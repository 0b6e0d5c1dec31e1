"""The neighbourhood monitor (wijkmonitor): how each neighbourhood is doing, beside the
city as a whole. All neighbourhoods are computed together in a fixed number of grouped
queries, so a page costs the same however much data there is.

Other apps add their figures from their ``AppConfig.ready()``, so this module never
imports them:

- ``register_counts``: records counted per neighbourhood and status (the initiatives
  app counts its public initiatives), shown as a row, a bar chart and CSV columns;
- ``register_answer_days``: the median days from a request to the municipality's answer;
  A source with a ``title`` is also a chart of its own on a neighbourhood's page
  (``source_charts``; the community app's networks, ambassadors, offers and requests
  answered and volunteers found), and its ``people`` statuses are hidden per
  neighbourhood under ``SURVEY_MIN_GROUP_SIZE``;
- ``register_provider``: scores with their uncertainty (``Indicator``), per neighbourhood
  (the surveys app adds its indicator scores this way).
"""

import datetime
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common import figures as stored
from common import stored_figures
from common.charts import bar_chart, labelled_counts
from common.csv import spreadsheet_safe_writer
from common.suppression import suppress_counts
from neighbourhoods.area_monitor import min_group
from neighbourhoods.models import AgendaItem, AgendaStatus, Neighbourhood, ProgrammeProject


@dataclass
class Indicator:
    """A score from elsewhere (e.g. a survey question), with its uncertainty. ``value``
    is None when the group is too small to show."""

    label: str
    value: float | None
    n: int
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class CountSource:
    """Records of another app counted per neighbourhood (id) and status; ``choices``
    are the statuses in the order the monitor shows them, with their labels."""

    key: str
    choices: Callable[[], list[tuple[str, str]]]
    counts: Callable[[], dict[int, dict[str, int]]]
    # With a title, a neighbourhood's monitor page shows the counts as a chart of their
    # own (with its table) under that title.
    title: Callable[[], str] | None = None
    # The statuses that count people: a neighbourhood's count under
    # ``SURVEY_MIN_GROUP_SIZE`` is hidden (``common.suppression.suppress_counts``).
    people: frozenset[str] = frozenset()


_COUNTS: dict[str, CountSource] = {}
AnswerDays = Callable[[], tuple[dict[int, float], float | None]]


def _no_answer_days() -> tuple[dict[int, float], float | None]:
    return {}, None


_answer_days: AnswerDays = _no_answer_days


def register_counts(source: CountSource) -> None:
    _COUNTS[source.key] = source


def register_answer_days(provider: AnswerDays) -> None:
    """The median days to the municipality's answer, per neighbourhood id and for the
    city: one figure on the monitor, so one provider (the app whose requests are answered)."""
    global _answer_days
    _answer_days = provider


@dataclass
class Figures:
    neighbourhood: Neighbourhood | None  # None: the city
    population: int
    counts: dict[str, dict[str, int]]
    agenda_by_status: dict[str, int]
    median_answer_days: float | None = None
    budget_planned: Decimal = Decimal(0)
    budget_spent: Decimal = Decimal(0)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def initiatives_by_status(self) -> dict[str, int]:
        return self.counts.get("initiatives", {})

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


FIGURES = "monitor"


def cached_city_figures() -> tuple[list[Figures], Figures, int, datetime.datetime]:
    """This year's monitor figures as stored (``common.stored_figures``), like the city
    dashboard's: they scan every initiative, so the beat schedule computes them ahead of
    the visitor, and the page says as of when (and of which year)."""
    kept = stored_figures.figures(FIGURES)
    rows, city, year = kept.value
    return rows, city, year, kept.computed_at


def fresh_city_figures() -> tuple[list[Figures], Figures, int, datetime.datetime]:
    """The monitor's figures computed now and stored: for a neighbourhood newer than
    the stored figures."""
    kept = stored.refresh(FIGURES, {}, get_language())
    rows, city, year = kept.value
    return rows, city, year, kept.computed_at


def this_years_figures(_selection: dict[str, int]) -> tuple[list[Figures], Figures, int]:
    """``city_figures`` of this year, with the year (the stored selection is always
    "this year", so that on New Year's Day the page is still served at once)."""
    year = timezone.localdate().year
    return (*city_figures(year), year)


def city_figures(year: int | None = None) -> tuple[list[Figures], Figures]:
    """Figures for every neighbourhood, and for the city as a whole."""
    year = year or timezone.localdate().year
    neighbourhoods = list(Neighbourhood.objects.order_by("name"))
    counts = {key: source.counts() for key, source in _COUNTS.items()}
    medians, city_median = _answer_days()
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
                counts={key: by_area.get(neighbourhood.pk, {}) for key, by_area in counts.items()},
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
        counts={key: _sum_counts(row.counts[key] for row in rows) for key in counts},
        agenda_by_status=_sum_counts(row.agenda_by_status for row in rows),
        median_answer_days=city_median,
        budget_planned=sum((row.budget_planned for row in rows), Decimal(0)),
        budget_spent=sum((row.budget_spent for row in rows), Decimal(0)),
    )
    _hide_small_groups(rows, city)
    return rows, city


def _hide_small_groups(rows: list[Figures], city: Figures) -> None:
    """Counts of people under ``SURVEY_MIN_GROUP_SIZE`` shown as None, per status, in
    the neighbourhoods and the city (the city's total is known when it is shown: the
    rule of ``common.suppression``)."""
    minimum = min_group()
    for key, source in _COUNTS.items():
        for status in source.people:
            total = city.counts.get(key, {}).get(status, 0)
            total_hidden = 0 < total < minimum
            shown = suppress_counts(
                {index: row.counts[key].get(status, 0) for index, row in enumerate(rows)},
                minimum=minimum,
                labels={index: row.neighbourhood.slug for index, row in enumerate(rows)},
                total_hidden=total_hidden,
            )
            for index, row in enumerate(rows):
                row.counts[key] = {**row.counts[key], status: shown[index]}  # type: ignore[dict-item]
            if total_hidden:
                city.counts[key] = {**city.counts[key], status: None}  # type: ignore[dict-item]


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


def count_bars(figures: Figures, key: str) -> dict | None:
    """The bar chart of one registered count, or None when no app registered it."""
    source = _COUNTS.get(key)
    return bars(figures.counts.get(key, {}), source.choices()) if source else None


def source_charts(figures: Figures) -> list[dict]:
    """The charts (each with its table) of the registered counts that have a title, in
    the order they were registered; ``hidden`` when a count of people is too small to show."""
    return [
        {
            "key": key,
            "title": source.title(),
            "chart": bars(figures.counts.get(key, {}), source.choices()),
            "hidden": any(
                figures.counts.get(key, {}).get(status, 0) is None for status in source.people
            ),
        }
        for key, source in _COUNTS.items()
        if source.title is not None
    ]


def as_csv(rows: list[Figures], city: Figures, year: int) -> str:
    """The monitor figures of all neighbourhoods and the city, one row each."""
    statuses = {
        key: [value for value, _label in source.choices()] for key, source in _COUNTS.items()
    }
    output = io.StringIO()
    writer = spreadsheet_safe_writer(output)
    writer.writerow(
        [
            "neighbourhood",
            "cbs_code",
            "population",
            "initiatives",
            "initiatives_per_1000",
            *[f"{key}_{status}" for key, values in statuses.items() for status in values],
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
                *[
                    row.counts.get(key, {}).get(status, 0)
                    for key, values in statuses.items()
                    for status in values
                ],
                "" if median is None else median,
                row.agenda_items,
                *[row.agenda_by_status.get(status, 0) for status in AgendaStatus.values],
                row.budget_planned,
                row.budget_spent,
            ]
        )
    return output.getvalue()
