"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import NEWEST, PER_KIND, Hit, text_search
from neighbourhoods.models import AgendaItem, Event, ProgrammeProject


def find_agenda_items(text: str) -> list[Hit]:
    # NEWEST, not "-pk": a word no agenda item has would walk all of them backwards.
    rows = text_search(AgendaItem.objects.select_related("neighbourhood"), text).order_by(NEWEST)[
        :PER_KIND
    ]
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.neighbourhood} · {row.get_status_display()}")
        for row in rows
    ]


def find_projects(text: str) -> list[Hit]:
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


def find_events(text: str) -> list[Hit]:
    rows = text_search(Event.objects.select_related("neighbourhood"), text).order_by(NEWEST)[
        :PER_KIND
    ]
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.starts_at:%d-%m-%Y} · {row.location}")
        for row in rows
    ]
