"""DigiD through an OpenID Connect broker: a signed-in resident shows which
neighbourhood they live in. Not a way to sign in.

The broker (Keycloak or a commercial one in front of DigiD) does the DigiD part and
releases claims from the person's registration: the CBS code of the wijk of their
address (``PORTAL_DIGID_NEIGHBOURHOOD_CLAIM``) or their postcode
(``PORTAL_DIGID_POSTCODE_CLAIM``), and usually the BSN. The code flow (state, nonce,
PKCE, the token request, the id_token's signature from the broker's keys, userinfo) is
mozilla-django-oidc's; its authentication backend is used as a client only and is not in
``AUTHENTICATION_BACKENDS``, so nobody signs in through it. What the portal keeps is
derived here: entitled or not, the neighbourhood, the date (a ``Residence``). The
claims and tokens live in local variables of one request; none is stored or logged.
"""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from neighbourhoods.models import Neighbourhood


class BrokerError(Exception):
    """The broker's answer could not be used (refused, expired, forged, unreachable)."""


class BrokerClient(OIDCAuthenticationBackend):
    """mozilla-django-oidc's steps of the code flow, without its user handling."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> None:
        return None  # never a way to sign in, even if someone listed it as a backend

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> None:
        raise NotImplementedError("The DigiD broker shows residence; it creates no users.")


class BrokerRedirect(OIDCAuthenticationRequestView):
    """To the broker, with state, nonce and PKCE kept in the session by
    mozilla-django-oidc. Only a POST (a button on the verification page) starts it."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return self.get(request)


def content_security_policy() -> dict[str, Any]:
    """The portal's policy with the broker's origin allowed as a form's destination
    (the "Log in with DigiD" button posts here and is redirected there)."""
    scheme, _sep, rest = settings.OIDC_OP_AUTHORIZATION_ENDPOINT.partition("://")
    policy: dict[str, Any] = dict(settings.SECURE_CSP)
    allowed: list[str] = list(policy.get("form-action", []))
    policy["form-action"] = [*allowed, f"{scheme}://{rest.split('/')[0]}"]
    return policy


@dataclass(frozen=True)
class Outcome:
    """What the portal keeps of the broker's answer: entitled (lives in one of the
    municipality's neighbourhoods) or not, and which neighbourhood."""

    entitled: bool
    neighbourhood: Neighbourhood | None
    subject: str | None = None


def pseudonym(issuer: str, subject: str) -> str:
    """The person at the broker as a keyed hash (HMAC-SHA256 of issuer and subject with
    ``PORTAL_VERIFICATION_KEY``): the same person gives the same pseudonym, which cannot
    be turned back into the subject or the BSN without the key."""
    message = f"digid|{issuer}|{subject}".encode()
    key = settings.PORTAL_VERIFICATION_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def derive(claims: dict[str, Any]) -> Outcome:
    """The neighbourhood from the wijk's CBS code, else from the postcode when it lies in
    exactly one neighbourhood. Every other claim is dropped."""
    code = str(claims.get(settings.PORTAL_DIGID_NEIGHBOURHOOD_CLAIM) or "").strip().upper()
    neighbourhood = Neighbourhood.objects.filter(cbs_code=code).first() if code else None
    postcode = str(claims.get(settings.PORTAL_DIGID_POSTCODE_CLAIM) or "").strip()
    if neighbourhood is None and postcode[:4].isdigit():
        matches = Neighbourhood.objects.with_postcode(postcode)
        neighbourhood = matches[0] if len(matches) == 1 else None
    return Outcome(entitled=neighbourhood is not None, neighbourhood=neighbourhood)


def _audience(payload: dict[str, Any]) -> list[str]:
    audience = payload.get("aud")
    return [audience] if isinstance(audience, str) else list(audience or [])


def check_claims(payload: Any, userinfo: Any | None) -> dict[str, Any]:
    """The id_token's claims as OpenID Connect Core (3.1.3.7, 5.3.2) asks: from the
    configured issuer, for this client (``azp`` this client when there are several
    audiences, or whenever it is given), with ``sub``, ``iat`` and ``exp``; userinfo only
    about the same ``sub``. Returns the claims of both together."""
    if not isinstance(payload, dict):
        raise BrokerError("no claims")
    if any(payload.get(claim) in (None, "") for claim in ("sub", "iat", "exp")):
        raise BrokerError("a required claim is missing")
    if payload.get("iss") != settings.PORTAL_DIGID_OIDC_ISSUER:
        raise BrokerError("another issuer")
    audience = _audience(payload)
    if settings.OIDC_RP_CLIENT_ID not in audience:
        raise BrokerError("another audience")
    if (len(audience) > 1 or "azp" in payload) and payload.get("azp") != (
        settings.OIDC_RP_CLIENT_ID
    ):
        raise BrokerError("another authorised party")
    claims = dict(payload)
    if userinfo is not None:
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
            raise BrokerError("userinfo about someone else")
        claims.update(userinfo)
        claims["sub"], claims["iss"] = payload["sub"], payload["iss"]
    return claims


def outcome_of_callback(
    request: HttpRequest, *, code: str, nonce: str | None, code_verifier: str | None
) -> Outcome:
    """Exchange the broker's code for its tokens, check the id_token (signature, issuer,
    audience, expiry, nonce), read the claims and derive the outcome."""
    client = BrokerClient()
    token_request = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "client_secret": settings.OIDC_RP_CLIENT_SECRET,
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
    }
    if code_verifier is not None:
        token_request["code_verifier"] = code_verifier
    try:
        tokens = client.get_token(token_request)
        if not isinstance(tokens, dict):
            raise BrokerError("no tokens")
        id_token, access_token = tokens.get("id_token"), tokens.get("access_token")
        if not id_token:
            raise BrokerError("no id_token")
        payload = client.verify_token(id_token, nonce=nonce)
        userinfo = None
        if access_token and settings.OIDC_OP_USER_ENDPOINT:
            userinfo = client.get_userinfo(access_token, id_token, payload)
        claims = check_claims(payload, userinfo)
    except (
        requests.RequestException,
        jwt.PyJWTError,
        SuspiciousOperation,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ):
        # The exception's text may quote the broker's answer: it is not passed on.
        raise BrokerError("the broker's answer could not be used") from None
    outcome = derive(claims)
    return Outcome(
        entitled=outcome.entitled,
        neighbourhood=outcome.neighbourhood,
        subject=pseudonym(str(claims["iss"]), str(claims["sub"])),
    )
