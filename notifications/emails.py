"""Emails the portal sends itself: HTML and text parts, in the recipient's language,
with a one-click unsubscribe (RFC 8058) where the email is optional."""

import email.policy
import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32, Policy
from email.utils import format_datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape

from accounts.models import User


@dataclass(frozen=True)
class EmailRecipient:
    """Someone we email who may have no account yet (an invited co-initiator)."""

    email: str
    language: str = settings.LANGUAGE_CODE
    public_name: str = ""


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.PORTAL_BASE_URL}{path}"


class SharedBodies:
    """The bodies of one email that many people get in a batch (a mailing), rendered once
    per language. What differs per person is put in afterwards: their unsubscribe link
    and the other values build_email is given as ``personal`` (a notification's own
    "read more" link, which marks just that notification read). The templates of such
    an email use nothing else of the person but the language."""

    def __init__(self) -> None:
        self._rendered: dict[Hashable, tuple[str, str]] = {}
        # Where a personal value goes: letters, digits and hyphens survive rendering and
        # escaping unchanged, and nobody can write them into a notification's text
        # beforehand.
        self._marker = secrets.token_hex(8)
        self.link = self.placeholder("unsubscribe_url")

    def placeholder(self, name: str) -> str:
        return f"portal-{name.replace('_', '-')}-{self._marker}"

    def bodies(
        self,
        key: Hashable,
        personal: dict[str, str],
        render: Callable[[dict[str, str]], tuple[str, str]],
    ) -> tuple[str, str]:
        """The text and HTML body for one person; ``render(values)`` renders both with
        a placeholder for each of the person's non-empty ``personal`` values, once per
        ``key`` (and per which of them are empty)."""
        names = sorted(personal)
        full_key = (key, tuple((name, bool(personal[name])) for name in names))
        if full_key not in self._rendered:
            self._rendered[full_key] = render(
                {name: self.placeholder(name) if personal[name] else "" for name in names}
            )
        text, html = self._rendered[full_key]
        for name in names:
            if personal[name]:
                text = text.replace(self.placeholder(name), personal[name])
                html = html.replace(self.placeholder(name), escape(personal[name]))
        return text, html


def build_email(
    *,
    recipient: User | EmailRecipient,
    subject: str | Promise,
    template: str,
    context: dict[str, Any],
    unsubscribe_token: str | None = None,
    personal: dict[str, str] | None = None,
    shared: tuple[SharedBodies, Hashable] | None = None,
) -> EmailMultiAlternatives:
    """Render ``emails/<template>.txt`` and ``.html`` for one person. ``personal`` holds
    context values (strings) that are this person's own, such as the link that opens
    their notification. With ``shared`` (the batch's :class:`SharedBodies` and what makes
    this email the same for everyone, such as the notification's text and where it
    points) the bodies are rendered once a language and the personal values put in."""
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        unsubscribe_url = (
            absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token]))
            if unsubscribe_token
            else ""
        )
        full_context = {
            **context,
            "recipient": recipient,
            "municipality_name": settings.PORTAL_MUNICIPALITY_NAME,
            "portal_url": settings.PORTAL_BASE_URL,
        }

        personal_values = {**(personal or {}), "unsubscribe_url": unsubscribe_url}

        def render(values: dict[str, str]) -> tuple[str, str]:
            bodies_context = {
                **full_context,
                "preferences_url": absolute_url(reverse("notifications:preferences")),
                **values,
            }
            return (
                render_to_string(f"emails/{template}.txt", bodies_context),
                render_to_string(f"emails/{template}.html", bodies_context),
            )

        if shared is None:
            text, html = render(personal_values)
        else:
            bodies, key = shared
            text, html = bodies.bodies((key, template, language), personal_values, render)
        headers: dict[str, str] = {}
        if unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = PortalEmail(
            # A subject is one line: a line break in a notification's text stays out of it.
            subject=" ".join(f"[{settings.PORTAL_MUNICIPALITY_NAME}] {subject}".split()),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message


_UTF8_QUOTED_PRINTABLE = Charset("utf-8")
_UTF8_QUOTED_PRINTABLE.body_encoding = QP


class _UnfoldedAscii(Compat32):
    """The classic policy, but an ASCII header line that fits in the 998 characters
    RFC 5322 allows is written as it is instead of through the folding machinery
    (encoded subjects and anything longer are still folded)."""

    def _fits(self, name: str, value: Any) -> bool:
        return (
            isinstance(value, str)
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and len(name) + len(value) < 990
        )

    def fold(self, name: str, value: Any) -> str:
        if self._fits(name, value):
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        if self._fits(name, value):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


class PortalEmail(EmailMultiAlternatives):
    """An email of the portal's own shape: a text body and one HTML alternative, ASCII
    addresses, no attachments. Python's classic ``email.mime`` classes build that shape
    several times faster than the modern API Django uses for any email (which parses
    every header it sets), and a mailing to thousands spends most of its time there.
    Anything outside the shape goes Django's own way."""

    # Returns the classic Message, not the modern EmailMessage the stubs promise: Django
    # only serialises what message() gives (as_bytes), which both provide.
    def message(self, *, policy: Policy = email.policy.default) -> Message:  # type: ignore[override]
        header_values = [str(self.from_email), *self.to, *map(str, self.extra_headers.values())]
        if (
            self.attachments
            or self.cc
            or self.reply_to
            or len(self.alternatives) != 1
            # django-stubs types alternatives as plain tuples; Django's are EmailAlternative.
            or self.alternatives[0].mimetype != "text/html"  # type: ignore[attr-defined]
            or not all(value.isascii() for value in header_values)
            or {name.lower() for name in self.extra_headers}
            & {"from", "to", "date", "message-id", "bcc"}
        ):
            return super().message(policy=policy)
        # Line breaks are refused, as Django refuses them, so no header can be injected.
        for value in [str(self.subject), *header_values]:
            if "\n" in value or "\r" in value:
                raise ValueError("Header values may not contain linefeed or carriage return")
        msg = MIMEMultipart("alternative", policy=_UnfoldedAscii(linesep=policy.linesep))
        subject = str(self.subject)
        # typeshed allows str only; the classic API takes a Header as well.
        msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
        msg["From"] = str(self.from_email)
        msg["To"] = ", ".join(self.to)
        msg["Date"] = format_datetime(
            timezone.localtime() if settings.EMAIL_USE_LOCALTIME else timezone.now()
        )
        msg["Message-ID"] = make_msgid(domain=DNS_NAME)
        for name, value in self.extra_headers.items():
            msg[name] = value
        # typeshed wants the charset's name; MIMEText takes a Charset too (set_payload).
        msg.attach(MIMEText(str(self.body), "plain", _UTF8_QUOTED_PRINTABLE))  # type: ignore[arg-type]
        msg.attach(
            MIMEText(
                self.alternatives[0].content,  # type: ignore[attr-defined]  # as above
                "html",
                _UTF8_QUOTED_PRINTABLE,  # type: ignore[arg-type]  # as above
            )
        )
        return msg
