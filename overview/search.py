"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from django.utils import translation

from common.search import PER_KIND, Hit, text_search
from overview.models import PortalPage


def find_pages(text: str) -> list[Hit]:
    english = translation.get_language() == "en"
    suffix = "en" if english else "nl"
    rows = text_search(
        PortalPage.objects.all(), text, primary=[f"title_{suffix}"], secondary=[f"body_{suffix}"]
    ).order_by("pk")[:PER_KIND]
    return [Hit(row.title_for(suffix), row.get_absolute_url()) for row in rows]
