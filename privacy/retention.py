"""Retention: accounts nobody uses any more are warned by email and, unless they sign
in, erased after a grace period (``PORTAL_RETENTION_INACTIVE_DAYS`` and
``PORTAL_RETENTION_GRACE_DAYS``)."""

import datetime
import logging
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.emails import absolute_url, build_email
from notifications.tasks import EMAIL_TASK_OPTIONS
from privacy.registry import erase_person

logger = logging.getLogger(__name__)


def _inactive_since(cutoff: datetime.datetime) -> QuerySet[User]:
    return User.objects.filter(is_staff=False, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )


def accounts_to_warn(now: datetime.datetime | None = None) -> QuerySet[User]:
    """Accounts unused for the retention period that have not been warned yet."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PORTAL_RETENTION_INACTIVE_DAYS)
    return _inactive_since(cutoff).filter(retention_warned_at__isnull=True)


def accounts_to_erase(now: datetime.datetime | None = None) -> QuerySet[User]:
    """Accounts warned at least the grace period ago that did not sign in since."""
    now = now or timezone.now()
    warned_before = now - datetime.timedelta(days=settings.PORTAL_RETENTION_GRACE_DAYS)
    cutoff = now - datetime.timedelta(days=settings.PORTAL_RETENTION_INACTIVE_DAYS)
    return _inactive_since(cutoff).filter(
        Q(last_login__isnull=True) | Q(last_login__lt=F("retention_warned_at")),
        retention_warned_at__lte=warned_before,
    )


def apply_retention(now: datetime.datetime | None = None) -> tuple[int, int]:
    """The daily retention run: queue a warning for newly inactive accounts and erase
    those warned long enough ago. Safe to run twice: the warning email claims its
    account before sending, and an erased account is gone."""
    warned = 0
    for user_id in accounts_to_warn(now).values_list("pk", flat=True).iterator():
        send_retention_warning.delay_on_commit(user_id)
        warned += 1
    erased = 0
    for user in accounts_to_erase(now).iterator():
        erase_person(user=user)
        erased += 1
    return warned, erased


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]  # celery ships no types
def send_retention_warning(self: Task, user_id: int) -> bool:
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


def forget_retention_warning(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Signing in is using the account: the removal warning no longer applies."""
    if user.retention_warned_at is not None:
        type(user).objects.filter(pk=user.pk).update(retention_warned_at=None)
        user.retention_warned_at = None
