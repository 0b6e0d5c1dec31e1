"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import NEWEST, PER_KIND, Hit, text_search
from procurement.models import Tender


def find_tenders(text: str) -> list[Hit]:
    rows = text_search(Tender.objects.public(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_absolute_url(), row.get_status_display()) for row in rows]
