"""The health check that load balancers and docker-compose ask (``/health/``): the
database always; the shared cache (Redis) and the task broker whenever they are
configured. A worker need not be running for the web to be healthy: the broker only
has to accept a connection (work waits there for a worker).

Our own three checks rather than django-health-check: its 3.x line fails on import
under Django 6.1 (its mail check reads ``EMAIL_BACKEND``, which Django refuses once
``MAILERS`` is set), and its 4.x line needs Python 3.14.
"""

from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from redis import Redis

TIMEOUT_SECONDS = 2.0


def database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def redis_answers() -> None:
    client = Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=TIMEOUT_SECONDS,
        socket_connect_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def cache_round_trips() -> None:
    """The shared cache stores and gives back a value (a full Redis refuses writes)."""
    cache.set("health-check", "ok", 10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("the cache gave back something else")


def broker_accepts() -> None:
    with current_app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        broker.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


def configured_checks() -> dict[str, Callable[[], None]]:
    """The checks this deployment needs, by label; each raises when its service fails."""
    checks: dict[str, Callable[[], None]] = {"database": database_answers}
    if settings.REDIS_URL:
        checks["redis"] = redis_answers
        checks["cache"] = cache_round_trips
    if settings.CELERY_BROKER_URL:
        checks["broker"] = broker_accepts
    return checks


def run_checks() -> tuple[bool, dict[str, str]]:
    """Run every configured check: (all healthy, each check's state)."""
    results = {}
    for label, check in configured_checks().items():
        try:
            check()
        except Exception:  # any failure means the same to a load balancer
            results[label] = "unavailable"
        else:
            results[label] = "ok"
    return all(state == "ok" for state in results.values()), results
