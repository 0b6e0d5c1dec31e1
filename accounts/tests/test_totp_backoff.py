"""Staff sign-in: wrong authenticator codes slow the guesser down without locking the
account's owner out (issue 21, part 4; docs/security.md, "Staff sign-in: TOTP
attempts")."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, StaffFactory, give_totp, totp_code

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def password_step(client: Client, staff) -> None:
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")


def code_step(client: Client, code: str):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_guessing_codes_slows_the_guesser_but_not_the_owner_elsewhere():
    staff = StaffFactory()
    give_totp(staff)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    password_step(attacker, staff)
    for _ in range(5):
        response = code_step(attacker, wrong(totp_code(staff)))
        assert response.status_code == 200  # the form again, with "wrong code"
    # The sixth try within the minute is refused unread, even with the right code.
    response = code_step(attacker, totp_code(staff))
    assert response.status_code == 200
    assert "_auth_user_id" not in attacker.session

    owner = Client(REMOTE_ADDR=OWNER)
    password_step(owner, staff)
    response = code_step(owner, totp_code(staff))
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(staff.pk)


def test_the_owner_mistyping_once_still_gets_in():
    staff = StaffFactory()
    give_totp(staff)
    owner = Client(REMOTE_ADDR=OWNER)
    password_step(owner, staff)
    assert code_step(owner, wrong(totp_code(staff))).status_code == 200
    assert code_step(owner, totp_code(staff)).status_code == 302
