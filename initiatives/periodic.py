"""What the beat schedule runs for initiatives (``CELERY_BEAT_SCHEDULE``): thin tasks
that call an action, each safe to run twice (the notifications dedupe by date)."""

from celery import shared_task

from initiatives import actions


@shared_task
def remind_about_deadlines() -> int:
    return actions.remind_about_deadlines()


@shared_task
def summarise_moderation_queue() -> int:
    return actions.summarise_moderation_queue()
