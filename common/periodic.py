"""What the beat schedule runs for the kernel (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from common import figures


@shared_task(soft_time_limit=600, time_limit=660)  # type: ignore[untyped-decorator]
def refresh_default_figures() -> int:
    """Every figures page's default selections, in every language, computed afresh so
    no visitor waits for them (``common.figures``)."""
    return figures.refresh_defaults()
