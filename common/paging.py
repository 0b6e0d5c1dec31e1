"""Paging through the city's long lists: the public lists and the officers' supplier
search."""

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Paginator
from django.db.models import Model, QuerySet

from common import public_cache

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination


def cached_count(queryset: QuerySet[Any]) -> int:
    """How many rows ``queryset`` finds, cached while public content is unchanged: counting
    100,000 initiatives on every visit is the costliest part of a list."""
    if queryset.query.is_empty():
        return 0
    sql, params = queryset.query.sql_with_params()
    key = "public-count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
    return public_cache.cached_while_unchanged(key, queryset.count)


class KeyedList:
    """A long ordered list that is counted and sliced on a narrow query of its keys
    (rows whose first value is an object's id, in the list's order), and only the
    objects of the slice asked for are fetched, by id, with everything they show."""

    def __init__(self, keys: QuerySet[Any], fetch: Callable[[list[Any]], Iterable[Model]]) -> None:
        self.keys = keys
        self.fetch = fetch  # ids -> the objects with those ids, in any order

    def count(self) -> int:
        return cached_count(self.keys)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Model]:
        if not isinstance(window, slice):
            raise TypeError("A KeyedList is read a page (a slice) at a time.")
        ids = [key[0] for key in self.keys[window]]
        found = {row.pk: row for row in self.fetch(ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


class CityScalePaginator(Paginator):  # type: ignore[type-arg]  # not subscriptable at run time
    """Paging through tens of thousands of rows (the public lists, the admin's supplier
    list). The total is cached while public content is unchanged, and a page finds its
    rows' ids first, a walk over an index alone that stays cheap at page 2,000, before
    fetching just those rows with everything they show."""

    def __init__(
        self,
        object_list: "_SupportsPagination[Any]",
        per_page: int | str,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if isinstance(object_list, QuerySet):
            queryset = object_list
            keyed = KeyedList(queryset.values_list("pk"), lambda ids: queryset.filter(pk__in=ids))
            # Paginator only takes its length and slices it, a page at a time.
            object_list = cast("_SupportsPagination[Any]", keyed)
        super().__init__(object_list, per_page, *args, **kwargs)
