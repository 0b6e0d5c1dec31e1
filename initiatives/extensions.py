"""What apps above this one add to an initiative's page and to the back office's triage
list, registered from their ``AppConfig.ready()`` so this app never imports them (the
community app adds the initiative's coach this way).

- ``register_panel(name, provider)``: ``provider(request, initiative)`` gives a dict
  with a ``template`` (rendered in the page's side column with the dict as ``panel``)
  or None for nothing. A provider costs a fixed number of queries. The initiative comes
  from ``Initiative.objects.for_detail(viewer)``: it carries the annotation
  ``viewer_runs`` (whether the person viewing is one of its initiators), read with the
  row, so a provider asks no query for it; a provider never receives an initiative
  without that annotation. ``register_panel(name, provider, annotate)``: ``annotate``
  (a dict of names to expressions, such as ``common.expressions.rows_point_here``) is
  read with the same row, so a provider can tell from it that it has nothing to show
  without a query of its own. That row's SQL is built once per process, so a panel
  with annotations registered after a page was read is refused.
- ``register_triage_column(column, prepare=None)``: a column of the triage list (a
  callable taking the initiative, decorated with ``admin.display``); ``prepare(queryset)``
  adds what it reads to the list's one query (``select_related``, an annotation).
- ``register_triage_filter(list_filter)``: a filter of the triage list (a
  ``SimpleListFilter`` class).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

Panel = Callable[[HttpRequest, Any], dict[str, Any] | None]

_PANELS: dict[str, Panel] = {}
_PANEL_ANNOTATIONS: dict[str, Callable[[], dict[str, Any]]] = {}
TRIAGE_COLUMNS: list[Callable[[Any], Any]] = []
TRIAGE_PREPARE: list[Callable[[QuerySet[Any]], QuerySet[Any]]] = []
TRIAGE_FILTERS: list[Any] = []
# Whether a page's row was built with the panels' annotations yet.
_annotated = False


def register_panel(
    name: str, provider: Panel, annotate: Callable[[], dict[str, Any]] | None = None
) -> None:
    if annotate is not None and _annotated:
        # The page's row is built once per process (initiatives.views, common.prepared):
        # an annotation added after that would never be read.
        raise RuntimeError(f"Register the panel {name!r} from AppConfig.ready(), not later.")
    _PANELS[name] = provider
    if annotate is not None:
        _PANEL_ANNOTATIONS[name] = annotate


def annotate_for_panels(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The page's row with what the panels read from it (``register_panel``'s ``annotate``)."""
    global _annotated  # set once, read by register_panel
    _annotated = True
    for annotate in _PANEL_ANNOTATIONS.values():
        queryset = queryset.annotate(**annotate())
    return queryset


def panels_for(request: HttpRequest, initiative: Any) -> list[dict[str, Any]]:
    found = (provider(request, initiative) for provider in _PANELS.values())
    return [panel for panel in found if panel is not None]


def register_triage_column(
    column: Callable[[Any], Any],
    prepare: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None,
) -> None:
    if column not in TRIAGE_COLUMNS:
        TRIAGE_COLUMNS.append(column)
        if prepare is not None:
            TRIAGE_PREPARE.append(prepare)


def register_triage_filter(list_filter: Any) -> None:
    if list_filter not in TRIAGE_FILTERS:
        TRIAGE_FILTERS.append(list_filter)


def prepare_triage(queryset: QuerySet[Any]) -> QuerySet[Any]:
    for prepare in TRIAGE_PREPARE:
        queryset = prepare(queryset)
    return queryset
