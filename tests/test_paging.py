"""Paging through long public lists (common.paging)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.paging import CityScalePaginator, KeyedList, SeekPaginator
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


# --- paging by key (SeekPaginator): the public initiatives list ---------------------------


def _walk(paginator, params):
    """Every page from ``params`` on, following the next links."""
    pages = []
    while True:
        page = paginator.get_page(params)
        pages.append(page)
        if not page.has_next():
            return pages
        params = dict(pair.split("=") for pair in page.next_query.split("&"))


def test_pages_by_key_hold_what_paging_by_offset_gives(initiatives):
    InitiativeFactory()  # a draft: never listed
    plain = Paginator(_newest(), 5)
    pages = _walk(SeekPaginator(_newest(), 5), {})
    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
    for page in pages:
        assert page.object_list == list(plain.page(page.number).object_list)
        assert (page.count, page.count_exact, page.num_pages) == (22, True, 5)
        assert page.has_previous() == (page.number > 1)
    assert "na=" in pages[1].next_query


def test_the_previous_link_gives_the_page_before_again(initiatives):
    pages = _walk(SeekPaginator(_newest(), 5), {})
    paginator = SeekPaginator(_newest(), 5)
    for page, before in zip(pages[1:], pages, strict=False):
        params = dict(pair.split("=") for pair in page.previous_query.split("&"))
        again = paginator.get_page(params)
        assert (again.number, again.object_list) == (before.number, before.object_list)
    assert pages[1].previous_query == "page=1"


def test_an_old_page_number_link_still_works_and_past_the_end_is_not_found(initiatives):
    paginator = SeekPaginator(_newest(), 5)
    assert paginator.get_page({"page": "3"}).object_list == list(
        Paginator(_newest(), 5).page(3).object_list
    )
    assert paginator.get_page({"page": "x", "na": "nee"}).number == 1
    with pytest.raises(Http404):
        paginator.get_page({"page": "6"})


def test_a_key_that_is_gone_falls_back_to_the_page_number(initiatives):
    paginator = SeekPaginator(_newest(), 5)
    second = paginator.get_page({"page": "2"})
    Initiative.objects.filter(pk=initiatives[0].pk).delete()
    page = paginator.get_page({"page": "2", "na": str(initiatives[0].pk)})
    assert page.number == 2
    assert page.object_list == list(Paginator(_newest(), 5).page(2).object_list)
    assert second.number == 2


def test_a_deep_page_by_key_costs_the_same_queries_as_the_second(initiatives):
    pages = _walk(SeekPaginator(_newest(), 5), {})

    def queries(query):
        params = dict(pair.split("=") for pair in query.split("&"))
        with CaptureQueriesContext(connection) as captured:
            page = SeekPaginator(_newest(), 5).get_page(params)
            [initiative.theme.name for initiative in page.object_list]
        return len(captured)

    assert queries(pages[0].next_query) == queries(pages[3].next_query)


def test_a_list_longer_than_counted_says_more_than(initiatives, monkeypatch):
    monkeypatch.setattr("common.paging.COUNT_UP_TO", 10)
    page = SeekPaginator(_newest(), 5).get_page({})
    assert (page.count, page.count_exact) == (10, False)
    assert page.has_next()


def test_the_list_page_links_by_key_and_says_more_than_when_long(client, initiatives, monkeypatch):
    monkeypatch.setattr("initiatives.views.PAGE_SIZE", 5)
    content = client.get(reverse("initiatives:list")).content.decode()
    assert "22 initiatieven gevonden" in content
    assert "Pagina 1 van 5" in content
    newest = list(_newest().values_list("pk", flat=True))
    assert f"page=2&amp;na={newest[4]}" in content
    second = client.get(reverse("initiatives:list"), {"page": 2, "na": newest[4]})
    assert "page=1" in second.content.decode()
    assert f"page=3&amp;na={newest[9]}" in second.content.decode()
    monkeypatch.setattr("common.paging.COUNT_UP_TO", 10)
    content = client.get(reverse("initiatives:list"), {"sort": "newest"}).content.decode()
    assert "Meer dan 10 initiatieven gevonden" in content
    assert "Pagina 1<" in content


# --- review findings (paging-fixes) --------------------------------------------------------


def _params(query):
    return dict(pair.split("=") for pair in query.split("&"))


def test_before_the_first_row_of_the_list_gives_its_start(initiatives):
    paginator = SeekPaginator(_newest(), 5)
    first = paginator.get_page({})
    page = paginator.get_page({"page": "2", "voor": str(first.object_list[0].pk)})
    assert (page.number, page.object_list) == (1, first.object_list)
    assert not page.has_previous()
    assert _params(page.next_query) == _params(first.next_query)


def test_a_page_number_beyond_what_is_counted_is_not_found(initiatives):
    paginator = SeekPaginator(_newest(), 5)
    for huge in ("999999999999999999999999999999", "2001", str(2**63)):
        with pytest.raises(Http404):
            paginator.get_page({"page": huge})
    page = paginator.get_page({"page": "2", "na": "999999999999999999999999999999"})
    assert page.number == 2  # no such key: by the page number


def test_after_the_last_row_of_the_list_is_not_found(initiatives):
    paginator = SeekPaginator(_newest(), 5)
    last = _walk(paginator, {})[-1]
    with pytest.raises(Http404):
        paginator.get_page({"page": "6", "na": str(last.object_list[-1].pk)})


def test_an_order_that_is_not_total_is_paged_by_offset(initiatives):
    by_day = Initiative.objects.public().for_listing().order_by("-submitted_at")
    paginator = SeekPaginator(by_day, 5)
    assert not paginator.seekable
    page = paginator.get_page({"page": "2", "na": str(initiatives[0].pk)})
    assert page.number == 2
    assert page.next_query == "page=3"
    assert page.previous_query == "page=1"
    assert SeekPaginator(_newest(), 5).seekable


def _both_ways(queryset, per_page=5):
    """Every page following the next links, then back following the previous links."""
    paginator = SeekPaginator(queryset, per_page)
    pages = _walk(paginator, {})
    back = [pages[-1]]
    while back[-1].has_previous():
        back.append(paginator.get_page(_params(back[-1].previous_query)))
    return pages, back[::-1]


def test_rows_with_the_same_sort_key_are_each_listed_once_both_ways(initiatives):
    Initiative.objects.update(submitted_at=initiatives[0].submitted_at)  # all tied
    pages, back = _both_ways(_newest())
    listed = [row.pk for page in pages for row in page.object_list]
    assert listed == list(_newest().values_list("pk", flat=True))
    assert len(set(listed)) == 22
    assert [page.object_list for page in back] == [page.object_list for page in pages]


def test_most_supported_is_sought_both_ways(initiatives):
    for number, initiative in enumerate(initiatives):
        Initiative.objects.filter(pk=initiative.pk).update(supporter_count=number % 4)
    supported = Initiative.objects.public().for_listing().sorted_by("supported")
    assert SeekPaginator(supported, 5).seekable
    pages, back = _both_ways(supported)
    plain = Paginator(supported, 5)
    assert [page.number for page in pages] == [1, 2, 3, 4, 5]
    for page in pages:
        assert page.object_list == list(plain.page(page.number).object_list)
    assert "na=" in pages[1].next_query
    assert "voor=" in pages[2].previous_query
    assert [page.object_list for page in back] == [page.object_list for page in pages]


def test_the_links_keep_the_search_sort_and_filters_also_in_the_partial(
    client, initiatives, monkeypatch
):
    monkeypatch.setattr("initiatives.views.PAGE_SIZE", 5)
    theme = initiatives[0].theme
    Initiative.objects.update(theme=theme, title="Meer groen in de straat")
    asked = {"q": "groen", "sort": "supported", "theme": theme.slug}
    supported = Initiative.objects.public().for_listing().sorted_by("supported")
    keys = list(supported.values_list("pk", flat=True))
    kept = f"q=groen&amp;sort=supported&amp;theme={theme.slug}&amp;"
    for headers in ({}, {"HX-Request": "true"}):
        second = client.get(
            reverse("initiatives:list"), {**asked, "page": 2, "na": keys[4]}, headers=headers
        )
        content = second.content.decode()
        assert f'href="?{kept}page=3&amp;na={keys[9]}"' in content
        assert f'href="?{kept}page=1"' in content
    assert "<html" not in content  # the partial: the results alone
