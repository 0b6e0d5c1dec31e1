"""Fire requests at the same moment from real threads, each with its own database
connection, to try what the database constraints promise."""

import threading
from collections.abc import Callable

from django.db import connection


def run_together(tasks: list[Callable[[], int]], *, timeout: float = 60) -> list[int]:
    """Run each task in its own thread, released together by a barrier; returns what
    they returned (e.g. status codes). Every thread closes its connection."""
    barrier = threading.Barrier(len(tasks))
    results: list[int] = []

    def run(task: Callable[[], int]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(task())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results


def signed_in_post(user, url: str) -> Callable[[], int]:
    """A POST by ``user`` through the whole Django stack, returning its status code."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return lambda: client.post(url).status_code
