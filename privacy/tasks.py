"""Background work of privacy: the daily retention run (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from privacy import retention


@shared_task  # type: ignore[untyped-decorator]  # celery ships no types
def apply_retention() -> dict[str, int]:
    warned, erased = retention.apply_retention()
    return {"warned": warned, "erased": erased}
