"""Computing an analysis run (``mood.tasks.analyse``): read the texts, find the topics,
store them with their trend per month, neighbourhoods and the texts they rest on. The
progress is written as it goes, for the staff page to show."""

import logging
from collections import Counter

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from mood import sources
from mood.models import AnalysisRun, Failure, Topic, TopicInput
from mood.topics import find_topics

logger = logging.getLogger(__name__)

BATCH = 5000


def _progress(run: AnalysisRun, percent: int, **fields: object) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(progress=percent, **fields)


def compute(run: AnalysisRun) -> None:
    """Compute a run claimed by the caller (status running). Stores everything in one
    transaction at the end, so the page shows all topics or none."""
    texts = list(
        sources.collect(
            run.start,
            run.end,
            run.neighbourhood,
            read=lambda share: _progress(run, 5 + round(25 * share)),
        )
    )
    _progress(run, 30, text_count=len(texts))
    found = find_topics(
        texts, topics=run.topic_count, seed=run.seed, vectorised=lambda: _progress(run, 50)
    )
    _progress(run, 80)
    with transaction.atomic():
        run.topics.all().delete()
        inputs: list[TopicInput] = []
        for position, item in enumerate(found, start=1):
            months = Counter(f"{text.day:%Y-%m}" for text, _weight in item.members)
            areas = Counter(str(text.neighbourhood_id or 0) for text, _weight in item.members)
            topic = Topic.objects.create(
                run=run,
                position=position,
                words=list(item.words),
                size=item.size,
                per_month={month: months.get(month, 0) for month in run.months()},
                per_neighbourhood=dict(sorted(areas.items(), key=lambda a: (-a[1], a[0]))),
            )
            inputs.extend(
                TopicInput(
                    topic=topic, kind=text.kind, object_key=text.pk, weight=weight, rank=place
                )
                for place, (text, weight) in enumerate(item.members, start=1)
            )
        TopicInput.objects.bulk_create(inputs, batch_size=BATCH)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.DONE, progress=100, finished_at=timezone.now()
        )


def compute_or_fail(run: AnalysisRun) -> bool:
    """Compute a run claimed by the caller; a run whose computation raises (or runs out
    of time) ends failed, with the reason for the researcher, and never stays running."""
    try:
        compute(run)
    except Exception as error:
        logger.exception("Analysis run %s failed", run.pk)
        failure = Failure.TIMEOUT if isinstance(error, SoftTimeLimitExceeded) else Failure.ERROR
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED, failure=failure, finished_at=timezone.now()
        )
        return False
    return True
