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


@pytest.fixture
def work(monkeypatch):
    """How many times each kind's hashing work runs (counted, not timed)."""
    import argon2
    from django.contrib.auth import hashers

    done = {"argon2": 0, "pbkdf2": 0}
    real_pbkdf2, real_hash, real_verify = (
        hashers.pbkdf2,
        argon2.low_level.hash_secret,
        argon2.PasswordHasher.verify,
    )

    def pbkdf2(*args, **kwargs):
        done["pbkdf2"] += 1
        return real_pbkdf2(*args, **kwargs)

    def hash_secret(*args, **kwargs):
        done["argon2"] += 1
        return real_hash(*args, **kwargs)

    def verify(self, *args, **kwargs):
        done["argon2"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", pbkdf2)
    monkeypatch.setattr(argon2.low_level, "hash_secret", hash_secret)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    return done


def _failed_sign_in(client, email: str, work: dict) -> dict:
    work.update(argon2=0, pbkdf2=0)
    response = client.post(reverse("account_login"), {"login": email, "password": "Fout1234!x"})
    assert response.status_code == 200  # the form again, with its error
    return dict(work)


def test_a_failed_sign_in_does_the_same_work_for_every_address(client, production_hashers, work):
    """Unknown, kept with Argon2id or kept with PBKDF2: a wrong password costs both
    kinds' work alike, so how long it takes does not tell whether the address has an
    account. A right password is checked by its own kind only."""
    newer = UserFactory(email="nieuw@example.nl")
    newer.password = make_password(PASSWORD)
    newer.save(update_fields=["password"])
    older = UserFactory(email="oud@example.nl")
    older.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    older.save(update_fields=["password"])

    unknown = _failed_sign_in(client, "niemand@example.nl", work)
    assert unknown["argon2"] > 0
    assert unknown["pbkdf2"] > 0
    assert _failed_sign_in(client, newer.email, work) == unknown
    assert _failed_sign_in(client, older.email, work) == unknown

    work.update(argon2=0, pbkdf2=0)
    client.post(reverse("account_login"), {"login": newer.email, "password": PASSWORD})
    assert work == {"argon2": 1, "pbkdf2": 0}
