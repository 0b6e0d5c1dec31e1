"""The clients the benchmarks request pages with."""

import time
from importlib import import_module

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client

from accounts.models import User
from bench.dataset import PREFIX


def administrator() -> User:
    """The benchmarks' administrator."""
    user, _created = User.objects.get_or_create(
        email=f"beheerder@{PREFIX}.invalid",
        defaults={"is_staff": True, "is_superuser": True, "display_name": "Beheerder"},
    )
    return user


def staff_client() -> Client:
    """A client with the session of the administrator, signed in with password and TOTP
    as the back office wants (made directly: nobody types a code in a benchmark)."""
    user = administrator()
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return signed_in_client(user, totp=True)


def signed_in_client(user: User, *, totp: bool = False) -> Client:
    """A client with a session of ``user``, signed in with a password (and TOTP)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["account_authentication_methods_user"] = str(user.pk)
    methods: list[dict[str, object]] = [
        {"method": "password", "at": time.time(), "email": user.email}
    ]
    if totp:
        methods.append({"method": "mfa", "at": time.time(), "type": "totp"})
    session["account_authentication_methods"] = methods
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return Client(HTTP_HOST="localhost", HTTP_COOKIE=cookie)
