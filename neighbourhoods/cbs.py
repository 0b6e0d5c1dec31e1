"""The CBS table "Kerncijfers wijken en buurten" (key figures of districts and
neighbourhoods) as staff import it from its CSV: one row per area (gemeente, wijk or
buurt) with its code, name, level, parent, year and figures.

The file is read whole and checked row by row before anything is stored: every problem
is reported with its line number, and a file with any problem imports nothing. A file
holds one municipality: one gemeente row, every wijk's and buurt's code within it and
its parent the one its code says. Columns
this module knows are imported with their labels (``KNOWN_FIGURES``); other columns are
named back to the person importing and left out.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.csv import CsvProblem, read_table

LICENCE = "CC BY 4.0"
MAX_ROWS = 20_000
REQUIRED_COLUMNS = ("code", "name", "level", "year")
LEVELS = {"gemeente": r"GM\d{4}", "wijk": r"WK\d{6}", "buurt": r"BU\d{8}"}
# CBS marks a figure it keeps secret or does not know with a dot.
NOT_KNOWN = {"", ".", "x", "-"}


@dataclass(frozen=True)
class Known:
    """A column of the CBS table the portal understands: its label and whether the
    figure is a number of people or things (so it can be given per 1,000 residents)."""

    label: Promise
    decimals: int = 0


KNOWN_FIGURES: dict[str, Known] = {
    "population": Known(_("Residents")),
    "population_male": Known(_("Residents, men")),
    "population_female": Known(_("Residents, women")),
    "age_0_14": Known(_("Residents aged 0 to 15")),
    "age_15_24": Known(_("Residents aged 15 to 25")),
    "age_25_44": Known(_("Residents aged 25 to 45")),
    "age_45_64": Known(_("Residents aged 45 to 65")),
    "age_65_plus": Known(_("Residents aged 65 or over")),
    "households": Known(_("Households")),
    "average_household_size": Known(_("Average household size"), 2),
    "population_density_per_km2_land": Known(_("Residents per km² of land")),
    "dwellings": Known(_("Dwellings")),
    "average_woz_value_keur": Known(_("Average WOZ value of a dwelling (thousands of euros)")),
    "average_income_per_resident_keur": Known(
        _("Average income per resident (thousands of euros)"), 1
    ),
    "area_total_ha": Known(_("Area, total (ha)")),
    "area_land_ha": Known(_("Area, land (ha)")),
    "area_water_ha": Known(_("Area, water (ha)")),
}


def default_source(year: int) -> str:
    return f"CBS, Kerncijfers wijken en buurten {year}, {LICENCE}"


@dataclass
class Area:
    """One row of the file: an area and its known figures."""

    line: int
    code: str
    name: str
    level: str
    parent_code: str
    figures: dict[str, Decimal]


@dataclass
class Parsed:
    year: int | None = None
    areas: list[Area] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    ignored_columns: list[str] = field(default_factory=list)


def _number(text: str) -> Decimal:
    value = Decimal(text.replace(" ", ""))
    if not value.is_finite() or value < 0 or abs(value) >= Decimal(10) ** 12:
        raise InvalidOperation
    return value


def parse(content: bytes) -> Parsed:
    """Read a "Kerncijfers wijken en buurten" CSV; every error with its line number."""
    parsed = Parsed()
    try:
        table = read_table(content, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS)
    except CsvProblem as problem:
        parsed.errors.append((problem.line, problem.message))
        return parsed
    header = table.header
    known = [name for name in header if name in KNOWN_FIGURES]
    parsed.ignored_columns = [
        name
        for name in header
        if name not in KNOWN_FIGURES and name not in (*REQUIRED_COLUMNS, "parent_code")
    ]
    seen: dict[str, int] = {}
    for row in table.rows:
        line, values = row.line, row.values
        if row.problem:
            parsed.errors.append((line, row.problem))
            continue
        problems = []
        level, code = values["level"].lower(), values["code"].upper()
        if level not in LEVELS:
            problems.append(
                gettext("level “%(level)s” is not gemeente, wijk or buurt") % {"level": level[:20]}
            )
        elif not re.fullmatch(LEVELS[level], code):
            problems.append(
                gettext("code “%(code)s” is not a CBS code of a %(level)s")
                % {"code": code[:20], "level": level}
            )
        elif code in seen:
            problems.append(
                gettext("code %(code)s is on line %(line)s already")
                % {"code": code, "line": seen[code]}
            )
        if not values["name"] or len(values["name"]) > 100:
            problems.append(gettext("the name is empty or longer than 100 characters"))
        year = int(values["year"]) if values["year"].isdigit() else None
        if year is None or not 1990 <= year <= 2100:
            problems.append(
                gettext("year “%(year)s” is not a year") % {"year": values["year"][:10]}
            )
        elif parsed.year is None:
            parsed.year = year
        elif year != parsed.year:
            problems.append(
                gettext("year %(year)s differs from the file's year %(first)s")
                % {"year": year, "first": parsed.year}
            )
        figures: dict[str, Decimal] = {}
        for key in known:
            if values[key] in NOT_KNOWN:
                continue
            try:
                figures[key] = _number(values[key])
            except (InvalidOperation, ValueError):
                problems.append(
                    gettext("%(column)s “%(value)s” is not a number of zero or more")
                    % {"column": key, "value": values[key][:20]}
                )
        parent = values.get("parent_code", "").upper()
        if not problems and level != "gemeente":
            # A wijk's code is WK + its gemeente's 4 digits + 2, a buurt's BU + its
            # wijk's 6 digits + 2: the parent a row names must be the one its code says.
            owner = ("GM" + code[2:6]) if level == "wijk" else ("WK" + code[2:8])
            if parent and parent != owner:
                problems.append(
                    gettext("parent %(parent)s does not match code %(code)s (expected %(owner)s)")
                    % {"parent": parent[:20], "code": code, "owner": owner}
                )
            parent = owner
        if problems:
            parsed.errors.append((line, "; ".join(problems)))
            continue
        seen[code] = line
        parsed.areas.append(Area(line, code, values["name"], level, parent, figures))
    if not parsed.areas and not parsed.errors:
        parsed.errors.append((1, gettext("The file has no rows of areas.")))
    _check_municipality(parsed)
    return parsed


def _check_municipality(parsed: Parsed) -> None:
    """A file holds one municipality: exactly one gemeente row, and every wijk and buurt
    in it (their codes begin with its digits)."""
    gemeenten = [area for area in parsed.areas if area.level == "gemeente"]
    if not gemeenten and parsed.errors:
        return  # the gemeente row may be among the rows with errors
    if len(gemeenten) != 1:
        parsed.errors.append(
            (
                gemeenten[1].line if gemeenten else 1,
                gettext(
                    "The file must hold exactly one row of level gemeente (it has %(n)s): "
                    "the municipality the figures are compared with."
                )
                % {"n": len(gemeenten)},
            )
        )
        return
    digits = gemeenten[0].code[2:]
    for area in parsed.areas:
        if area.level != "gemeente" and area.code[2:6] != digits:
            parsed.errors.append(
                (
                    area.line,
                    gettext("code %(code)s is not of the file's municipality %(gemeente)s")
                    % {"code": area.code, "gemeente": gemeenten[0].code},
                )
            )
    parsed.errors.sort(key=lambda error: error[0])


def municipality(parsed: Parsed) -> Area | None:
    """The file's one gemeente row (``parse`` checked there is exactly one)."""
    return next((area for area in parsed.areas if area.level == "gemeente"), None)
