"""What the beat schedule runs for surveys (``CELERY_BEAT_SCHEDULE``): thin tasks that
call an action."""

from celery import shared_task

from surveys import actions
from surveys.models import Survey


@shared_task
def send_due_reminders() -> int:
    """Daily: queue the reminders that are due for every open survey."""
    runs = 0
    for survey in Survey.objects.open_now():
        if actions.start_reminders(survey=survey) is not None:
            runs += 1
    return runs


@shared_task
def close_due_surveys() -> int:
    return actions.close_due_surveys()


@shared_task
def release_responses() -> int:
    """Every half hour: release the sealed answers of anonymous surveys in shuffled
    batches, where enough are waiting or the survey has closed."""
    return actions.release_due_responses()
