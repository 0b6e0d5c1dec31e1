"""Places and distances on the earth, one box and one formula for the whole portal."""

import math
from decimal import Decimal

# The Netherlands with a margin, in degrees: a point outside this box is a slip of the
# map or of the keyboard, never a place in the municipality.
LATITUDE_RANGE = (Decimal("50.5"), Decimal("53.8"))
LONGITUDE_RANGE = (Decimal("3.0"), Decimal("7.5"))

EARTH_RADIUS_METRES = 6_371_008.8
METRES_PER_DEGREE_LATITUDE = math.pi * EARTH_RADIUS_METRES / 180


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points in degrees (haversine, on a sphere
    of the earth's mean radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))
