"""Writes of the mood of the city: starting an analysis, and a researcher's summary
of its topics, reviewed before it is published."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from mood.models import AnalysisRun, Summary
from mood.tasks import analyse
from neighbourhoods.models import Neighbourhood


class NotPublishable(Exception):
    """The summary cannot be published (the run is not done, or nobody reviewed it)."""


@transaction.atomic
def start_analysis(
    *,
    user: User,
    start: date,
    end: date,
    neighbourhood: Neighbourhood | None,
    topic_count: int,
    seed: int = 0,
) -> AnalysisRun:
    """A colleague asks what residents wrote about in a period and area: the run is
    computed in the background once this commits."""
    run = AnalysisRun.objects.create(
        start=start,
        end=end,
        neighbourhood=neighbourhood,
        topic_count=topic_count,
        seed=seed,
        started_by=user,
    )
    analyse.delay_on_commit(run.pk)
    return run


@transaction.atomic
def save_summary(
    *,
    run: AnalysisRun,
    user: User,
    title_nl: str,
    title_en: str,
    text_nl: str,
    text_en: str,
    reviewed: bool,
    publish: bool,
) -> Summary:
    """Write (or rewrite) a run's summary. A change takes a published summary off the
    public page until it is reviewed and published again; ``publish`` needs
    ``reviewed`` (the researcher checked that it matches the topics and names no person
    and nothing personal) and a finished run."""
    if publish and (not reviewed or run.status != AnalysisRun.Status.DONE):
        raise NotPublishable
    now = timezone.now()
    summary, _created = Summary.objects.select_for_update().get_or_create(
        run=run,
        defaults={
            "title_nl": title_nl,
            "title_en": title_en,
            "text_nl": text_nl,
            "text_en": text_en,
        },
    )
    summary.title_nl, summary.title_en = title_nl, title_en
    summary.text_nl, summary.text_en = text_nl, text_en
    summary.written_by = user
    summary.reviewed_by = user if reviewed else None
    summary.reviewed_at = now if reviewed else None
    summary.published_at = now if publish else None
    summary.save()
    return summary


@transaction.atomic
def withdraw_summary(*, summary: Summary) -> None:
    """Take a summary off the public page; it stays as a draft."""
    summary.published_at = None
    summary.save(update_fields=["published_at", "updated_at"])
