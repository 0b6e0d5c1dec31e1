"""What the public sees, cached while it is unchanged.

Public pages as a visitor without an account sees them, and costly figures behind
public lists (how many initiatives there are), are cached in the shared cache (Redis).

Most of the portal's traffic is residents reading: the home page, the initiatives, a
neighbourhood, survey results, the tender calendar. For a visitor who is not signed in
those pages are the same for everyone with the same address and language, so the
rendered page is cached and served again without touching the database.

Correctness rests on named *generations* ("tags"), each a number in the cache:

- every page declares the tags it shows (``public_page("initiative:{pk}")``: one
  initiative's page; ``"initiatives"``: the lists and counts of initiatives;
  ``"neighbourhood:{slug}"``: one neighbourhood's pages); a cached page, fragment or
  value is served only while each of its tags is in the generation it was rendered in.
  Every page also depends on ``everything``. A page that declares nothing
  (``shared_with_visitors``) depends on ``any``, which every change moves on;
- every committed save or delete of a model that can appear on a public page moves on
  the tags of that row (``register_public_model``: a support moves its initiative's page
  and the lists; an agenda vote its neighbourhood's pages), or, for a model without its
  own, its app's tags (``register_public_app``; ``everything`` unless the app names
  narrower ones). Category renames and other rare reference data move ``everything``;
- a write that sends no model signal (``QuerySet.update``, ``bulk_create``,
  ``bulk_update`` on a public model) moves its app's tags, unless the code that does it
  says precisely what changed (``with changing("initiative:42"):``);
- writes that change nothing public (a sign-in, a language switch, a page of a survey
  answered, notifications, preferences: tables outside the public apps or quiet ones)
  move nothing: a completed POST is no longer a reason to empty the cache;
- pages that depend on the clock (a survey closing, an event passing) are cached at most
  ``PORTAL_VISITOR_CACHE_SECONDS`` (60 by default when Redis is configured);
- signed-in users, requests carrying a flash message and anything but a 200 without
  cookies are never given the visitors' page;
- the form token (CSRF) is never shared, nor the script nonce of the Content-Security-
  Policy: the page is cached with placeholders, and each response gets its own in their
  place.

A tag's generation is a random number set when it moves on (a tag not in the cache reads
as 0) and kept twice as long as anything cached (plus a minute), so a tag that expires
can never bring an entry cached before its last move back to life. Under memory pressure
Redis should evict the least recently used keys: a tag is read by every request for its
pages, so entries stamped before it moved go first (Redis' LRU is approximate; at worst
a page is as old as its lifetime).

Round trips to Redis per page: a visitor's page costs one when cached (the page and its
tags' generations in one ``get_many``); when not, one more to store the page with its
parts and values (one pipelined ``set_many``), plus one look-up per cached value the view
reads (a list's count and filter form). A page's parts (``{% publiccache %}``, a list's
results through ``cached_fragment``)
are kept together, one entry per address and language: for a signed-in reader the first
part reads them all with the tags (one round trip) and what was rendered is stored at the
end (one more); while a visitor's page is rendered they are not looked up (the page
missed, and they are in its generations), only stored with it.

With ``BENCHMARK_VIEWS`` (``make bench`` only) each public page says what the cache served
in an ``X-Public-Cache`` header (``hit``, ``miss``, or ``personal; parts=4/5``: its parts
and values served from the cache), so the benchmark can report hit rates per page.

Without Redis (``make run``) nothing is cached: per-process caches cannot share the
generations between processes. When the cache is unreachable pages are rendered as if
nothing were cached, and writes still succeed.
"""

