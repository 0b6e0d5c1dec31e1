"""Benchmark (not a test): the key pages under load, served by gunicorn with production
settings, measured by wrk from a second process, on the city-scale dataset.

Prints one table: page, queries per request, p50, p95, requests/s, and each page's
requests/s as a share of the baseline (a plain view rendering the base layout without
queries) measured in the same run; then the workers' memory after warm-up and after the
run. Loopback only; every wrk run is bounded in time.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import redis
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from bench.dataset import MARK, PREFIX, build_city
from bench.markdown import machine, write_between_markers
from initiatives.models import Initiative
from neighbourhoods.models import Neighbourhood
from surveys.models import Indicator, Survey

BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status))
end
"""


@dataclass
class Row:
    label: str
    queries: str
    p50_ms: float
    p95_ms: float
    rps: float
    non_2xx: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


class Command(BaseCommand):
    help = "Load the key pages with wrk against gunicorn (2 workers) on the city dataset."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=100_000)
        parser.add_argument("--duration", type=int, default=8, help="seconds per page")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--write", help="also write the table to this Markdown file")
        parser.add_argument(
            "--only",
            help="load only the pages whose label contains this (the baseline always runs)",
        )

    def handle(self, *args, initiatives, duration, connections, write, only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        if not shutil.which("wrk"):
            raise CommandError("wrk is missing: scripts/bench-tools installs it.")
        build_city(self.stdout, initiatives=initiatives)
        cookies = {
            "visitor": "",
            "officer": self._session_cookie("officer"),
            "resident": self._session_cookie("resident"),
        }
        pages = self._pages()
        if only:
            pages = [pages[0], *(page for page in pages[1:] if only in page[0])]
        queries = {(label, who): self._queries(path, cookies[who]) for label, path, who in pages}
        residents = [(label, path, "resident") for label, path, who in pages if who == "visitor"]
        queries |= {
            (label, who): self._queries(path, cookies[who]) for label, path, who in residents
        }
        port = _free_port()
        server = self._start_gunicorn(port)
        try:
            base = f"http://127.0.0.1:{port}"
            for _label, path, who in pages + residents:  # warm every worker's caches first
                self._wrk(base + path, cookies[who], 2, connections)
            workers = _children(server.pid)
            warm_memory = {pid: _rss_kb(pid) for pid in workers}
            tables = []
            for run in (pages, residents):
                rows = []
                for label, path, who in run:
                    requests, micros, p50, p95, non_2xx = self._wrk(
                        base + path, cookies[who], duration, connections
                    )
                    rows.append(
                        Row(
                            label,
                            queries[label, who],
                            p50 / 1000,
                            p95 / 1000,
                            requests / (micros / 1e6),
                            non_2xx,
                        )
                    )
                tables.append(rows)
            end_memory = {pid: _rss_kb(pid) for pid in workers if Path(f"/proc/{pid}").exists()}
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        table = self._table(tables, warm_memory, end_memory, duration, connections)
        self.stdout.write(table)
        if write:
            self._write(Path(write), table, initiatives, duration, connections)

    def _pages(self) -> list[tuple[str, str, str]]:
        initiative = (
            Initiative.objects.filter(title__startswith=MARK).order_by("-supporter_count").first()
        )
        # The busiest conversation: what a popular initiative's page looks like.
        discussed = (
            Initiative.objects.filter(title__startswith=MARK)
            .annotate(comment_count=Count("comments"))
            .order_by("-comment_count", "pk")
            .first()
        )
        neighbourhood = Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-").first()
        survey = Survey.objects.filter(slug__startswith=f"{PREFIX}-peiling-").first()
        indicator = Indicator.objects.first()
        pages = [
            ("baseline (base layout, no queries)", "/_bench/baseline/", "visitor"),
            ("home", "/", "visitor"),
            ("initiatives, unfiltered", "/initiatieven/", "visitor"),
            (
                "initiatives, filtered",
                f"/initiatieven/?neighbourhood={neighbourhood.slug}&status=accepted",
                "visitor",
            ),
            ("initiatives, searched", "/initiatieven/?q=speeltuin", "visitor"),
            ("initiatives, deep page (2,000)", "/initiatieven/?page=2000", "visitor"),
            ("initiative detail", initiative.get_absolute_url(), "visitor"),
            (
                f"initiative detail, {discussed.comment_count} comments",
                discussed.get_absolute_url(),
                "visitor",
            ),
            ("neighbourhood page", neighbourhood.get_absolute_url(), "visitor"),
            ("neighbourhood monitor", f"/wijken/{neighbourhood.slug}/monitor/", "visitor"),
            ("survey results (50k answers)", survey.get_results_url(), "visitor"),
            ("tender calendar", "/inkoop/", "visitor"),
            ("procurement figures", "/inkoop/cijfers/", "visitor"),
            ("public-space reports: map and list", "/openbare-ruimte/", "visitor"),
            ("public-space reports: list, page 50", "/openbare-ruimte/?page=50", "visitor"),
            (
                "public-space reports: you said, we did",
                "/openbare-ruimte/jij-zei-wij-deden/",
                "visitor",
            ),
            (
                "supplier search (officer, CPV 45, small)",
                "/beheer/procurement/supplier/zoeken/?cpv=45&size=small",
                "officer",
            ),
            (
                "supplier list in the back office (officer, CPV 45, small)",
                "/beheer/procurement/supplier/?cpv=45&size__exact=small",
                "officer",
            ),
            ("portal search", "/zoeken/?q=speeltuin", "visitor"),
            ("city dashboard", "/cijfers/", "visitor"),
        ]
        if indicator:
            before = [label for label, *_rest in pages].index("tender calendar")
            pages.insert(before, ("indicator page", indicator.get_absolute_url(), "visitor"))
        return pages

    def _session_cookie(self, who: str) -> str:
        """A signed-in session: a resident, or a procurement officer whose session used
        TOTP, as the back office wants."""
        officer = who == "officer"
        user, _created = User.objects.get_or_create(
            email=f"{'inkoper' if officer else 'inwoner'}@{PREFIX}.invalid",
            defaults={"is_staff": officer, "display_name": who.capitalize()},
        )
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["account_authentication_methods_user"] = str(user.pk)
        methods = [{"method": "password", "at": time.time(), "email": user.email}]
        if officer:
            user.groups.add(Role.PROCUREMENT_OFFICER.group())
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
            )
            methods.append({"method": "mfa", "at": time.time(), "type": "totp"})
        session["account_authentication_methods"] = methods
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def _queries(self, path: str, cookie: str) -> str:
        """Queries per request: when what can be cached is cached (the page for visitors,
        the parts that are the same for everyone for those signed in), and when all of
        it is rendered."""
        headers = {"HTTP_COOKIE": cookie} if cookie else {}
        counts = []
        for seconds in (0, 60):
            with override_settings(
                PORTAL_VISITOR_CACHE_SECONDS=seconds,
                SESSION_ENGINE="accounts.sessions",
                PORTAL_PERMISSION_CACHE_SECONDS=3600,
            ):
                client = Client(HTTP_HOST="localhost")
                client.get(path, **headers)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path, **headers)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
            counts.append(len(captured))
        return " / ".join(str(count) for count in reversed(counts))

    def _start_gunicorn(self, port: int, **extra: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "BENCHMARK_VIEWS": "true",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_CONN_MAX_AGE": "600",
            # Production runs with Redis: the cache shared by the workers.
            "REDIS_URL": BENCH_REDIS,
            **extra,
        }
        redis.Redis.from_url(BENCH_REDIS).flushdb()
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                    return server
            except OSError:
                time.sleep(0.3)
        server.kill()
        raise CommandError("gunicorn did not start")

    def _wrk(self, url: str, cookie: str, seconds: int, connections: int):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_REPORT)
        command = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            "-H",
            "Host: localhost",
        ]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        output = subprocess.run(  # noqa: S603 (our own fixed command line, loopback URL)
            [*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
        Path(script.name).unlink()
        match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", output)
        if not match:
            raise CommandError(f"wrk said: {output}")
        return tuple(int(value) for value in match.groups())

    def _table(self, tables, warm_memory, end_memory, duration, connections) -> str:
        visitors, residents = tables
        lines = [
            "Visitors (not signed in; the officer signed in):",
            "",
            "| page | queries cached / rendered | p50 ms | p95 ms | requests/s | "
            "share of baseline | non-2xx |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *self._rows(visitors),
            "",
            "Signed-in resident (their page rendered for them around the cached parts):",
            "",
            "| page | queries cached / rendered | p50 ms | p95 ms | requests/s | share of baseline "
            "| non-2xx |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *self._rows(residents),
            "",
        ]
        for pid, warm in warm_memory.items():
            end = end_memory.get(pid)
            growth = f"{(end - warm) * 100 / warm:+.1f}%" if end else "gone"
            lines.append(
                f"worker {pid}: {warm / 1024:.0f} MB after warm-up, "
                f"{(end or 0) / 1024:.0f} MB after the run ({growth})"
            )
        lines.append(
            f"(wrk: 2 threads, {connections} connections, {duration} s per page; "
            f"gunicorn: 2 workers, Redis cache; {timezone.now():%Y-%m-%d %H:%M})"
        )
        return "\n".join(lines)

    def _rows(self, rows: list[Row]) -> list[str]:
        baseline = rows[0].rps or 1
        return [
            f"| {row.label} | {row.queries} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | "
            f"{row.rps:.0f} | {row.rps * 100 / baseline:.0f}% | {row.non_2xx} |"
            for row in rows
        ]

    def _write(self, path: Path, table: str, initiatives: int, duration: int, connections: int):
        """Replace the load table between its markers; the rest of the file is prose."""
        write_between_markers(
            path,
            "bench_load",
            f"Machine: {machine()}, PostgreSQL and wrk on the same machine. Command: `make "
            f"bench` (this table: `manage.py bench_load --initiatives {initiatives} --duration "
            f"{duration} --connections {connections}`).\n\n{table}",
        )
