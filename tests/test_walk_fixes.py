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


def test_the_confirmation_email_names_the_municipality_and_the_portal_in_je(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """Walk finding 13: the body said "gebruiker Anna uit De Weiden van 127.0.0.1:8000 …
    zijn of haar account", ended with a bare host, the subject was "Please Confirm Your
    Email Address" and the flash "Bevestigings e-mail verzonden"."""
    from django.contrib.messages import get_messages

    from accounts.tests.factories import PASSWORD

    settings.PORTAL_BASE_URL = "https://portaal.eemdal.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "nieuw@example.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "display_name": "Anna uit De Weiden",
            },
            HTTP_ACCEPT_LANGUAGE="nl",
            follow=True,
        )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Bevestigingsmail verstuurd naar nieuw@example.test." in said, said
    mail = mailoutbox[-1]
    assert mail.subject == f"[{settings.PORTAL_MUNICIPALITY_NAME}] Bevestig je e-mailadres"
    assert settings.PORTAL_MUNICIPALITY_NAME in mail.from_email
    assert "participatieportaal van Gemeente Eemdal" in mail.body
    assert "https://portaal.eemdal.example/" in mail.body
    assert mail.body.rstrip().endswith("https://portaal.eemdal.example/")
    for wrong in ("zijn of haar", "127.0.0.1", "Anna uit De Weiden"):
        assert wrong not in mail.body
