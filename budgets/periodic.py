"""What the beat schedule runs for this app (``CELERY_BEAT_SCHEDULE``): thin tasks that
call an action, each safe to run twice."""

from celery import shared_task

from budgets import actions


@shared_task
def compute_due_results() -> int:
    """Count every round whose voting closed (the results page counts too, at its first
    visit, when it comes first)."""
    return actions.compute_due_results()
