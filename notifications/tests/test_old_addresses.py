"""The notifications moved from /meldingen/ to /berichten/ (the public-space reports took
the word): every old address answers with a permanent redirect to its new place."""

import pytest
from django.urls import reverse

from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/meldingen/", "/berichten/"),
        ("/meldingen/?page=3", "/berichten/?page=3"),
        ("/meldingen/instellingen/", "/berichten/instellingen/"),
        ("/meldingen/alles-gelezen/", "/berichten/alles-gelezen/"),
        ("/meldingen/12/openen/?next=%2Fwijken%2F", "/berichten/12/openen/?next=%2Fwijken%2F"),
        ("/meldingen/12/gelezen/", "/berichten/12/gelezen/"),
    ],
)
def test_old_address_moves_permanently_with_its_query(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_the_new_addresses_are_the_named_ones():
    assert reverse("notifications:list") == "/berichten/"
    assert reverse("notifications:preferences") == "/berichten/instellingen/"
    assert reverse("notifications:read_all") == "/berichten/alles-gelezen/"


def test_a_form_sent_to_an_old_address_is_sent_on_with_its_method(client, resident):
    """An old page's "mark as read" form: 308 keeps the POST and its body."""
    notification = NotificationFactory(recipient=resident)
    client.force_login(resident)
    old = f"/meldingen/{notification.pk}/gelezen/"
    response = client.post(old)
    assert response.status_code == 308
    assert response["Location"] == f"/berichten/{notification.pk}/gelezen/"
    followed = client.post(response["Location"])
    assert followed.status_code in (200, 302)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_old_list_reaches_the_page_titled_berichten(client, resident):
    client.force_login(resident)
    response = client.get("/meldingen/", follow=True, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.redirect_chain == [("/berichten/", 301)]
    assert "<title>Berichten" in response.content.decode()
