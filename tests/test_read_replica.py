"""Heavy read-only pages read from a PostgreSQL streaming replica (common.replica).

The test makes its own primary (initdb in a temporary directory, a free loopback port)
and a hot standby of it (pg_basebackup, streaming), both logging every statement; the
machine's shared PostgreSQL server and its configuration are never touched. gunicorn
serves the portal with PORTAL_DATABASE_REPLICA_URL set. Then:

- the city dashboard's queries are in the replica's log, not the primary's;
- with the replica's replay paused (it falls behind), a resident's comment is written to
  the primary and the page they land on shows it at once: that page reads the primary;
- when the replica is gone, the dashboard is read from the primary instead of failing.
"""

import subprocess
import sys
from collections.abc import Iterator

import psycopg
import pytest
import requests

from tests.concurrency import wait_until
from tests.loopback import ROOT, ThrowawayPostgres, gunicorn, production_env

pytestmark = [pytest.mark.multinode, pytest.mark.postgres]

LOG_EVERY_STATEMENT = "-c log_statement=all"

SETUP = """
from django.test import Client
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from accounts.tests.factories import UserFactory

initiative = InitiativeFactory(status=Status.SUBMITTED)
client = Client()
client.force_login(UserFactory())
print(initiative.pk, client.cookies["sessionid"].value)
"""


class Log:
    """What a cluster logged since the last look."""

    def __init__(self, server: ThrowawayPostgres):
        self.path = server.directory / "log"
        self.offset = self.path.stat().st_size

    def new(self) -> str:
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            text = handle.read().decode(errors="replace")
        self.offset += len(text.encode(errors="replace"))
        return text


@pytest.fixture
def clusters() -> Iterator[tuple[ThrowawayPostgres, ThrowawayPostgres]]:
    primary = ThrowawayPostgres()
    replica = None
    try:
        primary.pg_ctl("start", options=LOG_EVERY_STATEMENT)
        with psycopg.connect(f"{primary.url}/postgres", autocommit=True) as connection:
            connection.execute("CREATE DATABASE portal")
        replica = ThrowawayPostgres(primary=primary)
        replica.pg_ctl("start", options=LOG_EVERY_STATEMENT)
        yield primary, replica
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


def _replica_sql(replica: ThrowawayPostgres, sql: str, *params):
    with psycopg.connect(f"{replica.url}/portal", autocommit=True, connect_timeout=5) as db:
        return db.execute(sql, params).fetchone()


def test_the_dashboard_reads_the_replica_and_a_write_and_its_page_the_primary(clusters, tmp_path):
    primary, replica = clusters
    env = production_env(
        f"{primary.url}/portal",
        tmp_path / "media",
        PORTAL_DATABASE_REPLICA_URL=f"{replica.url}/portal",
        PORTAL_DASHBOARD_CACHE_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    run = {"cwd": ROOT, "check": True, "capture_output": True, "text": True, "timeout": 300}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, **run)
    initiative, session = subprocess.run(  # noqa: S603 (manage.py)
        [sys.executable, "manage.py", "shell", "-v0", "-c", SETUP],
        env={**env, "DEBUG": "true"},
        **run,
    ).stdout.split()[-2:]
    # The standby has streamed everything so far.
    streamed = "SELECT count(*) FROM initiatives_initiative WHERE id = %s"
    assert wait_until(lambda: _replica_sql(replica, streamed, initiative)[0] == 1, seconds=30)
    primary_log, replica_log = Log(primary), Log(replica)

    with gunicorn(env, "--workers", "1", "--timeout", "30") as (base, _server):
        # The city dashboard: its figures come from the replica.
        assert requests.get(f"{base}/cijfers/", timeout=30).status_code == 200
        assert requests.get(f"{base}/api/v1/initiatives.json", timeout=30).status_code == 200
        on_replica, on_primary = replica_log.new(), primary_log.new()
        assert 'FROM "initiatives_initiative"' in on_replica
        assert "initiatives_initiative" not in on_primary

        # The replica falls behind; a resident comments. The write goes to the primary,
        # and the page they land on (read from the primary) shows it at once.
        _replica_sql(replica, "SELECT pg_wal_replay_pause()")
        resident = requests.Session()
        resident.cookies.set("sessionid", session)
        page = f"{base}/initiatieven/{initiative}/"
        assert resident.get(page, timeout=30).status_code == 200
        primary_log.new(), replica_log.new()
        landed = resident.post(
            f"{page}reageren/",
            data={"text": "Goed plan, ik help mee met de planten."},
            headers={"X-CSRFToken": resident.cookies.get("csrftoken", "")},
            timeout=30,
        )
        assert [r.status_code for r in landed.history] == [302]
        assert landed.status_code == 200
        assert "Goed plan, ik help mee met de planten." in landed.text
        on_replica, on_primary = replica_log.new(), primary_log.new()
        assert 'INSERT INTO "initiatives_comment"' in on_primary
        assert "initiatives_comment" not in on_replica
        count = "SELECT count(*) FROM initiatives_comment"
        assert _replica_sql(replica, count)[0] == 0  # still behind
        _replica_sql(replica, "SELECT pg_wal_replay_resume()")
        assert wait_until(lambda: _replica_sql(replica, count)[0] == 1, seconds=30)

        # Without the replica, the dashboard is read from the primary.
        replica.pg_ctl("-m", "immediate", "stop")
        primary_log.new()
        assert requests.get(f"{base}/cijfers/", timeout=30).status_code == 200
        assert 'FROM "initiatives_initiative"' in primary_log.new()
