"""What the portal-wide search finds in this app (registered in ``apps.py``)."""

from common.search import NEWEST, PER_KIND, Hit, text_search
from surveys.models import Survey


def find_survey_results(text: str) -> list[Hit]:
    rows = text_search(Survey.objects.published(), text).order_by(NEWEST)[:PER_KIND]
    return [Hit(row.title, row.get_results_url(), row.get_kind_display()) for row in rows]
