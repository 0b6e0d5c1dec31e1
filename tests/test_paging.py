"""Paging through long public lists (common.paging)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.paging import CityScalePaginator, KeyedList
from initiatives.models import Initiative, Status
from initiatives.tests.factories import InitiativeFactory


@pytest.fixture
def initiatives(db):
    return InitiativeFactory.create_batch(22, status=Status.SUBMITTED)


def _newest():
    return Initiative.objects.public().for_listing().sorted_by("newest")


def test_every_page_holds_what_plain_paging_gives(initiatives):
    InitiativeFactory()  # a draft: never listed
    plain = Paginator(_newest(), 5, orphans=2)
    city = CityScalePaginator(_newest(), 5, orphans=2)
    assert city.count == plain.count == 22
    assert city.num_pages == plain.num_pages == 4  # the last two join page 4
    for number in plain.page_range:
        assert list(city.page(number).object_list) == list(plain.page(number).object_list)
        assert city.page(number).has_next() == plain.page(number).has_next()


def test_a_deep_page_costs_the_same_queries_as_the_first(initiatives):
    def queries(number):
        with CaptureQueriesContext(connection) as captured:
            page = CityScalePaginator(_newest(), 5).page(number)
            [initiative.theme.name for initiative in page.object_list]
        return len(captured)

    assert queries(5) == queries(1)


def test_an_impossible_filter_has_no_pages(db):
    paginator = CityScalePaginator(Initiative.objects.none(), 5)
    assert paginator.count == 0
    assert list(paginator.get_page(1).object_list) == []


@pytest.mark.django_db(transaction=True)
def test_the_total_is_cached_until_public_content_changes(settings, django_assert_num_queries):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    InitiativeFactory.create_batch(3, status=Status.SUBMITTED)
    assert CityScalePaginator(_newest(), 5).count == 3
    with django_assert_num_queries(0):
        assert CityScalePaginator(_newest(), 5).count == 3
    InitiativeFactory(status=Status.SUBMITTED)  # committed: the total is counted again
    assert CityScalePaginator(_newest(), 5).count == 4


def test_a_keyed_list_shows_its_rows_in_the_keys_order(initiatives):
    """The rows may come back in any order, and one deleted between the two queries is
    left out rather than failing the page."""
    keys = _newest().values_list("pk", "title")
    expected = [pk for pk, _title in keys[:6]]

    def fetch(ids):
        Initiative.objects.filter(pk=ids[2]).delete()  # someone else, just now
        return Initiative.objects.filter(pk__in=ids).order_by("?")

    rows = KeyedList(keys, fetch)
    assert [row.pk for row in rows[0:6]] == expected[:2] + expected[3:]
    assert rows.count() == len(rows) == 21
    with pytest.raises(TypeError):
        rows[0]
