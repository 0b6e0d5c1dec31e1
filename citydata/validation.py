"""Rows a partner sends, checked against its dataset's schema: every row, every field,
before anything is stored (all or nothing). An error names the row, the field and what
is wrong, in the reader's words."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from citydata.models import (
    DIMENSION_VALUE_LENGTH,
    KEY_LENGTH,
    Dataset,
    Granularity,
    dimension_key,
)

# Rows at once, through the API or a CSV file. A body of the API is at most
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, answered with 413 above it): this many rows of a
# footfall series (some 65 bytes each) fit in it, so a partner meets the row limit
# before the body's.
MAX_ROWS = 20_000
# The longest value of a dimension (a street's name, a kind of shop); together a row's
# values must fit the stored key (``Observation.key``).
MAX_DIMENSION_VALUE = DIMENSION_VALUE_LENGTH
# Digits (ASCII only), with at most two decimals after a comma or a point; no thousands
# separators ("12.500" could be twelve and a half or twelve thousand five hundred), no
# exponent, no underscores.
NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]{1,2})?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


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


def _period(raw: Any, granularity: str) -> date | str:
    """The period as a date, or the reason it is not one: a day written YYYY-MM-DD, a
    month YYYY-MM (text only: a number or a list is no period)."""
    month = granularity == Granularity.MONTH
    wrong = (
        gettext("Write the month as YYYY-MM.")
        if month
        else gettext("Write the period as a date, YYYY-MM-DD.")
    )
    if not isinstance(raw, str):
        return wrong
    text = raw.strip()
    if month and DAY.fullmatch(text):
        return gettext("This dataset has one value per month: write the month as YYYY-MM.")
    if not (MONTH if month else DAY).fullmatch(text):
        return wrong
    try:
        return date.fromisoformat(f"{text}-01" if month else text)
    except ValueError:
        return wrong


def _value(raw: Any) -> Decimal | str:
    """The number, or the reason it is not one. JSON numbers as they are; text as digits
    with a decimal comma or point."""
    if isinstance(raw, bool):
        return gettext("Write a number.")
    if isinstance(raw, int | float):
        value = Decimal(str(raw))
        return value if value.is_finite() else gettext("Write a number.")
    if not isinstance(raw, str):
        return gettext("Write a number.")
    text = raw.strip()
    if not NUMBER.fullmatch(text):
        return gettext(
            "Write a number such as 1250 or 12,5: digits, at most two decimals after a comma "
            "or point, no thousands separators."
        )
    return Decimal(text.replace(",", "."))


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
        # Anything sent as the period is read (0, false, [] too): only a missing one is
        # left to the check above.
        raw_period = row.get("period")
        period = (
            None
            if raw_period is None or raw_period == ""
            else _period(raw_period, dataset.granularity)
        )
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
            if text is not None and len(text) > MAX_DIMENSION_VALUE:
                errors.append(
                    RowError(
                        index,
                        name,
                        ngettext(
                            "Write at most %(count)s character.",
                            "Write at most %(count)s characters.",
                            MAX_DIMENSION_VALUE,
                        )
                        % {"count": MAX_DIMENSION_VALUE},
                    )
                )
            elif text is None or text not in choices:
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
            read = _value(row["value"])
            if isinstance(read, str):
                errors.append(RowError(index, "value", read))
            elif not minimum <= read <= maximum:
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
            elif read != read.quantize(Decimal("0.01")):
                errors.append(RowError(index, "value", gettext("Write at most two decimals.")))
            else:
                value = read
        if len(errors) > before:
            continue
        if not isinstance(period, date) or value is None:
            # Never a row dropped in silence: the checks above name what is wrong with a
            # row they leave without a period or a value; should one not, say so.
            errors.append(RowError(index, "", gettext("This row could not be read.")))
            continue
        key = dimension_key(values)
        if len(key) > KEY_LENGTH:
            errors.append(
                RowError(
                    index,
                    "",
                    gettext("The values of this row are too long together."),
                )
            )
            continue
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
