"""Deploy checks of verification (``manage.py check --deploy``): the key of the keyed
hashes is set, and a DigiD configuration is whole or absent, never half."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

# What mozilla-django-oidc needs besides the issuer; all of them, or DigiD is off.
DIGID_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
ENDPOINTS = ("PORTAL_DIGID_OIDC_ISSUER", *DIGID_SETTINGS[2:])
MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_verification_key(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The letter codes' and the DigiD pseudonym's HMAC key: set, long, not SECRET_KEY."""
    key = settings.PORTAL_VERIFICATION_KEY or ""
    if len(key) < MIN_KEY_LENGTH or key == settings.SECRET_KEY:
        return [
            checks.Error(
                "PORTAL_VERIFICATION_KEY is missing, shorter than 32 characters or the SECRET_KEY.",
                hint="Set a random key of its own; changing it later voids issued letter codes.",
                id="portal.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_digid_configuration(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """DigiD either off (no issuer, nothing else) or whole: every endpoint and the
    client's secret, https outside DEBUG, an asymmetric signature (RS*/ES*)."""
    values = {name: getattr(settings, name, "") for name in (*ENDPOINTS, *DIGID_SETTINGS)}
    if not any(values.values()):
        return []
    errors: list[checks.CheckMessage] = []
    missing = sorted(name for name, value in values.items() if not value)
    if missing:
        errors.append(
            checks.Error(
                f"DigiD is configured partly; missing: {', '.join(missing)}.",
                hint="Set every PORTAL_DIGID_OIDC_* value, or none to turn DigiD off.",
                id="portal.E002",
            )
        )
    if not settings.DEBUG:
        plain = sorted(
            name for name in ENDPOINTS if values[name] and not values[name].startswith("https://")
        )
        if plain:
            errors.append(
                checks.Error(
                    f"DigiD endpoints without https: {', '.join(plain)}.",
                    id="portal.E003",
                )
            )
    if not str(settings.OIDC_RP_SIGN_ALGO).startswith(("RS", "ES")):
        errors.append(
            checks.Error(
                "PORTAL_DIGID_OIDC_SIGN_ALGO must be an RS* or ES* algorithm.",
                hint="The broker signs its id_token with its own key (RS256 usually).",
                id="portal.E004",
            )
        )
    return errors
