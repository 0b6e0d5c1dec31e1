"""The demo: the researcher's analysis of the past year, with a published summary."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from mood.models import AnalysisRun, Kind, Summary, TopicInput

pytestmark = pytest.mark.django_db


def test_seed_demo_reads_a_year_and_publishes_a_reviewed_summary(client):
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE
    assert run.text_count > 100
    assert run.topics.count() > 3
    kinds = set(TopicInput.objects.filter(topic__run=run).values_list("kind", flat=True))
    assert {Kind.INITIATIVE, Kind.REPORT} <= kinds
    summary = Summary.objects.get(run=run)
    assert summary.reviewed_at is not None
    assert summary.published_at is not None
    page = client.get(reverse("mood:public")).content.decode()
    assert summary.title_nl in page
    assert run.topics.first().words[0] in page
