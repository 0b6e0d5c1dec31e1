"""What the initiatives add to the neighbourhood monitor (registered in ``apps.py``):
public initiatives per neighbourhood and status, and the median days to the
municipality's answer."""

import statistics
from collections import defaultdict

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext

from common.aggregates import LocalDaysBetween, Percentile, local_days_between
from initiatives.models import Initiative, Status


def status_choices() -> list[tuple[str, str]]:
    """The statuses a public initiative can have, in the order of the workflow."""
    return [choice for choice in Status.choices if choice[0] != Status.DRAFT]


def _public_counts() -> list[tuple[int | None, str | None, str, int]]:
    """Public initiatives per neighbourhood (id and CBS code) and status: one grouped
    query, read by the neighbourhood monitor and the monitor per area."""
    return list(
        Initiative.objects.public()
        .values_list("neighbourhood_id", "neighbourhood__cbs_code", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )


def counts_by_neighbourhood() -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for neighbourhood_id, _code, status, count in _public_counts():
        counts[neighbourhood_id][status] = count
    return counts


def answer_day_medians() -> tuple[dict[int, float], float | None]:
    """Median calendar days from submission to the first answer, per neighbourhood and
    for the city. PostgreSQL computes them (percentile_cont); SQLite, with little data,
    in Python."""
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


def located_counts(level: str) -> dict[str | None, int]:
    """Public initiatives per wijk (CBS code): an initiative names its neighbourhood,
    not a point, so it is counted per wijk only; those without one under None."""
    counts: dict[str | None, int] = defaultdict(int)
    for _id, code, _status, count in _public_counts():
        counts[code] += count
    return dict(counts)


def located_label() -> str:
    return gettext("Initiatives")
