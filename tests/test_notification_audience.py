"""The notification settings offer a person only the kinds they can ever receive: a
resident is not asked how to hear about moderation queues, council questions or tenders."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory
from notifications import kinds
from notifications.models import NotificationPreference
from participation.tests.factories import council_member
from procurement.models import SupplierMember
from procurement.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = {"comment_moderation", "initiative_staff", "participation_staff"}
COUNCIL_ONLY = {"participation_council"}
SUPPLIER_ONLY = {"tender_news", "certificate_expiry", "supplier_status"}


def offered(client, user) -> set[str]:
    client.force_login(user)
    form = client.get(reverse("notifications:preferences")).context["form"]
    return {name.removesuffix("__email") for name in form.fields if name.endswith("__email")}


def test_the_keys_above_are_the_registered_ones():
    registered = {kind.key for kind in kinds.kinds()}
    assert registered >= STAFF_ONLY | COUNCIL_ONLY | SUPPLIER_ONLY


def test_a_resident_is_offered_only_what_a_resident_can_receive(client):
    resident = UserFactory()
    resident.groups.add(Role.RESIDENT.group())
    shown = offered(client, resident)
    assert "announcement" in shown
    assert not shown & (STAFF_ONLY | COUNCIL_ONLY | SUPPLIER_ONLY)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "(medewerkers)" not in html


def test_each_role_is_offered_its_own_kinds(client):
    colleague = StaffFactory()
    colleague.groups.add(Role.AREA_MANAGER.group())
    assert offered(client, colleague) >= STAFF_ONLY
    assert not offered(client, colleague) & (COUNCIL_ONLY | SUPPLIER_ONLY)
    member = council_member()
    assert offered(client, member) & (STAFF_ONLY | SUPPLIER_ONLY | COUNCIL_ONLY) == COUNCIL_ONLY
    supplier_person = UserFactory()
    SupplierMember.objects.create(supplier=SupplierFactory(), user=supplier_person)
    shown = offered(client, supplier_person)
    assert shown & (STAFF_ONLY | SUPPLIER_ONLY | COUNCIL_ONLY) == SUPPLIER_ONLY


def test_a_resident_cannot_save_a_kind_they_are_not_offered(client):
    resident = UserFactory()
    client.force_login(resident)
    data = {f"{kind.key}__email": "never" for kind in kinds.kinds()}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    saved = set(NotificationPreference.objects.filter(user=resident).values_list("kind", flat=True))
    assert "announcement" in saved
    assert not saved & (STAFF_ONLY | COUNCIL_ONLY | SUPPLIER_ONLY)
