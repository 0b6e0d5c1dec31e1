"""The background work of the mood of the city."""

from celery import shared_task
from django.utils import timezone

from mood import analysis
from mood.models import AnalysisRun

# The longest a run may compute; a run computing longer than this is no longer running
# (``mood.actions.fail_stuck_runs``).
TIME_LIMIT = 3600


@shared_task(time_limit=TIME_LIMIT, soft_time_limit=TIME_LIMIT - 100)  # type: ignore[untyped-decorator]  # celery ships no types
def analyse(run_id: int) -> bool:
    """Compute a waiting run. Claimed with a conditional update, so a run is computed
    once even when the task is delivered twice."""
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).update(
        status=AnalysisRun.Status.RUNNING, progress=5, running_since=timezone.now()
    )
    if not claimed:
        return False
    run = AnalysisRun.objects.select_related("neighbourhood").get(pk=run_id)
    return analysis.compute_or_fail(run)
