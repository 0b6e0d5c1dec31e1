"""Background work of accounts: the emails of signing up and signing in (verification,
password reset, "you already have an account", MFA notices) leave the request here, so
no request waits for the mail server and signing up costs the same whether or not the
address already has an account."""

import logging
import smtplib
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(  # type: ignore[untyped-decorator]  # celery ships no types
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.PORTAL_EMAIL_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_account_email(self: Task, message: dict[str, Any]) -> None:
    """Send one email that the account adapter rendered (``as_task_message``)."""
    email_message(message).send()


def as_task_message(msg: EmailMessage) -> dict[str, Any]:
    """A rendered email as plain values a task can carry."""
    alternatives = getattr(msg, "alternatives", [])
    return {
        "subject": msg.subject,
        "body": msg.body,
        "from_email": msg.from_email,
        "to": list(msg.to),
        "headers": dict(msg.extra_headers),
        "subtype": msg.content_subtype,
        "alternatives": [[content, mimetype] for content, mimetype in alternatives],
    }


def email_message(message: dict[str, Any]) -> EmailMultiAlternatives:
    msg = EmailMultiAlternatives(
        message["subject"],
        message["body"],
        message["from_email"],
        message["to"],
        headers=message["headers"],
    )
    msg.content_subtype = message["subtype"]
    for content, mimetype in message["alternatives"]:
        msg.attach_alternative(content, mimetype)
    return msg


def send_later(msg: EmailMessage) -> None:
    """Hand the email to a worker; when the task queue cannot be reached, send it now
    rather than lose a verification or a password reset."""
    message = as_task_message(msg)
    try:
        # The message holds an address and a secret link: never shown in the worker's
        # logs or events (argsrepr).
        send_account_email.apply_async(args=[message], argsrepr="[<account email>]")
    except Exception:  # the broker is down
        logger.warning("Task queue unreachable; an account email is sent in the request")
        email_message(message).send()
