"""Where the wijkradar's news comes from: for each kind (``radar.models.Kind``) the
model, when one of its rows is public (only then is it news), and what the radar needs
of it: a title, a link, its place (a point and/or a neighbourhood), who made it (they
are never told about their own item) and since when it is public.

Only what the public pages show is read: a public-space report is told by its category
and neighbourhood, never by its description, photos or reporter."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
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
    the signal asks it on every save) and how to read a public row as an ``Item``."""

    kind: str
    model: type[models.Model]
    is_public: Callable[[Any], bool]
    describe: Callable[[Any], Item]
    for_suppliers: bool = False


def _people(*ids: int | None) -> frozenset[int]:
    """The ids of the people who made an item (an erased account leaves None)."""
    return frozenset(pk for pk in ids if pk is not None)


def _point(row: Any) -> dict[str, float | None]:
    if row.latitude is None or row.longitude is None:
        return {}
    return {"latitude": float(row.latitude), "longitude": float(row.longitude)}


def _initiative(row: Initiative) -> Item:
    co = set(row.co_initiators.values_list("pk", flat=True))
    return Item(
        Kind.INITIATIVES,
        row.pk,
        row.title,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
        authors=_people(row.initiator_id, *co),
        public_since=row.submitted_at,
        **_point(row),
    )


def _agenda_item(row: AgendaItem) -> Item:
    return Item(
        Kind.AGENDA,
        row.pk,
        row.title,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
        authors=_people(row.proposed_by_id),
        public_since=row.created_at,
    )


def _event(row: Event) -> Item:
    return Item(
        Kind.EVENTS,
        row.pk,
        row.title,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
    )


def _post(row: Post) -> Item:
    return Item(
        Kind.POSTS,
        row.pk,
        row.what,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
        authors=frozenset({row.owner_id}),
        public_since=row.created_at,
    )


def _call(row: VolunteerCall) -> Item:
    return Item(
        Kind.CALLS,
        row.pk,
        row.title,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
        authors=_people(row.created_by_id),
        public_since=row.created_at,
    )


def _report(row: Report) -> Item:
    # The category's name and the place: what the public list shows, nothing personal.
    return Item(
        Kind.REPORTS,
        row.pk,
        row.category.name,
        row.get_absolute_url(),
        neighbourhood_id=row.neighbourhood_id,
        authors=_people(row.reporter_id),
        public_since=row.created_at,
        **_point(row),
    )


def _project(row: ProgrammeProject) -> Item:
    return Item(
        Kind.PROJECTS,
        row.pk,
        row.title,
        row.programme.get_absolute_url(),
        neighbourhood_id=row.programme.neighbourhood_id,
    )


def _tender(row: Tender) -> Item:
    return Item(Kind.TENDERS, row.pk, row.title, row.get_absolute_url())


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in [
        Source(
            Kind.INITIATIVES,
            Initiative,
            lambda row: row.status not in (InitiativeStatus.DRAFT, InitiativeStatus.WITHDRAWN),
            _initiative,
        ),
        Source(
            Kind.AGENDA, AgendaItem, lambda row: row.status != AgendaStatus.DECLINED, _agenda_item
        ),
        Source(Kind.EVENTS, Event, lambda row: not row.cancelled, _event),
        Source(
            Kind.POSTS,
            Post,
            lambda row: row.hidden_at is None and row.ends_on >= timezone.localdate(),
            _post,
        ),
        Source(
            Kind.CALLS,
            VolunteerCall,
            lambda row: row.created_by_id is not None and row.ends_on >= timezone.localdate(),
            _call,
        ),
        Source(Kind.REPORTS, Report, lambda row: row.status != ReportStatus.UNCONFIRMED, _report),
        Source(
            Kind.PROJECTS,
            ProgrammeProject,
            # Its programme's publication is read when the item is described.
            lambda row: row.status != ProgrammeProject.Status.CANCELLED,
            _project,
        ),
        Source(Kind.TENDERS, Tender, lambda row: row.is_public, _tender, for_suppliers=True),
    ]
}


def public_item(kind: str, pk: int) -> Item | None:
    """The item as the radar reads it, or None when it is gone or not public (any more)."""
    source = SOURCES[kind]
    manager: Any = source.model._default_manager
    if source.model is ProgrammeProject:
        row = manager.select_related("programme").filter(pk=pk).first()
        if row is not None and not row.programme.is_published:
            return None
    elif source.model is Report:
        row = manager.select_related("category").filter(pk=pk).first()
    else:
        row = manager.filter(pk=pk).first()
    if row is None or not source.is_public(row):
        return None
    return source.describe(row)


def projects_of(programme: Programme) -> list[int]:
    """A programme just published makes its projects news."""
    return list(programme.projects.values_list("pk", flat=True))
