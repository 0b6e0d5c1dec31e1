"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import Hit, newest_matches
from initiatives.models import Initiative


def find_initiatives(text: str) -> list[Hit]:
    """The newest public initiatives matching ``text``, looked for in the newest first
    (``newest_matches``: a million initiatives cost what a hundred thousand do)."""
    rows = newest_matches(Initiative.objects.public().select_related("neighbourhood"), text)
    return [
        Hit(row.title, row.get_absolute_url(), f"{row.neighbourhood} · {row.get_status_display()}")
        for row in rows
    ]
