"""Every app tells people things through ``notify`` (one person) or ``notify_each``
(many), called from its actions after registering its kinds (``notifications.kinds``).
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import translation

from accounts.models import User
from common.transactions import once_after_commit
from notifications.kinds import Preference, get_kind, preference_for
from notifications.models import EmailFrequency, EmailState, Notification, NotificationPreference
from notifications.tasks import send_pending_emails

logger = logging.getLogger(__name__)

_EMAIL_STATE_FOR = {
    EmailFrequency.IMMEDIATELY: EmailState.PENDING,
    EmailFrequency.DAILY: EmailState.IN_DIGEST,
    EmailFrequency.NEVER: EmailState.NOT_EMAILED,
}


def notify(
    *,
    recipient: User,
    kind: str,
    message: str,
    dedupe_key: str,
    url: str = "",
    subject: models.Model | None = None,
) -> Notification | None:
    """Tell ``recipient`` something once. Returns the new notification, or ``None`` when
    it was told already (same dedupe key) or wants neither email nor in-app notice.

    An immediate email is sent by a task after the surrounding transaction commits."""
    if not recipient.is_active:
        return None
    notification = _unsaved(
        recipient, preference_for(recipient, kind), kind, message, dedupe_key, url, subject
    )
    if notification is None:
        return None
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        if Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
            return None
        raise
    if notification.email_state == EmailState.PENDING:
        send_emails_after_commit()
    return notification


def _unsaved(
    recipient: User,
    preference: Preference,
    kind: str,
    message: str,
    dedupe_key: str,
    url: str,
    subject: models.Model | None,
) -> Notification | None:
    """The notification as this person's preference wants it, or None if they want
    neither an email nor an in-app notice of this kind."""
    email_state = _EMAIL_STATE_FOR[EmailFrequency(preference.email)]
    if not preference.in_app and email_state == EmailState.NOT_EMAILED:
        return None
    subject_fields = {}
    if subject is not None:
        subject_fields = {
            "subject_type": ContentType.objects.get_for_model(subject),
            "subject_id": subject.pk,
        }
    return Notification(
        recipient=recipient,
        kind=kind,
        message=message[:500],
        url=url,
        dedupe_key=dedupe_key,
        in_app=preference.in_app,
        email_state=email_state,
        **subject_fields,
    )


def send_emails_after_commit() -> None:
    """Once the notifications are committed, start sending the outbox: once per
    transaction however many were added. If the task queue is unreachable the emails
    wait in the outbox, and the relay (every minute) sends them when it is back."""
    once_after_commit(_start_sending)


def _start_sending() -> None:
    try:
        send_pending_emails.delay()
    except Exception:  # the broker is down: the outbox keeps them for the relay
        logger.warning("Task queue unreachable; emails wait in the outbox")


def notify_each(
    recipients: Iterable[User | None],
    *,
    kind: str,
    dedupe_key: str,
    message: Callable[[], str],
    url: str = "",
    subject: models.Model | None = None,
    skip: User | None = None,
) -> int:
    """Notify several people once each, in their own language: ``message`` is called
    with each recipient's language active. ``None`` entries and ``skip`` (usually the
    person who acted) are left out. Returns how many people were considered.

    A mailing to thousands costs a few queries: the preferences are read at once, the
    notifications inserted together (people told already are skipped by the dedupe
    key), and the emails start once, after the commit."""
    people: dict[int, User] = {}
    for person in recipients:
        if person is None or (skip is not None and person.pk == skip.pk):
            continue
        people.setdefault(person.pk, person)
    registered = get_kind(kind)
    chosen = {
        row.user_id: Preference(row.email, row.in_app)
        for row in NotificationPreference.objects.filter(user__in=list(people), kind=kind)
    }
    default = Preference(registered.default_email, registered.default_in_app)
    texts: dict[str, str] = {}
    batch = []
    for person in people.values():
        if not person.is_active:
            continue
        language = person.language or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                texts[language] = str(message())
        notification = _unsaved(
            person, chosen.get(person.pk, default), kind, texts[language], dedupe_key, url, subject
        )
        if notification is not None:
            batch.append(notification)
    with transaction.atomic():
        Notification.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
        if any(notification.email_state == EmailState.PENDING for notification in batch):
            send_emails_after_commit()
    return len(people)
