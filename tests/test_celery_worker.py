"""A real Celery worker against the machine's Redis (TEST_REDIS_URL)."""

import os
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import service
from notifications.models import EmailFrequency, EmailState, Notification, NotificationPreference
from notifications.tasks import send_pending_emails
from tests.concurrency import wait_until

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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
    notification = service.notify(
        recipient=resident,
        kind="announcement",
        message=lambda: "Het wijkfeest gaat door",
        dedupe_key="wijkfeest",
    )
    wait_until(lambda: len(mail.outbox) >= 1)
    # A redelivery and a manual retry of the same task.
    again = [send_pending_emails.apply_async(ignore_result=False) for _ in range(2)]
    assert [result.get(timeout=30) for result in again] == [0, 0]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_daily_digest_once(redis_worker, resident):
    from notifications.tasks import send_digest

    for number in range(2):
        service.notify(
            recipient=resident,
            kind="announcement",
            message=lambda text=f"Nieuws {number}": text,
            dedupe_key=f"n{number}",
        )
    mail.outbox = []
    results = [send_digest.apply_async((resident.pk,), ignore_result=False) for _ in range(2)]
    assert sorted(result.get(timeout=30) for result in results) == [0, 2]
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(email_state=EmailState.IN_DIGEST).exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_survey_invitations_and_reminders_once(redis_worker):
    from surveys import actions
    from surveys.models import SendRun
    from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

    mail.outbox = []
    members = PanelMemberFactory.create_batch(3)
    survey = SurveyFactory(reminder_days="5", max_reminders=1)
    QuestionFactory(survey=survey)
    actions.invite_whole_panel(survey=survey)
    run = actions.start_sending(survey=survey)  # autocommit: the batches go out at once
    wait_until(lambda: SendRun.objects.get(pk=run.pk).sent >= 3)
    assert SendRun.objects.get(pk=run.pk).sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members)

    # Days later one of them has answered. The daily job runs twice in a row, before the
    # worker got to the first batch: the others still get exactly one reminder each.
    survey.invitations.update(sent_at=timezone.now() - timedelta(days=6))
    survey.invitations.filter(member=members[0]).update(completed=True)
    mail.outbox = []
    actions.start_reminders(survey=survey)
    actions.start_reminders(survey=survey)
    wait_until(lambda: len(mail.outbox) >= 2)
    time.sleep(1)  # room for a wrongly duplicated email to arrive
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in members[1:])
    assert set(survey.invitations.values_list("reminders_sent", flat=True)) == {0, 1}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_the_sign_up_email_outside_the_request(redis_worker, client, settings):
    """The verification email leaves the request through the task queue; the worker
    sends it with the link on the portal's own address."""
    from accounts.tests.factories import PASSWORD

    mail.outbox = []
    response = client.post(
        "/account/signup/",
        {"email": "werker@example.nl", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    wait_until(lambda: len(mail.outbox) >= 1)
    assert mail.outbox[0].to == ["werker@example.nl"]
    assert f"{settings.PORTAL_BASE_URL}/account/confirm-email/" in mail.outbox[0].body
