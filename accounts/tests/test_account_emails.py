"""Account emails (issue 21, part 4): their links always point at PORTAL_BASE_URL,
whatever host the request named, and a sign-up takes as long for an address that has
an account as for a new one."""

import re
import statistics
import time

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "evil.example"
URL = re.compile(r"https?://[^\s\"'<>]+")


def sent_urls() -> list[str]:
    urls = []
    for message in mail.outbox:
        texts = [message.subject, message.body]
        texts += [content for content, _mimetype in getattr(message, "alternatives", [])]
        for text in texts:
            urls += URL.findall(text)
    return urls


@pytest.fixture
def attacker_host(settings):
    """A host the portal answers to (ALLOWED_HOSTS) that is not its public address."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, ATTACKER]
    return Client(HTTP_HOST=ATTACKER)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/signup/", {"email": "nieuw@example.nl"}),  # verification link
        ("/account/signup/", {"email": "bestaand@example.nl"}),  # "you have an account"
        ("/account/password/reset/", {"email": "bestaand@example.nl"}),  # reset link
        ("/account/password/reset/", {"email": "onbekend@example.nl"}),  # "no account"
    ],
)
def test_every_link_in_an_account_email_is_on_the_portal_address(
    attacker_host, settings, path, data
):
    UserFactory(email="bestaand@example.nl")
    data = {**data, "password1": PASSWORD, "password2": PASSWORD}
    response = attacker_host.post(path, data)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    urls = sent_urls()
    assert urls  # each of these emails carries a link
    assert all(url.startswith(settings.PORTAL_BASE_URL + "/") for url in urls), urls
    message = mail.outbox[0]
    assert ATTACKER not in message.body
    assert settings.PORTAL_MUNICIPALITY_NAME in message.body  # "Hallo van Gemeente …"


def _signup_seconds(client: Client, email: str) -> float:
    start = time.perf_counter()
    response = client.post(
        "/account/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    elapsed = time.perf_counter() - start
    assert response.status_code == 302
    return elapsed


def test_sign_up_takes_as_long_for_a_known_address_as_for_a_new_one(settings):
    """A security property, not a benchmark: the median of several sign-ups per path,
    with the production password hasher, differ by less than half."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    UserFactory(email="bestaand@example.nl")
    client = Client()
    _signup_seconds(client, "opwarmen@example.nl")  # warm-up: templates, first queries
    _signup_seconds(client, "bestaand@example.nl")
    new, known = [], []
    for round_ in range(7):
        new.append(_signup_seconds(client, f"nieuw{round_}@example.nl"))
        known.append(_signup_seconds(client, "bestaand@example.nl"))
    slower, faster = sorted([statistics.median(new), statistics.median(known)], reverse=True)
    assert slower / faster < 1.5, (new, known)
    assert User.objects.filter(email__startswith="nieuw").count() == 7


# Each allauth email the portal's settings can send, with the Dutch words it must speak.
SENT = [
    (
        "/account/signup/",
        {"email": "nieuw@example.nl"},
        "Bevestig je e-mailadres",
        "Bevestig je e-mailadres met deze link om je aanmelding af te ronden:",
    ),
    (
        "/account/signup/",
        {"email": "bestaand@example.nl"},
        "Je hebt al een account",
        "Er is al een account met dit e-mailadres, dus er is geen nieuw account gemaakt.",
    ),
    (
        "/account/password/reset/",
        {"email": "bestaand@example.nl"},
        "Kies een nieuw wachtwoord",
        "Kies een nieuw wachtwoord met deze link:",
    ),
    (
        "/account/password/reset/",
        {"email": "onbekend@example.nl"},
        "Geen account met dit e-mailadres",
        "voor het e-mailadres onbekend@example.nl. Er is geen account met dit e-mailadres.",
    ),
]


@pytest.mark.parametrize(("path", "data", "subject", "sentence"), SENT)
def test_every_account_email_is_the_portals_own_in_dutch(
    client, settings, path, data, subject, sentence
):
    """Not allauth's wording ("Hallo van …", "u"): the municipality's, with "je", signed
    with the portal's address."""
    UserFactory(email="bestaand@example.nl")
    client.post(path, {**data, "password1": PASSWORD, "password2": PASSWORD})
    (message,) = mail.outbox
    assert message.subject == f"[{settings.PORTAL_MUNICIPALITY_NAME}] {subject}"
    body = " ".join(message.body.split())
    assert sentence in body
    assert f"participatieportaal van {settings.PORTAL_MUNICIPALITY_NAME}" in body
    assert body.startswith("Hallo,")
    assert f"Met vriendelijke groet, {settings.PORTAL_MUNICIPALITY_NAME}" in body
    assert body.endswith(settings.PORTAL_BASE_URL + "/")
    assert not re.search(r"\b(u|uw|Hallo van)\b", body)


def test_the_portal_overrides_every_allauth_email_its_settings_can_send(settings):
    """Which allauth emails can go out depends on the features switched on; each of those
    has our own template. The features whose emails are not written (security
    notifications, sign-in and password reset by code) must stay off."""
    from pathlib import Path

    from allauth.account import app_settings as account

    assert not account.EMAIL_NOTIFICATIONS  # password changed, email changed, TOTP, …
    assert not account.LOGIN_BY_CODE_ENABLED
    assert not account.PASSWORD_RESET_BY_CODE_ENABLED
    can_send = [
        "account/email/email_confirmation",
        "account/email/email_confirmation_signup",
        "account/email/password_reset_key",
    ]
    if account.PREVENT_ENUMERATION:
        can_send.append("account/email/account_already_exists")
        if account.EMAIL_UNKNOWN_ACCOUNTS:
            can_send.append("account/email/unknown_account")
    ours = Path(settings.BASE_DIR) / "templates"
    missing = [
        f"{name}_{part}.txt"
        for name in can_send
        for part in ("subject", "message")
        if not (ours / f"{name}_{part}.txt").exists()
    ]
    assert len(can_send) == 5
    assert missing == []
