"""SQL expressions the ORM builds too slowly for a page read on every visit."""

from typing import Any

from django.db import connection
from django.db.models import BooleanField, Field, Model
from django.db.models.expressions import RawSQL


def rows_point_here(model: type[Model], field: str, **where: Any) -> RawSQL:
    """Whether a row of ``model`` points at the queried row through its foreign key
    ``field`` (and has the values ``where`` gives its other foreign keys): an annotation
    read with the row, so a page asks no query for what is usually not there (an
    initiative's coach, attachments, co-initiators). The same as Django's ``Exists``
    over ``model.objects.filter(field=OuterRef("pk"), **where)``, written as SQL because
    building an ``Exists`` took 0.3 to 0.6 ms of Python per query: more than the query
    it saves (docs/benchmarks.md, "Real traffic"). For a query of the pointed-at table
    itself, not nested in another (it names that table, not an alias)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pointer = _column_field(model, field)
    target = pointer.related_model._meta  # type: ignore[union-attr]  # a foreign key's model
    outer = f"{quote(target.db_table)}.{quote(_column(target.pk))}"
    conditions = [f"{table}.{quote(_column(pointer))} = {outer}"]
    params = []
    for name, value in where.items():
        conditions.append(f"{table}.{quote(_column(_column_field(model, name)))} = %s")
        params.append(value.pk if isinstance(value, Model) else value)
    sql = f"EXISTS (SELECT 1 FROM {table} WHERE {' AND '.join(conditions)})"  # noqa: S608 (names from the models, values as parameters)
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (values as parameters)


def _column_field(model: type[Model], name: str) -> "Field[Any, Any]":
    found = model._meta.get_field(name)
    if not isinstance(found, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return found


def _column(field: "Field[Any, Any] | None") -> str:
    if field is None or not field.column:
        raise TypeError(f"{field} has no column")
    return field.column
