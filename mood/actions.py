"""Writes of the mood of the city: starting an analysis, and a researcher's summary
of its topics, reviewed before it is published."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from mood.models import AnalysisRun, Failure, Summary, Topic
from mood.tasks import TIME_LIMIT, analyse
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
def run_again(*, run: AnalysisRun, user: User) -> AnalysisRun:
    """A colleague asks for the same analysis again (the same period, area, number of
    topics and seed), for instance after it failed: a new run, computed in the
    background."""
    return start_analysis(
        user=user,
        start=run.start,
        end=run.end,
        neighbourhood=run.neighbourhood,
        topic_count=run.topic_count,
        seed=run.seed,
    )


def fail_stuck_runs() -> int:
    """Runs computing for longer than the task may take are no longer computed (the
    worker was stopped or hit its hard time limit): they fail, so the researcher sees it
    and can run them again. Returns how many."""
    before = timezone.now() - timedelta(seconds=TIME_LIMIT)
    # Runs from before the moment was kept count from when they were started.
    since = Q(running_since__lt=before) | Q(running_since__isnull=True, created_at__lt=before)
    return AnalysisRun.objects.filter(since, status=AnalysisRun.Status.RUNNING).update(
        status=AnalysisRun.Status.FAILED, failure=Failure.TIMEOUT, finished_at=timezone.now()
    )


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
    topics: Iterable[Topic] = (),
) -> Summary:
    """Write (or rewrite) a run's summary. A change takes a published summary off the
    public page until it is reviewed and published again; ``publish`` needs
    ``reviewed`` (the researcher checked that it and the chosen topics' words match and
    name no person and nothing personal) and a finished run. The words of ``topics``
    (of this run, and big enough) are published with it; the other topics' never."""
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
    chosen = {topic.pk for topic in topics}
    run.topics.update(public=False)
    Topic.objects.filter(run=run).big_enough().filter(pk__in=chosen).update(public=True)
    return summary


@transaction.atomic
def withdraw_summary(*, summary: Summary) -> None:
    """Take a summary off the public page; it stays as a draft."""
    summary.published_at = None
    summary.save(update_fields=["published_at", "updated_at"])
