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