import contextlib
import contextvars
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.options import Options
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Every page depends on it: moved by rare changes that can show anywhere (a category
# renamed, a table no app said more about).
EVERYTHING = "everything"
# What a page that names no narrower tags depends on: every change moves it on.
ANY = "any"
TAG_KEY = "public-tag:"
CSRF_PLACEHOLDER = "visitor-page-csrf-token-placeholder"
NONCE_PLACEHOLDER = "visitor-page-csp-nonce-placeholder"
# The apps whose tables can show on a public page, as each registers itself
# (``register_public_app``), with the tags a change moves on when the table has none of
# its own; third-party tables (sessions, allauth, OTP devices) never show.
PUBLIC_APPS: dict[str, tuple[str, ...]] = {}
# Per table ("app.model", lower case): the tags a change of one row moves on.
MODEL_TAGS: dict[str, Callable[[Any], Iterable[str]]] = {}
# Tables written often that no public page shows: bumping on them would only empty the
# cache (an email sent, a sign-in, a half-answered survey).
QUIET_MODELS: set[str] = set()
DROPPED_HEADERS = {"content-length", "set-cookie"}
# The benchmark's report of what the cache served (``BENCHMARK_VIEWS`` only).
CACHE_HEADER = "X-Public-Cache"
CACHE_ERRORS = (RedisError, OSError)

# A cached entry is stamped with the generations of the tags it was rendered in.
Stamp = tuple[tuple[str, int], ...]


def register_public_app(
    label: str, *, quiet_models: tuple[str, ...] = (), tags: tuple[str, ...] = (EVERYTHING,)
) -> None:
    """Called from an app's ``AppConfig.ready()``: a committed change to any of its
    tables makes cached public pages out of date, except for ``quiet_models``
    (``"app.model"``, lower case) that no public page shows. A table without tags of its
    own (``register_public_model``), and a write that sends no model signal, moves on
    ``tags``: everything, unless every page that shows the app's tables names a
    narrower tag (``"reports"``)."""
    PUBLIC_APPS[label] = tags
    QUIET_MODELS.update(quiet_models)


def register_public_model(label: str, tags: Callable[[Any], Iterable[str]]) -> None:
    """Called from an app's ``AppConfig.ready()``: ``tags(row)`` names what a committed
    save or delete of ``row`` of the table ``label`` (``"app.model"``, lower case) can
    show on (``["initiative:42", "initiatives"]``); nothing for a table no page shows."""
    MODEL_TAGS[label] = tags


def seconds() -> int:
    """How long anything public is cached (0: nothing is)."""
    return settings.PORTAL_VISITOR_CACHE_SECONDS


def _tag_seconds() -> int:
    """How long a tag's generation is kept: longer than anything cached in it can live,
    so once it expires (and reads as 0 again) nothing stamped before it moved is left."""
    return 2 * seconds() + 60


def _tag_key(tag: str) -> str:
    return TAG_KEY + tag


def bump(*tags: str) -> None:
    """Public content changed: what shows ``tags`` (everything when none are given) is out
    of date from now on. One round trip, however many tags."""
    if not seconds():
        return
    moved = {*(tags or (EVERYTHING,)), ANY}
    # Random and never 0 (a tag that is not in the cache): equal only to itself.
    generations = {_tag_key(tag): secrets.randbits(62) | 1 for tag in moved}
    try:
        cache.set_many(generations, _tag_seconds())
    except CACHE_ERRORS:
        logger.warning("visitor cache unreachable; cached pages expire by their age")


class _BumpAtCommit:
    """The tags a transaction changed, moved on once when it commits."""

    def __init__(self) -> None:
        self.tags: set[str] = set()

    def __call__(self) -> None:
        bump(*self.tags)


def bump_after_commit(*tags: str) -> None:
    """Bump ``tags`` (everything when none are given) once the change is visible to other
    requests, never before: a page rendered between the bump and the commit would
    otherwise be cached with the old content. A transaction bumps once, all its tags in
    one round trip."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        bump(*tags)
        return
    waiting = next(
        (
            callback
            for _sids, callback, _robust in connection.run_on_commit
            if isinstance(callback, _BumpAtCommit)
        ),
        None,
    )
    if waiting is None:
        waiting = _BumpAtCommit()
        transaction.on_commit(waiting)
    waiting.tags.update(tags or (EVERYTHING,))


def _tags_of(meta: "Options[Any]", row: Model | None) -> tuple[str, ...]:
    """What a change of ``row`` of this table (or of rows unknown: ``None``) moves on."""
    if meta.app_label not in PUBLIC_APPS or meta.label_lower in QUIET_MODELS:
        return ()
    own = MODEL_TAGS.get(meta.label_lower)
    if own is not None and row is not None:
        try:
            return tuple(own(row))
        except ObjectDoesNotExist:  # what the row names is gone too (a cascade): its app's
            pass
    return PUBLIC_APPS[meta.app_label]


def _on_model_change(sender: type[Model], **kwargs: Any) -> None:
    if kwargs.get("raw") or not seconds():
        return  # fixtures being loaded, or nothing cached
    tags = _tags_of(sender._meta, kwargs["instance"])
    if tags:
        bump_after_commit(*tags)


def _on_relation_change(sender: type[Model], **kwargs: Any) -> None:
    """A many-to-many relation changed (``sender`` is its table): its app's tags."""
    if kwargs["action"].startswith("post_") and seconds():
        tags = _tags_of(sender._meta, None)
        if tags:
            bump_after_commit(*tags)


# Set while code that says what it changes writes without model signals (``changing``).
_told: contextvars.ContextVar[bool] = contextvars.ContextVar("public_cache_told", default=False)


@contextlib.contextmanager
def changing(*tags: str) -> Iterator[None]:
    """``with changing("initiative:42", "initiatives"): Initiative.objects.filter(…)
    .update(…)``: the writes inside (``update``, ``bulk_create``, ``bulk_update``,
    which send no model signals) changed only what shows ``tags``, which move on after
    commit instead of the whole app's. No tags: nothing public changed (or a model
    signal sent alongside already said what did)."""
    token = _told.set(True)
    try:
        yield
    finally:
        _told.reset(token)
    if tags:
        bump_after_commit(*tags)


def _signal_less(name: str) -> None:
    """Make ``QuerySet.<name>`` (a write that sends no model signal) move on its app's
    tags after commit, unless the caller said what it changed (``changing``)."""
    original = getattr(QuerySet, name)
    if getattr(original, "public_cache_guard", False):
        return

    @functools.wraps(original)
    def write(self: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        if result and seconds() and not _told.get():
            tags = _tags_of(self.model._meta, None)
            if tags:
                bump_after_commit(*tags)
        return result

    write.public_cache_guard = True  # type: ignore[attr-defined]
    setattr(QuerySet, name, write)


def connect_signals() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_on_model_change, dispatch_uid=f"public_cache_{signal}")
    m2m_changed.connect(_on_relation_change, dispatch_uid="public_cache_m2m")
    for name in ("update", "bulk_create", "bulk_update"):
        _signal_less(name)


@dataclass
class _Reading:
    """One request's use of the cache: the page's tags, their generations read at most
    once (with the first thing looked up), and what it stores, sent in one round trip
    when the page is done."""

    tags: tuple[str, ...]
    known: dict[str, int] = field(default_factory=dict)
    pending: dict[str, object] = field(default_factory=dict)
    rendering_for_visitors: bool = False
    # The page's cached parts (``cached_fragment``), read with the first of them.
    parts: dict[str, str] | None = None
    parts_key: str = ""
    parts_stamp: Stamp = ()
    # What the benchmark's header reports (``BENCHMARK_VIEWS``): the visitor's page
    # served from the cache or rendered, and how many parts and values came from it.
    page_hit: bool | None = None
    parts_cached: int = 0
    parts_rendered: int = 0


_reading: contextvars.ContextVar[_Reading | None] = contextvars.ContextVar(
    "public_cache_reading", default=None
)


def _tags(tags: Iterable[str] | None) -> tuple[str, ...]:
    """The tags something cached depends on: the page's (or ``any`` outside a page)
    unless named, and always ``everything``."""
    if tags is None:
        reading = _reading.get()
        tags = reading.tags if reading is not None else (ANY,)
    return tuple(sorted({EVERYTHING, *tags}))


def _lookup(tags: tuple[str, ...], keys: list[str]) -> tuple[Stamp, dict[str, Any]]:
    """The generations of ``tags`` and what is cached under ``keys``, in one round trip
    (none when the tags were read before in this request and no key is asked). Raises
    the cache's errors."""
    reading = _reading.get()
    known = reading.known if reading is not None else {}
    pending = reading.pending if reading is not None else {}
    missing = [tag for tag in tags if tag not in known]
    asked = [key for key in keys if key not in pending]  # stored by this page already
    wanted = [_tag_key(tag) for tag in missing] + asked
    found = cache.get_many(wanted) if wanted else {}
    for tag in missing:
        known[tag] = found.get(_tag_key(tag), 0)
    found.update((key, pending[key]) for key in keys if key in pending)
    return tuple((tag, known[tag]) for tag in tags), {k: found[k] for k in keys if k in found}


def _fresh(cached: Any, stamp: Stamp) -> Any:
    """What was cached, if it was rendered in the current generations (else None)."""
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == stamp:
        return cached[1]
    return None


def _store(key: str, stamp: Stamp, value: object) -> None:
    """Cache ``value`` with its stamp: with the page's other stores when in a page."""
    reading = _reading.get()
    if reading is not None:
        reading.pending[key] = (stamp, value)
        return
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, (stamp, value), seconds())


