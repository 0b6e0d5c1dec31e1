"""Daily work for neighbourhoods; idempotent through the notifications' dedupe keys."""

from celery import shared_task

from neighbourhoods import actions


@shared_task
def remind_event_attendees() -> int:
    return actions.remind_event_attendees()
