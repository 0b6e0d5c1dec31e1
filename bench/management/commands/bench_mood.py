"""Benchmark (not a test): the mood of the city over the benchmark city's texts of the
past year (more than 200,000: initiatives, comments, agenda items and public-space
reports), computed in the background as a researcher starts it, with the progress the
staff page shows while it runs, and then the pages that serve the outcome: the run's
page in the back office and the public "Wat leeft er in de stad" page.

The computation runs in a thread of its own, as a worker would run ``mood.tasks.analyse``;
meanwhile the staff page's progress fragment is requested every half second, as htmx
does in the researcher's browser, so its answer times are measured under the load of the
computation. Then each page is requested ``--repeat`` times (PostgreSQL, production
settings from ``make bench``).
"""

import statistics
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.clients import administrator, staff_client
from bench.dataset import build_city
from bench.markdown import machine, write_between_markers
from bench.timing import percentile, time_page
from mood import actions
from mood.models import AnalysisRun, Topic
from mood.tasks import analyse


class Command(BaseCommand):
    help = "Time the mood of the city over the past year's texts (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365, help="the period read, in days")
        parser.add_argument("--topics", type=int, default=8)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--write", help="also write the table to this Markdown file")

    def handle(self, *args, days, topics, repeat, write, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        build_city(self.stdout)
        staff = staff_client()
        today = timezone.localdate()
        run = AnalysisRun.objects.create(
            start=today - timedelta(days=days),
            end=today,
            topic_count=topics,
            seed=0,
            started_by=administrator(),
        )
        lines = [f"{'seconds':>8} {'progress':>9} {'page ms':>8}"]
        polls, computed = self._compute_while_polling(run, staff, lines)
        run.refresh_from_db()
        if run.status != AnalysisRun.Status.DONE:
            raise CommandError(f"The run ended {run.status} ({run.failure}).")
        found = list(run.topics.order_by("position"))
        self.stdout.write("\n".join(lines))
        actions.save_summary(
            run=run,
            user=administrator(),
            title_nl="Wat er leeft",
            title_en="What lives",
            text_nl="Samenvatting van de benchmark.",
            text_en="The benchmark's summary.",
            reviewed=True,
            publish=True,
            topics=Topic.objects.filter(run=run).big_enough(),
        )
        page = reverse("admin:mood_analysisrun_change", args=[run.pk])
        rows = [
            ("run page with its topics (staff)", staff, page, False),
            ("'wat leeft er', computed", Client(HTTP_HOST="localhost"), "/wat-leeft-er/", True),
            ("'wat leeft er', cached", Client(HTTP_HOST="localhost"), "/wat-leeft-er/", False),
        ]
        table = [
            f"{run.text_count:,} texts written in {days} days (from {run.start} to {run.end}), "
            f"{len(found)} topics of {min(t.size for t in found):,} to "
            f"{max(t.size for t in found):,} texts; computed in {computed:.1f} s.",
            "",
            f"While it computed, the staff page's progress was asked {len(polls)} times: "
            f"p50 {statistics.median(polls):.1f} ms, p95 {percentile(polls, 0.95):.1f} ms.",
            "",
            "| page | queries | p50 ms | p95 ms |",
            "| --- | ---: | ---: | ---: |",
        ]
        for label, client, url, cold in rows:
            queries, timings = time_page(client, url, repeat=repeat, cold=cold)
            table.append(
                f"| {label} | {queries} | {statistics.median(timings):.1f} | "
                f"{percentile(timings, 0.95):.1f} |"
            )
        text = "\n".join(table)
        self.stdout.write(text)
        if write:
            write_between_markers(Path(write), "bench_mood", f"Machine: {machine()}.\n\n{text}")

    def _compute_while_polling(
        self, run: AnalysisRun, staff: Client, lines: list[str]
    ) -> tuple[list[float], float]:
        """Compute ``run`` in a thread, as a worker would, while the researcher's page asks
        for the progress; returns the answer times of those requests and the seconds the
        computation took."""

        def work() -> None:
            try:
                analyse(run.pk)
            finally:
                connections.close_all()

        page = reverse("admin:mood_analysisrun_change", args=[run.pk])
        worker = threading.Thread(target=work)
        begin = time.perf_counter()
        worker.start()
        polls: list[float] = []
        shown = None
        while worker.is_alive():
            asked = time.perf_counter()
            response = staff.get(page, HTTP_HX_REQUEST="true")
            polls.append((time.perf_counter() - asked) * 1000)
            if response.status_code not in (200, 204):
                raise CommandError(f"The progress answered {response.status_code}")
            progress = AnalysisRun.objects.values_list("progress", flat=True).get(pk=run.pk)
            if progress != shown:
                shown = progress
                lines.append(f"{asked - begin:>8.1f} {progress:>8}% {polls[-1]:>8.1f}")
            time.sleep(0.5)
        worker.join()
        return polls, time.perf_counter() - begin
