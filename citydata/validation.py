"""Rows a partner sends, checked against its dataset's schema: every row, every field,
before anything is stored (all or nothing). An error names the row, the field and what
is wrong, in the reader's words."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from citydata.models import Dataset, Granularity, dimension_key

MAX_ROWS = 50_000


@dataclass(frozen=True)
class RowError:
    """What is wrong with one field of one row (``index`` counts from 0)."""

    index: int
    field: str
    message: str


@dataclass(frozen=True)
class Row:
    period: date
    dimension_values: dict[str, str]
    key: str
    value: Decimal


def _period(text: Any, granularity: str) -> date | str:
    """The period as a date, or the reason it is not one."""
    if not isinstance(text, str):
        return gettext("Write the period as a date, YYYY-MM-DD.")
    text = text.strip()
    try:
        if granularity == Granularity.MONTH and len(text) == 7:
            return date.fromisoformat(f"{text}-01")
        parsed = date.fromisoformat(text)
    except ValueError:
        if granularity == Granularity.MONTH:
            return gettext("Write the month as YYYY-MM.")
        return gettext("Write the period as a date, YYYY-MM-DD.")
    if granularity == Granularity.MONTH and parsed.day != 1:
        return gettext("This dataset has one value per month: write the month as YYYY-MM.")
    return parsed


def _value(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def validate_rows(dataset: Dataset, rows: Any) -> tuple[list[Row], list[RowError]]:
    """The rows as they will be stored, and every error found; store them only when
    there are no errors."""
    if not isinstance(rows, list) or not rows:
        return [], [RowError(0, "", gettext("Send a list of at least one row."))]
    if len(rows) > MAX_ROWS:
        message = gettext("Send at most %(count)s rows at once.") % {"count": MAX_ROWS}
        return [], [RowError(0, "", message)]
    today = timezone.localdate()
    expected = set(dataset.columns())
    allowed = {dimension["name"]: set(dimension["values"]) for dimension in dataset.dimensions}
    minimum, maximum = dataset.minimum, dataset.maximum
    errors: list[RowError] = []
    clean: list[Row] = []
    seen: dict[tuple[date, str], int] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(RowError(index, "", gettext("A row must be an object of fields.")))
            continue
        before = len(errors)
        for name in sorted(set(row) - expected, key=str):
            errors.append(
                RowError(index, str(name), gettext("This dataset has no field with this name."))
            )
        for name in dataset.columns():
            if name not in row or row[name] in (None, ""):
                errors.append(RowError(index, name, gettext("This field is missing.")))
        period = _period(row.get("period"), dataset.granularity) if row.get("period") else None
        if isinstance(period, str):
            errors.append(RowError(index, "period", period))
        elif period is not None and period > today:
            errors.append(RowError(index, "period", gettext("This date is in the future.")))
        values: dict[str, str] = {}
        for name, choices in allowed.items():
            raw = row.get(name)
            if raw in (None, ""):
                continue
            text = raw.strip() if isinstance(raw, str) else None
            if text is None or text not in choices:
                errors.append(
                    RowError(
                        index,
                        name,
                        gettext("“%(value)s” is not one of this dataset's values.")
                        % {"value": str(raw)[:100]},
                    )
                )
            else:
                values[name] = text
        value = None
        if row.get("value") not in (None, ""):
            value = _value(row["value"])
            if value is None:
                errors.append(RowError(index, "value", gettext("Write a number.")))
            elif not minimum <= value <= maximum:
                errors.append(
                    RowError(
                        index,
                        "value",
                        gettext("Write a number from %(minimum)s to %(maximum)s.")
                        % {
                            "minimum": f"{minimum.normalize():f}",
                            "maximum": f"{maximum.normalize():f}",
                        },
                    )
                )
            elif value != value.quantize(Decimal("0.01")):
                errors.append(RowError(index, "value", gettext("Write at most two decimals.")))
        if len(errors) > before or not isinstance(period, date) or value is None:
            continue
        key = dimension_key(values)
        first = seen.setdefault((period, key), index)
        if first != index:
            errors.append(
                RowError(
                    index,
                    "period",
                    gettext("An earlier row has the same period and values."),
                )
            )
            continue
        clean.append(Row(period, values, key, value))
    return clean, errors
