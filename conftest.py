"""Fixtures shared by every app's tests and the cross-app tests."""

import os

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.core.cache import cache
from django.core.management.commands import flush
from django.db import connection

from portal.celery import app as celery_app

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Parallel test processes share that Redis database: each keeps to its own keys.
# Keys of this test process only: two runs on one machine (a developer's and a fresh
# clone's) share the Redis database, and their workers have the same names.
REDIS_KEY_PREFIX = f"portal-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"

# Reference data seeded once per test database (by migrate's post_migrate) that no test
# changes: a transactional test's flush leaves these tables as they are, instead of
# emptying them and inserting 9,454 CPV codes, every content type and permission again.
SEEDED_TABLES = {"procurement_cpvcode", "django_content_type", "auth_permission", "auth_group"}
_django_sql_flush = flush.sql_flush


def _sql_flush_keeping_seeds(style, connection, reset_sequences=True, allow_cascade=False):
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in SEEDED_TABLES
    ]
    return connection.ops.sql_flush(
        style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )


flush.sql_flush = _sql_flush_keeping_seeds


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL (its own server, pg_dump, the load
    test's database): on the embedded default they are left to the PostgreSQL pass,
    and said so, never skipped without a word."""
    if connection.vendor == "postgresql":
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    if postgres_only:
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        config.hook.pytest_deselected(items=postgres_only)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password for every user; the production hasher's deliberate
    slowness would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_figures(settings):
    """The dashboard and the monitor cache their figures for minutes, and public pages are
    cached for visitors, and colleagues' permissions, in production; tests see every change
    at once, and count the same queries with and without Redis (sessions from the
    database). The tests of that caching turn it back on."""
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    settings.PORTAL_VISITOR_CACHE_SECONDS = 0
    settings.PORTAL_PERMISSION_CACHE_SECONDS = 0
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads land in the test's own directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _isolated_state(request):
    """Each test starts with an empty cache (rate limits) and, unless it runs a real
    worker, with tasks executed in-process after commit."""
    cache.clear()
    real_worker = request.node.get_closest_marker("redis") is not None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = not real_worker
    yield
    celery_app.conf.task_always_eager = previous
    cache.clear()


def _redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "common.redis_cache.PortalRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
        }
    }


def _clear_own_keys() -> None:
    """Empty this test process's keys only: the cache's clear() is a FLUSHDB, which
    would also empty what a parallel test in another process just cached."""
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(f"{REDIS_KEY_PREFIX}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_cache(settings):
    """The shared cache on the machine's Redis (TEST_REDIS_URL), as production has it."""
    settings.CACHES = _redis_cache(REDIS)
    _clear_own_keys()
    yield
    _clear_own_keys()


@pytest.fixture
def unreachable_cache(settings):
    """A shared cache whose Redis does not answer (nothing listens on its port)."""
    from tests.concurrency import free_port

    reachable = settings.CACHES
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    yield
    settings.CACHES = reachable  # before the suite's own clean-up empties the cache


@pytest.fixture
def count_cache_calls(monkeypatch):
    """``with count_cache_calls() as calls:``: every round trip to the shared cache in the
    block, as ``(method, args)`` (``get_many`` and the pipelined ``set_many`` are one
    each; a backend's method calling another of its own counts once)."""
    import contextlib

    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    state: dict = {"calls": None, "depth": 0}
    names = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr")
    for backend in (RedisCache, LocMemCache):
        for name in names:
            original = getattr(backend, name)

            def counted(self, *args, _original=original, _name=name, **kwargs):
                if state["calls"] is not None and not state["depth"]:
                    state["calls"].append((_name, args))
                state["depth"] += 1
                try:
                    return _original(self, *args, **kwargs)
                finally:
                    state["depth"] -= 1

            monkeypatch.setattr(backend, name, counted)

    @contextlib.contextmanager
    def counting():
        state["calls"] = calls = []
        try:
            yield calls
        finally:
            state["calls"] = None

    return counting


@pytest.fixture
def resident(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(display_name="Anna")


@pytest.fixture
def other_resident(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(display_name="Bram")


@pytest.fixture
def redis_worker():
    """A Celery app of its own, on Redis, made current for the test so that the
    portal's shared tasks (and notify()'s enqueueing) go through it to a real worker.
    A separate app avoids reconfiguring the portal app after it cached its connections."""
    worker_app = Celery("portal-test-worker", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    # Every app's tasks, so the worker knows all shared tasks (not only those imported yet).
    app_names = [c.name for c in apps.get_app_configs()]
    worker_app.autodiscover_tasks(lambda: app_names, force=True)
    worker_app.autodiscover_tasks(lambda: app_names, related_name="periodic", force=True)
    worker_app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False)
    worker_app.set_current()
    try:
        with worker_app.connection_for_write() as connection:
            connection.default_channel.client.flushdb()
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield worker_app
    finally:
        celery_app.set_current()
        worker_app.close()
