"""What a figures page reads: the city dashboard, the neighbourhood monitor, the figures
of public-space reports, "jij zei, wij deden" and procurement in figures scan many
records, and no visitor should wait for that (the figures themselves are registered in
``common.figures``).

Figures are stored with the moment they were computed, under a key that names
``common.figures.VERSION`` (bumped when what is stored changes shape):

- the beat schedule (``common.periodic.refresh_default_figures``, every few minutes,
  one run at a time) recomputes every default selection in every language of the
  portal, and keeps it well beyond its freshness period
  (``PORTAL_DASHBOARD_CACHE_SECONDS``);
- a page is served what is stored; a default selection older than the freshness period
  is still served at once, and one recomputation is enqueued (a short lock in the
  cache, so a hundred visitors enqueue one task; an unreachable broker is logged and
  the figures served all the same);
- figures not stored (a visitor's own selection, a cache emptied, a first deploy, or
  figures an earlier release stored that cannot be read) are computed by one visitor
  while the others wait a few seconds for them; a visitor's own selection is kept only
  while fresh and never recomputed ahead;
- figures computed earlier than those stored (a slow computation finishing last) never
  replace them."""

import contextlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from common import figures as store
from common import tasks
from common.figures import CACHE_ERRORS, LOCK_SECONDS, Params, Stored

logger = logging.getLogger(__name__)

# A visitor finding nothing stored while another computes the same figures waits this
# long at most (reading again every ``POLL_SECONDS``), then computes them too.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1


def figures(name: str, selection: Params | None = None) -> Stored:
    """The figures ``name`` for ``selection`` in the active language, as stored. When a
    default selection's figures are older than ``PORTAL_DASHBOARD_CACHE_SECONDS`` they
    are served all the same and one recomputation is enqueued; figures not stored are
    computed here by one visitor (the others wait for them briefly) and stored, a
    default selection for long, any other only while fresh. With
    ``PORTAL_DASHBOARD_CACHE_SECONDS`` 0 they are always computed."""
    selection = selection or {}
    freshness = settings.PORTAL_DASHBOARD_CACHE_SECONDS
    if not freshness:
        return store.compute(name, selection)
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        stored = store.read(name, selection, language)
    except CACHE_ERRORS:
        return store.compute(name, selection)
    if stored is None:
        return _compute_once(name, selection, language)
    if stored.default and (timezone.now() - stored.computed_at).total_seconds() > freshness:
        _enqueue_once(name, selection, language)
    return stored


def _compute_once(name: str, selection: Params, language: str) -> Stored:
    """Figures not stored (a first deploy, an emptied cache, a visitor's own selection):
    one visitor computes them; the others wait for what it stores, and compute them
    themselves when it takes too long."""
    lock = store.compute_lock_key(name, selection, language)
    try:
        claimed = cache.add(lock, 1, timeout=LOCK_SECONDS)
    except CACHE_ERRORS:
        claimed = True
    if not claimed:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            try:
                stored = store.read(name, selection, language)
            except CACHE_ERRORS:
                break
            if stored is not None:
                return stored
    try:
        # Only a selection never stored asks whether it is a default one.
        return store.refresh(name, selection, language, default=store.is_default(name, selection))
    finally:
        if claimed:
            with contextlib.suppress(*CACHE_ERRORS):
                cache.delete(lock)


def _enqueue_once(name: str, selection: Params, language: str) -> None:
    """One recomputation of stale figures, whoever else asks for it meanwhile. Without
    a broker (tasks run in-process, the embedded default) the task runs right here, in
    the request that found them stale: that setup has little data and no beat. When the
    broker cannot be reached the stale figures are served all the same (the beat
    schedule refreshes them once it can)."""
    lock = store.lock_key(name, selection, language)
    try:
        claimed = cache.add(lock, 1, timeout=LOCK_SECONDS)
    except CACHE_ERRORS:
        return  # the beat schedule will refresh them
    if not claimed:
        return
    try:
        tasks.refresh_figures.delay(name, selection, language)
    except Exception as error:  # kombu's OperationalError, a refused connection, …
        logger.warning("Refresh of figures %s not enqueued: %s", name, type(error).__name__)
        with contextlib.suppress(*CACHE_ERRORS):
            cache.delete(lock)


def compute_defaults_soon(name: str) -> None:
    """The figures ``name`` changed in a way that makes new default selections (new
    data they rest on, such as an import): each is computed in the background in every
    language, so that the next visitor finds them stored instead of computing them."""
    for selection in store.get_kind(name).defaults():
        for language, _label in settings.LANGUAGES:
            try:
                tasks.refresh_figures.delay(name, selection, language)
            except Exception as error:  # no broker: the first visitor computes them
                logger.warning("Figures %s not enqueued: %s", name, type(error).__name__)
