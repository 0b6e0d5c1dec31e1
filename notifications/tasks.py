"""Background work of the notifications kernel. Tasks take ids and are idempotent:
they claim their work with a conditional UPDATE before sending, so a retry or a
redelivered message never sends the same email twice."""

import logging
import smtplib
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications import kinds
from notifications.emails import SharedBodies, absolute_url, build_email
from notifications.models import EmailState, Notification

logger = logging.getLogger(__name__)

_RETRYABLE = (smtplib.SMTPException, OSError)

# For every task that sends one email it has claimed first: safe to redeliver (acks
# late) and retried with backoff while the mail server is away.
EMAIL_TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": _RETRYABLE,
    "retry_backoff": settings.PORTAL_EMAIL_RETRY_BACKOFF_SECONDS,
    "retry_backoff_max": 3600,
    "max_retries": 8,
}


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]  # celery ships no types
def send_pending_emails(self: Task) -> int:
    """Send the immediate emails waiting in the outbox (notifications in the state
    "to be sent"), one batch over one connection to the mail server. Returns how many
    this run sent.

    The batch is claimed first ("being sent"), each email is marked sent as soon as the
    mail server accepted it, and a full batch hands the rest to another run at once, so
    idle workers share a large mailing. When sending fails, the unsent part of the batch
    goes back to the outbox and the task retries with backoff. Claims of a worker that
    died are released by :func:`relay_outbox` once they are older than the lease."""
    batch = _claim_pending(settings.PORTAL_EMAIL_BATCH)
    if not batch:
        return 0
    if len(batch) == settings.PORTAL_EMAIL_BATCH:
        send_pending_emails.delay()  # more waiting: let another worker take the next batch
    sent = 0
    mailer = mailers.default
    # A mailing (one announcement to many) is rendered once a language in each batch.
    shared = SharedBodies()
    try:
        mailer.open()
        for notification in batch:
            message = build_email(
                recipient=notification.recipient,
                # A short subject per kind: the message itself is the email's body.
                subject=kinds.get_kind(notification.kind).subject,
                template="notification",
                context={"notification": notification},
                personal={"link": open_link(notification)},
                unsubscribe_token=kinds.unsubscribe_token_for(notification),
                # The same texts in every language: build_email adds the recipient's.
                shared=(shared, (notification.kind, tuple(sorted(notification.messages.items())))),
            )
            mailer.send_messages([message])
            Notification.objects.filter(pk=notification.pk, email_state=EmailState.SENDING).update(
                email_state=EmailState.SENT, emailed_at=timezone.now()
            )
            sent += 1
    except Exception:
        unsent = [notification.pk for notification in batch[sent:]]
        Notification.objects.filter(pk__in=unsent, email_state=EmailState.SENDING).update(
            email_state=EmailState.PENDING, emailed_at=None
        )
        logger.warning("Sending %d emails failed after %d; will retry", len(unsent), sent)
        raise
    finally:
        mailer.close()
    return sent


def open_link(notification: Notification) -> str:
    """The email's link for a notification that points somewhere: through the portal's
    opener, so following it marks the notification read (after signing in, as its
    recipient). The address names the notification's number only: no token, nothing
    about the person, and not where it points."""
    if not notification.url:
        return ""
    return absolute_url(reverse("notifications:open", args=[notification.pk]))


def _claim_pending(size: int) -> list[Notification]:
    """Take up to ``size`` waiting emails for this run; rows another run holds are
    skipped, not waited for."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(email_state=EmailState.PENDING)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        Notification.objects.filter(pk__in=ids).update(
            email_state=EmailState.SENDING, emailed_at=timezone.now()
        )
    return list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("id"))


@shared_task  # type: ignore[untyped-decorator]  # celery ships no types
def relay_outbox() -> int:
    """Every minute: give back claims older than the lease (a worker died mid-batch)
    and start sending whatever waits, also what was saved while the task queue was
    unreachable. Returns how many claims were given back."""
    lease = timezone.now() - timedelta(seconds=settings.PORTAL_EMAIL_CLAIM_LEASE_SECONDS)
    released = Notification.objects.filter(
        email_state=EmailState.SENDING, emailed_at__lt=lease
    ).update(email_state=EmailState.PENDING, emailed_at=None)
    if Notification.objects.filter(email_state=EmailState.PENDING).exists():
        send_pending_emails.delay()
    return released


def _send_claimed(
    ids: list[int],
    *,
    release_to: str,
    recipient: User,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    unsubscribe_kind: str,
) -> None:
    """Send an email for notifications this run has claimed; if sending fails, give the
    claim back so the retry sends it (and log ids only: no personal data)."""
    try:
        build_email(
            recipient=recipient,
            subject=subject,
            template=template,
            context=context,
            unsubscribe_token=kinds.unsubscribe_token(recipient, unsubscribe_kind),
        ).send()
    except Exception:
        Notification.objects.filter(id__in=ids).update(email_state=release_to, emailed_at=None)
        logger.warning("Email for notifications %s failed; will retry", ids)
        raise


@shared_task  # type: ignore[untyped-decorator]  # celery ships no types
def send_daily_digests() -> int:
    """Fan out one digest task per person with notifications waiting for the digest."""
    user_ids = (
        Notification.objects.filter(email_state=EmailState.IN_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    count = 0
    for user_id in user_ids.iterator():
        send_digest.delay(user_id)
        count += 1
    return count


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=_RETRYABLE,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=6,
)  # type: ignore[untyped-decorator]  # celery ships no types
def send_digest(self: Task, user_id: int) -> int:
    """Email one person everything waiting for their digest. Returns how many items."""
    with transaction.atomic():
        waiting = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, email_state=EmailState.IN_DIGEST)
            .order_by("created_at", "id")
        )
        ids = list(waiting.values_list("id", flat=True)[:200])
        if not ids:
            return 0
        Notification.objects.filter(id__in=ids, email_state=EmailState.IN_DIGEST).update(
            email_state=EmailState.SENT, emailed_at=timezone.now()
        )
    items = list(Notification.objects.filter(id__in=ids).order_by("created_at", "id"))
    _send_claimed(
        ids,
        release_to=EmailState.IN_DIGEST,
        recipient=User.objects.get(pk=user_id),
        subject=gettext_lazy("Your daily overview"),
        template="digest",
        context={"items": [(item, open_link(item)) for item in items]},
        unsubscribe_kind=kinds.DIGEST,
    )
    return len(ids)