def _flush(reading: _Reading) -> None:
    if reading.pending:
        with contextlib.suppress(*CACHE_ERRORS):
            cache.set_many(reading.pending, seconds())
        reading.pending = {}


def key_for(kind: str, *asked: object) -> str:
    """The cache key of something of ``kind``: a digest of everything it depends on."""
    return f"{kind}:" + hashlib.sha256(repr(asked).encode()).hexdigest()


def cached_while_unchanged[T](
    key: str, compute: Callable[[], T], *, tags: Iterable[str] | None = None
) -> T:
    """``compute()``, cached while what shows ``tags`` is unchanged (by default the
    tags of the page it is part of) and at most the cached pages' lifetime."""
    if not seconds():
        return compute()
    try:
        stamp, found = _lookup(_tags(tags), [key])
    except CACHE_ERRORS:
        return compute()
    value = _fresh(found.get(key), stamp)
    reading = _reading.get()
    if value is None:
        value = compute()
        _store(key, stamp, value)
        if reading is not None:
            reading.parts_rendered += 1
    elif reading is not None:
        reading.parts_cached += 1
    return cast(T, value)  # cached by this function from compute(), or computed just now


def _part_of_its_own(key: str, render: Callable[[], str]) -> str:
    """A part rendered outside a public page: cached on its own, depending on any change."""
    return cached_while_unchanged(key, render)


