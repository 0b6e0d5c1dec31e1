"""What the beat schedule runs for this app (``CELERY_BEAT_SCHEDULE``): thin tasks that
call an action, each safe to run twice."""

from celery import shared_task

from reports import question_actions


@shared_task
def apply_question_retention() -> int:
    deleted, emptied = question_actions.apply_retention()
    return deleted + emptied
