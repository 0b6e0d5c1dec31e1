"""Small groups kept out of published figures (statistical disclosure control), one rule
for every breakdown: a group smaller than the smallest group shown is hidden (primary
suppression), and while the groups hidden in a breakdown could be worked out by
subtracting the others from a total that is shown, the smallest group shown is hidden
too (secondary suppression)."""

from collections.abc import Callable, Sequence


def protect_hidden[Row](
    rows: Sequence[Row],
    *,
    size: Callable[[Row], int],
    hidden: Callable[[Row], bool],
    hide: Callable[[Row], None],
    label: Callable[[Row], str],
    total_hidden: bool = False,
    minimum: int | None = None,
) -> bool:
    """Secondary suppression in one breakdown whose parts add up to a total shown: the
    total minus the groups shown gives the hidden groups' sum. While that sum would give
    a hidden group away, the smallest group shown (by size, then label) is hidden as well:
    when one group is hidden; when the hidden groups together are fewer than ``minimum``
    (a small group after all); or when every hidden group is small and their sum allows
    only one way to split it (each 1, or each ``minimum`` - 1). Returns whether it hid
    anything."""
    if total_hidden:
        return False  # nothing to subtract from
    changed = False
    while True:
        small = [row for row in rows if hidden(row) and size(row) > 0]
        shown = [row for row in rows if not hidden(row) and size(row) > 0]
        if not small or not shown or not _decodable([size(row) for row in small], minimum):
            return changed
        hide(min(shown, key=lambda row: (size(row), label(row))))
        changed = True


def _decodable(sizes: list[int], minimum: int | None) -> bool:
    """Whether the hidden groups' sum (known from the total) gives one of them away."""
    if len(sizes) == 1:
        return True
    if minimum is None:
        return False
    together = sum(sizes)
    if together < minimum or together == len(sizes):
        return True
    return all(size < minimum for size in sizes) and together == len(sizes) * (minimum - 1)


def suppress_counts[Key](
    counts: dict[Key, int],
    *,
    minimum: int,
    labels: dict[Key, str],
    total_hidden: bool = False,
) -> dict[Key, int | None]:
    """Counts of people per group (a neighbourhood) published beside their total: a
    count from 1 to ``minimum`` - 1 is hidden (None), and then the rule above
    (``protect_hidden``) hides the next smallest while a hidden one could be worked out
    by subtraction. Zero is shown: it gives nobody away. ``labels`` break ties between
    equal counts: a stable name of each group (a neighbourhood's slug), never a row
    number or key, so every page showing the same counts hides the same groups (two
    pages hiding different ones would give both away together)."""
    hidden = {key for key, count in counts.items() if 0 < count < minimum}
    protect_hidden(
        list(counts),
        size=lambda key: counts[key],
        hidden=lambda key: key in hidden,
        hide=hidden.add,
        label=lambda key: labels[key],
        total_hidden=total_hidden,
        minimum=minimum,
    )
    return {key: None if key in hidden else count for key, count in counts.items()}
