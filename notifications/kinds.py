"""The kinds of notification the apps register, each person's preference per kind, and
the one-click unsubscribe links in emails.

An app registers its kinds once, in its ``AppConfig.ready``; the person's preference
for a kind decides whether it shows on the portal and whether it is emailed at once, in
the daily digest, or not at all.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.utils.functional import Promise

from accounts.models import User
from notifications.models import EmailFrequency, Notification, NotificationPreference

DIGEST = "digest"
_UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"  # unchanged: links already sent keep working


@dataclass(frozen=True)
class NotificationKind:
    """One kind of message the portal sends: its name on the settings page, the short
    subject of its emails (never the message itself, which may be long), and whether it
    is emailed at once, in the daily digest or not at all by default. ``audience`` says
    who can ever receive it (staff, council members, a supplier's team); ``None`` is
    everyone with an account. Only those are offered the kind in their settings.

    ``unsubscribe_subject`` is for kinds about one of the person's own subscriptions (a
    saved area of the wijkradar): the unsubscribe link of such an email names the
    notification's subject too, and following it calls this with the person and the
    subject's id instead of turning the whole kind off, so only that subscription stops
    emailing. It returns whether the subject was the person's (else nothing happens).
    ``describe_subject`` names that subject on the unsubscribe pages ("your area
    “Home”"), or returns None when it is not the person's."""

    key: str
    label: str | Promise
    default_email: str = EmailFrequency.IMMEDIATELY
    default_in_app: bool = True
    subject: str | Promise = ""
    audience: Callable[[User], bool] | None = None
    unsubscribe_subject: Callable[[User, int], bool] | None = None
    describe_subject: Callable[[User, int], str | None] | None = None

    def reaches(self, user: User) -> bool:
        return self.audience is None or self.audience(user)


_KINDS: dict[str, NotificationKind] = {}


def register_kind(
    key: str,
    label: str | Promise,
    *,
    default_email: str = EmailFrequency.IMMEDIATELY,
    default_in_app: bool = True,
    subject: str | Promise = "",
    audience: Callable[[User], bool] | None = None,
    unsubscribe_subject: Callable[[User, int], bool] | None = None,
    describe_subject: Callable[[User, int], str | None] | None = None,
) -> NotificationKind:
    """``subject`` is the short subject of this kind's emails (translated when sent);
    without one the kind's label is the subject. ``audience`` and
    ``unsubscribe_subject`` and ``describe_subject`` (see NotificationKind)."""
    kind = NotificationKind(
        key,
        label,
        default_email,
        default_in_app,
        subject or label,
        audience,
        unsubscribe_subject,
        describe_subject,
    )
    existing = _KINDS.get(key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {key!r} is registered twice, differently.")
    _KINDS[key] = kind
    return kind


def kinds() -> list[NotificationKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def kinds_for(user: User) -> list[NotificationKind]:
    """The kinds this person can ever receive: what their settings page offers."""
    return [kind for kind in kinds() if kind.reaches(user)]


def kind_label(key: str) -> str:
    """A kind's name in the reader's language; the key itself for a kind no app
    registers any more."""
    kind = _KINDS.get(key)
    return str(kind.label) if kind else key


def is_staff(user: User) -> bool:
    """The audience of the kinds only colleagues of the municipality receive."""
    return bool(user.is_staff)


def get_kind(key: str) -> NotificationKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise ValueError(f"Unknown notification kind {key!r}: register it first.") from None


@dataclass(frozen=True)
class Preference:
    email: str
    in_app: bool


def preference_for(user: User, kind: str) -> Preference:
    registered = get_kind(kind)
    row = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if row is None:
        return Preference(registered.default_email, registered.default_in_app)
    return Preference(row.email, row.in_app)


def preferences_of(user: User) -> dict[str, Preference]:
    """All kinds with this person's choice or the default, in one query."""
    rows = {row.kind: row for row in NotificationPreference.objects.filter(user=user)}
    result = {}
    for kind in kinds():
        row = rows.get(kind.key)
        result[kind.key] = (
            Preference(row.email, row.in_app)
            if row
            else Preference(kind.default_email, kind.default_in_app)
        )
    return result


def unsubscribe_token(user: User, kind: str, subject_id: int | None = None) -> str:
    """A signed token that turns off email for one kind (or the digest) for one person;
    with ``subject_id``, of a kind with ``unsubscribe_subject``, for that subject only."""
    data: dict[str, object] = {"u": user.pk, "k": kind}
    if subject_id is not None:
        data["s"] = subject_id
    return signing.dumps(data, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_for(notification: Notification) -> str:
    """The unsubscribe token of a notification's email: for its subject when its kind
    stops per subject (``unsubscribe_subject``), else for its kind."""
    registered = _KINDS.get(notification.kind)
    if registered is not None and registered.unsubscribe_subject and notification.subject_id:
        return unsubscribe_token(notification.recipient, notification.kind, notification.subject_id)
    return unsubscribe_token(notification.recipient, notification.kind)


def read_unsubscribe_token(token: str) -> tuple[int, str, int | None] | None:
    """The person, the kind and (for a kind that stops per subject) the subject's id."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != DIGEST and kind not in _KINDS:
        return None
    subject_id = data.get("s")
    if subject_id is not None and (
        not isinstance(subject_id, int) or kind == DIGEST or not _KINDS[kind].unsubscribe_subject
    ):
        return None
    return data["u"], kind, subject_id


def subject_label(user: User, kind: str, subject_id: int) -> str | None:
    """What the unsubscribe pages name for one subject of a kind that stops per subject
    (the kind's ``describe_subject``, else its label); None when it is not the
    person's."""
    registered = get_kind(kind)
    if registered.describe_subject is None:
        return str(registered.label)
    return registered.describe_subject(user, subject_id)


def unsubscribe(user: User, kind: str, subject_id: int | None = None) -> bool:
    """Stop emails of one kind; for the digest token, stop every kind sent by digest;
    with ``subject_id``, let the kind stop emailing about that subject only. Returns
    False when that subject was not the person's (nothing happened)."""
    if subject_id is not None:
        handler = get_kind(kind).unsubscribe_subject
        return handler is not None and handler(user, subject_id)
    if kind == DIGEST:
        for key, preference in preferences_of(user).items():
            if preference.email == EmailFrequency.DAILY:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=key, defaults={"email": EmailFrequency.NEVER}
                )
        return True
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": EmailFrequency.NEVER}
    )
    return True
