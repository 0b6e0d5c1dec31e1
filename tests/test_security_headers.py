"""The security headers, on every kind of response the portal gives: pages for visitors
and for the signed-in, form errors, htmx fragments, redirects, error pages (400, 403,
404, 429), open data (JSON, GeoJSON, CSV, iCal, RSS), file downloads, the personal data
export, the back office, static files and the health check.

Served as production serves them: over HTTPS, with HSTS."""

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from initiatives.models import Attachment, Status
from initiatives.tests.factories import InitiativeFactory
from participation.tests.factories import TaskTeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


def _world():
    resident = UserFactory()
    public = InitiativeFactory(status=Status.SUBMITTED)
    draft = InitiativeFactory(initiator=resident)
    attachment = Attachment.objects.create(
        initiative=draft,
        kind=Attachment.Kind.DOCUMENT,
        token="b" * 32,
        extension="pdf",
        content_type="application/pdf",
        original_name="plan.pdf",
        size=9,
        file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"),
    )
    return resident, public, attachment


# (kind of response, who asks, method, url or a function of the world, expected status)
CASES = [
    ("page for visitors", None, "get", "/", 200),
    ("page for the signed-in", "resident", "get", "/mijn/", 200),
    ("form with errors", "resident", "post", lambda w: f"/initiatieven/{w[1].pk}/reageren/", 400),
    ("htmx fragment", None, "htmx", "/initiatieven/?q=bankje", 200),
    ("redirect to sign in", None, "get", "/mijn/", 302),
    ("400 page", None, "get", "/zoeken/?q=%00", 400),
    (
        "403 page",
        "resident",
        "post",
        lambda w: f"/participatie/opgaveteams/{w[3].pk}/voortgang/",
        403,
    ),
    ("404 page", None, "get", "/bestaat-niet/", 404),
    ("429 page", "limited", "post", lambda w: f"/initiatieven/{w[1].pk}/steunen/", 429),
    ("open data JSON", None, "get", "/api/v1/initiatives.json", 200),
    ("GeoJSON", None, "get", "/api/v1/neighbourhoods.geojson", 200),
    ("CSV", None, "get", "/cijfers.csv", 200),
    ("iCal", None, "get", "/inkoop/kalender.ics", 200),
    ("RSS", None, "get", "/participatie/besluiten/rss/", 200),
    ("file download", "resident", "get", lambda w: f"/initiatieven/bestanden/{w[2].token}/", 200),
    ("personal data export", "resident", "get", "/mijn/gegevens.json", 200),
    ("back office", "staff", "get", "/beheer/", 200),
    ("static file", None, "get", "/static/portal/portal.css", 200),
    ("health check", None, "get", "/health/", 200),
]


@pytest.mark.parametrize(
    ("kind", "who", "method", "url", "status"), CASES, ids=[c[0] for c in CASES]
)
def test_security_headers_on_every_kind_of_response(
    https, settings, kind, who, method, url, status
):
    resident, public, attachment = _world()
    world = (resident, public, attachment, TaskTeamFactory())
    client = Client()
    if who == "resident":
        client.force_login(resident)
    elif who == "limited":
        settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "support": "0/m"}
        client.force_login(resident)
    elif who == "staff":
        sign_in_staff(client, StaffFactory(is_superuser=True))
    url = url(world) if callable(url) else url
    if method == "htmx":
        response = client.get(url, secure=True, HTTP_HX_REQUEST="true")
    else:
        response = getattr(client, method)(url, secure=True)
    assert response.status_code == status, kind
    headers = response.headers

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    if "sandbox" in policy:
        # Residents' files: nothing in them may run or load anything.
        assert policy.startswith("default-src 'none'")
    else:
        for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
            assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    if not url.startswith("/static/"):
        # Static files are never HTML; their CSP already forbids framing.
        assert headers["X-Frame-Options"] == "DENY"
    if who is not None:
        cache_control = headers["Cache-Control"]
        assert "private" in cache_control, kind
        assert "no-store" in cache_control, kind
    if headers["Content-Type"].startswith("text/html") and response.content:
        nonce = re.search(r"'nonce-([^']+)'", policy)
        scripts = re.findall(r"<script[^>]*>", response.content.decode())
        assert all(nonce and f'nonce="{nonce.group(1)}"' in tag for tag in scripts), kind
