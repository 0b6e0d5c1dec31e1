"""Fire requests at the same moment from real threads, each with its own database
connection, to try what the database constraints promise; and wait for what other
processes (a real worker, a mail server) do."""

import socket
import threading
import time
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


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll ``condition`` until it holds or the time is up; returns whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
