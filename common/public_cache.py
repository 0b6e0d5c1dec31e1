"""What the public sees, cached while it is unchanged.

Public pages as a visitor without an account sees them, and costly figures behind
public lists (how many initiatives there are), are cached in the shared cache (Redis).

Most of the portal's traffic is residents reading: the home page, the initiatives, a
neighbourhood, survey results, the tender calendar. For a visitor who is not signed in
those pages are the same for everyone with the same address and language, so the
rendered page is cached and served again without touching the database.

Correctness rests on one number, the *generation* of the public content:

- every committed save or delete of a model that can appear on a public page, and
  every completed write request (POST and the like, which covers the back office's
  bulk updates), moves the generation on; a cached page is served only if it was
  rendered in the current generation;
- pages that depend on the clock (a survey closing, an event passing) are cached at most
  ``PORTAL_VISITOR_CACHE_SECONDS`` (60 by default when Redis is configured);
- signed-in users, requests carrying a flash message and anything but a 200 without
  cookies are never cached;
- the form token (CSRF) is never shared, nor the script nonce of the Content-Security-
  Policy: the page is cached with placeholders, and each response gets its own in their
  place.

Without Redis (``make run``) nothing is cached: per-process caches cannot share the
generation between processes. When the cache is unreachable pages are rendered as if
nothing were cached, and writes still succeed.
"""

import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from redis.exceptions import RedisError

from common.transactions import once_after_commit

logger = logging.getLogger(__name__)

GENERATION_KEY = "visitor-page:generation"
CSRF_PLACEHOLDER = "visitor-page-csrf-token-placeholder"
NONCE_PLACEHOLDER = "visitor-page-csp-nonce-placeholder"
# The apps whose tables can show on a public page, as each registers itself
# (``register_public_app``); third-party tables (sessions, allauth, OTP devices) never do.
PUBLIC_APPS: set[str] = set()
# Tables written often that no public page shows: bumping on them would only empty the
# cache (an email sent, a sign-in, a half-answered survey).
QUIET_MODELS: set[str] = set()
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
DROPPED_HEADERS = {"content-length", "set-cookie"}
CACHE_ERRORS = (RedisError, OSError)


def register_public_app(label: str, *, quiet_models: tuple[str, ...] = ()) -> None:
    """Called from an app's ``AppConfig.ready()``: a committed change to any of its
    tables makes cached public pages out of date, except for ``quiet_models``
    (``"app.model"``, lower case) that no public page shows."""
    PUBLIC_APPS.add(label)
    QUIET_MODELS.update(quiet_models)


def seconds() -> int:
    """How long anything public is cached (0: nothing is)."""
    return settings.PORTAL_VISITOR_CACHE_SECONDS


def _fresh_generation() -> int:
    """A new starting point that differs from every earlier one, also after the cache
    lost the key (a restart, an eviction)."""
    return time.time_ns() // 1000


def bump() -> None:
    """Public content changed: every cached page is out of date from now on."""
    if not seconds():
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or evicted
        cache.set(GENERATION_KEY, _fresh_generation(), None)
    except CACHE_ERRORS:
        logger.warning("visitor cache unreachable; cached pages expire by their age")


def bump_after_commit() -> None:
    """Bump once the change is visible to other requests, never before: a page rendered
    between the bump and the commit would otherwise be cached with the old content. A
    transaction that changes many rows bumps once."""
    once_after_commit(bump)


def _on_model_change(sender: type[Model], **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    meta = sender._meta
    if meta.app_label in PUBLIC_APPS and meta.label_lower not in QUIET_MODELS:
        bump_after_commit()


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_model_change, dispatch_uid=f"public_cache_{signal}")


