"""A real OpenID Connect provider on the loopback, configured as a municipality's DigiD
broker (tests/oidc_broker.mjs, the npm package oidc-provider), for the tests of
``neighbourhoods.digid``: started for a test and stopped after it."""

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.concurrency import free_port
from tests.loopback import stop

SCRIPT = Path(__file__).with_name("oidc_broker.mjs")
CLIENT_ID = "participatieportaal"
CLIENT_SECRET = "broker-test-secret-0123456789abcdef"


@dataclass(frozen=True)
class Broker:
    issuer: str
    process: subprocess.Popen

    def configure(self, settings) -> None:
        """Point the portal's DigiD settings at this broker."""
        settings.PORTAL_DIGID_OIDC_ISSUER = self.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{self.issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{self.issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{self.issuer}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{self.issuer}/jwks"
        settings.OIDC_RP_SIGN_ALGO = "RS256"


@contextlib.contextmanager
def running_broker(
    redirect_uris: list[str], residents: dict[str, dict], *, fresh_keys: bool = False
) -> Iterator[Broker]:
    """Start the broker; ``residents`` maps a BSN to the claims the BRP gives it;
    ``fresh_keys`` signs with a key of its own (another broker's)."""
    port = free_port()
    env = {
        "PORT": str(port),
        "REDIRECT_URI": " ".join(redirect_uris),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "RESIDENTS": json.dumps(residents),
        "FRESH_KEYS": "1" if fresh_keys else "",
        "NODE_PATH": str(SCRIPT.parent.parent / "node_modules"),
    }
    node = shutil.which("node") or "node"
    process = subprocess.Popen(  # noqa: S603 (our own broker script on the loopback)
        [node, str(SCRIPT)],
        cwd=SCRIPT.parent.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line.startswith("ready "):
            raise RuntimeError(f"The OpenID Connect broker did not start: {line!r}")
        yield Broker(issuer=line.split()[1], process=process)
    finally:
        stop(process)


def _form(html: str, base: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, html[:500]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return urljoin(base, unescape(action.group(1))), hidden


def sign_in_at_broker(authorize_url: str, bsn: str) -> str:
    """Do at the broker what a resident does in the browser (sign in with the BSN as the
    login) and return where it sends them back: the portal's callback with code and
    state."""
    session = requests.Session()
    response = session.get(authorize_url, timeout=10)
    action, fields = _form(response.text, response.url)
    response = session.post(
        action, data={**fields, "login": bsn, "password": "digid"}, allow_redirects=False
    )
    origin = "/".join(authorize_url.split("/", 3)[:3])
    for _hop in range(10):
        assert response.status_code in (302, 303), response.text[:500]
        location = urljoin(response.url, response.headers["Location"])
        if not location.startswith(origin + "/"):
            return location  # back to the portal
        response = session.get(location, allow_redirects=False)
    raise AssertionError("The broker did not send the resident back.")
