"""Distances on the earth, one formula for the whole portal."""

import math

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
