"""Background work of the notifications kernel. Tasks take ids and are idempotent:
they claim their work with a conditional UPDATE before sending, so a retry or a
redelivered message never sends the same email twice."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from portal import notifications
from portal.emails import absolute_url, build_email
from portal.models import EmailState, Notification, User

logger = logging.getLogger(__name__)

_RETRYABLE = (smtplib.SMTPException, OSError)

# For every task that sends one email it has claimed first: safe to redeliver (acks
# late) and retried with backoff while the mail server is away.
EMAIL_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": _RETRYABLE,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 8,
}


@shared_task(**EMAIL_TASK_OPTIONS)
def send_notification_email(self, notification_id: int) -> bool:
    """Email one notification right away. Returns whether this run sent it."""
    claimed = Notification.objects.filter(
        pk=notification_id, email_state=EmailState.PENDING
    ).update(email_state=EmailState.SENT, emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    _send_claimed(
        [notification_id],
        release_to=EmailState.PENDING,
        recipient=notification.recipient,
        subject=notification.message[:120],
        template="notification",
        context={
            "notification": notification,
            "link": absolute_url(notification.url) if notification.url else "",
        },
        unsubscribe_kind=notification.kind,
    )
    return True


def _send_claimed(
    ids: list[int],
    *,
    release_to: str,
    recipient: User,
    subject: str | Promise,
    template: str,
    context: dict,
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
            unsubscribe_token=notifications.unsubscribe_token(recipient, unsubscribe_kind),
        ).send()
    except Exception:
        Notification.objects.filter(id__in=ids).update(email_state=release_to, emailed_at=None)
        logger.warning("Email for notifications %s failed; will retry", ids)
        raise


@shared_task
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
)
def send_digest(self, user_id: int) -> int:
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
        context={"items": [(item, absolute_url(item.url) if item.url else "") for item in items]},
        unsubscribe_kind=notifications.DIGEST,
    )
    return len(ids)


@shared_task(**EMAIL_TASK_OPTIONS)
def send_retention_warning(self, user_id: int) -> bool:
    """Warn an inactive account that it will be removed. The account is claimed (its
    warning time set) before sending and released if sending fails, so the warning
    goes exactly once and an account is never removed unwarned."""
    claimed_at = timezone.now()
    claimed = User.objects.filter(pk=user_id, retention_warned_at__isnull=True).update(
        retention_warned_at=claimed_at
    )
    if not claimed:
        return False
    user = User.objects.get(pk=user_id)
    try:
        build_email(
            recipient=user,
            subject=gettext_lazy("Your account will be removed unless you sign in"),
            template="retention_warning",
            context={
                "grace_days": settings.PORTAL_RETENTION_GRACE_DAYS,
                "login_url": absolute_url(reverse("account_login")),
            },
        ).send()
    except Exception:
        User.objects.filter(pk=user_id, retention_warned_at=claimed_at).update(
            retention_warned_at=None
        )
        logger.warning("Retention warning for account %s failed; will retry", user_id)
        raise
    return True


@shared_task
def apply_retention() -> dict:
    from portal import privacy

    warned, erased = privacy.apply_retention()
    return {"warned": warned, "erased": erased}
