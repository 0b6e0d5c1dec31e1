"""Database aggregates the figures pages share (PostgreSQL; SQLite computes the same
figures in Python, see the callers)."""

from django.conf import settings
from django.db.models import Aggregate, ExpressionWrapper, FloatField, Func, IntegerField


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont over an expression (0.5 is the median)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochDays(ExpressionWrapper):
    """A duration in (fractional) days."""

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"(EXTRACT(EPOCH FROM ({sql})) / 86400.0)", params


class LocalDaysBetween(Func):
    """Whole calendar days between two moments as the municipality's clock shows them,
    never below zero (PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        end, end_params = compiler.compile(self.source_expressions[1])
        zone = settings.TIME_ZONE
        sql = f"GREATEST(0, (({end}) AT TIME ZONE %s)::date - (({start}) AT TIME ZONE %s)::date)"
        return sql, (*end_params, zone, *start_params, zone)
