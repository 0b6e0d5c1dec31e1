"""Emails the portal sends itself: HTML and text parts, in the recipient's language,
with a one-click unsubscribe (RFC 8058) where the email is optional."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from portal.models import User


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


def build_email(
    *,
    recipient: User | EmailRecipient,
    subject: str | Promise,
    template: str,
    context: dict,
    unsubscribe_token: str | None = None,
) -> EmailMultiAlternatives:
    """Render ``emails/<template>.txt`` and ``.html`` for one person."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        unsubscribe_url = (
            absolute_url(reverse("portal:unsubscribe", args=[unsubscribe_token]))
            if unsubscribe_token
            else ""
        )
        full_context = {
            **context,
            "recipient": recipient,
            "municipality_name": settings.PORTAL_MUNICIPALITY_NAME,
            "portal_url": settings.PORTAL_BASE_URL,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute_url(reverse("portal:notification_preferences")),
        }
        text = render_to_string(f"emails/{template}.txt", full_context)
        html = render_to_string(f"emails/{template}.html", full_context)
        headers = {}
        if unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message = EmailMultiAlternatives(
            subject=f"[{settings.PORTAL_MUNICIPALITY_NAME}] {subject}",
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message
