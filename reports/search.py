"""What the portal-wide search finds in this app (registered in ``apps.py``): questions
answered in public, by the question and the answer as published (never the asker's own
words or the reply to them, which may hold personal details)."""

from common.search import NEWEST, PER_KIND, Hit, text_search
from reports.models import Question


def find_questions(text: str) -> list[Hit]:
    rows = text_search(Question.objects.published().select_related("topic"), text).order_by(NEWEST)[
        :PER_KIND
    ]
    return [Hit(row.public_text[:120], row.get_absolute_url(), row.topic.name) for row in rows]