def cached_fragment(key: str, render: Callable[[], str], address: str) -> str:
    """A part of the page at ``address`` (``{% publiccache %}``), cached in the page's
    tags. A page's parts are kept together, one entry per address and language: the
    first part asks for all of them (with the tags' generations, one round trip), and
    what was rendered is stored with the page's other stores. While a visitor's page is
    rendered (it missed, so its parts are as good as missing) nothing is looked up."""
    if not seconds():
        return render()
    reading = _reading.get()
    if reading is None:
        return _part_of_its_own(key, render)
    if reading.parts is None:
        reading.parts_key = key_for("page-parts", address, translation.get_language())
        try:
            if reading.rendering_for_visitors:
                reading.parts_stamp, found = _lookup(reading.tags, [])
            else:
                reading.parts_stamp, found = _lookup(reading.tags, [reading.parts_key])
        except CACHE_ERRORS:
            return render()
        reading.parts = dict(_fresh(found.get(reading.parts_key), reading.parts_stamp) or {})
    html = reading.parts.get(key)
    if html is None:
        html = reading.parts[key] = render()
        _store(reading.parts_key, reading.parts_stamp, reading.parts)
        reading.parts_rendered += 1
    else:
        reading.parts_cached += 1
    return html


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


# What a public page caches: its content and the headers it keeps.
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


