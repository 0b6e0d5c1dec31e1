"""Findings of the reviewer's walk through the portal (issue 28) that are not one app's:
Django's own JavaScript strings in Dutch, the map's credit in the reader's language."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory, sign_in_staff
from common.context_processors import portal

pytestmark = pytest.mark.django_db


def test_the_time_zone_note_of_the_back_office_is_dutch_in_the_js_catalogue(client):
    """Walk finding 18: "Note: Enter times in the Europe/Amsterdam timezone. (You are 1
    hour behind.)" on Dutch pages: Django's Dutch catalogue leaves it empty."""
    sign_in_staff(client, StaffFactory(is_superuser=True))
    body = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert (
        "Let op: vul tijden in de tijdzone %(timezone)s in. (Je loopt %(offset)s uur achter.)"
        in (body)
    )
    assert "uur voor.)" in body


@pytest.mark.parametrize(
    ("language", "credit"),
    [("nl", "Kaartgegevens © Kadaster (PDOK)"), ("en", "Map data © Kadaster (PDOK)")],
)
def test_the_map_credit_speaks_the_readers_language(settings, language, credit):
    """Walk finding 19: the Dutch credit stood under the map on English pages."""
    settings.PORTAL_MAP_ATTRIBUTION = ""
    with translation.override(language):
        assert portal(RequestFactory().get("/"))["map_config"]["attribution"] == credit


def test_a_credit_set_in_the_environment_is_kept(settings):
    settings.PORTAL_MAP_ATTRIBUTION = "© OpenStreetMap contributors"
    with translation.override("nl"):
        attribution = portal(RequestFactory().get("/"))["map_config"]["attribution"]
    assert attribution == "© OpenStreetMap contributors"
