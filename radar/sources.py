"""Where the wijkradar's news comes from: for each kind (``radar.models.Kind``) the
model, when one of its rows is public (only then is it news), and what the radar needs
of it: a title, a link, its place (a point and/or a neighbourhood), who made it (they
are never told about their own item) and since when it is public.

An item is news once: when its row is created public or becomes public (the signals in
``radar.apps`` compare a row with its state before the save), never on a later edit.
An item that is over (an event that ended, a tender awarded or cancelled) is no news.
Events, tenders and programme projects keep no moment of going public, so their
``public_since`` is empty and the transition itself is what makes them new.

Only what the public pages show is read: a public-space report is told by its category
and neighbourhood, never by its description, photos or reporter."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from community.models import Post, VolunteerCall
from initiatives.models import Initiative
from initiatives.models import Status as InitiativeStatus
from neighbourhoods.models import AgendaItem, AgendaStatus, Event, Programme, ProgrammeProject
from procurement.models import Tender
from radar.models import Kind
from reports.models import Report
from reports.models import Status as ReportStatus


@dataclass(frozen=True)
class Item:
    """One public item as the radar matches it."""

    kind: str
    pk: int
    title: str
    url: str
    latitude: float | None = None
    longitude: float | None = None
    neighbourhood_id: int | None = None
    authors: frozenset[int] = frozenset()
    public_since: datetime | None = None

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Source:
    """One kind of news: its model, a cheap test whether a row is public (no queries:
    the signal asks it on every save), the same test as a filter (``public()``, read
    when the row is told and again when an overview is sent) and how to read a public
    row as an ``Item``."""

    kind: str
    model: type[models.Model]
    is_public: Callable[[Any], bool]
    public: Callable[[], Q]
    describe: Callable[[Any], Item]
    for_suppliers: bool = False

    def public_rows(self, **lookups: Any) -> Any:
        """The rows public now, narrowed by ``lookups`` (a queryset)."""
        manager: Any = self.model._default_manager
        return manager.filter(self.public(), **lookups)

    def public_pks(self, pks: list[int]) -> set[int]:
        """Which of these rows are public now (one query)."""
        return set(self.public_rows(pk__in=pks).values_list("pk", flat=True))


def _people(*ids: int | None) -> frozenset[int]:
    """The ids of the people who made an item (an erased account leaves None)."""
    return frozenset(pk for pk in ids if pk is not None)


def _point(row: Any) -> dict[str, float | None]:
    if row.latitude is None or row.longitude is None:
        return {}
    return {"latitude": float(row.latitude), "longitude": float(row.longitude)}


def _item(kind: str, row: Any, **fields: Any) -> Item:
    """A row as an item: its title, page and neighbourhood unless ``fields`` say
    otherwise (authors, since when public, another title, link or place)."""
    values = {
        "title": getattr(row, "title", ""),
        "neighbourhood_id": getattr(row, "neighbourhood_id", None),
        **fields,
    }
    if "url" not in values:
        values["url"] = row.get_absolute_url()
    return Item(kind, row.pk, **values)


def _initiative(row: Initiative) -> Item:
    co = set(row.co_initiators.values_list("pk", flat=True))
    return _item(
        Kind.INITIATIVES,
        row,
        authors=_people(row.initiator_id, *co),
        public_since=row.submitted_at,
        **_point(row),
    )


def _agenda_item(row: AgendaItem) -> Item:
    return _item(Kind.AGENDA, row, authors=_people(row.proposed_by_id), public_since=row.created_at)


def _event(row: Event) -> Item:
    # No moment kept: the transition to public is the news.
    return _item(Kind.EVENTS, row)


def _post(row: Post) -> Item:
    return _item(
        Kind.POSTS, row, title=row.what, authors=_people(row.owner_id), public_since=row.created_at
    )


def _initiators(initiative_id: int | None) -> list[int | None]:
    if initiative_id is None:
        return []
    initiative = (
        Initiative.objects.filter(pk=initiative_id).values_list("initiator_id", flat=True).first()
    )
    co = Initiative.co_initiators.through.objects.filter(initiative_id=initiative_id)
    return [initiative, *co.values_list("user_id", flat=True)]


def _call(row: VolunteerCall) -> Item:
    return _item(
        Kind.CALLS,
        row,
        # Whoever asks for the help: the call's maker and, for an initiative's call,
        # its initiators.
        authors=_people(row.created_by_id, *_initiators(row.initiative_id)),
        public_since=row.created_at,
    )


def _report(row: Report) -> Item:
    # The category's name and the place: what the public list shows, nothing personal.
    return _item(
        Kind.REPORTS,
        row,
        title=row.category.name,
        authors=_people(row.reporter_id),
        # When it went in (after the email confirmation), not when it was typed.
        public_since=row.submitted_at or row.email_confirmed_at or row.created_at,
        **_point(row),
    )


def _project(row: ProgrammeProject) -> Item:
    return _item(
        Kind.PROJECTS,
        row,
        url=row.programme.get_absolute_url(),
        neighbourhood_id=row.programme.neighbourhood_id,
    )


def _tender(row: Tender) -> Item:
    return _item(Kind.TENDERS, row)


OPEN_TENDER = (Tender.Status.PLANNED, Tender.Status.PUBLISHED)


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in [
        Source(
            Kind.INITIATIVES,
            Initiative,
            lambda row: row.status not in (InitiativeStatus.DRAFT, InitiativeStatus.WITHDRAWN),
            lambda: ~Q(status__in=[InitiativeStatus.DRAFT, InitiativeStatus.WITHDRAWN]),
            _initiative,
        ),
        Source(
            Kind.AGENDA,
            AgendaItem,
            lambda row: row.status != AgendaStatus.DECLINED,
            lambda: ~Q(status=AgendaStatus.DECLINED),
            _agenda_item,
        ),
        Source(
            Kind.EVENTS,
            Event,
            # An event that ended is over: no news.
            lambda row: not row.cancelled and row.ends_at >= timezone.now(),
            lambda: Q(cancelled=False, ends_at__gte=timezone.now()),
            _event,
        ),
        Source(
            Kind.POSTS,
            Post,
            Post.is_open,
            lambda: Q(hidden_at__isnull=True, ends_on__gte=timezone.localdate()),
            _post,
        ),
        Source(
            Kind.CALLS,
            VolunteerCall,
            lambda row: row.created_by_id is not None and row.ends_on >= timezone.localdate(),
            lambda: Q(created_by__isnull=False, ends_on__gte=timezone.localdate()),
            _call,
        ),
        Source(
            Kind.REPORTS,
            Report,
            lambda row: row.status != ReportStatus.UNCONFIRMED,
            lambda: ~Q(status=ReportStatus.UNCONFIRMED),
            _report,
        ),
        Source(
            Kind.PROJECTS,
            ProgrammeProject,
            # Its programme's publication is read by the filter (a query).
            lambda row: row.status != ProgrammeProject.Status.CANCELLED,
            lambda: (
                ~Q(status=ProgrammeProject.Status.CANCELLED)
                & Q(programme__published_at__isnull=False)
            ),
            _project,
        ),
        Source(
            Kind.TENDERS,
            Tender,
            # Awarded or cancelled is over; a draft is not public.
            lambda row: row.status in OPEN_TENDER,
            lambda: Q(status__in=OPEN_TENDER),
            _tender,
            for_suppliers=True,
        ),
    ]
}


def public_item(kind: str, pk: int) -> Item | None:
    """The item as the radar reads it, or None when it is gone or not public (any more)."""
    source = SOURCES[kind]
    rows = source.public_rows(pk=pk)
    if source.model is ProgrammeProject:
        rows = rows.select_related("programme")
    elif source.model is Report:
        rows = rows.select_related("category")
    row = rows.first()
    if row is None:
        return None
    return source.describe(row)


def was_public(source: Source, pk: int) -> bool:
    """Whether the stored row (before a save) is public: one query."""
    return source.public_rows(pk=pk).exists()


def projects_of(programme: Programme) -> list[int]:
    """A programme just published makes its projects news (not the cancelled ones)."""
    return list(
        programme.projects.exclude(status=ProgrammeProject.Status.CANCELLED).values_list(
            "pk", flat=True
        )
    )