def _rendered(response: HttpResponse) -> HttpResponse:
    """A template response rendered now, while the page's tags are known to its parts."""
    if getattr(response, "is_rendered", True) is False:
        cast(SimpleTemplateResponse, response).render()  # only template responses have it
    return response


def _read_parts_first(request: HttpRequest, reading: _Reading) -> None:
    """A page rendered for one person: its tags' generations and its cached parts are
    read before the view reads the database (one round trip, as the first part would),
    so a part rendered from rows read now is never stamped with a generation that a
    write moved on in between."""
    reading.parts_key = key_for(
        "page-parts", request.build_absolute_uri(), translation.get_language()
    )
    try:
        reading.parts_stamp, found = _lookup(reading.tags, [reading.parts_key])
    except CACHE_ERRORS:
        return
    reading.parts = dict(_fresh(found.get(reading.parts_key), reading.parts_stamp) or {})


def _respond(
    request: HttpRequest,
    view: Callable[..., HttpResponse],
    reading: _Reading,
    call_args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    if not _shareable(request):
        if seconds():
            _read_parts_first(request, reading)
        return _rendered(view(request, *call_args, **kwargs))
    key = _page_key(request)
    try:
        stamp, found = _lookup(reading.tags, [key])
    except CACHE_ERRORS:
        return _rendered(view(request, *call_args, **kwargs))
    cached = _fresh(found.get(key), stamp)
    reading.page_hit = cached is not None
    if cached is not None:
        return _from_cache(request, cached)
    # The context processor renders the token placeholder.
    cast(_VisitorPageRequest, request).visitor_page = True
    reading.rendering_for_visitors = True
    response = _rendered(view(request, *call_args, **kwargs))
    if _cacheable(response):
        headers = [(k, v) for k, v in response.items() if k.lower() not in DROPPED_HEADERS]
        _store(key, stamp, (response.content, headers))
    return _with_own_token(request, response)


def _outcome(reading: _Reading) -> str:
    """For the benchmark (``X-Public-Cache``, only with ``BENCHMARK_VIEWS``): ``hit`` or
    ``miss`` for a visitor's page, or ``personal`` for a page rendered for one person;
    with how many of the page's cached parts and values (``cached_while_unchanged``)
    were served from the cache (``personal; parts=4/5``). ``off`` when nothing is
    cached."""
    if not seconds():
        return "off"
    kind = "personal" if reading.page_hit is None else ("hit" if reading.page_hit else "miss")
    parts = reading.parts_cached + reading.parts_rendered
    return f"{kind}; parts={reading.parts_cached}/{parts}" if parts else kind


class _PublicPage:
    """The decorator ``public_page(*tags)`` gives."""

    def __init__(self, tags: tuple[str, ...]) -> None:
        self.tags = tags

    def __call__[V: Callable[..., HttpResponse]](self, view: V) -> V:
        tags = self.tags

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            reading = _Reading(tuple(sorted({EVERYTHING, *(t.format(**kwargs) for t in tags)})))
            token = _reading.set(reading)
            try:
                response = _respond(request, view, reading, args, kwargs)
                if settings.BENCHMARK_VIEWS:
                    response[CACHE_HEADER] = _outcome(reading)
                return response
            finally:
                _flush(reading)
                _reading.reset(token)

        return cast(V, wrapper)  # functools.wraps: called as the view is


def public_page(*tags: str) -> _PublicPage:
    """Serve the view's page from the cache to visitors who are not signed in, while
    what shows ``tags`` is unchanged: ``@public_page("initiative:{pk}")`` (the view's
    keyword arguments fill the braces). Its cached parts and values share the tags, and
    the page's look-ups and stores are one round trip each."""
    return _PublicPage(tags)


# A page that names nothing narrower: renewed by every change to public content.
shared_with_visitors = public_page(ANY)
