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
from notifications.models import EmailFrequency, NotificationPreference

DIGEST = "digest"
_UNSUBSCRIBE_SALT = "portal.notifications.unsubscribe"  # unchanged: links already sent keep working


@dataclass(frozen=True)
class NotificationKind:
    """One kind of message the portal sends: its name on the settings page, the short
    subject of its emails (never the message itself, which may be long), and whether it
    is emailed at once, in the daily digest or not at all by default. ``audience`` says
    who can ever receive it (staff, council members, a supplier's team); ``None`` is
    everyone with an account. Only those are offered the kind in their settings."""

    key: str
    label: str | Promise
    default_email: str = EmailFrequency.IMMEDIATELY
    default_in_app: bool = True
    subject: str | Promise = ""
    audience: Callable[[User], bool] | None = None

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
) -> NotificationKind:
    """``subject`` is the short subject of this kind's emails (translated when sent);
    without one the kind's label is the subject. ``audience`` (see NotificationKind)."""
    kind = NotificationKind(key, label, default_email, default_in_app, subject or label, audience)
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


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token that turns off email for one kind (or the digest) for one person."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kind = data.get("k")
    if kind != DIGEST and kind not in _KINDS:
        return None
    return data["u"], kind


def unsubscribe(user: User, kind: str) -> None:
    """Stop emails of one kind; for the digest token, stop every kind sent by digest."""
    if kind == DIGEST:
        for key, preference in preferences_of(user).items():
            if preference.email == EmailFrequency.DAILY:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=key, defaults={"email": EmailFrequency.NEVER}
                )
        return
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"email": EmailFrequency.NEVER}
    )
