"""The supplier search's CPV index follows the codes a supplier chose and the supplier's
own facts, however they change, and searching it finds what a search over the suppliers
and their codes themselves would."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from procurement.forms import SupplierSearchForm
from procurement.models import Certificate, CpvCode, Supplier, SupplierCpvPrefix, cpv_overlap
from procurement.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def prefixes(supplier) -> set[str]:
    return set(SupplierCpvPrefix.objects.filter(supplier=supplier).values_list("prefix", flat=True))


def code(value: str) -> CpvCode:
    return CpvCode.objects.get(code=value)


def test_every_level_from_the_division_to_a_chosen_code_is_indexed_once():
    supplier = SupplierFactory(codes=["45233000", "45000000"])
    assert prefixes(supplier) == {"45", "452", "4523", "45233"}


def test_adding_removing_and_clearing_codes_keeps_the_prefixes_in_step():
    supplier = SupplierFactory(codes=["77310000"])
    supplier.cpv_codes.add(code("45233000"))
    assert "4523" in prefixes(supplier)
    supplier.cpv_codes.remove(code("77310000"))
    assert not {prefix for prefix in prefixes(supplier) if prefix.startswith("77")}
    supplier.cpv_codes.set([code("72000000")])
    assert prefixes(supplier) == {"72"}
    supplier.cpv_codes.clear()
    assert prefixes(supplier) == set()


def test_changes_from_the_code_side_reach_every_supplier_concerned():
    first, second = SupplierFactory(codes=[]), SupplierFactory(codes=[])
    roads = code("45233000")
    roads.suppliers.add(first, second)
    assert "45233" in prefixes(first)
    assert "45233" in prefixes(second)
    roads.suppliers.remove(first)
    assert prefixes(first) == set()
    roads.suppliers.clear()
    assert prefixes(second) == set()


def test_other_suppliers_are_left_alone_and_deleting_a_supplier_removes_its_rows():
    kept = SupplierFactory(codes=["77310000"])
    gone = SupplierFactory(codes=["77310000"])
    gone.cpv_codes.set([code("45000000")])
    assert prefixes(kept) == {"77", "773", "7731"}
    gone_pk = gone.pk
    gone.delete()
    assert not SupplierCpvPrefix.objects.filter(supplier_id=gone_pk).exists()


@pytest.mark.parametrize("searched", ["45", "452", "4523", "45233", "77", "7731", "03"])
def test_searching_the_prefixes_finds_what_searching_the_codes_finds(searched):
    """Below the searched code through the prefixes, above it through the codes."""
    for codes in [["45000000"], ["45233000"], ["45210000", "77310000"], ["77000000"], []]:
        SupplierFactory(codes=codes)
    by_codes = Supplier.objects.filter(cpv_overlap("cpv_codes", [searched])).distinct()
    assert set(Supplier.objects.in_cpv_subtree(searched)) == set(by_codes)


def test_rebuilding_everything_gives_the_same_rows():
    SupplierFactory(codes=["45233000", "45000000"])
    SupplierFactory(codes=["77310000"])
    before = set(SupplierCpvPrefix.objects.values_list("supplier_id", "prefix"))
    SupplierCpvPrefix.rebuild()
    assert set(SupplierCpvPrefix.objects.values_list("supplier_id", "prefix")) == before
    assert before


def test_no_codes_means_no_suppliers():
    SupplierFactory(codes=["45000000"])
    assert not Supplier.objects.in_cpv_subtree().exists()


def test_the_levels_a_supplier_chose_are_marked():
    supplier = SupplierFactory(codes=["45233000", "45000000"])
    chosen = SupplierCpvPrefix.objects.filter(supplier=supplier, chosen=True)
    assert set(chosen.values_list("prefix", flat=True)) == {"45", "45233"}


def copies(supplier) -> set[tuple]:
    rows = SupplierCpvPrefix.objects.filter(supplier=supplier)
    return set(rows.values_list(*SupplierCpvPrefix.COPIED))


def facts(supplier) -> tuple:
    supplier.refresh_from_db()
    return tuple(getattr(supplier, field) for field in SupplierCpvPrefix.COPIED)


def test_the_copies_follow_every_change_of_the_supplier():
    """Saved from a form, updated in bulk by an admin action, or erased: the database
    keeps the copies in step, and leaves other suppliers' rows alone."""
    supplier = SupplierFactory(codes=["45233000", "77310000"], status=Supplier.Status.PENDING)
    other = SupplierFactory(codes=["45233000"], name="Ander Bedrijf")
    others_before = copies(other)
    assert copies(supplier) == {facts(supplier)}

    supplier.name = "Nieuwe Naam B.V."
    supplier.staff_count = 400  # a large company from now on (size follows on save)
    supplier.turnover = "more"
    supplier.postcode = "1011 AB"  # no longer local
    supplier.service_area = Supplier.Area.COUNTRY
    supplier.social_enterprise = True
    supplier.wants_invitations = False
    supplier.save()
    assert copies(supplier) == {facts(supplier)}
    assert facts(supplier)[2:5] == ("large", "country", False)

    Supplier.objects.filter(pk=supplier.pk).update(status=Supplier.Status.VERIFIED)
    assert copies(supplier) == {facts(supplier)}
    assert facts(supplier)[1] == "verified"
    assert copies(other) == others_before


