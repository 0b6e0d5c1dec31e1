"""Figures computed ahead of the visitor (the registry and the work; pages read them
through ``common.stored_figures``, which says how). An app registers its figures from
its ``AppConfig.ready()``: how to compute them for a selection and which selections its
page shows by default. A selection is a dict of plain values (strings, numbers, None,
lists), so that it can travel to a worker through the broker."""

import contextlib
import dataclasses
import datetime
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Params = dict[str, Any]
CACHE_ERRORS = (RedisError, OSError)

# Default selections are kept this long after they were computed: long beyond their
# freshness, so a page always has something to show while the next computation runs.
# Other selections (a visitor's own dates or filters) are kept only as long as they are
# fresh (``PORTAL_DASHBOARD_CACHE_SECONDS``), so that walking through selections cannot
# fill the cache (which also holds the sessions).
KEEP_SECONDS = 7 * 24 * 3600

# Part of every stored key. Bump it whenever the shape of what is stored changes (this
# module's ``Stored`` or a page's figures class: a field added, renamed or removed), so
# that a deploy never reads what the previous release pickled. Whatever cannot be read
# all the same counts as not stored (``read``).
VERSION = 4

# How long one computation keeps others from computing the same figures: a stale
# entry's refresh is enqueued once, the beat schedule runs once at a time, and figures
# never stored are computed by one visitor while the others wait (``WAIT_SECONDS``).
LOCK_SECONDS = 120
BEAT_LOCK_SECONDS = 660  # the beat task's hard time limit


def _default_selections() -> list[Params]:
    return [{}]


@dataclass(frozen=True)
class FiguresKind:
    """Figures a page shows: ``compute(selection)`` builds them (in the active language),
    ``defaults()`` names the selections the page shows by default, which the beat
    schedule keeps fresh."""

    name: str
    compute: Callable[[Params], Any]
    defaults: Callable[[], list[Params]] = field(default=_default_selections)


@dataclass(frozen=True)
class Stored:
    """Figures with the moment they were computed (the page says "as of"); ``default``
    when they are a registered default selection, kept fresh by the beat schedule and
    recomputed when a visitor finds them stale."""

    value: Any
    computed_at: datetime.datetime
    default: bool = False


_KINDS: dict[str, FiguresKind] = {}


def register_figures(kind: FiguresKind) -> None:
    _KINDS[kind.name] = kind


def get_kind(name: str) -> FiguresKind:
    return _KINDS[name]


def registered() -> list[FiguresKind]:
    return list(_KINDS.values())


def cache_key(name: str, selection: Params, language: str) -> str:
    text = json.dumps(selection, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"figures:v{VERSION}:{name}:{language}:{digest}"


def lock_key(name: str, selection: Params, language: str) -> str:
    return cache_key(name, selection, language) + ":refreshing"


def compute_lock_key(name: str, selection: Params, language: str) -> str:
    return cache_key(name, selection, language) + ":computing"


def read(name: str, selection: Params, language: str) -> Stored | None:
    """The stored figures, or None when there are none or they cannot be read (pickled
    by an earlier release, a class changed since). Cache errors are the caller's."""
    key = cache_key(name, selection, language)
    try:
        stored = cache.get(key)
        if not isinstance(stored, Stored):
            return None
        if dataclasses.is_dataclass(stored.value) and not isinstance(stored.value, type):
            dataclasses.replace(stored.value)  # every field there, as the class has them now
    except CACHE_ERRORS:
        raise
    except Exception:
        logger.warning("Stored figures %s (%s) unreadable; computed again", name, language)
        return None
    return stored


def is_default(name: str, selection: Params) -> bool:
    """Whether ``selection`` is one the page ``name`` shows by default."""
    return selection in _KINDS[name].defaults()


def compute(name: str, selection: Params) -> Stored:
    """The figures as the database holds them now, in the active language."""
    moment = timezone.now()  # the figures hold what the database held from this moment
    return Stored(_KINDS[name].compute(selection), moment)


def refresh(name: str, selection: Params, language: str, *, default: bool = True) -> Stored:
    """Compute the figures ``name`` for ``selection`` in ``language`` and store them: a
    default selection for ``KEEP_SECONDS``, any other only while fresh. Figures computed
    earlier than those already stored (a slow computation finishing last) are served but
    not stored."""
    with translation.override(language):
        stored = compute(name, selection)
    stored = dataclasses.replace(stored, default=default)
    key = cache_key(name, selection, language)
    keep = KEEP_SECONDS if default else settings.PORTAL_DASHBOARD_CACHE_SECONDS
    try:
        kept = read(name, selection, language)
        if keep and (kept is None or kept.computed_at <= stored.computed_at):
            cache.set(key, stored, timeout=keep)
        cache.delete(lock_key(name, selection, language))
    except CACHE_ERRORS:
        pass  # shown all the same; the next visitor computes them again
    return stored


def refresh_if_default(name: str, selection: Params, language: str) -> None:
    """What an enqueued refresh does: only a default selection is recomputed and kept."""
    if is_default(name, selection):
        refresh(name, selection, language)
    else:
        with contextlib.suppress(*CACHE_ERRORS):
            cache.delete(lock_key(name, selection, language))


def refresh_defaults() -> int:
    """Recompute every registered page's default selections in every language of the
    portal (what the beat schedule runs); returns how many figures were stored. A run
    still going when the next is due makes that one skip (a lock in the cache)."""
    try:
        claimed = cache.add(BEAT_LOCK, 1, timeout=BEAT_LOCK_SECONDS)
    except CACHE_ERRORS:
        claimed = True  # no cache to share a lock through: run all the same
    if not claimed:
        logger.info("Default figures still being refreshed; this run skipped")
        return 0
    try:
        return _refresh_defaults()
    finally:
        with contextlib.suppress(*CACHE_ERRORS):
            cache.delete(BEAT_LOCK)


BEAT_LOCK = f"figures:v{VERSION}:refreshing-defaults"


def _refresh_defaults() -> int:
    count = 0
    for kind in registered():
        for selection in kind.defaults():
            for language, _label in settings.LANGUAGES:
                try:
                    refresh(kind.name, selection, language)
                except SoftTimeLimitExceeded:
                    raise
                except Exception:
                    # One page's failure leaves the others fresh; its stored figures
                    # stay served, and the error is logged for the maintainers.
                    logger.exception(
                        "Figures %s %s (%s) not refreshed", kind.name, selection, language
                    )
                    continue
                count += 1
    return count
