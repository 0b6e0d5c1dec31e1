"""What the beat schedule runs for procurement (``CELERY_BEAT_SCHEDULE``): a thin task
that calls an action."""

from celery import shared_task

from procurement import actions


@shared_task
def remind_expiring_certificates() -> int:
    return actions.remind_expiring_certificates()


@shared_task
def remind_contract_deadlines() -> int:
    return actions.remind_contract_deadlines()
