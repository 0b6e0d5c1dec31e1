"""Which saved areas an item falls in. The rule (docs/architecture.md):

- an item with a point falls in a circle when its distance to the centre (haversine,
  on a sphere of the earth's mean radius) is at most the radius, boundary included;
- an item with a neighbourhood falls in the wijk area of that neighbourhood, and, when
  it has no point, in every circle whose centre lies in that neighbourhood;
- an item without any place (a tender, an event for the whole municipality) falls in
  every saved area that asked for its kind.

Then only areas that asked for the item's kind count, never the areas of the people who
made the item, and tenders only for people on a supplier's team. The database narrows
the circles to a box around the point (plain comparisons, the same on SQLite and
PostgreSQL); the distance is measured exactly here."""

import math
from collections.abc import Iterator

from django.db.models import Q

from common.geo import EARTH_RADIUS_METRES, METRES_PER_DEGREE_LATITUDE, distance_metres
from procurement.models import SupplierMember
from radar.models import MAX_RADIUS, SavedArea
from radar.sources import SOURCES, Item

__all__ = ["CHUNK", "EARTH_RADIUS_METRES", "areas_for", "distance_metres", "in_area"]

# Saved areas are read and told this many at a time (100,000 areas: a hundred chunks,
# each a fixed number of queries and never a longer IN list than this).
CHUNK = 1000


def _box(latitude: float, longitude: float) -> Q:
    """Circles whose centre is close enough that the item may lie in them (a little
    wider than the largest radius, so rounding never drops a boundary point)."""
    reach = MAX_RADIUS * 1.01
    dlat = reach / METRES_PER_DEGREE_LATITUDE
    dlng = reach / (METRES_PER_DEGREE_LATITUDE * max(0.1, math.cos(math.radians(latitude))))
    return Q(
        radius__isnull=False,
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlng,
        longitude__lte=longitude + dlng,
    )


def in_area(item: Item, area: SavedArea) -> bool:
    """Whether the item falls in the area by place (the rule above)."""
    if item.has_point and area.is_circle:
        assert item.latitude is not None
        assert item.longitude is not None
        assert area.latitude is not None
        assert area.longitude is not None
        assert area.radius is not None
        return (
            distance_metres(
                float(area.latitude), float(area.longitude), item.latitude, item.longitude
            )
            <= area.radius
        )
    if item.neighbourhood_id is not None:
        if area.is_circle:
            return not item.has_point and area.neighbourhood_id == item.neighbourhood_id
        return area.neighbourhood_id == item.neighbourhood_id
    return not item.has_point


def _candidates(item: Item):
    # The kinds are a JSON list of keys; its text holds the key in quotes, which no
    # other key's does (a LIKE, the same on SQLite and PostgreSQL).
    areas = (
        SavedArea.objects.select_related("user")
        .filter(kinds__icontains=f'"{item.kind}"')
        .order_by("pk")
    )
    if item.has_point:
        assert item.latitude is not None
        assert item.longitude is not None
        where = _box(item.latitude, item.longitude)
        if item.neighbourhood_id is not None:
            where |= Q(radius__isnull=True, neighbourhood_id=item.neighbourhood_id)
        return areas.filter(where)
    if item.neighbourhood_id is not None:
        return areas.filter(neighbourhood_id=item.neighbourhood_id)
    return areas.all()


def areas_for(item: Item) -> Iterator[list[SavedArea]]:
    """The saved areas to tell about ``item``, in chunks of at most ``CHUNK``: a fixed
    number of queries per chunk, whatever the number of areas."""
    chunk: list[SavedArea] = []
    for area in _candidates(item).iterator(chunk_size=CHUNK):
        if (
            item.kind in area.kinds
            and area.user_id not in item.authors
            and area.user.is_active
            and (item.public_since is None or item.public_since >= area.created_at)
            and in_area(item, area)
        ):
            chunk.append(area)
        if len(chunk) >= CHUNK:
            yield _for_suppliers(item, chunk)
            chunk = []
    if chunk:
        yield _for_suppliers(item, chunk)


def _for_suppliers(item: Item, chunk: list[SavedArea]) -> list[SavedArea]:
    """Tenders only for people on a supplier's team (one query per chunk)."""
    if not SOURCES[item.kind].for_suppliers:
        return chunk
    suppliers = set(
        SupplierMember.objects.filter(user__in={area.user_id for area in chunk}).values_list(
            "user_id", flat=True
        )
    )
    return [area for area in chunk if area.user_id in suppliers]
