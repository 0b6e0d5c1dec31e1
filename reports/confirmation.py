"""Confirming a visitor's email address before what they sent counts: a report goes in,
an "I saw this too" counts, a question goes to the department. One signed token names
what the address confirms (a kind letter and a primary key); it works ``CONFIRM_DAYS``
days. The link's token moves into the session (``views.confirm_link``) and a button
confirms (``views.confirm``), so a mail scanner opening links confirms nothing."""

from django.core import signing

CONFIRM_SALT = "reports.confirm-email"
CONFIRM_DAYS = 7

REPORT = "r"
SUPPORT = "s"
QUESTION = "q"
KINDS = (REPORT, SUPPORT, QUESTION)


def confirmation_token(kind: str, pk: int) -> str:
    """The secret in a confirmation link: which report (``"r"``), which "me too"
    (``"s"``) or which question (``"q"``) the address confirms."""
    if kind not in KINDS:
        raise ValueError(kind)
    return signing.dumps([kind, pk], salt=CONFIRM_SALT, compress=True)


def read_confirmation_token(token: str) -> tuple[str, int] | None:
    """The kind and key a link's token names; ``None`` when forged or too old."""
    if not token or len(token) > 200:
        return None
    try:
        kind, pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 86400)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in KINDS or not isinstance(pk, int):
        return None
    return kind, pk


def token_kind(token: str) -> str | None:
    """What a genuine link was for, even once it is too old: so that the page saying
    it no longer works speaks of a question or of a report. ``None`` when forged."""
    if not token or len(token) > 200:
        return None
    try:
        kind, _pk = signing.loads(token, salt=CONFIRM_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return kind if kind in KINDS else None
