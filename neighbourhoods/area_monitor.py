"""The monitor per area (wijken-, buurten- en stratenmonitor): one figure for every
wijk, buurt or street of the municipality, with the municipality as reference.

Figures come from two places:

- the CBS table "Kerncijfers wijken en buurten" staff imported (``CbsFigure``, newest
  year), per wijk and buurt (CBS publishes nothing per street);
- the portal's own records located in an area (``register_located_counts``, from an
  app's ``AppConfig.ready()``, so this module imports no domain app): public-space
  reports per wijk, buurt (their point) and street (their address), initiatives per
  wijk; each also per 1,000 residents where the area's population is known.

Counts of the portal's own records are suppressed like the surveys' groups: an area
with fewer than ``SURVEY_MIN_GROUP_SIZE`` (but some) records shows no figure, and while
the hidden areas could be worked out from the municipality's total (or, for buurten, their
wijk's), the next smallest is hidden too (``common.suppression.protect_hidden``). A page
costs the same few queries for one area or thousands.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Max
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common import stored_figures, suppression
from common.csv import spreadsheet_safe_writer
from neighbourhoods.cbs import KNOWN_FIGURES, LICENCE
from neighbourhoods.models import Buurt, CbsFigure, CbsImport, Neighbourhood

WIJK, BUURT, STREET = "wijk", "buurt", "straat"
LEVELS: list[tuple[str, Promise]] = [
    (WIJK, _("District")),
    # CBS's English for a buurt; "Neighbourhood" alone is the portal's word for a wijk.
    (BUURT, pgettext_lazy("CBS area level below a district", "Neighbourhood")),
    (STREET, _("Street")),
]
FIGURES = "area-monitor"
PER_1000 = "_per_1000"
# The portal's own open data is free to reuse (the open data page says so); figures that
# rest on CBS's carry CBS's licence.
OWN_LICENCE = "CC0 1.0"
# A sequential palette (ColorBrewer "Purples", 5 classes); the legend and the table
# give each class's range, so nothing depends on telling the colours apart.
PALETTE = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]


@dataclass(frozen=True)
class LocatedCount:
    """Records of an app counted per area: ``counts(level)`` gives, per area key (a
    wijk's or buurt's CBS code, a street's name), the number of records located there,
    and those not placed at that level under None or "", so that the counts add up to
    the whole municipality's."""

    key: str
    label: Callable[[], str]
    levels: tuple[str, ...]
    counts: Callable[[str], dict[str | None, int]]


_COUNTS: dict[str, LocatedCount] = {}


def register_located_counts(source: LocatedCount) -> None:
    _COUNTS[source.key] = source


Locator = Callable[[Neighbourhood], int]
_LOCATORS: list[Locator] = []


def register_locator(locate: Locator) -> None:
    """An app whose records have a point places them in the buurten again when a
    wijk's buurten change (``locate(wijk)`` returns how many moved)."""
    if locate not in _LOCATORS:
        _LOCATORS.append(locate)


def locate_again(neighbourhood: Neighbourhood) -> int:
    return sum(locate(neighbourhood) for locate in _LOCATORS)


def min_group() -> int:
    return int(settings.SURVEY_MIN_GROUP_SIZE)


@dataclass
class Row:
    """One area's figure; ``value`` None when not known, ``hidden`` when suppressed."""

    code: str
    name: str
    parent: str
    value: Decimal | None
    count: int = 0  # records behind a count figure (what suppression looks at)
    hidden: bool = False
    colour_class: int | None = None
    boundary: dict | None = None
    population: int | None = None  # a wijk's own (the fallback for per 1,000 residents)
    shown: str = ""  # the figure as the page writes it, in the language computed in


@dataclass
class ColourClass:
    number: int
    low: Decimal
    high: Decimal
    colour: str


@dataclass
class Monitor:
    level: str
    figure: str
    figure_label: str
    choices: list[tuple[str, str]]
    rows: list[Row]
    reference: Row
    classes: list[ColourClass] = field(default_factory=list)
    source: str = ""  # the CBS import's source line, when the figure is CBS's
    population_source: str = ""  # the CBS import's, when a count per 1,000 residents uses it
    year: int | None = None
    decimals: int = 0
    min_group: int = 0

    @property
    def licence(self) -> str:
        """CBS's licence for figures that rest on CBS's (whatever the source line staff
        wrote says), the portal's own otherwise."""
        return LICENCE if self.source or self.population_source else OWN_LICENCE


def selection_of(level: str, figure: str) -> dict:
    """The stored selection for a level and figure asked in a URL: only a level and a
    figure the monitor knows (at any level) make one, so a made-up figure never becomes
    a stored-figures key of its own; anything else is the default."""
    if level not in dict(LEVELS):
        return {}
    known = {
        value
        for at_level in dict(LEVELS)
        for value, _label in figure_choices(at_level, list(KNOWN_FIGURES))
    }
    return {"level": level, "figure": figure} if figure in known else {"level": level}


def imports_generation() -> list[int]:
    """Which CBS imports there are (how many, the newest's key): part of every stored
    selection, so that an import (or one deleted) is shown at once at every level and
    figure, not when the stored figures go stale."""
    found = CbsImport.objects.aggregate(count=Count("pk"), newest=Max("pk"))
    return [found["count"], found["newest"] or 0]


def default_selections() -> list[dict]:
    """The selection the page shows by default, kept fresh by the beat schedule."""
    return [{"cbs": imports_generation()}]


def stored(level: str, figure: str) -> Monitor:
    """The stored monitor for a level and figure asked in a URL (anything unknown: the
    default selection)."""
    selection = {**selection_of(level, figure), "cbs": imports_generation()}
    return stored_figures.figures(FIGURES, selection).value


def query(level: str, figure: str) -> str:
    """The query string that asks for a level and figure (the page, its CSV, the API)."""
    return urlencode({"level": level, "figure": figure})


def figure_choices(level: str, cbs_keys: list[str]) -> list[tuple[str, str]]:
    """The figures the monitor can show at ``level``: the portal's own counts (and per
    1,000 residents where population is known), then the CBS figures imported."""
    choices: list[tuple[str, str]] = []
    for source in _COUNTS.values():
        if level in source.levels:
            choices.append((source.key, str(source.label())))
            if level != STREET:
                choices.append(
                    (
                        source.key + PER_1000,
                        gettext("%(figure)s per 1,000 residents") % {"figure": source.label()},
                    )
                )
    if level != STREET:
        choices.extend((f"cbs_{key}", str(KNOWN_FIGURES[key].label)) for key in cbs_keys)
    return choices


def _areas(level: str) -> list[Row]:
    if level == WIJK:
        return [
            Row(n.cbs_code, n.name, "", None, boundary=n.boundary, population=n.population)
            for n in Neighbourhood.objects.order_by("name")
        ]
    if level == BUURT:
        return [
            Row(b.cbs_code, b.name, b.neighbourhood.name, None, boundary=b.boundary)
            for b in Buurt.objects.select_related("neighbourhood").order_by(
                "neighbourhood__name", "name"
            )
        ]
    return []


def compute(selection: dict) -> Monitor:
    """The monitor for ``{"level": …, "figure": …}``; an unknown level is a buurt, a
    figure not available at the level the first that is."""
    level = str(selection.get("level") or "")
    if level not in dict(LEVELS):
        level = BUURT
    latest = CbsImport.objects.order_by("-year").first()
    imported = set(
        CbsFigure.objects.filter(cbs_import=latest).values_list("key", flat=True).distinct()
        if latest is not None
        else ()
    )
    cbs_keys = [key for key in KNOWN_FIGURES if key in imported]
    choices = figure_choices(level, cbs_keys)
    figure = selection.get("figure")
    if figure not in dict(choices):
        figure = choices[0][0] if choices else ""
    rows = _areas(level)
    reference = Row(_municipality(latest), gettext("Whole municipality"), "", None)
    monitor = Monitor(
        level,
        figure,
        dict(choices).get(figure, ""),
        choices,
        rows,
        reference,
        min_group=min_group(),
    )
    if figure.startswith("cbs_"):
        key = figure.removeprefix("cbs_")
        values = _cbs_values(latest, key)
        for row in rows:
            row.value = values.get(row.code)
        reference.value = values.get(reference.code)
        monitor.decimals = KNOWN_FIGURES[key].decimals
        monitor.source, monitor.year = latest.source, latest.year  # type: ignore[union-attr]
    elif figure:
        population = _cbs_values(latest, "population") if figure.endswith(PER_1000) else {}
        _counts(monitor, figure, population, latest)
    _classify(monitor)
    for row in [*monitor.rows, monitor.reference]:
        row.shown = _shown(monitor, row)
    return monitor


def _cbs_values(latest: CbsImport | None, key: str) -> dict[str, Decimal]:
    """One figure of the import per area (CBS code)."""
    if latest is None:
        return {}
    return dict(CbsFigure.objects.filter(cbs_import=latest, key=key).values_list("code", "value"))


def _municipality(latest: CbsImport | None) -> str:
    """The CBS code of the import's municipality, only when it is the portal's own (one
    of the portal's wijken lies in it, or the portal has no wijk with a CBS code): a
    foreign municipality is never the reference."""
    if latest is None:
        return ""
    codes = set(
        CbsFigure.objects.filter(cbs_import=latest, level="gemeente").values_list("code", flat=True)
    )
    digits = Neighbourhood.objects.municipality_digits()
    own = sorted(code for code in codes if not digits or code[2:] in digits)
    return own[0] if len(own) == 1 else ""


def _counts(monitor: Monitor, figure: str, population: dict[str, Decimal], latest) -> None:
    per_1000 = figure.endswith(PER_1000)
    source = _COUNTS[figure.removesuffix(PER_1000)]
    counts = source.counts(monitor.level)
    if monitor.level == STREET:
        monitor.rows = [Row(street, street, "", None) for street in sorted(filter(None, counts))]
    for row in monitor.rows:
        row.count = counts.get(row.code, 0)
        row.value = Decimal(row.count)
        row.hidden = 0 < row.count < monitor.min_group
    reference = monitor.reference
    reference.count = sum(counts.values())
    reference.value = Decimal(reference.count)
    reference.hidden = 0 < reference.count < monitor.min_group
    _protect(monitor)
    if per_1000:
        # Population from CBS where imported; a wijk's own population otherwise.
        own = {row.code: row.population for row in monitor.rows if row.population is not None}
        for row in [*monitor.rows, reference]:
            residents = population.get(row.code) or own.get(row.code)
            if row is reference and not residents:
                residents = population.get(reference.code) or sum(own.values()) or None
            row.value = _per_1000(row.count, residents)
        monitor.decimals = 1
        if latest is not None and population:
            monitor.population_source, monitor.year = latest.source, latest.year
    for row in [*monitor.rows, reference]:
        if row.hidden:
            row.value = None


def _protect(monitor: Monitor) -> None:
    """Secondary suppression in every breakdown the monitor publishes a total of: the
    areas against the municipality's total and, at buurt level, each wijk's buurten
    against the wijk's own count (the wijk monitor shows it); passes repeat until none
    hides anything more, since a cell hidden for one total changes the other."""
    groups: list[tuple[list[Row], bool]] = [(monitor.rows, monitor.reference.hidden)]
    if monitor.level == BUURT:
        by_wijk: dict[str, list[Row]] = {}
        for row in monitor.rows:
            by_wijk.setdefault(row.parent, []).append(row)
        # A wijk's count is treated as known even when the wijk monitor hides it: it
        # may be worked out there from the municipality's total.
        groups.extend((rows, False) for rows in by_wijk.values())
    changed = True
    while changed:
        changed = False
        for rows, total_hidden in groups:
            changed |= suppression.protect_hidden(
                rows,
                size=lambda row: row.count,
                hidden=lambda row: row.hidden,
                hide=lambda row: setattr(row, "hidden", True),
                label=lambda row: row.name,
                total_hidden=total_hidden,
                minimum=monitor.min_group,
            )


def _per_1000(count: int, residents) -> Decimal | None:
    if not residents:
        return None
    return (Decimal(count) * 1000 / Decimal(residents)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def _classify(monitor: Monitor) -> None:
    """Up to five classes of equal width over the areas' shown values: each from its
    lower bound to below the next class's, the last up to and including the highest."""
    values = sorted(row.value for row in monitor.rows if row.value is not None)
    if not values:
        return
    low, high = values[0], values[-1]
    count = min(len(PALETTE), len(set(values)))
    step = (high - low) / count if count else Decimal(0)
    quantum = Decimal(1).scaleb(-monitor.decimals)
    bounds = []
    for number in range(count):
        start = low + step * number
        end = high if number == count - 1 else low + step * (number + 1)
        bounds.append((start.quantize(quantum), end.quantize(quantum)))
    palette = PALETTE if count == len(PALETTE) else PALETTE[len(PALETTE) - count :]
    monitor.classes = [
        ColourClass(number + 1, start, end, palette[number])
        for number, (start, end) in enumerate(bounds)
    ]
    # A value belongs to the last class whose (rounded, as shown) lower bound it reaches:
    # each class runs from its lower bound to below the next one's, the last includes its
    # upper bound, so the legend and the colours never disagree on a value at an edge.
    for row in monitor.rows:
        if row.value is None:
            continue
        row.colour_class = max(
            number for number, (start, _end) in enumerate(bounds, start=1) if row.value >= start
        )


def colour(monitor: Monitor, row: Row) -> str:
    return monitor.classes[row.colour_class - 1].colour if row.colour_class else ""


def _shown(monitor: Monitor, row: Row) -> str:
    """The figure as the page writes it: suppressed, not known, or the number."""
    if row.hidden:
        return gettext("suppressed")
    if row.value is None:
        return "-"
    return number_format(row.value, monitor.decimals, use_l10n=True, force_grouping=True)


def map_shapes(monitor: Monitor) -> list[dict]:
    """The areas with a boundary, each in its class's colour and named with its figure
    (the map's tooltips; the table says the same)."""
    return [
        {
            "name": f"{row.name}: {row.shown}",
            "boundary": row.boundary,
            "colour": colour(monitor, row),
        }
        for row in monitor.rows
        if row.boundary
    ]


def _source_line(monitor: Monitor) -> str:
    if monitor.source:
        return monitor.source
    own = gettext("Municipality of the portal: own records, figures suppressed below %(n)s") % {
        "n": monitor.min_group
    }
    if monitor.population_source:
        return gettext("%(own)s; residents: %(source)s") % {
            "own": own,
            "source": monitor.population_source,
        }
    return own


def as_csv(monitor: Monitor) -> str:
    """The table of the page: one line per area and the municipality; a hidden
    figure is empty with its reason in the column ``note``; every line names the
    figures' source and licence."""
    output = io.StringIO()
    writer = spreadsheet_safe_writer(output)
    writer.writerow(["level", "code", "name", "in", "figure", "value", "note", "source", "licence"])
    for row in [*monitor.rows, monitor.reference]:
        is_reference = row is monitor.reference
        writer.writerow(
            [
                "gemeente" if is_reference else monitor.level,
                row.code,
                row.name,
                row.parent,
                monitor.figure,
                "" if row.value is None else row.value,
                "suppressed" if row.hidden else "",
                _source_line(monitor),
                monitor.licence,
            ]
        )
    return output.getvalue()


def as_data(monitor: Monitor) -> dict:
    """The monitor as open data: every area's figure, with source and licence."""
    return {
        "level": monitor.level,
        "figure": monitor.figure,
        "label": monitor.figure_label,
        "year": monitor.year,
        "source": _source_line(monitor),
        "licence": monitor.licence,
        "min_group": monitor.min_group,
        "areas": [
            {
                "level": monitor.level,
                "code": row.code,
                "name": row.name,
                "in": row.parent,
                "value": None if row.value is None else float(row.value),
                "suppressed": row.hidden,
            }
            for row in monitor.rows
        ],
        "municipality": {
            "code": monitor.reference.code,
            "value": None if monitor.reference.value is None else float(monitor.reference.value),
            "suppressed": monitor.reference.hidden,
        },
    }
