import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.urls import reverse

from accounts.apps import LANGUAGE_CHOICE_SECONDS, LANGUAGE_CHOSEN_SIGNED_OUT
from accounts.models import Role, User
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

SIGNUP = "/account/signup/"
LOGIN = "/account/login/"


def _signup(client, email, password1=PASSWORD, password2=None):
    return client.post(
        SIGNUP,
        {"email": email, "password1": password1, "password2": password2 or password1},
    )


def _field_error(response, field: str) -> str:
    """The error text rendered beside one field (its id is referenced by the input)."""
    html = response.content.decode()
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    assert match, f"no error beside {field}"
    assert 'aria-describedby="' in html
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_sign_up_sends_verification_and_blocks_login_until_verified(client):
    response = _signup(client, "nieuw@example.nl")
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@example.nl")
    assert user.groups.filter(name=Role.RESIDENT.value).exists()
    assert user.language == "nl"
    assert len(mail.outbox) == 1
    assert "/account/confirm-email/" in mail.outbox[0].body

    client.logout()
    response = client.post(LOGIN, {"login": "nieuw@example.nl", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("email", "password", "field", "expected"),
    [
        ("geen-email", PASSWORD, "email", "geldig e-mailadres"),
        ("zwak@example.nl", "1234", "password1", "te kort"),
        ("zwak@example.nl", "wachtwoord", "password1", "te algemeen"),
    ],
)
def test_sign_up_bad_input_shows_error_beside_field_and_creates_nothing(
    client, email, password, field, expected
):
    response = _signup(client, email, password)
    assert response.status_code == 200
    assert expected in _field_error(response, field)
    assert 'class="utrecht-alert utrecht-alert--error portal-error-summary"' in (
        response.content.decode()
    )
    assert not User.objects.filter(email=email).exists()
    assert mail.outbox == []


def test_sign_up_with_existing_email_creates_no_second_account(client):
    UserFactory(email="bestaand@example.nl")
    response = _signup(client, "Bestaand@Example.nl")
    # allauth prevents enumeration: the page looks like success, but the existing owner
    # is told by email and no account is added.
    assert User.objects.filter(email__iexact="bestaand@example.nl").count() == 1
    assert response.status_code in (200, 302)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bestaand@example.nl"]


def test_sign_up_mismatched_passwords_error_beside_second_field(client):
    response = _signup(client, "anders@example.nl", PASSWORD, PASSWORD + "x")
    assert response.status_code == 200
    assert _field_error(response, "password2")
    assert not User.objects.filter(email="anders@example.nl").exists()


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_rate_limited_after_repeated_failures(client):
    user = UserFactory()
    for _ in range(6):
        response = client.post(LOGIN, {"login": user.email, "password": "fout-wachtwoord"})
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in response.content.decode()
    # Even the right password is refused while the limit holds.
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_email(client):
    user = UserFactory()
    response = client.post("/account/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/password/reset/key/" in mail.outbox[0].body


def test_staff_without_totp_cannot_reach_admin(client):
    staff = StaffFactory()
    client.post(LOGIN, {"login": staff.email, "password": PASSWORD})
    response = client.get("/beheer/", follow=True)
    visited = [url for url, _status in response.redirect_chain]
    assert any(url.startswith(reverse("mfa_activate_totp")) for url in visited)
    assert "Beheer" not in response.content.decode() or "2fa" in visited[-1]
    assert client.get("/beheer/portal/user/").status_code == 302


def test_staff_with_totp_reaches_admin_after_code(client):
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    response = client.post(LOGIN, {"login": staff.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/beheer/").status_code == 302  # not signed in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert response.status_code == 302
    assert client.get("/beheer/").status_code == 200


def test_resident_gets_403_on_admin(client):
    user = UserFactory()
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    response = client.get("/beheer/", follow=True)
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_anonymous_admin_visit_goes_to_portal_login(client):
    response = client.get("/beheer/")
    assert response.status_code == 302
    follow = client.get(response.url)
    assert follow.status_code == 302
    assert follow.url.startswith(LOGIN)


def test_sign_up_is_rate_limited_per_address(client):
    """allauth's limit (20 a minute from one address), answered with our 429 page."""
    statuses = [
        client.post(
            "/account/signup/",
            {"email": f"nieuw{n}@example.nl", "password1": "x", "password2": "y"},
        ).status_code
        for n in range(21)
    ]
    assert 429 not in statuses[:20]
    assert statuses[20] == 429


def test_password_reset_is_rate_limited_per_address_and_account(client):
    user = UserFactory()
    statuses = [
        client.post("/account/password/reset/", {"email": user.email}).status_code
        for _n in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(mail.outbox) == 5
    assert (
        "Te veel verzoeken"
        in client.post("/account/password/reset/", {"email": user.email}).content.decode()
    )


def _sign_in(client, user):
    return client.post(LOGIN, {"login": user.email, "password": PASSWORD}, follow=True)


def test_a_language_chosen_before_signing_in_is_kept_and_becomes_the_accounts(client):
    resident = UserFactory(language="nl")
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert '<html lang="en"' in client.get(LOGIN).content.decode()
    response = _sign_in(client, resident)
    assert response.context["user"] == resident
    assert '<html lang="en"' in response.content.decode()
    assert client.cookies["portal_language"].value == "en"
    assert '<html lang="en"' in client.get(reverse("overview:my_page")).content.decode()
    resident.refresh_from_db()
    assert resident.language == "en", "emails follow the language chosen"


def test_a_language_cookie_alone_gives_way_to_the_accounts_language(client):
    # A cookie left by someone else on a shared computer is no choice of this person's.
    resident = UserFactory(language="nl")
    client.cookies["portal_language"] = "en"
    response = _sign_in(client, resident)
    assert '<html lang="nl"' in response.content.decode()
    assert client.cookies["portal_language"].value == "nl"
    resident.refresh_from_db()
    assert resident.language == "nl"


def test_the_choice_before_signing_in_counts_for_one_sign_in_only(client):
    first = UserFactory(language="nl")
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    _sign_in(client, first)
    client.post(reverse("account_logout"))
    second = UserFactory(language="nl")
    response = _sign_in(client, second)
    assert '<html lang="nl"' in response.content.decode()
    second.refresh_from_db()
    assert second.language == "nl"


def test_a_language_chosen_long_before_signing_in_does_not_change_the_account(client):
    # A session lives for weeks: the switch someone used on a shared computer yesterday
    # is no choice of the person who signs in today.
    resident = UserFactory(language="nl")
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    session = client.session
    language, moment = session[LANGUAGE_CHOSEN_SIGNED_OUT]
    session[LANGUAGE_CHOSEN_SIGNED_OUT] = [language, moment - LANGUAGE_CHOICE_SECONDS - 1]
    session.save()
    response = _sign_in(client, resident)
    assert '<html lang="nl"' in response.content.decode()
    resident.refresh_from_db()
    assert resident.language == "nl"
