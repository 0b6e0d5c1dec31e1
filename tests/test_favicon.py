"""Every browser asks for /favicon.ico on every page: it is there, and each page (the
back office's too) names it."""

import pytest
from django.urls import reverse

from accounts.tests.factories import StaffFactory, sign_in_staff

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_public_and_back_office_pages_link_the_icon(client):
    link = '<link rel="icon" href="/favicon.ico"'
    assert link in client.get(reverse("home")).content.decode()
    assert link in client.get("/bestaat-niet/").content.decode()
    staff = StaffFactory(is_superuser=True)
    sign_in_staff(client, staff)
    assert link in client.get(reverse("admin:index")).content.decode()
