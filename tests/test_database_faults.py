"""PostgreSQL restarted under load, on the loopback and bounded in time.

A throwaway PostgreSQL cluster of the test's own (initdb in a temporary directory, its
own port; never the machine's shared server) holds a migrated portal. gunicorn serves it
with production settings and persistent connections. Threads read initiative pages and
post comments as residents while the cluster is restarted. Then:

- every answer was a page: 200, a redirect after a saved comment, or the 503 page that
  says to try again (never another server error, never a dropped connection);
- every comment the portal confirmed is in the database, and nothing was saved that
  was not sent;
- after the restart the same gunicorn, never restarted itself, serves reads and saves
  comments again: its workers' connections are health-checked and renewed.
"""

import subprocess
import sys
import threading
import time

import psycopg
import pytest
import requests

from tests.loopback import ROOT, ThrowawayPostgres, gunicorn, production_env

pytestmark = [pytest.mark.faults, pytest.mark.postgres]


RESIDENTS = 40
THREADS = 4
LOAD_SECONDS = 12.0
RESTART_AFTER = 3.0


@pytest.fixture
def postgres():
    server = ThrowawayPostgres()
    try:
        server.pg_ctl("start")
        with psycopg.connect(f"{server.url}/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE portal")
        yield server
    finally:
        server.remove()


SETUP = f"""
from django.test import Client
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from accounts.tests.factories import UserFactory

initiative = InitiativeFactory(status=Status.SUBMITTED)
print(initiative.pk)
for number in range({RESIDENTS}):
    client = Client()
    client.force_login(UserFactory())
    print(client.cookies["sessionid"].value)
"""


def test_portal_recovers_from_a_postgres_restart_under_load(postgres, tmp_path):
    env = production_env(
        f"{postgres.url}/portal",
        tmp_path / "media",
        DATABASE_CONN_MAX_AGE="600",
        LOG_LEVEL="CRITICAL",
    )
    python = sys.executable
    subprocess.run(  # noqa: S603 (manage.py)
        [python, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    lines = subprocess.run(  # noqa: S603 (manage.py)
        [python, "manage.py", "shell", "-v0", "-c", SETUP],
        cwd=ROOT,
        env={**env, "DEBUG": "true"},
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout.split()
    initiative, sessions = int(lines[0]), lines[1:]
    with gunicorn(env, "--workers", "2", "--timeout", "30") as (base, server):
        results, restarted_at = _load(base, initiative, sessions, postgres)
        after_restart = [r for r in results if r["at"] > restarted_at]

        statuses = {r["status"] for r in results}
        assert statuses <= {200, 302, 503}, sorted(statuses)
        assert all(r["clean"] for r in results if r["status"] == 503)
        assert any(r["kind"] == "post" and r["status"] == 302 for r in after_restart)
        assert any(r["kind"] == "get" and r["status"] == 200 for r in after_restart)
        assert server.poll() is None  # the same gunicorn, never restarted

        with psycopg.connect(f"{postgres.url}/portal") as connection:
            saved = {
                row[0]
                for row in connection.execute(
                    "SELECT text FROM initiatives_comment WHERE initiative_id = %s",
                    [initiative],
                )
            }
        confirmed = {r["text"] for r in results if r["kind"] == "post" and r["status"] == 302}
        sent = {r["text"] for r in results if r["kind"] == "post"}
        assert confirmed <= saved  # nothing confirmed was lost
        assert saved <= sent  # nothing appeared that was not sent
        print(
            f"\n{len(results)} requests, {len(confirmed)} comments saved, "
            f"{sum(r['status'] == 503 for r in results)} answered 503 during the restart"
        )


def _load(base: str, initiative: int, sessions: list[str], postgres: ThrowawayPostgres):
    """Reads and comments from THREADS threads for LOAD_SECONDS; the cluster restarts
    RESTART_AFTER seconds in. Returns every request's outcome and the restart's end."""
    results: list[dict] = []
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + LOAD_SECONDS
    page = f"{base}/initiatieven/{initiative}/"

    def worker(number: int) -> None:
        count = 0
        while time.monotonic() < stop_at and count < 2000:
            count += 1
            session = requests.Session()
            session.cookies.set("sessionid", sessions[(number + count * THREADS) % len(sessions)])
            for kind in ("get", "post"):
                text = f"Reactie {number}-{count}"
                try:
                    if kind == "get":
                        response = session.get(page, timeout=20)
                    else:
                        response = session.post(
                            f"{page}reageren/",
                            data={"text": text},
                            headers={"X-CSRFToken": session.cookies.get("csrftoken", "")},
                            allow_redirects=False,
                            timeout=20,
                        )
                    status = response.status_code
                    clean = "Tijdelijk niet beschikbaar" in response.text
                except requests.RequestException:
                    status, clean = 0, False  # a dropped connection: never allowed
                with lock:
                    results.append(
                        {
                            "kind": kind,
                            "text": text,
                            "status": status,
                            "clean": clean,
                            "at": time.monotonic(),
                        }
                    )
                if status != 200 and kind == "get":
                    break  # no form token to post with

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(RESTART_AFTER)
    postgres.pg_ctl("-m", "fast", "restart")
    restarted_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 60)
    return results, restarted_at
