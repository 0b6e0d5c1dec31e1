"""A supplier's personal calendar link: a secret in the address, never kept by a cache,
and renewable when it was shared too widely."""

import pytest
from django.urls import reverse

from procurement.models import Supplier
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory

pytestmark = pytest.mark.django_db


def feed(client, token: str):
    return client.get(reverse("procurement:supplier_ics", args=[token]))


def test_the_personal_feed_is_never_stored_by_a_cache(client):
    supplier = SupplierFactory(codes=["77000000"])
    response = feed(client, supplier.feed_token)
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_a_team_member_makes_a_new_link_and_the_old_one_stops_at_once(client):
    member = SupplierMemberFactory(supplier=SupplierFactory(codes=["77000000"]))
    supplier = member.supplier
    old = supplier.feed_token
    assert feed(client, old).status_code == 200
    client.force_login(member.user)
    assert (
        reverse("procurement:renew_feed")
        in client.get(reverse("procurement:profile")).content.decode()
    )

    response = client.post(reverse("procurement:renew_feed"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("procurement:profile")
    supplier.refresh_from_db()
    assert supplier.feed_token != old
    assert len(supplier.feed_token) == 32
    assert supplier.feed_token in response.content.decode()  # the new link on the page
    assert "oude link werkt niet meer" in response.content.decode().lower() or (
        "old link no longer works" in response.content.decode().lower()
    )
    assert feed(client, old).status_code == 404
    assert feed(client, supplier.feed_token).status_code == 200


def test_renewing_needs_a_post_and_a_company_of_ones_own(client, resident):
    other = SupplierFactory()
    old = other.feed_token
    client.force_login(resident)
    assert client.get(reverse("procurement:renew_feed")).status_code == 405
    assert client.post(reverse("procurement:renew_feed")).status_code == 404
    assert Supplier.objects.get(pk=other.pk).feed_token == old
