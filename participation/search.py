"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import NEWEST, PER_KIND, Hit, text_search
from participation.models import Decision, Process


def find_processes(text: str) -> list[Hit]:
    rows = text_search(Process.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), row.get_kind_display()) for row in rows]


def find_decisions(text: str) -> list[Hit]:
    rows = text_search(Decision.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), f"{row.decided_on:%d-%m-%Y}") for row in rows]
