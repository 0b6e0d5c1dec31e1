"""One search box for the whole portal: initiatives, agenda items, programme projects,
events, tenders, published survey results, participation processes, the board's
decisions and the municipality's own pages.

PostgreSQL searches full text with Dutch stemming ("speeltuinen" finds "speeltuin"),
ranked by weight; SQLite, the embedded default, finds every word somewhere in the
fields. Each kind is one query, so a search costs the same whatever the data size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, migrations
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import CombinedExpression
from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor
    from django.db.migrations.state import StateApps

MAX_WORDS = 10
PER_KIND = 8
# Newest first. "NULLS LAST" (the key is never null) keeps PostgreSQL from walking the
# primary key backwards and testing every row against the words, which is fast for
# common words and takes seconds for a word nobody used; this way it reads the matches
# from the full-text index and sorts only those.
NEWEST = F("pk").desc(nulls_last=True)

# What is searched in each table: (title-like fields, other text fields), as each app
# registers it.
SEARCHED_FIELDS: dict[str, tuple[list[str], list[str]]] = {}


def register_fields(label: str, primary: list[str], secondary: list[str]) -> None:
    """Called from an app's ``AppConfig.ready()`` for each table it makes searchable.
    The query and the table's GIN index (``search_index``, added by the app's migration
    with ``add_search_index``) are both built from this one entry."""
    SEARCHED_FIELDS[label] = (primary, secondary)


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


def text_search[M: Model](
    queryset: QuerySet[M],
    text: str,
    *,
    primary: list[str] | None = None,
    secondary: list[str] | None = None,
) -> QuerySet[M]:
    """Rows of ``queryset`` that match ``text``, newest first. In PostgreSQL the Dutch
    full text (through the table's GIN index); elsewhere every word somewhere in the
    fields."""
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
        found = queryset.annotate(search=search_vector(primary, secondary)).filter(search=query)
        return cast("QuerySet[M]", found)  # still rows of M; the stubs lose the model in annotate()
    for word in text.split():
        condition = Q()
        for field in [*primary, *secondary]:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


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
