"""What the fault, load, backup and multi-node tests start on the loopback: a throwaway
database on the machine's PostgreSQL, or a throwaway PostgreSQL cluster of the test's
own (with a streaming replica when asked); an S3-compatible object store; the portal's
production settings for a subprocess, and gunicorn serving them. Never the machine's
shared databases or their configuration."""

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
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
        stop(server, seconds=30)
        if output is not None:
            sink.close()


def stop(process: subprocess.Popen, *, seconds: float = 10) -> None:
    """Ask a server of the test's own to stop; kill it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- A PostgreSQL cluster of the test's own ------------------------------------------

PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
)


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI and this machine run tests as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary directory on a free loopback port (initdb, or
    ``pg_basebackup`` of ``primary`` for a streaming replica). ``remove()`` stops it and
    deletes its files."""

    def __init__(self, primary: "ThrowawayPostgres | None" = None):
        self.directory = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        if primary is None:
            command = [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
            ]
        else:  # a hot standby that streams from the primary (-R writes its settings)
            command = [
                str(PG_BIN / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                *("-D", str(self.data), "-R", "-X", "stream", "-c", "fast"),
            ]
        subprocess.run(  # noqa: S603 (fixed command)
            as_postgres(command), check=True, capture_output=True, timeout=120
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def pg_ctl(self, *args: str, options: str = "") -> None:
        subprocess.run(  # noqa: S603 (fixed command)
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.directory / "log"),
                    "-o",
                    f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 {options}",
                    "-w",
                    *args,
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def remove(self) -> None:
        subprocess.run(  # noqa: S603 (fixed command)
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


# --- An S3-compatible object store -----------------------------------------------------

S3_KEYS = {"aws_access_key_id": "loopback-test", "aws_secret_access_key": "loopback-secret"}


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **S3_KEYS)


@contextmanager
def s3_server() -> Iterator[tuple[str, str]]:
    """An S3-compatible server (moto's, which speaks the S3 protocol over HTTP) on a free
    loopback port, with a new empty bucket; (endpoint, bucket). Stopped afterwards."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint, bucket = f"http://127.0.0.1:{port}", f"portal-{uuid.uuid4().hex[:10]}"
    try:
        s3_client(endpoint).create_bucket(Bucket=bucket)
        yield endpoint, bucket
    finally:
        server.stop()


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The portal's settings for uploads in that bucket."""
    return {
        "PORTAL_S3_BUCKET": bucket,
        "PORTAL_S3_ENDPOINT_URL": endpoint,
        "PORTAL_S3_REGION": "us-east-1",
        "PORTAL_S3_PREFIX": "uploads",
        "PORTAL_S3_ACCESS_KEY_ID": S3_KEYS["aws_access_key_id"],
        "PORTAL_S3_SECRET_ACCESS_KEY": S3_KEYS["aws_secret_access_key"],
    }
