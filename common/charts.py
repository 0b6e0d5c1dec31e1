"""Bar charts drawn on the server as SVG (no JavaScript), always shown together with a
table of the same numbers (``templates/common/bar_chart.html``)."""

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext

# Geometry in SVG viewBox units.
LABEL_WIDTH = 230
BAR_SPACE = 320
ROW_HEIGHT = 28


def bar_chart(rows: Sequence[tuple[str, float | None]], *, suffix: str = "") -> dict[str, Any]:
    """``rows`` are (label, value) pairs in display order; a value of None is a row
    without data (no bar, and "no data" rather than 0)."""
    largest = max((value for _label, value in rows if value is not None), default=0)
    largest = largest if largest > 0 else 1
    drawn: list[dict[str, Any]] = []
    for index, (label, value) in enumerate(rows):
        # A value below zero (a series whose lowest value is negative) draws no bar; the
        # number beside it, and the table, say what it is.
        if value is None:
            drawn.append(
                {
                    "label": label,
                    "value": None,
                    "text": gettext("no data"),
                    "y": index * ROW_HEIGHT + 4,
                    "text_y": index * ROW_HEIGHT + 18,
                    "length": 0,
                    "value_x": LABEL_WIDTH + 8,
                }
            )
            continue
        length = max(0, int(value * BAR_SPACE // largest))
        drawn.append(
            {
                "label": label,
                "value": value,
                "text": f"{_number(value)}{suffix}",
                "y": index * ROW_HEIGHT + 4,
                "text_y": index * ROW_HEIGHT + 18,
                "length": length,
                "value_x": LABEL_WIDTH + length + 8,
            }
        )
    return {
        "rows": drawn,
        "height": len(drawn) * ROW_HEIGHT,
        "bar_x": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "width": LABEL_WIDTH + BAR_SPACE + 60,
    }


def _number(value: float) -> str:
    """A value as the reader writes it: thousands grouped (12.345 in Dutch, 12,345 in
    English) and a decimal comma in Dutch for a fraction."""
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    return number_format(value, force_grouping=True)


def labelled_counts(
    counts: dict[Any, int], choices: Iterable[tuple[Hashable, object]]
) -> list[tuple[str, int]]:
    """(label, count) rows for every choice, in the choices' order, zeros included."""
    return [(str(label), counts.get(value, 0)) for value, label in choices]
