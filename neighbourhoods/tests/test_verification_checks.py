"""The deploy checks of verification: the HMAC key, and DigiD whole or off."""

import pytest

from neighbourhoods import checks


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def whole(settings) -> None:
    settings.PORTAL_DIGID_OIDC_ISSUER = "https://broker.example.nl/realms/digid"
    settings.OIDC_RP_CLIENT_ID = "participatieportaal"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"https://broker.example.nl/{name}")
    settings.OIDC_RP_SIGN_ALGO = "RS256"


def test_the_verification_key_must_be_set_long_and_its_own(settings):
    assert checks.check_verification_key(None) == []
    settings.PORTAL_VERIFICATION_KEY = ""
    assert ids(checks.check_verification_key(None)) == {"portal.E001"}
    settings.PORTAL_VERIFICATION_KEY = settings.SECRET_KEY
    assert ids(checks.check_verification_key(None)) == {"portal.E001"}


def test_digid_off_or_whole_passes(settings):
    for name in (*checks.ENDPOINTS, *checks.DIGID_SETTINGS):
        setattr(settings, name, "")
    assert checks.check_digid_configuration(None) == []
    whole(settings)
    assert checks.check_digid_configuration(None) == []


@pytest.mark.parametrize("name", [*checks.DIGID_SETTINGS, "PORTAL_DIGID_OIDC_ISSUER"])
def test_a_partial_digid_configuration_fails(settings, name):
    whole(settings)
    setattr(settings, name, "")
    assert ids(checks.check_digid_configuration(None)) == {"portal.E002"}


def test_digid_needs_https_and_an_asymmetric_signature(settings):
    whole(settings)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://broker.example.nl/token"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    assert ids(checks.check_digid_configuration(None)) == {"portal.E003", "portal.E004"}
    settings.DEBUG = True
    assert ids(checks.check_digid_configuration(None)) == {"portal.E004"}
