"""Forms of signing up and signing in, where they differ from allauth's."""

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm
from allauth.core import context, ratelimit
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.validators import validate_plain_text


class PortalSignupForm(SignupForm):  # type: ignore[misc]  # allauth ships no types
    """allauth's sign-up, costing the same for an address that already has an account.

    With enumeration prevented, a known address gets the same reply as a new one, but a
    new account costs a password hash and the known address did not: the time of the
    reply told them apart. Here the known address's sign-up hashes the password as well
    (then throws the hash away), whether or not allauth's rate limit lets its email go.

    It also asks the name shown with what the person writes on the portal, so their
    initiatives and comments do not all say "Resident"."""

    display_name = forms.CharField(
        label=_("Your name on the portal"),
        max_length=User._meta.get_field("display_name").max_length,
        required=False,
        validators=[validate_plain_text],
        help_text=_(
            "Shown with your initiatives, comments and proposals, for example “Fatima "
            "from De Bongerd”. Leave it empty and you appear as “Resident”."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The name right after the email address, before the passwords.
        order = ["email", "display_name"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def clean_display_name(self) -> str:
        return " ".join(str(self.cleaned_data.get("display_name") or "").split())

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or "")
        user, response = super().try_save(request)
        return user, response


class StaffAuthenticateForm(AuthenticateForm):  # type: ignore[misc]  # allauth ships no types
    """The authenticator code after the password, with back-off instead of a lock.

    allauth counts wrong codes per account: five and the account is locked for five
    minutes, for whoever tries, so an attacker who has a password can keep its owner
    out of the back office. Here wrong codes count per account and address
    (``mfa_code`` in ``ACCOUNT_RATE_LIMITS``: a few a minute), so the owner at their own
    address still signs in while a guesser elsewhere is slowed down; a much higher
    ceiling per account (``mfa_code_account``) stops guessing from many addresses at
    once, and only then is the owner kept out too (docs/security.md)."""

    def clean_code(self) -> str:
        request = context.request
        keys = {
            "mfa_code": f"mfa-code-{self.user.pk}-{get_ip(request)}",
            "mfa_code_account": f"mfa-code-{self.user.pk}",
        }
        for action, key in keys.items():
            if not ratelimit.consume(request, action=action, key=key):
                raise get_account_adapter().validation_error("too_many_login_attempts")
        code: str = self.cleaned_data["code"]
        authenticators = Authenticator.objects.filter(user=self.user).exclude(
            type=Authenticator.Type.WEBAUTHN
        )
        main = None
        for authenticator in authenticators:
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.wrap().validate_code(code):
                authenticator.user = self.user
                self.authenticator = authenticator
                ratelimit.clear(request, action="mfa_code", key=keys["mfa_code"])
                return code
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_mfa_adapter().validation_error("incorrect_code")
