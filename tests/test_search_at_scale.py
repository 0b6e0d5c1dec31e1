"""The portal search on a growing table (issue 27): the initiatives' stored document and
looking among the newest first give what a search of every row gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import search
from common.search import NEWEST, PER_KIND, newest_matches, text_search
from initiatives.models import Initiative, Status
from initiatives.search import find_initiatives
from initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _everything(text):
    return list(text_search(Initiative.objects.public(), text).order_by(NEWEST)[:PER_KIND])


@pytest.mark.parametrize(
    ("window", "text"),
    [
        (3, "speeltuin"),
        (3, "bankje"),
        (3, "nergens"),
        (3, "speeltuin bankje"),
        (1, "speeltuin"),  # a window of one row, and the rest through the index
        (1, "bankje"),
        (50, "speeltuin"),
        (14, "groen"),  # the oldest key is the window's edge: it belongs to the rest
    ],
)
def test_the_newest_first_finds_what_a_search_of_every_row_finds(monkeypatch, window, text):
    monkeypatch.setattr("common.search.NEWEST_WINDOW", window)
    for number in range(14):
        title = "Speeltuin aan het plein" if number % 2 else "Groen plein"
        if number in (1, 4):
            title += " met een bankje"  # only old ones: the window holds none
        InitiativeFactory(title=f"{title} {number}", status=Status.SUBMITTED)
    InitiativeFactory(title="Speeltuin in concept")  # a draft: never found
    found = newest_matches(Initiative.objects.public(), text)
    assert found == _everything(text)
    assert all(row.status != Status.DRAFT for row in found)
    assert [hit.title for hit in find_initiatives(text)] == [row.title for row in found]


def test_a_common_word_is_found_in_the_window_alone(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("common.search.NEWEST_WINDOW", 10)
    InitiativeFactory.create_batch(12, title="Speeltuin", status=Status.SUBMITTED)
    with django_assert_num_queries(2):  # the newest and oldest keys, the window
        assert len(newest_matches(Initiative.objects.public(), "speeltuin")) == PER_KIND


def test_an_empty_table_asks_once():
    with CaptureQueriesContext(connection) as captured:
        assert newest_matches(Initiative.objects.public(), "speeltuin") == []
    assert len(captured) == 1


@pytest.mark.postgres
def test_postgres_reads_the_window_row_by_row_and_the_index_once(monkeypatch):
    """The window matches the rows it reads by key (no index can serve a function call);
    the older rows are found through the GIN index, in one query."""
    monkeypatch.setattr("common.search.NEWEST_WINDOW", 3)
    old = InitiativeFactory(title="Fietsenstalling bij de kerk", status=Status.SUBMITTED)
    InitiativeFactory.create_batch(4, title="Groen plein", status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as captured:
        assert newest_matches(Initiative.objects.public(), "fietsenstallingen kerk") == [old]
    _keys, window, older = (query["sql"] for query in captured)
    assert "ts_match_vq" in window
    assert "(SELECT websearch_to_tsquery(" in window  # parsed once, not for every row
    assert "@@" not in window
    assert "@@" in older
    assert "ts_match_vq" not in older


@pytest.mark.postgres
def test_postgres_searches_the_stored_document_through_its_gin_index():
    initiative = InitiativeFactory(title="Fietsenstalling", status=Status.SUBMITTED)
    assert _everything("fietsenstallingen") == [initiative]  # Dutch stemming, as before
    # The database keeps the document up to date on every write.
    Initiative.objects.filter(pk=initiative.pk).update(title="Geveltuin")
    assert _everything("fietsenstalling") == []
    assert _everything("geveltuinen") == [initiative]
    query = text_search(Initiative.objects.order_by(), "geveltuin").query
    sql, params = query.sql_with_params()
    assert '"search_document" @@' in sql  # the stored column, not the expression
    with connection.cursor() as cursor:
        # A test database is tiny: PostgreSQL would read the table rather than an index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiative_search_document" in plan


def test_the_stored_document_migration_keeps_the_fields_it_was_written_with(monkeypatch):
    """Migration 0011 builds the generated column from its own field list, not from the
    fields registered today: a later change to them must not rewrite its history."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    monkeypatch.setitem(
        search.SEARCHED_FIELDS, "initiatives.Initiative", (["title"], ["renamed_later"])
    )
    migration = importlib.import_module("initiatives.migrations.0011_stored_search_document")
    [operation] = migration.Migration.operations
    executed: list[str] = []
    editor = SimpleNamespace(
        connection=SimpleNamespace(vendor="postgresql"),
        quote_name=connection.ops.quote_name,
        remove_index=lambda model, index: executed.append(repr(index.expressions)),
        add_index=lambda model, index: executed.append(repr(index.expressions)),
        execute=executed.append,
    )
    monkeypatch.setattr(search, "_document_sql", lambda model, fields, schema_editor: repr(fields))
    operation.code(apps, editor)
    operation.reverse_code(apps, editor)
    frozen = repr((["title"], ["summary", "description", "address"]))
    assert frozen in executed[1]  # the generated column
    assert "renamed_later" not in " ".join(executed)
    assert all("description" in step for step in (executed[0], executed[-1]))
