"""/health/ answers for the services this deployment uses: the database always, Redis
and the task broker when they are configured; a service that does not answer makes it a
503 that names the service and nothing more."""

import pytest

from conftest import REDIS
from tests.concurrency import free_port

pytestmark = pytest.mark.django_db


def _redis_everywhere(settings, url: str) -> None:
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "common.redis_cache.PortalRedisCache", "LOCATION": url}
    }


def test_embedded_portal_is_healthy_with_only_its_database(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_with_redis_the_cache_redis_and_broker_are_checked(client, settings):
    _redis_everywhere(settings, REDIS)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "ok",
        "cache": "ok",
        "broker": "ok",
    }


def test_redis_that_does_not_answer_is_a_503_naming_it(client, settings, unreachable_cache):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = settings.CACHES["default"]["LOCATION"]
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "database": "ok",
        "redis": "unavailable",
        "cache": "unavailable",
        "broker": "unavailable",
    }


def test_only_the_broker_down_is_a_503_too(client, settings):
    _redis_everywhere(settings, REDIS)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"
    assert response.json()["checks"]["redis"] == "ok"


def test_health_answers_only_get_and_head(client):
    assert client.post("/health/").status_code == 405
