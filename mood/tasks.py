"""The background work of the mood of the city."""

import logging

from celery import shared_task
from django.utils import timezone

from mood import analysis
from mood.models import AnalysisRun

logger = logging.getLogger(__name__)


@shared_task(time_limit=3600, soft_time_limit=3500)  # type: ignore[untyped-decorator]  # celery ships no types
def analyse(run_id: int) -> bool:
    """Compute a waiting run. Claimed with a conditional update, so a run is computed
    once even when the task is delivered twice."""
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).update(
        status=AnalysisRun.Status.RUNNING, progress=5
    )
    if not claimed:
        return False
    run = AnalysisRun.objects.select_related("neighbourhood").get(pk=run_id)
    try:
        analysis.compute(run)
    except Exception:
        logger.exception("Analysis run %s failed", run_id)
        AnalysisRun.objects.filter(pk=run_id).update(
            status=AnalysisRun.Status.FAILED, finished_at=timezone.now()
        )
        return False
    return True
