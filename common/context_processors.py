from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

from common import public_cache


def portal(request: HttpRequest) -> dict[str, Any]:
    context = {
        "municipality_name": settings.PORTAL_MUNICIPALITY_NAME,
        "map_config": {
            "tiles": settings.PORTAL_MAP_TILE_URL,
            # The PDOK credit in the reader's language unless the tiles are someone else's.
            "attribution": settings.PORTAL_MAP_ATTRIBUTION or gettext("Map data © Kadaster (PDOK)"),
            "lat": settings.PORTAL_MAP_CENTER[0],
            "lng": settings.PORTAL_MAP_CENTER[1],
        },
    }
    if getattr(request, "visitor_page", False):
        # A page cached for every visitor carries placeholders; each response's own token
        # and script nonce replace them when the page is sent (common.public_cache).
        context["csrf_token"] = public_cache.CSRF_PLACEHOLDER
        context["csp_nonce"] = public_cache.NONCE_PLACEHOLDER
    return context
