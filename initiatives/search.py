"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import NEWEST, PER_KIND, Hit
from initiatives.models import Initiative


def find_initiatives(text: str) -> list[Hit]:
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
