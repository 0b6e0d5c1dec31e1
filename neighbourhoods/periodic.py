"""What the beat schedule runs for the neighbourhoods (``CELERY_BEAT_SCHEDULE``): thin
tasks that call an action, each safe to run twice."""

from celery import shared_task

from neighbourhoods import actions


@shared_task
def remind_event_attendees() -> int:
    return actions.remind_event_attendees()
