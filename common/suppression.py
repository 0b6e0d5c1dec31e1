"""Small groups kept out of published figures (statistical disclosure control), one rule
for every breakdown: a group smaller than the smallest group shown is hidden (primary
suppression), and when exactly one group of a breakdown is hidden beside a total that is
shown, the smallest group shown is hidden too (secondary suppression), so that no hidden
group can be worked out by subtracting the others from the total."""

from collections.abc import Callable, Sequence
from typing import TypeVar

Row = TypeVar("Row")


def protect_hidden[Row](
    rows: Sequence[Row],
    *,
    size: Callable[[Row], int],
    hidden: Callable[[Row], bool],
    hide: Callable[[Row], None],
    label: Callable[[Row], str],
    total_hidden: bool = False,
) -> None:
    """Secondary suppression in one breakdown whose parts add up to a total: when
    exactly one group of some size is hidden while the total is shown, the smallest
    group shown (by size, then label) is hidden as well."""
    if total_hidden:
        return  # nothing to subtract from
    small = [row for row in rows if hidden(row) and size(row) > 0]
    shown = [row for row in rows if not hidden(row) and size(row) > 0]
    if len(small) == 1 and shown:
        hide(min(shown, key=lambda row: (size(row), label(row))))
