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
from collections.abc import Iterable

from django.db.models import Q

from procurement.models import SupplierMember
from radar.models import MAX_RADIUS, SavedArea
from radar.sources import SOURCES, Item

EARTH_RADIUS_METRES = 6_371_008.8
METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_METRES / 180


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


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


def _candidates(item: Item) -> Iterable[SavedArea]:
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


def areas_for(item: Item) -> list[SavedArea]:
    """The saved areas to tell about ``item``: two queries, whatever their number."""
    matches = [
        area
        for area in _candidates(item)
        if item.kind in area.kinds
        and area.user_id not in item.authors
        and area.user.is_active
        and (item.public_since is None or item.public_since >= area.created_at)
        and in_area(item, area)
    ]
    if SOURCES[item.kind].for_suppliers and matches:
        suppliers = set(
            SupplierMember.objects.filter(user__in=[area.user_id for area in matches]).values_list(
                "user_id", flat=True
            )
        )
        matches = [area for area in matches if area.user_id in suppliers]
    return matches
