"""Work for neighbourhoods: the daily reminders, and telling a project's followers of
an update, a milestone or its completion; idempotent through the notifications'
dedupe keys."""

from celery import shared_task
from django.db import DatabaseError

from neighbourhoods import actions


@shared_task
def remind_event_attendees() -> int:
    return actions.remind_event_attendees()


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=300,
    max_retries=8,
)
def tell_project_followers(project_id: int, event: str, item_id: int | None = None) -> int:
    """Tell a project's followers of one event; safe to run twice (the dedupe key)."""
    return actions.tell_project_followers(project_id=project_id, event=event, item_id=item_id)
