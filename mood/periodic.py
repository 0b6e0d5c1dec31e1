"""What the beat schedule runs for the mood of the city (``CELERY_BEAT_SCHEDULE``): thin
tasks that call an action, each safe to run twice."""

from celery import shared_task

from mood import actions


@shared_task
def fail_stuck_runs() -> int:
    """Every quarter of an hour: runs computing longer than their time limit fail."""
    return actions.fail_stuck_runs()
