"""Figures computed ahead of the visitor (the registry and the work; pages read them
through ``common.stored_figures``, which says how). An app registers its figures from
its ``AppConfig.ready()``: how to compute them for a selection and which selections its
page shows by default. A selection is a dict of plain values (strings, numbers, None,
lists), so that it can travel to a worker through the broker."""

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

# Figures are kept this long after they were computed: long beyond their freshness, so a
# page always has something to show while the next computation runs.
KEEP_SECONDS = 7 * 24 * 3600


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
    """Figures with the moment they were computed (the page says "as of")."""

    value: Any
    computed_at: datetime.datetime


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
    return f"figures:{name}:{language}:{digest}"


def lock_key(name: str, selection: Params, language: str) -> str:
    return cache_key(name, selection, language) + ":refreshing"


def compute(name: str, selection: Params) -> Stored:
    """The figures as the database holds them now, in the active language."""
    moment = timezone.now()  # the figures hold what the database held from this moment
    return Stored(_KINDS[name].compute(selection), moment)


def refresh(name: str, selection: Params, language: str) -> Stored:
    """Compute the figures ``name`` for ``selection`` in ``language`` and store them."""
    with translation.override(language):
        stored = compute(name, selection)
    try:
        cache.set(cache_key(name, selection, language), stored, timeout=KEEP_SECONDS)
        cache.delete(lock_key(name, selection, language))
    except CACHE_ERRORS:
        pass  # shown all the same; the next visitor computes them again
    return stored


def refresh_defaults() -> int:
    """Recompute every registered page's default selections in every language of the
    portal (what the beat schedule runs); returns how many figures were stored."""
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
