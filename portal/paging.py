"""Paging through the city's long public lists."""

import hashlib

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from portal import public_cache


class CityScalePaginator(Paginator):
    """Paging through tens of thousands of rows (public lists, the officers' supplier
    search). The total is kept while public
    content is unchanged (counting 100,000 initiatives on every visit is the costliest
    part of a list), and a page finds its rows' ids first, a walk over an index alone
    that stays cheap at page 2,000, before fetching just those rows with everything
    they show."""

    @cached_property
    def count(self) -> int:
        if self.object_list.query.is_empty():
            return 0
        sql, params = self.object_list.query.sql_with_params()
        key = "public-count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        return public_cache.kept_while_unchanged(key, lambda: Paginator.count.func(self))

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
