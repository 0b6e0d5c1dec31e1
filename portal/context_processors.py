from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal import public_cache


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from portal.models import Notification

        # Counted only where the page shows it (the portal's header, not the back office).
        unread = SimpleLazyObject(lambda: Notification.objects.visible_to(user).unread().count())
    context = {
        "municipality_name": settings.PORTAL_MUNICIPALITY_NAME,
        "unread_notifications": unread,
        "map_config": {
            "tiles": settings.PORTAL_MAP_TILE_URL,
            "attribution": settings.PORTAL_MAP_ATTRIBUTION,
            "lat": settings.PORTAL_MAP_CENTER[0],
            "lng": settings.PORTAL_MAP_CENTER[1],
        },
    }
    if getattr(request, "visitor_page", False):
        # A page kept for every visitor carries placeholders; each response's own token
        # and script nonce replace them when the page is sent (portal.public_cache).
        context["csrf_token"] = public_cache.CSRF_PLACEHOLDER
        context["csp_nonce"] = public_cache.NONCE_PLACEHOLDER
    return context
