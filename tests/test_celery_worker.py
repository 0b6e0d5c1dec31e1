"""A real Celery worker against the machine's Redis (TEST_REDIS_URL)."""

import os

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail

from portal import notifications
from portal.celery import app as portal_app
from portal.models import EmailFrequency, EmailState, Notification, NotificationPreference
from portal.tasks import send_notification_email

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_worker():
    """A Celery app of its own, on Redis, made current for the test so that the
    portal's shared tasks (and notify()'s enqueueing) go through it to a real worker.
    A separate app avoids reconfiguring the portal app after it cached its connections."""
    worker_app = Celery("portal-test-worker", set_as_current=False)
    worker_app.config_from_object("django.conf:settings", namespace="CELERY")
    worker_app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False)
    worker_app.set_current()
    try:
        with worker_app.connection_for_write() as connection:
            connection.default_channel.client.flushdb()
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield worker_app
    finally:
        portal_app.set_current()
        worker_app.close()


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