class WritesBumpMiddleware:
    """A completed write request moves the generation on, whatever it changed: bulk
    updates in actions and the back office send no model signals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS:
            bump()
        return response


def _new_generation() -> int:
    """First use, or the cache lost the generation: start a new one (or take the one
    another process just started)."""
    cache.add(GENERATION_KEY, _fresh_generation(), None)
    return cast(int, cache.get(GENERATION_KEY))  # added just now, here or by another process


def current_generation() -> int:
    """The generation public content is in now, for a cache key that holds it
    (``{% publiccache %}``). Raises the cache's errors."""
    generation = cache.get(GENERATION_KEY)
    return _new_generation() if generation is None else generation


def generation_for(request: HttpRequest) -> int:
    """The generation for this request, read from the cache once: every cached part of
    a page shares the one read (one round trip a page instead of one a part)."""
    attributes = vars(request)
    if "_public_cache_generation" not in attributes:
        attributes["_public_cache_generation"] = current_generation()
    generation: int = attributes["_public_cache_generation"]
    return generation


def _current(key: str) -> tuple[int, Any]:
    """The current generation, and what is cached under ``key`` for it (None when nothing
    is, or only something older). Raises the cache's errors."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return _new_generation(), None
    cached = found.get(key)
    return generation, cached[1] if cached is not None and cached[0] == generation else None


def _set_cached(key: str, generation: int, value: object) -> None:
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, (generation, value), seconds())


def key_for(kind: str, *asked: object) -> str:
    """The cache key of something of ``kind``: a digest of everything it depends on."""
    return f"{kind}:" + hashlib.sha256(repr(asked).encode()).hexdigest()


def cached_while_unchanged[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()``, cached while public content is unchanged (and at most the cached
    pages' lifetime)."""
    if not seconds():
        return compute()
    try:
        generation, value = _current(key)
    except CACHE_ERRORS:
        return compute()
    if value is None:
        value = compute()
        _set_cached(key, generation, value)
    return cast(T, value)  # cached by this function from compute(), or computed just now


def _page_key(request: HttpRequest) -> str:
    """One cached page per address as the visitor asked for it (scheme and host included,
    so absolute links never point at another of the allowed hosts), language and htmx
    target."""
    address = request.build_absolute_uri()
    partial = request.headers.get("HX-Request", "") + request.headers.get("HX-Target", "")
    digest = hashlib.sha256(f"{address}|{partial}".encode()).hexdigest()
    return f"visitor-page:{request.LANGUAGE_CODE}:{digest}"


def _shareable(request: HttpRequest) -> bool:
    return (
        bool(seconds())
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _cacheable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _with_own_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put this visitor's own form token and this response's script nonce (which the
    Content-Security-Policy header then names) where the cached page has placeholders."""
    content = response.content
    csrf, nonce = CSRF_PLACEHOLDER.encode(), NONCE_PLACEHOLDER.encode()
    if csrf in content:
        content = content.replace(csrf, get_token(request).encode())
    if nonce in content:
        content = content.replace(nonce, str(get_nonce(request)).encode())
    response.content = content
    return response


# What shared_with_visitors caches of a page: its content and the headers it keeps.
CachedPage = tuple[bytes, list[tuple[str, str]]]


class _VisitorPageRequest(Protocol):
    """A request whose page is rendered for every visitor (our own attribute)."""

    visitor_page: bool


def _from_cache(request: HttpRequest, cached: CachedPage) -> HttpResponse:
    content, headers = cached
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return _with_own_token(request, response)


def shared_with_visitors[V: Callable[..., HttpResponse]](view: V) -> V:
    """Serve the view's page from the cache to visitors who are not signed in."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _shareable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        try:
            generation, cached = _current(key)
        except CACHE_ERRORS:
            return view(request, *args, **kwargs)
        if cached is not None:
            return _from_cache(request, cached)
        # The context processor renders the token placeholder.
        cast(_VisitorPageRequest, request).visitor_page = True
        response = view(request, *args, **kwargs)
        if getattr(response, "is_rendered", True) is False:
            cast(SimpleTemplateResponse, response).render()  # only template responses have it
        if _cacheable(response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in DROPPED_HEADERS]
            _set_cached(key, generation, (response.content, headers))
        return _with_own_token(request, response)

    return cast(V, wrapper)  # functools.wraps: called as the view is
