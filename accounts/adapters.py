import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role, User
from accounts.tasks import send_later


@dataclass(frozen=True)
class PortalSite:
    """What emails call the portal: the municipality, at its public address (never the
    host a request happened to name)."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    return PortalSite(
        name=settings.PORTAL_MUNICIPALITY_NAME, domain=urlsplit(settings.PORTAL_BASE_URL).netloc
    )


def portal_url(path: str) -> str:
    """An absolute link for an email: always on ``PORTAL_BASE_URL``."""
    return f"{settings.PORTAL_BASE_URL}{path}"


def _rebased(value: Any, request: HttpRequest | None) -> Any:
    """A link that allauth built from the request's host, moved to the portal's own
    address (the "sign up" and "reset your password" links of its emails)."""
    if not isinstance(value, str) or request is None:
        return value
    host = re.escape(request.get_host())
    return re.sub(rf"^https?://{host}(?=/|$)", settings.PORTAL_BASE_URL, value)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Every new account is a resident and keeps the language it signed up in. Links in
    the account emails point at ``PORTAL_BASE_URL``, and the emails are sent by a task,
    so no reply waits for the mail server (and a sign-up for a known address, which
    hashes the password too, see ``accounts.forms``, takes as long as a new one)."""

    def save_user(self, request: HttpRequest, user: User, form: Form, commit: bool = True) -> User:
        user = cast(User, super().save_user(request, user, form, commit=False))  # allauth: untyped
        language = translation.get_language() or "nl"
        user.language = "en" if language.startswith("en") else "nl"
        user.display_name = form.cleaned_data.get("display_name", "") or ""
        if commit:
            user.save()
            user.groups.add(Role.RESIDENT.group())
        return user

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """After the confirmation link: someone who signed up in this browser is signed
        in at once (``ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION``); whoever opened the link
        elsewhere is told plainly to sign in, on the sign-in page."""
        request = context.request
        if not request.user.is_authenticated:
            # One message, not two that say the same: allauth's "you have confirmed …"
            # gives way to ours, which also says what to do next.
            storage = messages.get_messages(request)
            queued = getattr(storage, "_queued_messages", None)
            if queued is not None:
                queued[:] = [
                    message
                    for message in queued
                    if not (
                        message.level == messages.SUCCESS
                        and email_address.email in str(message.message)
                    )
                ]
            messages.info(
                request,
                gettext(
                    "Your email address is confirmed. Sign in with it and your password "
                    "to continue."
                ),
            )
        return cast(str, super().get_email_verification_redirect_url(email_address))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        return portal_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return portal_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": portal_url(reverse("account_signup")),
                "password_reset_url": portal_url(reverse("account_reset_password")),
            },
        )

    def send_mail(self, template_prefix: str, email: str, context_: dict[str, Any]) -> None:
        request = context.request
        ctx: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": portal_site(),
            # Our own templates (templates/account/email) end with the portal's address.
            "portal_url": settings.PORTAL_BASE_URL,
        }
        ctx.update({key: _rebased(value, request) for key, value in context_.items()})
        send_later(self.render_mail(template_prefix, email, ctx))
