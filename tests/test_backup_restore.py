"""The backup and restore procedure of docs/backup.md, run for real: a portal database
with the demo data and uploaded files is backed up with scripts/backup, dropped, and
restored with scripts/restore; every table's row count and checksum, and every file,
must come back the same, and the restored portal must start on it.

Uses a throwaway database of its own on the machine's PostgreSQL (never the test or
demo database), in both suites."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.loopback import POSTGRES, ROOT, admin_sql, throwaway_database

pytestmark = [pytest.mark.backup, pytest.mark.postgres]


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Per table: row count and an md5 over all rows in a stable order."""
    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            count, digest = connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: E501, S608 (names from pg_tables)
            ).fetchone()
            result[table] = (count, digest)
        return result


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 (the project's own scripts and manage.py)
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def portal_database():
    with throwaway_database("portal_backup") as name:
        yield name


def test_backup_drop_restore_gives_back_every_row_and_file(portal_database, tmp_path):
    url = f"{POSTGRES}/{portal_database}"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
    _run([python, "manage.py", "seed_demo"], env)
    (media / "initiatives" / "2026").mkdir(parents=True)
    (media / "initiatives" / "2026" / "plan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(4096))
    (media / "initiatives" / "2026" / "foto.jpg").write_bytes(os.urandom(2048))
    rows_before = _fingerprint(url)
    files_before = _files(media)
    assert rows_before["initiatives_initiative"][0] > 0
    assert rows_before["accounts_user"][0] > 0

    backup = tmp_path / "backup"
    dump, tarball = _run(["scripts/backup", str(backup)], env).stdout.split()

    # Disaster: the database and the files are gone.
    admin_sql(f'DROP DATABASE "{portal_database}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{portal_database}"')
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert _fingerprint(url) == {}

    _run(["scripts/restore", dump, tarball], env)

    assert _fingerprint(url) == rows_before
    assert _files(media) == files_before
    # The restored portal runs: nothing left to migrate, and it reads its data.
    _run([python, "manage.py", "migrate", "--check", "-v0"], env)
    count = _run(
        [
            python,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from initiatives.models import Initiative; print(Initiative.objects.count())",
        ],
        env,
    ).stdout.strip()
    assert int(count) == rows_before["initiatives_initiative"][0]


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(portal_database, tmp_path):
    url = f"{POSTGRES}/{portal_database}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}
    backup = tmp_path / "backup"
    dump, tarball = _run(["scripts/backup", str(backup)], env).stdout.split()
    with open(dump, "ab") as damaged:
        damaged.write(b"bit rot")
    result = subprocess.run(  # noqa: S603 (the project's own script)
        ["scripts/restore", dump, tarball],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
