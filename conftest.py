"""Fixtures shared by every app's tests and the cross-app tests."""

import pytest
from django.core.cache import cache

from portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password for every user; the production hasher's deliberate
    slowness would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def resident(db):
    from portal.tests.factories import UserFactory

    return UserFactory(display_name="Anna")


@pytest.fixture
def other_resident(db):
    from portal.tests.factories import UserFactory

    return UserFactory(display_name="Bram")