SEARCHES = [
    {},
    {"status": "any"},
    {"status": "pending"},
    {"size": "sme"},
    {"size": "small", "service_area": "region"},
    {"local": "on"},
    {"social_enterprise": "on", "wants_invitations": "on"},
    {"certificate": "vca"},
    {"q": "bouw"},
    {"q": "KVK"},  # the KvK number of one of them
]


@pytest.mark.parametrize("cpv", ["", "45", "452", "4521", "45233000-2", "77", "03"])
def test_the_search_finds_what_reading_every_supplier_finds(cpv):
    """Every combination of a code with the other criteria, against a plain reading of
    each supplier and its codes."""
    today = timezone.localdate()
    codes = [["45000000"], ["45210000"], ["45233000", "77310000"], ["45200000"], ["77000000"], []]
    sizes = [(5, "2m"), (20, "10m"), (400, "more")]
    variants = itertools.product(codes, sizes, ["3811 AB", "1011 AB"], Supplier.Area.values)
    for number, (chosen, (staff, turnover), postcode, area) in enumerate(variants):
        supplier = SupplierFactory(
            name=["Bouw", "Groen", "Bouw"][number % 3] + f" {number % 5}",
            codes=chosen,
            staff_count=staff,
            turnover=turnover,
            postcode=postcode,
            service_area=area,
            social_enterprise=number % 4 == 0,
            wants_invitations=number % 3 != 0,
            status=Supplier.Status.values[number % 3],
        )
        if number % 7 == 0:
            Certificate.objects.create(supplier=supplier, kind="vca", valid_until=today)
        if number % 7 == 1:
            Certificate.objects.create(
                supplier=supplier, kind="vca", valid_until=today - timedelta(days=1)
            )
    someone = Supplier.objects.filter(cpv_codes__code="45210000").first()
    finds = []
    for criteria in SEARCHES:
        if criteria.get("q") == "KVK":
            criteria = {"q": someone.kvk_number}
        form = SupplierSearchForm({**criteria, "cpv": cpv})
        assert form.is_valid(), form.errors
        expected = _read_every_supplier(form.cleaned_data)
        found = list(form.found())
        assert [pk for pk, _name in found] == expected, criteria
        assert form.found().count() == len(expected)
        finds.append(len(expected))
    if cpv == "03":
        assert not any(finds)  # nobody delivers agricultural products
    else:
        assert all(finds[:7]), finds  # the test is not passing on empty results


def _read_every_supplier(asked) -> list[int]:
    """The ids of the suppliers that match, in the search's order, read one by one."""
    prefix = CpvCode.prefix_of_input(asked["cpv"].split("-")[0]) if asked["cpv"] else None
    today = timezone.localdate()
    matches = []
    for supplier in Supplier.objects.prefetch_related("cpv_codes", "certificates"):
        own = [code.prefix for code in supplier.cpv_codes.all()]
        query = asked["q"].strip()
        if not all(
            [
                asked["status"] == "any" or supplier.status == asked["status"],
                not prefix or any(p.startswith(prefix) or prefix.startswith(p) for p in own),
                asked["size"] != "sme" or supplier.is_sme,
                asked["size"] in ("", "sme") or supplier.size == asked["size"],
                not asked["service_area"] or supplier.service_area == asked["service_area"],
                not asked["local"] or supplier.is_local,
                not asked["social_enterprise"] or supplier.social_enterprise,
                not asked["wants_invitations"] or supplier.wants_invitations,
                not asked["certificate"]
                or any(
                    certificate.kind == asked["certificate"] and certificate.valid_until >= today
                    for certificate in supplier.certificates.all()
                ),
                not query
                or (
                    supplier.kvk_number == query
                    if query.isdigit() and len(query) == 8
                    else query.lower() in supplier.name.lower()
                ),
            ]
        ):
            continue
        matches.append(supplier.pk)
    # In the database's own order of names (its collation), ties by id.
    return list(
        Supplier.objects.filter(pk__in=matches).order_by("name", "pk").values_list("pk", flat=True)
    )
