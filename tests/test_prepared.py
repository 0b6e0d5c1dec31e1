"""``PreparedRead`` (a read whose SQL the ORM builds once per process) gives what its
queryset gives: the same rows, related rows and annotations, converted alike, for the
values it is given; it builds the queryset once, and refuses one it cannot bind."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import OuterRef, Subquery, Value
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from common.expressions import rows_point_here
from common.prepared import PreparedRead
from initiatives.models import Comment, Initiative, Status, Support
from initiatives.tests.factories import CommentFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def _page_rows(pk, reader):
    return (
        Initiative.objects.filter(pk=pk)
        .select_related("neighbourhood", "theme", "assignee")
        .annotate(
            supported=rows_point_here(Support, "initiative", user=reader),
            first_comment=Subquery(
                Comment.objects.filter(initiative=OuterRef("pk")).order_by("pk").values("text")[:1]
            ),
            marker=Value("x"),
        )
    )


def _as_dicts(rows):
    return [
        {
            **{field.attname: getattr(row, field.attname) for field in Initiative._meta.fields},
            "neighbourhood": (row.neighbourhood.pk, row.neighbourhood.name),
            "theme": (row.theme.pk, row.theme.name_nl),
            "assignee": row.assignee,
            "supported": row.supported,
            "first_comment": row.first_comment,
            "marker": row.marker,
        }
        for row in rows
    ]


def test_it_gives_what_the_queryset_gives():
    reader, other = UserFactory(), UserFactory()
    supported = InitiativeFactory(status=Status.SUBMITTED, amount_requested=1500)
    bare = InitiativeFactory(status=Status.SUBMITTED, latitude=52.1, longitude=5.3)
    Support.objects.create(initiative=supported, user=reader)
    CommentFactory(initiative=supported, text="Eerste")
    read = PreparedRead(Initiative, _page_rows)

    for initiative in (supported, bare):
        for person in (reader, other):
            ours = read(initiative.pk, person.pk)
            djangos = list(_page_rows(initiative.pk, person.pk))
            assert _as_dicts(ours) == _as_dicts(djangos)
            # Converted as the ORM converts: a boolean is a boolean on SQLite too.
            assert ours[0].supported is (initiative == supported and person == reader)
            assert ours[0].created_at == djangos[0].created_at
            assert ours[0].created_at.tzinfo is not None


def test_related_rows_come_with_the_row():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    read = PreparedRead(Initiative, _page_rows)
    read(initiative.pk, 0)  # built before counting
    with CaptureQueriesContext(connection) as queries:
        row = read(initiative.pk, 0)[0]
        assert (row.neighbourhood.name, row.theme.slug, row.assignee) == (
            initiative.neighbourhood.name,
            initiative.theme.slug,
            None,
        )
    assert len(queries) == 1


def test_the_queryset_is_built_once():
    first, second = CommentFactory(text="Een"), CommentFactory(text="Twee")
    built = []

    def comments(pk):
        built.append(pk)
        return Comment.objects.filter(initiative=pk).select_related("author")

    read = PreparedRead(Comment, comments)
    assert [comment.text for comment in read(first.initiative_id)] == ["Een"]
    # Built on the first read only: twice, with two sets of stand-ins, to compare.
    assert len(built) == 2
    assert [comment.text for comment in read(second.initiative_id)] == ["Twee"]
    assert read(second.initiative_id)[0].author.public_name == second.author.public_name
    assert len(built) == 2


def test_no_row_for_a_key_no_row_has():
    read = PreparedRead(Initiative, lambda pk: Initiative.objects.filter(pk=pk))
    assert read(987654) == []
    with CaptureQueriesContext(connection) as queries:
        # Beyond 64 bits: no key has it (SQLite cannot even take it as a parameter).
        assert read(2**70) == []
    assert len(queries) == 0


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Initiative.objects.all(),  # the value never reaches the SQL
        lambda pk: Initiative.objects.filter(pk=pk).values("title"),  # not model rows
        lambda pk: Initiative.objects.filter(pk=pk).prefetch_related("comments"),
        lambda pk: Comment.objects.filter(initiative=pk),  # rows of another model
    ],
)
def test_it_refuses_what_it_cannot_bind(build):
    with pytest.raises(ImproperlyConfigured):
        PreparedRead(Initiative, build)(1)


def test_the_number_of_values_is_checked():
    read = PreparedRead(Initiative, lambda pk: Initiative.objects.filter(pk=pk))
    with pytest.raises(TypeError):
        read(1, 2)


@pytest.mark.django_db(transaction=True)
def test_another_thread_reads_through_its_own_connection():
    first, second = InitiativeFactory(title="Eerste"), InitiativeFactory(title="Tweede")
    read = PreparedRead(Initiative, lambda pk: Initiative.objects.filter(pk=pk))
    assert read(first.pk)[0].title == "Eerste"  # built in this thread
    found, failed = [], []

    def in_a_thread():
        try:
            found.extend(row.title for row in read(second.pk))
        except Exception as error:  # reported below
            failed.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(timeout=30)
    assert not failed
    assert found == ["Tweede"]


@pytest.mark.postgres
def test_postgresql_prepares_what_a_connection_runs_often():
    """The settings have psycopg prepare a statement on the fifth run (server-side
    binding): a page's queries are then planned once per connection."""
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    read = PreparedRead(Initiative, lambda pk: Initiative.objects.filter(pk=pk))
    for _ in range(6):
        assert read(initiative.pk)[0] == initiative
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "initiatives_initiative"' in statement for statement in prepared)


def test_it_refuses_a_queryset_whose_shape_depends_on_the_value():
    def build(pk):
        if pk % 2:
            return Initiative.objects.filter(pk=pk)
        return Initiative.objects.filter(pk=pk, status=Status.DRAFT)

    with pytest.raises(ImproperlyConfigured):
        PreparedRead(Initiative, build)(1)


def test_a_panel_with_annotations_comes_before_the_first_page():
    """The page's row is built once per process with the panels' annotations, so a panel
    registered later with annotations would never be read: it is refused."""
    from initiatives import extensions

    extensions.annotate_for_panels(Initiative.objects.all())
    with pytest.raises(RuntimeError):
        extensions.register_panel("late", lambda request, initiative: None, lambda: {})
    assert "late" not in extensions._PANELS
