"""A run never stays "running": a computation that raises or runs out of time fails with
its reason shown, a run whose worker died is failed by the beat, and the researcher can
run the same analysis again."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, signed_in_colleague
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from mood import analysis, demo, periodic
from mood.models import AnalysisRun, Failure, Summary
from mood.tasks import TIME_LIMIT
from neighbourhoods.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def _broken(*args, **kwargs):
    raise ValueError("the topic finder broke")


def test_a_run_whose_computation_raises_fails_with_its_reason_and_runs_again(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    InitiativeFactory(status=Status.SUBMITTED, title="Speeltuin", description="Speeltuin hier")
    signed_in_colleague(client, Role.RESEARCHER)
    north = NeighbourhoodFactory()
    today = timezone.localdate()
    monkeypatch.setattr(analysis, "find_topics", _broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:mood_analysisrun_add"),
            {"start": today - timedelta(days=9), "end": today, "topic_count": 3, "seed": 4},
        )
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.failure == Failure.ERROR
    assert run.finished_at is not None
    assert not run.topics.exists()
    page = client.get(reverse("admin:mood_analysisrun_change", args=[run.pk])).content.decode()
    assert "De berekening stopte met een fout." in page
    assert "Dezelfde analyse opnieuw uitvoeren" in page
    # No topics to choose for the public page, and a draft can still be saved.
    assert 'name="topics"' not in page
    assert "Onderwerpen waarvan de woorden" not in page
    saved = client.post(
        reverse("admin:mood_analysisrun_summary", args=[run.pk]),
        {"title_nl": "T", "title_en": "T", "text_nl": "T", "text_en": "T", "action": "save"},
    )
    assert saved.status_code == 302

    # Once the fault is gone, the same analysis runs again as a new run.
    monkeypatch.undo()
    AnalysisRun.objects.filter(pk=run.pk).update(neighbourhood=north, seed=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:mood_analysisrun_again", args=[run.pk]))
    again = AnalysisRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("admin:mood_analysisrun_change", args=[again.pk])
    assert (again.start, again.end, again.neighbourhood, again.topic_count, again.seed) == (
        run.start,
        run.end,
        north,
        3,
        4,
    )
    assert again.status == AnalysisRun.Status.DONE


def test_running_out_of_time_is_a_failure_of_its_own(monkeypatch):
    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    today = timezone.localdate()
    run = AnalysisRun.objects.create(start=today, end=today, status=AnalysisRun.Status.RUNNING)
    monkeypatch.setattr(analysis, "find_topics", slow)
    assert analysis.compute_or_fail(run) is False
    run.refresh_from_db()
    assert (run.status, run.failure) == (AnalysisRun.Status.FAILED, Failure.TIMEOUT)


def test_a_run_computing_longer_than_the_time_limit_fails(client):
    today, now = timezone.localdate(), timezone.now()

    def running(seconds):
        return AnalysisRun.objects.create(
            start=today,
            end=today,
            status=AnalysisRun.Status.RUNNING,
            running_since=now - timedelta(seconds=seconds),
        )

    stuck, busy = running(TIME_LIMIT + 60), running(TIME_LIMIT - 60)
    waiting = AnalysisRun.objects.create(start=today, end=today, created_at=now - timedelta(days=1))
    assert periodic.fail_stuck_runs() == 1
    assert periodic.fail_stuck_runs() == 0
    stuck.refresh_from_db()
    assert (stuck.status, stuck.failure) == (AnalysisRun.Status.FAILED, Failure.TIMEOUT)
    assert stuck.finished_at is not None
    busy.refresh_from_db()
    waiting.refresh_from_db()
    assert busy.status == AnalysisRun.Status.RUNNING
    assert waiting.status == AnalysisRun.Status.QUEUED
    signed_in_colleague(client, Role.RESEARCHER)
    page = client.get(reverse("admin:mood_analysisrun_change", args=[stuck.pk])).content.decode()
    assert "langer dan de tijd die ervoor staat" in page


def test_the_beat_runs_it():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mood.periodic.fail_stuck_runs" in tasks


def test_the_demo_leaves_no_run_running_when_the_computation_fails(monkeypatch):
    monkeypatch.setattr(analysis, "find_topics", _broken)
    researcher = StaffFactory()
    demo.seed(SimpleNamespace(staff={Role.RESEARCHER: researcher}))
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.FAILED
    assert not Summary.objects.exists()


def test_only_who_may_start_analyses_runs_one_again(client):
    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today, end=today, status=AnalysisRun.Status.FAILED, failure=Failure.ERROR
    )
    signed_in_colleague(client, Role.AREA_MANAGER)
    response = client.post(reverse("admin:mood_analysisrun_again", args=[run.pk]))
    assert response.status_code in (302, 403)
    assert AnalysisRun.objects.count() == 1


def test_the_progress_moves_as_the_sources_are_read_and_the_topics_fitted(monkeypatch):
    """A big run takes minutes: the page's progress moves per source read, once the
    texts are read into words, and before the topics are stored."""
    for title in ["Speeltuin aan de kade", "Bankjes in het park", "Speeltuin bij school"]:
        InitiativeFactory(status=Status.SUBMITTED, title=title, description=title)
    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today - timedelta(days=9), end=today, topic_count=2, status="running"
    )
    seen = []
    stored = analysis._progress

    def recording(run, percent, **fields):
        stored(run, percent, **fields)
        seen.append(AnalysisRun.objects.get(pk=run.pk).progress)

    monkeypatch.setattr(analysis, "_progress", recording)
    analysis.compute(run)
    assert seen == sorted(seen)
    assert seen[-3:] == [30, 50, 80]
    assert len([percent for percent in seen if 5 < percent < 30]) >= 3
    run.refresh_from_db()
    assert (run.status, run.progress, run.text_count) == (AnalysisRun.Status.DONE, 100, 3)


def test_runs_analysed_before_the_place_was_stored_get_it_heaviest_first():
    """Migration 0004 numbers the texts of runs analysed before it, as the page ranked
    them (heaviest first, then by kind and key)."""
    from importlib import import_module

    from django.apps import apps

    from mood.models import Topic, TopicInput

    today = timezone.localdate()
    run = AnalysisRun.objects.create(start=today, end=today, status="done")
    topic = Topic.objects.create(run=run, position=1, words=["speeltuin"], size=3)
    light, heavy, tied = (
        TopicInput.objects.create(topic=topic, kind=kind, object_key=key, weight=weight)
        for kind, key, weight in [
            ("comment", "1", 0.2),
            ("initiative", "2", 0.9),
            ("comment", "3", 0.9),
        ]
    )
    import_module("mood.migrations.0004_input_place").place_stored_inputs(apps, None)
    places = dict(TopicInput.objects.values_list("pk", "rank"))
    assert [places[tied.pk], places[heavy.pk], places[light.pk]] == [1, 2, 3]
    assert list(TopicInput.objects.heaviest(run, 2)) == [tied, heavy]
