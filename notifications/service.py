"""Every app tells people things through ``notify`` (one person) or ``notify_each``
(many), called from its actions after registering its kinds (``notifications.kinds``).

A message is never a finished string: it is a callable (or a lazy translation) that
this module renders once in every language of the portal, so the notification reads in
the reader's language whenever and wherever it is read (text the system stores is
rendered in the reader's language).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.functional import Promise

from accounts.models import User
from common.transactions import once_after_commit
from notifications.kinds import Preference, get_kind, preference_for
from notifications.models import (
    EmailFrequency,
    EmailState,
    Notification,
    NotificationPreference,
    portal_languages,
)
from notifications.tasks import send_pending_emails

logger = logging.getLogger(__name__)

_EMAIL_STATE_FOR = {
    EmailFrequency.IMMEDIATELY: EmailState.PENDING,
    EmailFrequency.DAILY: EmailState.IN_DIGEST,
    EmailFrequency.NEVER: EmailState.NOT_EMAILED,
}

# What a caller gives as the message: a callable that builds the text in the active
# language (with gettext, ngettext, labels and dates inside it), or a lazy translation.
# Never a plain str: that is one language only.
Message = Callable[[], str | Promise] | Promise

MAX_LENGTH = 500


def _refuse_finished_text(message: object) -> None:
    if isinstance(message, str) or not (callable(message) or isinstance(message, Promise)):
        raise TypeError(
            "A notification's message must be a callable (or a lazy translation) that is "
            "rendered in each language, not a finished string."
        )


def render_messages(message: Message) -> dict[str, str]:
    """The message in every language of the portal, each cut to the 500 characters a
    notification holds. A plain string is refused: it was rendered in one language."""
    _refuse_finished_text(message)
    texts = {}
    for language in portal_languages():
        with translation.override(language):
            text = message() if callable(message) else message
            texts[language] = str(text)[:MAX_LENGTH]
    return texts


def notify(
    *,
    recipient: User,
    kind: str,
    message: Message,
    dedupe_key: str,
    url: str = "",
    subject: models.Model | None = None,
    email: bool = True,
) -> Notification | None:
    """Tell ``recipient`` something once. Returns the new notification, or ``None`` when
    it was told already (same dedupe key) or wants neither email nor in-app notice.

    ``email=False`` keeps this one notification out of email whatever the person's
    preference for the kind: the caller's own, finer setting says so (a saved area of
    the wijkradar whose mails were stopped, or that is emailed in its own digest).

    ``message`` is called once in each language of the portal (see ``render_messages``);
    a plain string is refused. An immediate email is sent by a task after the surrounding
    transaction commits."""
    _refuse_finished_text(message)
    if not recipient.is_active:
        return None
    preference = preference_for(recipient, kind)
    if not email:
        preference = Preference(EmailFrequency.NEVER, preference.in_app)
    notification = _unsaved(
        recipient,
        preference,
        kind,
        render_messages(message),
        dedupe_key,
        url,
        subject,
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
    messages: dict[str, str],
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
        messages=messages,
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
    message: Message,
    url: str = "",
    subject: models.Model | None = None,
    skip: User | None = None,
) -> int:
    """Notify several people once each, readable in every language: ``message`` is
    called once with each language of the portal active (see ``render_messages``), and
    each reader reads it in theirs. ``None`` entries and ``skip`` (usually the person who
    acted) are left out. Returns how many people were considered.

    A mailing to thousands costs a few queries: the preferences are read at once, the
    notifications inserted together (people told already are skipped by the dedupe
    key), and the emails start once, after the commit."""
    _refuse_finished_text(message)
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
    texts: dict[str, str] | None = None
    batch = []
    for person in people.values():
        if not person.is_active:
            continue
        if texts is None:  # rendered once, and only when someone is told
            texts = render_messages(message)
        notification = _unsaved(
            person, chosen.get(person.pk, default), kind, texts, dedupe_key, url, subject
        )
        if notification is not None:
            batch.append(notification)
    with transaction.atomic():
        Notification.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
        if any(notification.email_state == EmailState.PENDING for notification in batch):
            send_emails_after_commit()
    return len(people)


@dataclass(frozen=True)
class Notice:
    """One person's notification in ``notify_batch``: its own message, dedupe key,
    link and subject; ``email=False`` as in ``notify``."""

    recipient: User
    message: Message
    dedupe_key: str
    url: str = ""
    subject: models.Model | None = None
    email: bool = True


def notify_batch(notices: Iterable[Notice], *, kind: str) -> int:
    """Notify several people of one kind, each with their own message (``notify``'s
    rules), in a few queries whatever their number: the preferences are read at once
    and the notifications inserted together (people told already are skipped by the
    dedupe key); the emails start once, after the commit. Keep a batch to about a
    thousand (one IN list of its people). Returns how many notifications were made."""
    notices = [notice for notice in notices if notice.recipient.is_active]
    for notice in notices:
        _refuse_finished_text(notice.message)
    if not notices:
        return 0
    registered = get_kind(kind)
    chosen = {
        row.user_id: Preference(row.email, row.in_app)
        for row in NotificationPreference.objects.filter(
            user__in={notice.recipient.pk for notice in notices}, kind=kind
        )
    }
    default = Preference(registered.default_email, registered.default_in_app)
    batch = []
    for notice in notices:
        preference = chosen.get(notice.recipient.pk, default)
        if not notice.email:
            preference = Preference(EmailFrequency.NEVER, preference.in_app)
        notification = _unsaved(
            notice.recipient,
            preference,
            kind,
            render_messages(notice.message),
            notice.dedupe_key,
            notice.url,
            notice.subject,
        )
        if notification is not None:
            batch.append(notification)
    with transaction.atomic():
        Notification.objects.bulk_create(batch, batch_size=1000, ignore_conflicts=True)
        if any(notification.email_state == EmailState.PENDING for notification in batch):
            send_emails_after_commit()
    return len(batch)
