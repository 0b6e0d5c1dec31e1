"""What the beat schedule runs for participation (``CELERY_BEAT_SCHEDULE``): thin tasks
that call an action, each safe to run twice (a phase is claimed before its people are
asked)."""

from celery import shared_task

from participation import actions


@shared_task
def ask_about_closed_phases() -> int:
    return actions.ask_about_closed_phases()
