"""The supplier search's CPV prefixes follow the codes a supplier chose, however they
change, and searching them finds what a search over the codes themselves would."""

import pytest

from procurement.models import CpvCode, Supplier, SupplierCpvPrefix, cpv_overlap
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
