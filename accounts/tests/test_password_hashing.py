"""Passwords are kept with Argon2id at OWASP's parameters; one kept the older way
(PBKDF2) still signs in and is rehashed with Argon2id at that sign-in."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = django_settings.PASSWORD_HASHERS  # before the tests' fast hasher


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_a_new_password_is_argon2id_with_owasps_parameters(production_hashers):
    encoded = make_password("een lang wachtwoord")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).algorithm == "argon2"


def test_an_older_pbkdf2_password_signs_in_and_is_rehashed(client, production_hashers):
    resident = UserFactory()
    resident.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    resident.save(update_fields=["password"])
    response = client.post(
        reverse("account_login"), {"login": resident.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
