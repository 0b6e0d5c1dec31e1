"""What the figures pages (city dashboard, neighbourhood monitor) share: database
aggregates for PostgreSQL with their Python twins for SQLite (the figures are stored
ahead of the visitor by ``common.figures``)."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, FloatField, Func, IntegerField
from django.db.models.expressions import Combinable
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont over an expression (0.5 is the median)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Combinable | str, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


class LocalDaysBetween(Func):
    """Whole calendar days between two moments as the municipality's clock shows them,
    never below zero (PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        zone = settings.TIME_ZONE
        sql = f"GREATEST(0, (({end}) AT TIME ZONE %s)::date - (({start}) AT TIME ZONE %s)::date)"
        return sql, (*end_params, zone, *start_params, zone)


def local_days_between(start: datetime, end: datetime) -> int:
    """``LocalDaysBetween`` in Python, for SQLite."""
    return max((timezone.localdate(end) - timezone.localdate(start)).days, 0)
