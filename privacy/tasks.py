"""Background work of privacy: the daily retention run (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from privacy import retention


@shared_task
def apply_retention() -> dict:
    warned, erased = retention.apply_retention()
    return {"warned": warned, "erased": erased}
