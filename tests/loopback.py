"""What the fault, load and backup tests start on the loopback: a throwaway database on
the machine's PostgreSQL, the portal's production settings for a subprocess, and
gunicorn serving them. Never the machine's shared databases."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

from tests.concurrency import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BACKUP_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def admin_sql(sql: str, server: str = POSTGRES) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A new, empty database on the machine's PostgreSQL; its name. Dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """Environment of a portal process with production settings, on the loopback."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "loopback-test-only-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(media_root),
        **extra,
    }


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def gunicorn(
    env: dict[str, str], *options: str, output: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn serving the portal on a free loopback port, once its health check answers;
    (base URL, process). Stopped afterwards. ``output``: a file for what the processes
    write (the portal's log), else it is dropped."""
    port = free_port()
    sink = output.open("wb") if output is not None else subprocess.DEVNULL
    server = subprocess.Popen(  # noqa: S603 (gunicorn on the loopback)
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env=env,
        stdout=sink,
        stderr=sink,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _answers(f"{base}/health/"), seconds=30)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        if output is not None:
            sink.close()
