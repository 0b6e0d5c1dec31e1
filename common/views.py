"""The answers every deployment needs whatever its apps: errors and health."""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.health import run_checks


def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an error nobody caught (``handler500``). When the database cannot be
    reached (restarting, failing over), that is not the visitor's request going wrong: a
    503 that says to try again in a minute. Both pages render without the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: 200 when the database (and Redis and the
    task broker where configured) answer, else 503 naming what does not. Says nothing
    more than each service's state."""
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
