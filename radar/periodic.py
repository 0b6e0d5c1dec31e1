"""What the beat schedule runs for the wijkradar (``CELERY_BEAT_SCHEDULE``): thin tasks
that call an action, each safe to run twice."""

from celery import shared_task

from radar import actions
from radar.models import Frequency


@shared_task
def send_daily_overviews() -> int:
    return actions.send_overviews(frequency=Frequency.DAILY)


@shared_task
def send_weekly_overviews() -> int:
    return actions.send_overviews(frequency=Frequency.WEEKLY)


@shared_task
def deliver_missed() -> int:
    return actions.deliver_missed()


@shared_task
def prune_deliveries() -> int:
    return actions.prune_deliveries()
