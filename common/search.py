"""One search box for the whole portal: initiatives, agenda items, programme projects,
events, tenders, published survey results, participation processes, the board's
decisions and the municipality's own pages.

PostgreSQL searches full text with Dutch stemming ("speeltuinen" finds "speeltuin"),
ranked by weight; SQLite, the embedded default, finds every word somewhere in the
fields. Each kind is one query over its GIN index, but the initiatives, which grow
with the city, look among the newest first (``newest_matches``), so a search costs about
the same at a million as at 100,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection, migrations
from django.db.models import BooleanField, Expression, F, Func, Max, Min, Model, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.sql import Query
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps
    from django.db.models.sql.compiler import SQLCompiler

MAX_WORDS = 10
PER_KIND = 8
# Newest first. "NULLS LAST" (the key is never null) keeps PostgreSQL from walking the
# primary key backwards and testing every row against the words, which is fast for
# common words and takes seconds for a word nobody used; this way it reads the matches
# from the full-text index and sorts only those.
NEWEST = F("pk").desc(nulls_last=True)

# The newest keys of a growing table a search reads row by row first (``newest_matches``).
NEWEST_WINDOW = 2_000
# The column of the stored document (``add_search_document``).
DOCUMENT_COLUMN = "search_document"

# What is searched in each table: (title-like fields, other text fields), as each app
# registers it.
SEARCHED_FIELDS: dict[str, tuple[list[str], list[str]]] = {}
# Tables whose document PostgreSQL keeps in a stored column (``add_search_document``).
STORED_DOCUMENTS: set[str] = set()


def register_fields(
    label: str, primary: list[str], secondary: list[str], *, stored: bool = False
) -> None:
    """Called from an app's ``AppConfig.ready()`` for each table it makes searchable.
    The query and the table's GIN index (``search_index``, added by the app's migration
    with ``add_search_index``) are both built from this one entry. ``stored``: the table
    grows with the city (a million initiatives), so PostgreSQL keeps each row's document
    in a column of its own, computed when the row is written, with the GIN index on that
    column (``add_search_document``) instead of on the expression."""
    SEARCHED_FIELDS[label] = (primary, secondary)
    if stored:
        STORED_DOCUMENTS.add(label)
    else:
        STORED_DOCUMENTS.discard(label)


def search_vector(primary: list[str], secondary: list[str]) -> SearchVector | CombinedExpression:
    """The weighted Dutch document of a row. The GIN index of each searched table is
    built on exactly this expression (``search_index``), so PostgreSQL can use it."""
    vector: SearchVector | CombinedExpression = SearchVector(*primary, weight="A", config="dutch")
    if secondary:
        vector += SearchVector(*secondary, weight="B", config="dutch")
    return vector


def search_index(
    label: str, name: str, fields: tuple[list[str], list[str]] | None = None
) -> GinIndex:
    """The GIN index ``text_search`` uses on table ``label`` (PostgreSQL only); its
    fields as registered, or ``fields`` (primary, secondary) as they were when an older
    migration ran."""
    return GinIndex(search_vector(*(fields or SEARCHED_FIELDS[label])), name=name)


def add_search_index(
    label: str, name: str, fields: tuple[list[str], list[str]] | None = None
) -> migrations.RunPython:
    """A migration operation that adds the table's full-text index on PostgreSQL and
    does nothing on SQLite (which searches with LIKE). A migration written before the
    searched fields changed names its ``fields``, so that it still runs on a new
    database (the later migration replaces the index, see ``replace_search_index``)."""
    app_label, model_name = label.split(".")

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(
                apps.get_model(app_label, model_name), search_index(label, name, fields)
            )

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(
                apps.get_model(app_label, model_name), search_index(label, name, fields)
            )

    return migrations.RunPython(forwards, backwards, elidable=False)


def replace_search_index(
    label: str, name: str, old_fields: tuple[list[str], list[str]]
) -> migrations.RunPython:
    """A migration operation for a table whose searched fields changed: the index on
    ``old_fields`` goes and one on the registered fields (same name) comes."""
    app_label, model_name = label.split(".")

    Fields = tuple[list[str], list[str]] | None

    def swap(
        apps: StateApps, schema_editor: BaseDatabaseSchemaEditor, old: Fields, new: Fields
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(app_label, model_name)
            schema_editor.remove_index(model, search_index(label, name, old))
            schema_editor.add_index(model, search_index(label, name, new))

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        swap(apps, schema_editor, old_fields, None)

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        swap(apps, schema_editor, None, old_fields)

    return migrations.RunPython(forwards, backwards, elidable=False)


class StoredDocument(Expression):
    """The stored document of the row (PostgreSQL, ``add_search_document``): a column the
    database computes from the searched fields whenever the row is written, so a search
    reads it instead of computing every matching row's document again."""

    output_field = SearchVectorField()

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(DOCUMENT_COLUMN)}", ()


def _document_sql(
    model: type[Model], fields: tuple[list[str], list[str]], schema_editor: BaseDatabaseSchemaEditor
) -> str:
    """The SQL of ``search_vector`` on ``model``'s own columns (unqualified, parameters
    quoted), as a generated column's expression wants it."""
    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    expression = search_vector(*fields).resolve_expression(query, allow_joins=False)
    sql, params = compiler.compile(expression)
    return str(sql % tuple(schema_editor.quote_value(param) for param in params))


