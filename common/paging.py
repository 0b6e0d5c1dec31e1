"""Paging through the city's long lists: the public lists and the officers' supplier
search."""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Paginator
from django.db.models import Func, IntegerField, Model, QuerySet, Value
from django.http import Http404

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


def _in_order[M: Model](fetch: Callable[[list[Any]], Iterable[M]], ids: list[Any]) -> list[M]:
    """The objects with ``ids``, fetched in one go, in the order of ``ids`` (an id whose
    object is gone meanwhile left out); nothing is fetched for no ids."""
    found = {row.pk: row for row in fetch(ids)} if ids else {}
    return [found[pk] for pk in ids if pk in found]


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
        return _in_order(self.fetch, [key[0] for key in self.keys[window]])


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


# A list longer than this is not counted to its end: it shows "more than 10,000".
COUNT_UP_TO = 10_000


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> int:
    """How many rows ``queryset`` finds, counted up to ``limit + 1`` at most: a total
    above ``limit`` costs what ``limit`` does (a million initiatives as a hundred
    thousand), cached while public content is unchanged."""
    limit = COUNT_UP_TO if limit is None else limit
    return cached_count(queryset.order_by().values("pk")[: limit + 1])


class _Row(Func):
    """A row value, ``(a, b, c)``: compared as a whole by PostgreSQL and SQLite, so a
    page after a key is a range of the list's index, not a walk from its start."""

    template = "(%(expressions)s)"
    output_field = IntegerField()  # what lookups dispatch on; the row is never selected


class SeekPage:
    """One page of a :class:`SeekPaginator`: its objects, its number, the total (exact up
    to ``COUNT_UP_TO``) and the query strings of the pages before and after it."""

    def __init__(
        self,
        object_list: list[Model],
        *,
        number: int,
        count: int,
        per_page: int,
        previous_query: str | None,
        next_query: str | None,
    ) -> None:
        self.object_list = object_list
        self.number = number
        self.count = min(count, COUNT_UP_TO)
        self.count_exact = count <= COUNT_UP_TO
        self.num_pages = max(1, -(-self.count // per_page))
        self.previous_query = previous_query
        self.next_query = next_query

    def has_previous(self) -> bool:
        return self.previous_query is not None

    def has_next(self) -> bool:
        return self.next_query is not None

    def has_other_pages(self) -> bool:
        return self.has_previous() or self.has_next()


class SeekPaginator:
    """Paging by key ("seek") through a list ordered newest first on plain descending
    fields (the initiatives' ``-submitted_at, -pk``): the next page is the rows after the
    last one shown (``page=3&na=<its key>``), the previous one the rows before the first
    (``page=2&voor=<key>``), each a range of the list's index, so page 40,000 of a
    million costs what page 2 does. A bare ``page=<n>`` (an old link) still works by
    offset. The total is counted up to ``COUNT_UP_TO``."""

    AFTER, BEFORE = "na", "voor"

    def __init__(self, queryset: QuerySet[Any], per_page: int) -> None:
        self.queryset = queryset
        self.per_page = per_page
        ordering = list(queryset.query.order_by)
        self.fields = [field[1:] for field in ordering if isinstance(field, str)]
        # Only a total order can be sought: one ending on the id, so no two rows share a key.
        self.seekable = (
            bool(ordering)
            and all(isinstance(field, str) and field.startswith("-") for field in ordering)
            and ordering[-1] in ("-pk", f"-{queryset.model._meta.pk.attname}")
        )

    def get_page(self, params: Mapping[str, str]) -> SeekPage:
        number = _whole(params.get("page"), 1)
        after = _whole(params.get(self.AFTER), 0) if self.seekable else 0
        before = _whole(params.get(self.BEFORE), 0) if self.seekable else 0
        cursor = self._key_of(after or before) if (after or before) else None
        # Sought by key, the page's rows are a range of the index: read whole, in one query.
        rows: list[Model] = []
        if cursor is not None and after:  # the rows after the last one of the page before
            older = self.queryset.alias(_seek=_Row(*self.fields)).filter(_seek__lt=cursor)
            rows = list(older[: self.per_page + 1])
            if not rows:
                raise Http404  # the last row of the list: no page after it
            more_before, more_after = True, len(rows) > self.per_page
            rows = rows[: self.per_page]
        elif cursor is not None:  # the rows before the first one of the page after
            newer = self.queryset.alias(_seek=_Row(*self.fields)).filter(_seek__gt=cursor)
            nearest = list(newer.reverse()[: self.per_page + 1])
            more_before, more_after = len(nearest) > self.per_page, True
            rows = nearest[: self.per_page][::-1]
            number = max(number, 2) if more_before else 1
        if cursor is None or not rows:  # page=<n> alone, a key that is gone, or none before it
            if cursor is not None:
                number = 1  # "voor" the first row of the list: the list's start
            if number > COUNT_UP_TO // self.per_page + 1:
                raise Http404  # further than the list is counted (and an offset can reach)
            # By offset: the keys of the slice on a narrow query, then those rows whole.
            offset = (number - 1) * self.per_page
            keys = self.queryset.values_list("pk", flat=True)
            ids = list(keys[offset : offset + self.per_page + 1])
            if not ids and number > 1:
                raise Http404  # past the end of the list
            more_before, more_after = number > 1, len(ids) > self.per_page
            ids = ids[: self.per_page]
            rows = _in_order(lambda wanted: self.queryset.filter(pk__in=wanted), ids)
        ids = [row.pk for row in rows]
        return SeekPage(
            rows,
            number=number,
            count=bounded_count(self.queryset),
            per_page=self.per_page,
            previous_query=(
                self._link(number - 1, self.BEFORE, ids[0]) if more_before and ids else None
            ),
            next_query=(
                self._link(number + 1, self.AFTER, ids[-1]) if more_after and ids else None
            ),
        )

    def _key_of(self, pk: int) -> _Row | None:
        values = self.queryset.filter(pk=pk).values_list(*self.fields).first()
        if values is None:
            return None
        model = self.queryset.model
        return _Row(
            *(
                Value(
                    value,
                    output_field=model._meta.pk if name == "pk" else model._meta.get_field(name),
                )
                for name, value in zip(self.fields, values, strict=True)
            )
        )

    def _link(self, number: int, direction: str, pk: int) -> str:
        if number <= 1:
            return "page=1"
        if not self.seekable:
            return f"page={number}"
        return f"page={number}&{direction}={pk}"


def _whole(value: str | None, default: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return number if number >= 1 else default
