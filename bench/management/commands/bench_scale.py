"""Benchmark (not a test): how a page's cost grows with the data. The same key pages,
rendered without the shared cache (what a visitor meets on a page nobody asked for since
its last change), on the city dataset at two sizes in one run: 100,000 initiatives
(500,000 supports, 200,000 comments) and a million (5,000,000 supports, 2,000,000
comments), with the public-space reports scaled alike.

Each size has a database of its own (``portal_bench`` for the first size, then
``portal_bench_<size>``), built once and kept; every size is measured by a child process
of this command with that database, so the two sizes never share a connection, a cache
or a warmed-up worker. Addresses are drawn uniformly over every address of each page
with a fixed seed (the same draw as ``bench_traffic``); each request is another address,
in-process through Django's test client, timed with its queries counted.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench.dataset import build_city
from bench.management.commands.bench_traffic import Command as TrafficCommand
from bench.markdown import machine, write_between_markers
from bench.timing import percentile

PAGES = ["initiative", "list", "search", "neighbourhood", "report", "tender"]
LABELS = {
    "initiative": "an initiative's page",
    "list": "a page of the initiatives list",
    "search": "a two-word search",
    "neighbourhood": "a neighbourhood's page",
    "report": "a public-space report's page",
    "tender": "a tender's page",
}


class Command(BaseCommand):
    help = "The same pages uncached at 100,000 and 1,000,000 initiatives: how cost grows."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="100000,1000000")
        parser.add_argument("--requests", type=int, default=60, help="addresses per page")
        parser.add_argument("--seed", default="2026")
        parser.add_argument("--write", help="also write the table to this Markdown file")
        # What the command gives its own child processes.
        parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--into", help=argparse.SUPPRESS)

    def handle(self, *args, sizes, requests, seed, write, measure, into, **options):
        if measure:
            self._measure(measure, requests, seed, Path(into))
            return
        try:
            counts = [int(size) for size in sizes.split(",")]
        except ValueError:
            raise CommandError("--sizes takes whole numbers: 100000,1000000") from None
        results = {
            size: self._size(size, index, requests, seed) for index, size in enumerate(counts)
        }
        table = self._table(counts, results)
        self.stdout.write(table)
        if write:
            write_between_markers(Path(write), "bench_scale", f"Machine: {machine()}.\n\n{table}")

    # --- the parent: one database and one child per size ------------------------------

    def _size(self, size: int, index: int, requests: int, seed: str) -> dict:
        url = urlsplit(os.environ["DATABASE_URL"])
        name = url.path.lstrip("/") if index == 0 else f"{url.path.lstrip('/')}_{size}"
        database = urlunsplit(url._replace(path=f"/{name}"))
        admin = urlunsplit(url._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as server:
            exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if exists.fetchone() is None:
                server.execute(f'CREATE DATABASE "{name}"')  # a name of our own making
        env = {**os.environ, "DATABASE_URL": database}
        manage = [sys.executable, "manage.py"]
        self.stdout.write(f"{size:,} initiatives in {name}:")
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [*manage, "seed_demo", "--allow-production", "--quiet-logins"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tempfile.NamedTemporaryFile(suffix=".json") as into:
            subprocess.run(  # noqa: S603
                [
                    *manage,
                    "bench_scale",
                    f"--measure={size}",
                    f"--requests={requests}",
                    f"--seed={seed}",
                    f"--into={into.name}",
                ],
                env=env,
                check=True,
            )
            return json.loads(Path(into.name).read_text())

    def _table(self, sizes: list[int], results: dict[int, dict]) -> str:
        first, *others = sizes
        head = ["page"]
        for size in sizes:
            head += [f"{size:,}: queries", "p50 ms", "p95 ms"]
        for size in others:  # the target is on p95; p50 is steadier under a shaken machine
            head += [f"p50 at {size:,} / at {first:,}", f"p95 at {size:,} / at {first:,}"]
        lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
        for page in PAGES:
            row = [LABELS[page]]
            for size in sizes:
                figures = results[size][page]
                row += [figures["queries"], f"{figures['p50']:.1f}", f"{figures['p95']:.1f}"]
            for size in others:
                for figure in ("p50", "p95"):
                    growth = results[size][page][figure] / results[first][page][figure]
                    row.append(f"{growth:.2f} x")
            lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
        data = "; ".join(f"{size:,}: {results[size]['data']}" for size in sizes)
        lines += ["", f"(in-process, without the shared cache; data {data})"]
        return "\n".join(lines)

    # --- the child: build the size, draw the addresses, time them ---------------------

    def _measure(self, size: int, requests: int, seed: str, into: Path) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        build_city(self.stdout, initiatives=size, reports=size)
        traffic = TrafficCommand()
        traffic.options = {"seed": seed}
        traffic.rng = traffic._random("ranks")
        populations = traffic._populations()
        draw = random.Random(f"{seed}-scale")  # noqa: S311 (a benchmark's draws)
        client = Client(HTTP_HOST="localhost")
        results: dict = {}
        with override_settings(PORTAL_VISITOR_CACHE_SECONDS=0):
            for page in PAGES:
                urls = populations[page].uniform(draw, requests + 3)
                for url in urls[:3]:  # warm the process, not the pages (other addresses)
                    client.get(url)
                timings, queries = [], []
                for url in urls[3:]:
                    with CaptureQueriesContext(connection) as captured:
                        begin = time.perf_counter()
                        response = client.get(url)
                        timings.append((time.perf_counter() - begin) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{url} answered {response.status_code}")
                    queries.append(len(captured))
                timings.sort()
                results[page] = {
                    "queries": max(queries),
                    "p50": statistics.median(timings),
                    "p95": percentile(timings, 0.95),
                }
                self.stdout.write(
                    f"  {LABELS[page]:34} {max(queries):>3} queries "
                    f"{results[page]['p50']:>7.1f} {results[page]['p95']:>7.1f} ms"
                )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            results["data"] = cursor.fetchone()[0]
        into.write_text(json.dumps(results))