def add_search_document(
    label: str,
    name: str,
    replaces: str,
    fields: tuple[list[str], list[str]] | None = None,
) -> migrations.RunPython:
    """A migration operation for a table registered with ``stored=True``: on PostgreSQL
    its weighted document becomes a stored generated column (``search_document``, kept
    up to date by the database on every insert and update) with a GIN index ``name``,
    replacing the expression index ``replaces``. Nothing on SQLite (which searches with
    LIKE). A migration passes the searched ``fields`` (primary, secondary) as they are
    when it is written, so a later change to the registered fields leaves it as it was."""
    app_label, model_name = label.split(".")

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        table, column = (
            schema_editor.quote_name(n) for n in (model._meta.db_table, DOCUMENT_COLUMN)
        )
        schema_editor.remove_index(model, search_index(label, replaces, fields))
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} tsvector GENERATED ALWAYS AS "
            f"({_document_sql(model, fields or SEARCHED_FIELDS[label], schema_editor)}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {schema_editor.quote_name(name)} ON {table} USING gin ({column})"
        )

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        table, column = (
            schema_editor.quote_name(n) for n in (model._meta.db_table, DOCUMENT_COLUMN)
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # and its index
        schema_editor.add_index(model, search_index(label, replaces, fields))

    return migrations.RunPython(forwards, backwards, elidable=False)


def text_search[M: Model](
    queryset: QuerySet[M],
    text: str,
    *,
    primary: list[str] | None = None,
    secondary: list[str] | None = None,
    indexed: bool = True,
) -> QuerySet[M]:
    """Rows of ``queryset`` that match ``text``. In PostgreSQL the Dutch full text,
    through the table's GIN index, or with ``indexed=False`` by matching each row the
    query reads anyway (a window of a few thousand rows read by key: cheaper than the
    index's lists of every row holding the words); elsewhere every word somewhere in
    the fields."""
    # Control characters (a NUL byte breaks PostgreSQL's parser) are never meant.
    text = "".join(char if char.isprintable() else " " for char in text)
    text = " ".join(text.split()[:MAX_WORDS])
    if not text:
        return queryset
    if primary is None:
        primary, secondary = SEARCHED_FIELDS[queryset.model._meta.label]
    secondary = secondary or []
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config="dutch", search_type="websearch")
        label = queryset.model._meta.label
        registered = SEARCHED_FIELDS.get(label) == (primary, secondary)
        document: Expression | CombinedExpression = (
            StoredDocument()
            if registered and label in STORED_DOCUMENTS
            else search_vector(primary, secondary)
        )
        if not indexed:
            # A function call, not the @@ operator: the planner cannot use an index for
            # it. The query is parsed once, in a subquery: a prepared statement's generic
            # plan would parse the words again for every row (8.6 against 1.2 ms for 2,000).
            once = Func(query, template="(SELECT %(expressions)s)", output_field=query.output_field)
            matched = Func(document, once, function="ts_match_vq", output_field=BooleanField())
            return queryset.filter(matched)
        # alias(), not annotate(): the document is matched, never selected.
        found = queryset.alias(search=document).filter(search=query)
        return cast("QuerySet[M]", found)  # still rows of M; the stubs lose the model in alias()
    for word in text.split():
        condition = Q()
        for field in [*primary, *secondary]:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def newest_matches[M: Model](queryset: QuerySet[M], text: str, count: int = PER_KIND) -> list[M]:
    """The ``count`` newest rows of ``queryset`` (highest key first) that match ``text``,
    for a table that grows with the city. The table's newest ``NEWEST_WINDOW`` keys are
    read row by row, newest first, each row's stored document matched as it comes (in
    PostgreSQL without the GIN index): a common word stops after a few rows, and a rare
    one costs the window's 2,000 rows at any size. Only when the window holds fewer than
    ``count`` does the GIN index find the rest among the older rows, once. Reading both
    words' lists in the index is what grows with the table (7.8 ms at a million
    initiatives against 0.8 ms at 100,000), so no search reads them more than once.
    Two queries for a common word (the newest and oldest keys, the window), three for a
    rare one in a table larger than the window. The table's keys are whole numbers."""
    # The table's own ends, on the queryset's database (not a manager's subset of rows).
    # SQLite reads both ends by scanning the keys, PostgreSQL each from the index.
    table = queryset.model._base_manager.using(queryset.db)
    keys = table.aggregate(newest=Max("pk"), oldest=Min("pk"))
    if keys["newest"] is None:
        return []
    # A window of 2,000 keys read backwards by key, whatever plan the edge's value gets.
    edge = keys["newest"] - NEWEST_WINDOW
    window = text_search(queryset.filter(pk__gt=edge), text, indexed=False)
    rows = list(window.order_by("-pk")[:count])
    if len(rows) == count or keys["oldest"] > edge:  # enough, or the window was the table
        return rows
    older = text_search(queryset.filter(pk__lte=edge), text)
    return rows + list(older.order_by(NEWEST)[: count - len(rows)])


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    context: str = ""


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise  # translated when a results page shows it
    find: Callable[[str], list[Hit]]


_KINDS: list[tuple[int, Kind]] = []


def register(kind: Kind, *, position: int) -> None:
    """Called from an app's ``AppConfig.ready()``: its records join the portal-wide
    search, shown in the order of ``position``."""
    if any(existing.key == kind.key for _position, existing in _KINDS):
        return
    _KINDS.append((position, kind))
    _KINDS.sort(key=lambda pair: pair[0])


def kinds() -> list[Kind]:
    return [kind for _position, kind in _KINDS]


@dataclass(frozen=True)
class Group:
    kind: Kind
    hits: list[Hit]


def search_everything(text: str) -> list[Group]:
    """Hits grouped by kind, leaving out kinds without hits."""
    text = text.strip()[:200]
    if not text:
        return []
    groups = [Group(kind, kind.find(text)) for kind in kinds()]
    return [group for group in groups if group.hits]
