"""What a figures page reads: the city dashboard, the neighbourhood monitor, the figures
of public-space reports, "jij zei, wij deden" and procurement in figures scan many
records, and no visitor should wait for that (the figures themselves are registered in
``common.figures``).

Figures are stored with the moment they were computed and kept well beyond their
freshness period (``PORTAL_DASHBOARD_CACHE_SECONDS``):

- the beat schedule (``common.periodic.refresh_default_figures``, every few minutes)
  recomputes every default selection in every language of the portal;
- a page is served what is stored; figures older than the freshness period are still
  served at once, and one recomputation is enqueued (a short lock in the cache, so a
  hundred visitors enqueue one task);
- only a selection never stored (an unusual filter) is computed by the request, and
  stored for the next visitor."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from common import figures as store
from common import tasks
from common.figures import CACHE_ERRORS, Params, Stored

# How long one enqueued recomputation keeps others from enqueueing the same figures.
LOCK_SECONDS = 120


def figures(name: str, selection: Params | None = None) -> Stored:
    """The figures ``name`` for ``selection`` in the active language, as stored. When they
    are older than ``PORTAL_DASHBOARD_CACHE_SECONDS`` they are served all the same and
    one recomputation is enqueued; only figures never stored are computed here (and
    stored). With ``PORTAL_DASHBOARD_CACHE_SECONDS`` 0 they are always computed."""
    selection = selection or {}
    freshness = settings.PORTAL_DASHBOARD_CACHE_SECONDS
    if not freshness:
        return store.compute(name, selection)
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        stored = cache.get(store.cache_key(name, selection, language))
    except CACHE_ERRORS:
        return store.compute(name, selection)
    if not isinstance(stored, Stored):
        return store.refresh(name, selection, language)
    if (timezone.now() - stored.computed_at).total_seconds() > freshness:
        _enqueue_once(name, selection, language)
    return stored


def _enqueue_once(name: str, selection: Params, language: str) -> None:
    """One recomputation of stale figures, whoever else asks for it meanwhile. Without
    a broker (tasks run in-process, the embedded default) the task runs right here, in
    the request that found them stale: that setup has little data and no beat."""
    try:
        claimed = cache.add(store.lock_key(name, selection, language), 1, timeout=LOCK_SECONDS)
    except CACHE_ERRORS:
        return  # the beat schedule will refresh them
    if claimed:
        tasks.refresh_figures.delay(name, selection, language)
