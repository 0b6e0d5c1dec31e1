"""How the benchmarks time pages: the percentile they report, and a page requested
in-process with its queries counted."""

import math
import time

from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def percentile(values: list[float] | list[int], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of
    the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def time_page(client: Client, url: str, *, repeat: int, cold: bool) -> tuple[int, list[float]]:
    """Request ``url`` three times to warm up, then ``repeat`` times (the cache emptied
    before each when ``cold``); the queries of the last request and each request's
    milliseconds. Anything but a 200 stops the benchmark."""
    for _warm in range(3):
        client.get(url)
    timings = []
    queries = 0
    for _run in range(repeat):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            begin = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        queries = len(captured)
    return queries, timings
