"""Benchmark (not a test): how long the results page of a large survey takes, and how
long sending invitations takes. Run with ``make bench`` against PostgreSQL; it creates
its own survey and removes it afterwards."""

import random
import statistics
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.dataset import add_questions, add_responses
from neighbourhoods.models import Neighbourhood
from portal.celery import app
from surveys import actions, results
from surveys.models import Invitation, Survey


class Command(BaseCommand):
    help = "Time the results page on a large survey and the sending of invitations."

    def add_arguments(self, parser):
        parser.add_argument("--responses", type=int, default=50_000)
        parser.add_argument("--questions", type=int, default=20)
        parser.add_argument("--invitations", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, responses, questions, invitations, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        neighbourhoods = list(Neighbourhood.objects.values_list("pk", flat=True))
        if not neighbourhoods:
            raise CommandError("No neighbourhoods: run seed_demo first (make bench does).")
        slug = f"bench-{uuid.uuid4().hex[:8]}"
        survey = self._survey(slug, questions)
        try:
            started = time.perf_counter()
            rng = random.Random(1)  # noqa: S311  benchmark data
            add_responses(survey, responses, neighbourhoods, rng)
            self.stdout.write(
                f"setup: {responses:,} responses x {questions} questions "
                f"in {time.perf_counter() - started:.1f} s"
            )
            self._time_results(survey, repeat)
            self._time_sending(survey, invitations)
        finally:
            Survey.objects.filter(slug=slug).delete()

    def _survey(self, slug: str, count: int) -> Survey:
        now = timezone.now()
        survey = Survey.objects.create(
            title="Benchmark",
            slug=slug,
            kind=Survey.Kind.RESIDENT,
            audience=Survey.Audience.LIST,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            weighted=True,
            results_published_at=now,
        )
        add_questions(survey, count)
        return survey

    def _time_results(self, survey: Survey, repeat: int) -> None:
        """While open, every visit aggregates the answers anew. Closing computes the
        results in every language (precomputed); the first visit after that renders
        them, and later visits get the cached rendering too."""
        self._time_page(survey, repeat, "results page while open, computed every visit")
        started = time.perf_counter()
        actions.close_survey(survey=survey)  # eager tasks: the precomputing runs here
        self.stdout.write(
            f"closing, results computed in {len(settings.LANGUAGES)} languages: "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        survey.refresh_from_db()
        fragments = results.rendered_keys(survey)
        self._time_page(
            survey,
            repeat,
            "results page, first visit after closing",
            before_each=lambda: cache.delete_many(fragments),
        )
        self._time_page(survey, repeat, "results page, later visits")
        Survey.objects.filter(pk=survey.pk).update(closed_at=None)  # open again to send
        survey.refresh_from_db()

    def _time_page(self, survey: Survey, repeat: int, label: str, before_each=None) -> None:
        client = Client()
        url = survey.get_results_url()
        timings = []
        for _ in range(repeat + 1):
            if before_each:
                before_each()
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"results page answered {response.status_code}")
        warm = timings[1:]
        self.stdout.write(
            f"{label}: median {statistics.median(warm):.0f} ms, "
            f"min {min(warm):.0f} ms, max {max(warm):.0f} ms over {len(warm)} runs "
            f"(first: {timings[0]:.0f} ms)"
        )

    def _time_sending(self, survey: Survey, count: int) -> None:
        Invitation.objects.bulk_create(
            Invitation(
                survey=survey, email=f"bench{n}@example.invalid", token_hash=f"b{survey.pk}-{n}"
            )
            for n in range(count)
        )
        for invitation in survey.invitations.all().only("pk", "survey_id"):
            invitation.set_token_hash()
            Invitation.objects.filter(pk=invitation.pk).update(token_hash=invitation.token_hash)

        app.conf.task_always_eager = True  # one process: this measures the work, not a queue
        mail.outbox = []
        started = time.perf_counter()
        actions.start_sending(survey=survey)  # autocommit: the batches run at once
        elapsed = time.perf_counter() - started
        sent = survey.invitations.filter(sent_at__isnull=False).count()
        self.stdout.write(
            f"sending: {sent:,} invitations in {elapsed:.1f} s "
            f"({sent / elapsed:,.0f} per second in one process; email backend: "
            f"{settings.MAILERS['default']['BACKEND'].rsplit('.', 2)[-2]})"
        )
