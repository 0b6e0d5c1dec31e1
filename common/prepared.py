"""Reads a busy page makes whenever it is rendered, their SQL written by the ORM once per
process.

Turning a queryset into SQL is Python work, and on a page nobody asked for since it last
changed it is most of the cost: an initiative's timeline took 0.81 to 0.89 ms through the
ORM and 0.2 through a bare cursor (docs/benchmarks.md, "Prepared reads and statements").
A ``PreparedRead`` builds its queryset once per database with stand-ins for the values
that vary (an initiative's key, the reader's), keeps the SQL and the ORM's plan for
turning rows into model instances, and from then on sends the same SQL with the values in
place of the stand-ins (0.28 ms for the timeline). What comes back is what the queryset
would give: the model's instances, with the rows of ``select_related`` attached and
annotations as attributes, converted as the ORM converts them.

Only for querysets in which nothing varies but the stand-ins (not the clock, the language
or anything else about the person asking) and that give model instances (no
``values()``, no ``prefetch_related``). The values are keys: each must reach the SQL as a
parameter, as a filter on a key does (the queryset is built twice with different
stand-ins, and the SQL must not change), and a number no key can have matches nothing.
"""

import copy
import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler

# Far below any key the database hands out; one per value, counting down from here.
STAND_IN = -7_300_000_000_000_000_001
# The values a key (a 64-bit integer) can have.
KEYS_FROM, KEYS_TO = -(2**63), 2**63


@dataclass(frozen=True)
class _Prepared:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # (position in params, which value) for every place a stand-in was put.
    slots: tuple[tuple[int, int], ...]
    fetch_mode: Any


class _Bound:
    """What ``ModelIterable`` asks of a queryset and its query, for one prepared read
    with its values bound: the compiler it runs is the prepared one."""

    _known_related_objects: dict[Any, Any] = {}

    def __init__(self, model: type[Model], alias: str, prepared: _Prepared, compiler: Any):
        self.model = model
        self.db = alias
        self.query = self
        self._fetch_mode = prepared.fetch_mode
        self._compiler = compiler

    def get_compiler(self, using: str | None = None, **kwargs: Any) -> Any:
        return self._compiler


class PreparedRead[M: Model]:
    """``PreparedRead(Initiative, lambda pk: Initiative.objects.filter(pk=pk)
    .select_related("theme"))``; ``read(42)`` gives the list of rows that queryset gives
    for 42, without building it again."""

    def __init__(self, model: type[M], build: Callable[..., "QuerySet[M]"]):
        self.model = model
        self.build = build
        self.arity = len(inspect.signature(build).parameters)
        self._prepared: dict[tuple[str, str], _Prepared] = {}
        self._converters: weakref.WeakKeyDictionary[Any, dict[int, Any]] = (
            weakref.WeakKeyDictionary()
        )

    def _compiled(self, alias: str, stand_ins: list[int]) -> tuple[Any, Any, str, tuple[Any, ...]]:
        # Its private attributes (how it iterates, prefetches and fetches) are read below.
        queryset: Any = self.build(*stand_ins).using(alias)
        if queryset.model is not self.model or queryset._iterable_class is not ModelIterable:
            raise ImproperlyConfigured(f"{self.build} must give {self.model.__name__} rows")
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured(f"{self.build} prefetches: each read would build those")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)

    def _prepare(self, alias: str) -> _Prepared:
        """Build it twice, with two sets of stand-ins: the SQL must be the same and the
        parameters differ exactly where a stand-in is, each the value it stands for."""
        stand_ins = [STAND_IN - n for n in range(self.arity)]
        queryset, compiler, sql, params = self._compiled(alias, stand_ins)
        others = [STAND_IN - self.arity - n for n in range(self.arity)]
        _, _, other_sql, other_params = self._compiled(alias, others)
        slots = tuple(
            (position, stand_ins.index(param))
            for position, param in enumerate(params)
            if type(param) is int and param in stand_ins
        )
        bound = list(params)
        for position, which in slots:
            bound[position] = others[which]
        if (
            {which for _, which in slots} != set(range(self.arity))
            or other_sql != sql
            or tuple(bound) != other_params
        ):
            raise ImproperlyConfigured(
                f"{self.build}: every value must reach the SQL as a parameter, as it is"
            )
        return _Prepared(compiler, sql, params, slots, queryset._fetch_mode)

    def __call__(self, *values: Any) -> list[M]:
        if len(values) != self.arity:
            raise TypeError(f"{self.build} takes {self.arity} values, not {len(values)}")
        if any(type(value) is int and not KEYS_FROM <= value < KEYS_TO for value in values):
            return []  # no key is that large (as the ORM answers; SQLite would fail)
        alias = router.db_for_read(self.model)
        connection = connections[alias]  # this thread's
        key = (alias, connection.vendor)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = self._prepared[key] = self._prepare(alias)
        params = list(prepared.params)
        for position, which in prepared.slots:
            params[position] = values[which]
        # Each read its own copy: this thread's connection, these values, and the
        # converters of its columns, found once per connection.
        compiler = copy.copy(prepared.compiler)
        compiler.connection = connection
        converters = self._converters.get(connection)
        if converters is None:
            columns = [select[0] for select in compiler.select[: compiler.col_count]]
            converters = self._converters[connection] = compiler.get_converters(columns)
        bound = tuple(params)
        compiler.as_sql = lambda *args, **kwargs: (prepared.sql, bound)  # type: ignore[method-assign]
        compiler.get_converters = lambda expressions: converters  # type: ignore[method-assign]
        return list(ModelIterable(_Bound(self.model, alias, prepared, compiler)))  # type: ignore[arg-type]
