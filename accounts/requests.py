"""The request as the portal's views receive it, for type annotations: django-htmx's
middleware adds ``htmx``; behind ``login_required`` the user is a ``User``."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class PortalRequest(HttpRequest):
    htmx: HtmxDetails


class SignedInRequest(PortalRequest):
    user: User
