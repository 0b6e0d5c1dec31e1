"""Sessions read through Redis (accounts.sessions): a signed-in request does not ask the
database for its session, signing out ends it in both places, and an unreachable Redis
neither signs anyone out nor breaks a page."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings, redis_cache):
    settings.SESSION_ENGINE = "accounts.sessions"


@pytest.fixture
def unreachable_redis(settings, unreachable_cache):
    settings.SESSION_ENGINE = "accounts.sessions"


def session_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if "django_session" in query["sql"]]


def test_a_signed_in_request_reads_its_session_from_redis(redis_sessions, resident):
    client = Client()
    client.force_login(resident)
    assert client.get(reverse("notifications:list")).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.wsgi_request.user == resident
    assert session_queries(captured) == []


def test_signing_out_ends_the_session_in_the_database_and_in_redis(redis_sessions, resident):
    client = Client()
    client.force_login(resident)
    key = client.session.session_key
    client.get(reverse("notifications:list"))
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert caches["default"].get(SessionStore.cache_key_prefix + key) is None
    stale = Client()
    stale.cookies["sessionid"] = key
    response = stale.get(reverse("notifications:list"))
    assert response.status_code == 302  # to the sign-in page


def test_a_session_is_cached_in_redis_for_minutes_not_for_its_whole_life(redis_sessions, resident):
    client = Client()
    client.force_login(resident)
    client.get(reverse("notifications:list"))
    key = SessionStore.cache_key_prefix + client.session.session_key
    ttl = caches["default"]._cache.get_client(key).ttl(caches["default"].make_key(key))
    assert 0 < ttl <= SessionStore.CACHE_SECONDS


def test_without_redis_people_stay_signed_in_from_the_database(unreachable_redis, resident):
    client = Client()
    client.force_login(resident)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.wsgi_request.user == resident
    client.post(reverse("account_logout"))
    assert not Session.objects.exists()
