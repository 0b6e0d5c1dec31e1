"""Demo data of the mood of the city: the researcher's analysis of the past year of what
the demo residents wrote, computed as the background task would, with a reviewed summary
published on "Wat leeft er in de stad"."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from mood import analysis
from mood.models import AnalysisRun, Summary, Topic


def seed(demo) -> None:
    if AnalysisRun.objects.exists():
        return
    researcher = demo.staff.get(Role.RESEARCHER)
    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today - timedelta(days=365),
        end=today,
        topic_count=8,
        started_by=researcher,
        status=AnalysisRun.Status.RUNNING,
        running_since=timezone.now(),
    )
    if not analysis.compute_or_fail(run):
        return
    # Only topics resting on enough texts go public, and only they are named.
    topics = list(Topic.objects.filter(run=run).big_enough().order_by("position")[:3])
    if not topics:
        return
    Topic.objects.filter(run=run).big_enough().update(public=True)
    named = "; ".join(", ".join(topic.words[:3]) for topic in topics)
    now = timezone.now()
    Summary.objects.create(
        run=run,
        title_nl="Wat bewoners het afgelopen jaar schreven",
        title_en="What residents wrote over the past year",
        text_nl=(
            f"De onderwerpen die het vaakst terugkwamen: {named}. We nemen ze mee in de "
            "wijkprogramma's en laten hier weten wat we ermee doen."
        ),
        text_en=(
            f"The topics that came back most often (in Dutch): {named}. We take them into "
            "the neighbourhood programmes and will tell you here what we do with them."
        ),
        written_by=researcher,
        reviewed_by=researcher,
        reviewed_at=now,
        published_at=now,
    )
