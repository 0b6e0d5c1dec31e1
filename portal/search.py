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

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MAX_WORDS = 10
PER_KIND = 8
# Newest first. "NULLS LAST" (the key is never null) keeps PostgreSQL from walking the
# primary key backwards and testing every row against the words, which is fast for
# common words and takes seconds for a word nobody used; this way it reads the matches
# from the full-text index and sorts only those.
NEWEST = F("pk").desc(nulls_last=True)

# What is searched in each table: (title-like fields, other text fields). The query and
# the table's GIN index (``search_index``) are both built from this one entry.
SEARCHED_FIELDS: dict[str, tuple[list[str], list[str]]] = {
    "initiatives.Initiative": (["title"], ["summary", "description", "address"]),
    "neighbourhoods.AgendaItem": (["title"], ["description", "answer", "location"]),
    "neighbourhoods.ProgrammeProject": (["title"], ["description"]),
    "neighbourhoods.Event": (["title"], ["description", "location"]),
    "procurement.Tender": (["title"], ["description", "department"]),
    "surveys.Survey": (["title"], ["intro"]),
    "participation.Decision": (["title"], ["summary", "reasoning"]),
    "participation.Process": (["title"], ["summary", "description"]),
}


def search_vector(primary: list[str], secondary: list[str]) -> SearchVector:
    """The weighted Dutch document of a row. The GIN index of each searched table is
    built on exactly this expression (``search_index``), so PostgreSQL can use it."""
    vector = SearchVector(*primary, weight="A", config="dutch")
    if secondary:
        vector += SearchVector(*secondary, weight="B", config="dutch")
    return vector


def search_index(label: str, name: str):
    """The GIN index ``text_search`` uses on table ``label`` (PostgreSQL only)."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(search_vector(*SEARCHED_FIELDS[label]), name=name)


def add_search_index(label: str, name: str):
    """A migration operation that adds the table's full-text index on PostgreSQL and
    does nothing on SQLite (which searches with LIKE)."""
    from django.db import migrations

    app_label, model_name = label.split(".")

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(
                apps.get_model(app_label, model_name), search_index(label, name)
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(
                apps.get_model(app_label, model_name), search_index(label, name)
            )

    return migrations.RunPython(forwards, backwards, elidable=False)


def text_search(
    queryset: QuerySet,
    text: str,
    *,
    primary: list[str] | None = None,
    secondary: list[str] | None = None,
) -> QuerySet:
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
        return queryset.annotate(search=search_vector(primary, secondary)).filter(search=query)
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
    label: str
    find: Callable[[str], list[Hit]]


def _initiatives(text: str) -> list[Hit]:
    from initiatives.models import Initiative

    rows = (
        Initiative.objects.public()
        .search(text)
        .select_related("neighbourhood")
        .order_by(NEWEST)[:PER_KIND]
    )
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.neighbourhood} · {row.get_status_display()}")
        for row in rows
    ]


def _agenda_items(text: str) -> list[Hit]:
    from neighbourhoods.models import AgendaItem

    rows = text_search(AgendaItem.objects.select_related("neighbourhood"), text).order_by("-pk")[
        :PER_KIND
    ]
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.neighbourhood} · {row.get_status_display()}")
        for row in rows
    ]


def _projects(text: str) -> list[Hit]:
    from neighbourhoods.models import ProgrammeProject

    rows = text_search(
        ProgrammeProject.objects.filter(programme__published_at__isnull=False).select_related(
            "programme__neighbourhood"
        ),
        text,
    ).order_by(NEWEST)[:PER_KIND]
    return [
        Hit(
            row.title,
            row.programme.get_absolute_url(),
            f"{row.programme.neighbourhood} · {row.programme.year}",
        )
        for row in rows
    ]


def _events(text: str) -> list[Hit]:
    from neighbourhoods.models import Event

    rows = text_search(Event.objects.select_related("neighbourhood"), text).order_by("-pk")[
        :PER_KIND
    ]
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.starts_at:%d-%m-%Y} · {row.location}")
        for row in rows
    ]


def _tenders(text: str) -> list[Hit]:
    from procurement.models import Tender

    rows = text_search(Tender.objects.public(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), row.get_status_display()) for row in rows]


def _survey_results(text: str) -> list[Hit]:
    from surveys.models import Survey

    rows = text_search(Survey.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_results_url(), row.get_kind_display()) for row in rows]


def _processes(text: str) -> list[Hit]:
    from participation.models import Process

    rows = text_search(Process.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), row.get_kind_display()) for row in rows]


def _decisions(text: str) -> list[Hit]:
    from participation.models import Decision

    rows = text_search(Decision.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), f"{row.decided_on:%d-%m-%Y}") for row in rows]


def _pages(text: str) -> list[Hit]:
    from portal.models import PortalPage

    english = translation.get_language() == "en"
    suffix = "en" if english else "nl"
    rows = text_search(
        PortalPage.objects.all(), text, primary=[f"title_{suffix}"], secondary=[f"body_{suffix}"]
    ).order_by("pk")[:PER_KIND]
    return [Hit(row.title_for(suffix), row.get_absolute_url()) for row in rows]


KINDS = [
    Kind("initiatives", _("Initiatives"), _initiatives),
    Kind("agenda", _("Neighbourhood agenda items"), _agenda_items),
    Kind("projects", _("Programme projects"), _projects),
    Kind("events", _("Events"), _events),
    Kind("tenders", _("Tenders"), _tenders),
    Kind("results", _("Survey results"), _survey_results),
    Kind("processes", _("Participation processes"), _processes),
    Kind("decisions", _("Decisions of the board"), _decisions),
    Kind("pages", _("Pages"), _pages),
]


@dataclass(frozen=True)
class Group:
    kind: Kind
    hits: list[Hit]


def search_everything(text: str) -> list[Group]:
    """Hits grouped by kind, leaving out kinds without hits."""
    text = text.strip()[:200]
    if not text:
        return []
    groups = [Group(kind, kind.find(text)) for kind in KINDS]
    return [group for group in groups if group.hits]
