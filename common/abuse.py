"""Guards against abuse of the portal's public forms.

Two guards, both on top of what allauth already limits (sign-in failures, sign-up,
password reset):

- **Rate limits** per person (or, for a visitor, per network address) on the actions a
  script could repeat: submitting initiatives, supporting, commenting, voting on the
  agenda, answering surveys, registering suppliers. The counters live in the cache
  (Redis in production, shared by every worker) through django-ratelimit; the rates are
  the ``PORTAL_RATE_LIMITS`` setting. Someone over the limit gets a page that says so and
  when to try again, with status 429; nothing of the refused request is saved.
- **A honeypot field** on forms anyone can send: a text box hidden from people (off
  screen, hidden from screen readers, out of the tab order) that spam scripts fill in.
  A form that comes back with it filled is refused with an error, and nothing is saved.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from django import forms
from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

_GROUP_PREFIX = "portal."
MAIN_CONTENT = "#main > .portal-main__content"  # base.html's content area


def _rate(group: str, request: HttpRequest) -> str:
    """The rate of an action, read per request so that a changed setting applies at once."""
    return settings.PORTAL_RATE_LIMITS[group.removeprefix(_GROUP_PREFIX)]


class ViewDecorator(Protocol):
    """A decorator that returns the view it is given, wrapped (``functools.wraps``)."""

    def __call__[V: Callable[..., HttpResponse]](self, view: V, /) -> V: ...


def rate_limited(
    action: str,
    *,
    methods: tuple[str, ...] = ("POST",),
    key: str | Callable[[str, HttpRequest], str] = "user_or_ip",
) -> ViewDecorator:
    """Limit how often one person (signed in) or one address (visitor) may do ``action``.

    Only ``methods`` count (reading a form is free; sending it is not). Over the limit,
    the request is refused before the view runs, by ``too_many_requests``. ``key``
    counts per something else (django-ratelimit's key: a name or ``(group, request)``
    to a string), such as an API client's key."""
    if action not in settings.PORTAL_RATE_LIMITS:
        raise KeyError(f"No rate in PORTAL_RATE_LIMITS for {action!r}.")
    decorator = ratelimit(
        group=f"{_GROUP_PREFIX}{action}",
        key=key,
        rate=_rate,
        method=list(methods),
        block=True,
    )
    return cast(ViewDecorator, decorator)  # django-ratelimit ships no types


@checks.register(checks.Tags.caches, deploy=True)
def check_rate_limits_are_shared(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """In production every worker must count against the same limits, in Redis."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            checks.Warning(
                "Rate limits are counted in each process's own memory.",
                hint="Set REDIS_URL so that every worker counts in the same place.",
                id="portal.W001",
            )
        ]
    return []


def too_many_requests(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The answer to a request over its rate limit (``RATELIMIT_VIEW``): a page that says
    what happened and when to try again. For htmx, the explanation replaces the page's
    content area (base.html's htmx configuration lets a 429 be swapped)."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    if getattr(request, "htmx", False):
        # The page's content area is replaced by this page's, layout and all.
        response["HX-Retarget"] = MAIN_CONTENT
        response["HX-Reswap"] = "outerHTML show:window:top"
        response["HX-Reselect"] = MAIN_CONTENT
    return response


class HoneypotInput(forms.TextInput):
    """A text box people never see or reach: a script that fills every field fills it."""

    def __init__(self) -> None:
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class HoneypotField(forms.CharField):
    """Must stay empty. Rendered by its own template, off screen and hidden from
    assistive technology; labelled in case someone meets it anyway."""

    def __init__(self) -> None:
        super().__init__(  # type: ignore[call-arg]  # Field takes template_name; the stubs' CharField lacks it
            template_name="forms/honeypot.html",
            required=False,
            label=_("Leave this field empty"),
            widget=HoneypotInput(),
            max_length=200,
        )


class SpamGuardedForm(forms.Form):
    """Mixin for a form anyone can send: adds the honeypot and refuses the form when the
    honeypot is filled in. Put it first in the bases (``class F(SpamGuardedForm,
    forms.ModelForm)``)."""

    # Named like a field that scripts fill in eagerly; no model here has it.
    homepage = HoneypotField()

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form's is its cleaned_data
        # Out of cleaned_data, so views that pass the data on never see the guard.
        if cleaned.pop("homepage", ""):
            raise forms.ValidationError(
                _(
                    "This form could not be sent: a field that must stay empty was filled in. "
                    "Empty the field “Leave this field empty” and send the form again."
                ),
                code="honeypot",
            )
        return cleaned
