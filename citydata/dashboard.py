"""The inner-city dashboard's figures: per month of the past year, the approved partners'
series (per month as each dataset says: summed, or a stock's average or last count; per
value of their first dimension) beside the portal's own
in the inner-city neighbourhood (reports that went in, initiatives submitted, events).
A fixed number of queries, whatever the number of datasets, rows or months.

Computed ahead of the visitor like the other figures pages (``common.figures``: the
default "past twelve months" is kept fresh by the beat schedule); what is stored holds
plain values only (no model instances)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

from citydata.models import Aggregation, Dataset, Observation
from common.charts import bar_chart
from initiatives.models import Initiative
from neighbourhoods.models import Event, Neighbourhood
from reports.models import Report

MONTHS = 12
FIGURES = "inner_city"


def months_until(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the ``count`` months ending with today's, oldest first."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


@dataclass
class Series:
    """One series over the months: its totals as a chart with a table, and (for a
    partner's dataset) the breakdown by its first dimension."""

    title: str
    chart: dict[str, Any]
    source: str
    licence: str
    unit: str = ""
    key: str = ""  # unique on the page (a partner's dataset: its slug)
    slug: str = ""  # a partner's dataset: its open data's address
    dimension_label: str = ""
    columns: list[str] = field(default_factory=list)
    breakdown: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)


def _month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def _counts(queryset: QuerySet[Any], moment: str) -> dict[date, int]:
    rows = (
        queryset.annotate(month=TruncMonth(moment, output_field=DateField()))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["month"]: row["count"] for row in rows}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _month_of(period: date) -> date:
    return period.replace(day=1)


def partner_series(months: list[date], language: str) -> list[Series]:
    datasets = list(Dataset.objects.approved().select_related("partner"))
    first_names = {
        dataset.pk: dataset.dimensions[0]["name"] for dataset in datasets if dataset.dimensions
    }
    totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    parts: dict[tuple[int, str, date], Decimal] = defaultdict(Decimal)

    def add(dataset_id: int, month: date, dimension_values: dict[str, str], number: Decimal):
        totals[dataset_id, month] += number
        first = first_names.get(dataset_id)
        if first is not None:
            # The schema's first dimension, as the table's rows are (not the first by name).
            parts[dataset_id, dimension_values.get(first, ""), month] += number

    approved = Observation.objects.filter(
        dataset__approved_at__isnull=False, period__gte=months[0]
    ).order_by()
    # Series that add up: summed per month by the database.
    summed = (
        approved.filter(dataset__aggregation=Aggregation.SUM)
        .annotate(month=TruncMonth("period", output_field=DateField()))
        .values("dataset_id", "month", "dimension_values")
        .annotate(total=Sum("value"))
    )
    for row in summed:
        add(row["dataset_id"], row["month"], row["dimension_values"], row["total"])
    # Stocks (vacant shop units): per month and values, the average or the last count.
    counted: dict[tuple[int, date, str], list[Decimal]] = defaultdict(list)
    dimensions: dict[tuple[int, date, str], dict[str, str]] = {}
    kinds = {dataset.pk: dataset.aggregation for dataset in datasets}
    stocks = approved.exclude(dataset__aggregation=Aggregation.SUM).values_list(
        "dataset_id", "period", "key", "dimension_values", "value"
    )
    for dataset_id, period, key, values, number in stocks.order_by("period"):
        group = (dataset_id, _month_of(period), key)
        counted[group].append(number)
        dimensions[group] = values
    for group, numbers in counted.items():
        dataset_id, month, _key = group
        if kinds.get(dataset_id) == Aggregation.LAST:
            number = numbers[-1]
        else:
            number = sum(numbers, Decimal(0)) / len(numbers)
        add(dataset_id, month, dimensions[group], number.quantize(Decimal("0.01")))
    series = []
    for dataset in datasets:
        labels = [_month_label(month) for month in months]
        chart = bar_chart(
            [
                # A month without data is "no data", not 0 (nobody counted, not nobody came).
                (
                    label,
                    None if (total := totals.get((dataset.pk, month))) is None else _number(total),
                )
                for label, month in zip(labels, months, strict=True)
            ]
        )
        first_dimension = dataset.dimensions[0] if dataset.dimensions else None
        breakdown = []
        if first_dimension:
            for value in first_dimension["values"]:
                breakdown.append(
                    (
                        value,
                        [parts.get((dataset.pk, value, month)) for month in months],
                    )
                )
        series.append(
            Series(
                title=dataset.name_for(language),
                chart=chart,
                source=dataset.source,
                licence=dataset.licence,
                unit=dataset.unit,
                key=f"dataset-{dataset.slug}",
                slug=dataset.slug,
                dimension_label=(
                    first_dimension[f"label_{'en' if language == 'en' else 'nl'}"]
                    if first_dimension
                    else ""
                ),
                columns=labels,
                breakdown=breakdown,
            )
        )
    return series


def portal_series(months: list[date], neighbourhood: Neighbourhood | None) -> list[Series]:
    """The portal's own series in the inner-city neighbourhood, per month."""
    if neighbourhood is None:
        return []
    start = timezone.make_aware(datetime.combine(months[0], time.min))
    counted = [
        (
            "reports",
            gettext("Public-space reports that went in"),
            _counts(
                Report.objects.public().filter(
                    neighbourhood=neighbourhood, submitted_at__gte=start
                ),
                "submitted_at",
            ),
        ),
        (
            "initiatives",
            gettext("Initiatives submitted"),
            _counts(
                Initiative.objects.public().filter(
                    neighbourhood=neighbourhood, submitted_at__gte=start
                ),
                "submitted_at",
            ),
        ),
        (
            "events",
            gettext("Events"),
            _counts(
                Event.objects.filter(
                    neighbourhood=neighbourhood, cancelled=False, starts_at__gte=start
                ),
                "starts_at",
            ),
        ),
    ]
    source = gettext("Municipal participation portal")
    return [
        Series(
            title=title,
            chart=bar_chart([(_month_label(month), counts.get(month, 0)) for month in months]),
            source=source,
            licence="CC0 1.0",
            key=f"portal-{key}",
        )
        for key, title, counts in counted
    ]


@dataclass
class InnerCity:
    months: list[date]
    neighbourhood_name: str
    partners: list[Series]
    portal: list[Series]


def compute(selection: dict[str, Any]) -> InnerCity:
    """The dashboard of the past twelve months, in the active language (the only
    selection: the page has no filters)."""
    language = "en" if (get_language() or "nl").startswith("en") else "nl"
    months = months_until(timezone.localdate())
    neighbourhood = Neighbourhood.objects.filter(
        slug=settings.PORTAL_INNER_CITY_NEIGHBOURHOOD
    ).first()
    return InnerCity(
        months=months,
        neighbourhood_name=neighbourhood.name if neighbourhood else "",
        partners=partner_series(months, language),
        portal=portal_series(months, neighbourhood),
    )
