"""A real Celery worker against the machine's Redis (TEST_REDIS_URL)."""

import os
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from portal import notifications
from portal.celery import app
from portal.models import EmailFrequency, EmailState, Notification, NotificationPreference
from portal.tasks import send_notification_email

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _forget_connections() -> None:
    """The app caches its result backend and broker pool; the configuration changed."""
    app._backend_cache = None
    app._local = threading.local()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_worker():
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend")}
    app.conf.update(broker_url=REDIS, result_backend=REDIS)
    _forget_connections()
    app.connection_for_write().default_channel.client.flushdb()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.update(saved)
        _forget_connections()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_notification_email_exactly_once_when_run_twice(
    redis_worker, resident
):
    NotificationPreference.objects.create(
        user=resident, kind="announcement", email=EmailFrequency.IMMEDIATELY
    )
    mail.outbox = []
    # notify() enqueues the email after commit (autocommit here: at once).
    notification = notifications.notify(
        recipient=resident,
        kind="announcement",
        message="Het wijkfeest gaat door",
        dedupe_key="wijkfeest",
    )
    # A redelivery and a manual retry of the same task.
    again = [
        send_notification_email.apply_async((notification.pk,), ignore_result=False)
        for _ in range(2)
    ]
    assert [result.get(timeout=30) for result in again] == [False, False]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_daily_digest_once(redis_worker, resident):
    from portal.tasks import send_digest

    for number in range(2):
        notifications.notify(
            recipient=resident,
            kind="announcement",
            message=f"Nieuws {number}",
            dedupe_key=f"n{number}",
        )
    mail.outbox = []
    results = [send_digest.apply_async((resident.pk,), ignore_result=False) for _ in range(2)]
    assert sorted(result.get(timeout=30) for result in results) == [0, 2]
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(email_state=EmailState.IN_DIGEST).exists()
