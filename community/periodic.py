"""What the beat schedule runs for this app (``CELERY_BEAT_SCHEDULE``): thin tasks that
call an action, each safe to run twice."""

from celery import shared_task

from community import actions


@shared_task
def apply_retention() -> int:
    conversations, posts = actions.apply_retention()
    return conversations + posts
