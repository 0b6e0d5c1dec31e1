"""Secrets in URLs (a supplier's calendar feed, links from emails) never reach the log."""

import io
import logging

import pytest
from django.urls import reverse

from common.log_redaction import RedactSecrets, redact
from procurement.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        (f"/inkoop/kalender/{TOKEN}.ics", "/inkoop/kalender/[redacted].ics"),
        (f"/enquetes/uitnodiging/{TOKEN}/", "/enquetes/uitnodiging/[redacted]/"),
        (f"/meldingen/uitschrijven/{TOKEN}/", "/meldingen/uitschrijven/[redacted]/"),
        (f"/account/password/reset/key/1-{TOKEN}/", "/account/password/reset/key/[redacted]/"),
        (f"/account/confirm-email/{TOKEN}/", "/account/confirm-email/[redacted]/"),
        (f"/openbare-ruimte/bevestigen/{TOKEN}/", "/openbare-ruimte/bevestigen/[redacted]/"),
        (f"/openbare-ruimte/tevredenheid/{TOKEN}/", "/openbare-ruimte/tevredenheid/[redacted]/"),
    ],
)
def test_a_secret_in_a_path_is_replaced(path, kept):
    assert redact(f"Not Found: {path}") == f"Not Found: {kept}"


def test_other_paths_are_logged_as_they_are():
    for text in ["Not Found: /inkoop/kalender.csv", "Not Found: /wijken/centrum/"]:
        assert redact(text) == text


def test_the_portals_log_never_shows_a_calendar_token(client):
    """A request for an old (renewed) feed address is logged as "Not Found" by Django:
    the console handler writes it without the token."""
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in handler.filters)
    ]
    supplier = SupplierFactory()
    old = supplier.feed_token
    supplier.renew_feed_token()
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get(reverse("procurement:supplier_ics", args=[old]))
    finally:
        console.setStream(previous)
    assert response.status_code == 404
    logged = stream.getvalue()
    assert "Not Found: /inkoop/kalender/[redacted].ics" in logged
    assert old not in logged
