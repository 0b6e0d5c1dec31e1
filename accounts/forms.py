"""Forms of signing up and signing in, where they differ from allauth's."""

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm
from allauth.core import context, ratelimit
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest


class PortalSignupForm(SignupForm):  # type: ignore[misc]  # allauth ships no types
    """allauth's sign-up, costing the same for an address that already has an account.

    With enumeration prevented, a known address gets the same reply as a new one, but a
    new account costs a password hash and the known address did not: the time of the
    reply told them apart. Here the known address's sign-up hashes the password as well
    (then throws the hash away), whether or not allauth's rate limit lets its email go."""

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
