"""The officers' supplier search in the back office: what it finds, who may use it, bad
input, and that cached results never outlive a change."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp, sign_in_staff
from procurement.models import Certificate, Supplier
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory

pytestmark = pytest.mark.django_db

SEARCH = "/beheer/procurement/supplier/zoeken/"


def found(client, **criteria) -> str:
    response = client.get(SEARCH, criteria)
    assert response.status_code == 200
    return response.content.decode()


def test_officer_finds_suppliers_in_a_cpv_subtree(client, officer):
    SupplierFactory(name="Wegenbouw Eemdal", codes=["45233000"])
    SupplierFactory(name="Bouwbedrijf Algemeen", codes=["45000000"])
    SupplierFactory(name="Hoveniers Eemdal", codes=["77310000"])
    content = found(client, cpv="4523")
    assert "Wegenbouw Eemdal" in content
    # A supplier of all construction work (45) can build roads (4523) too.
    assert "Bouwbedrijf Algemeen" in content
    assert "Hoveniers Eemdal" not in content
    assert "2 leveranciers gevonden" in content
    assert "Hoveniers Eemdal" in found(client, cpv="77310000-0")


def test_only_verified_suppliers_unless_the_officer_asks_for_others(client, officer):
    SupplierFactory(name="Geverifieerd BV")
    SupplierFactory(name="Wacht Nog BV", status=Supplier.Status.PENDING)
    SupplierFactory(name="Geschorst BV", status=Supplier.Status.SUSPENDED)
    content = found(client)
    assert "Geverifieerd BV" in content
    assert "Wacht Nog BV" not in content
    assert "Geschorst BV" not in content
    assert "Wacht Nog BV" in found(client, status="pending")
    everyone = found(client, status="any")
    assert all(name in everyone for name in ["Geverifieerd BV", "Wacht Nog BV", "Geschorst BV"])


def test_size_area_local_and_social_filters(client, officer):
    SupplierFactory(
        name="Klein Lokaal",
        staff_count=20,
        turnover="10m",
        postcode="3811 AB",
        service_area=Supplier.Area.MUNICIPALITY,
        social_enterprise=True,
    )
    SupplierFactory(
        name="Groot Landelijk",
        staff_count=400,
        turnover="more",
        postcode="1011 AB",
        service_area=Supplier.Area.COUNTRY,
    )
    for criteria, shown, hidden in [
        ({"size": "small"}, "Klein Lokaal", "Groot Landelijk"),
        ({"size": "sme"}, "Klein Lokaal", "Groot Landelijk"),
        ({"size": "large"}, "Groot Landelijk", "Klein Lokaal"),
        ({"local": "on"}, "Klein Lokaal", "Groot Landelijk"),
        ({"service_area": "country"}, "Groot Landelijk", "Klein Lokaal"),
        ({"social_enterprise": "on"}, "Klein Lokaal", "Groot Landelijk"),
    ]:
        content = found(client, **criteria)
        assert shown in content, criteria
        assert hidden not in content, criteria


def test_only_certificates_still_valid_count(client, officer):
    today = timezone.localdate()
    valid = SupplierFactory(name="Met Geldige VCA")
    expired = SupplierFactory(name="Met Verlopen VCA")
    Certificate.objects.create(supplier=valid, kind="vca", valid_until=today)
    Certificate.objects.create(supplier=expired, kind="vca", valid_until=today - timedelta(days=1))
    content = found(client, certificate="vca")
    assert "Met Geldige VCA" in content
    assert "Met Verlopen VCA" not in content
    assert "VCA (veiligheid)" in content  # the valid certificate is shown in its row


def test_search_by_name_or_kvk_number(client, officer):
    SupplierFactory(name="Schildersbedrijf De Kwast", kvk_number="12345678")
    SupplierFactory(name="Glazenwasserij Helder", kvk_number="87654321")
    for query, shown, hidden in [
        ("kwast", "De Kwast", "Helder"),
        ("87654321", "Helder", "De Kwast"),
    ]:
        content = found(client, q=query)
        assert shown in content, query
        assert hidden not in content, query


def test_results_link_to_the_supplier_in_the_back_office(client, officer):
    supplier = SupplierFactory(name="Wegenbouw Eemdal")
    content = found(client)
    assert reverse("admin:procurement_supplier_change", args=[supplier.pk]) in content
    changelist = client.get("/beheer/procurement/supplier/").content.decode()
    assert SEARCH in changelist


def test_pages_of_fifty(client, officer):
    SupplierFactory.create_batch(51)
    first = found(client)
    assert "51 leveranciers gevonden" in first
    assert "Pagina 1 van 2" in first
    assert "page=2" in first
    second = found(client, page="2")
    assert "Pagina 2 van 2" in second
    # A page that is not a number, or past the end, shows a page rather than an error.
    assert "Pagina 1 van 2" in found(client, page="abc")
    assert "Pagina 2 van 2" in found(client, page="999")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cpv", "bouw"),
        ("cpv", "4"),
        ("cpv", "123456789"),
        ("size", "enormous"),
        ("service_area", "mars"),
        ("certificate", "iso27001"),
        ("status", "deleted"),
        ("q", "x" * 81),
    ],
)
def test_bad_input_gets_an_error_beside_the_field_and_no_results(client, officer, field, value):
    SupplierFactory(name="Wegenbouw Eemdal")
    response = client.get(SEARCH, {field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content
    assert "errornote" in content
    assert "Wegenbouw Eemdal" not in content


def test_query_count_is_the_same_for_one_supplier_and_many(client, officer):
    def count() -> int:
        client.get(SEARCH, {"cpv": "45"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(SEARCH, {"cpv": "45"})
        assert response.status_code == 200
        return len(queries)

    supplier = SupplierFactory(codes=["45233000"])
    Certificate.objects.create(
        supplier=supplier, kind="vca", valid_until=timezone.localdate() + timedelta(days=30)
    )
    one = count()
    for supplier in SupplierFactory.create_batch(30, codes=["45000000"]):
        Certificate.objects.create(
            supplier=supplier, kind="pso", valid_until=timezone.localdate() + timedelta(days=9)
        )
    assert count() == one


@pytest.mark.django_db(transaction=True)
def test_cached_results_are_renewed_when_a_supplier_changes(client, officer, settings):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    supplier = SupplierFactory(name="Wegenbouw Eemdal", codes=["45233000"])
    assert "Wegenbouw Eemdal" in found(client, cpv="45")
    with CaptureQueriesContext(connection) as rendered:
        found(client, q="Wegenbouw")
    with CaptureQueriesContext(connection) as cached:
        found(client, q="Wegenbouw")
    assert len(cached) < len(rendered)  # the second time the results come from the cache
    supplier.name = "Wegen en Water Eemdal"
    supplier.save()
    content = found(client, cpv="45")
    assert "Wegen en Water Eemdal" in content
    assert "Wegenbouw Eemdal" not in content
    supplier.cpv_codes.clear()
    emptied = found(client, cpv="45")
    assert "Wegen en Water Eemdal" not in emptied
    assert "0 leveranciers gevonden" in emptied
    # Cached per language: the English page has English labels.
    client.post(reverse("set_language"), {"language": "en", "next": SEARCH})
    assert "suppliers found" in found(client, cpv="45")


def test_who_may_not_search_suppliers(client):
    SupplierFactory(name="Wegenbouw Eemdal")
    # A visitor is sent to sign in.
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert "Wegenbouw Eemdal" not in response.content.decode()
    # A resident, and a supplier, are no staff: sent to sign in as staff.
    for user in [UserFactory(), SupplierMemberFactory().user]:
        client.force_login(user)
        response = client.get(SEARCH)
        assert response.status_code == 302
        client.logout()
    # A colleague with another role may enter the back office but not this search.
    colleague = StaffFactory()
    colleague.groups.add(Role.AREA_MANAGER.group())
    sign_in_staff(client, colleague)
    assert client.get(SEARCH).status_code == 403
    client.logout()
    # An officer whose session did not use the authenticator app confirms it first.
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    client.force_login(officer)
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert "Wegenbouw Eemdal" not in response.content.decode()
