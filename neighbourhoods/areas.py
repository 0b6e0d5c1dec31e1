"""Which neighbourhoods a record belongs to, and which an area manager works in.

An area manager (gebiedsmanager) sees, changes and chooses only what belongs to their own
neighbourhoods in the back office. Each app says how its records reach a neighbourhood
(``register_area_model``, from its ``AppConfig.ready()``): ``"neighbourhood"`` for an
agenda item, ``"programme__neighbourhood"`` for a programme project, two ways for a task
team (through its agenda item or its project), ``"neighbourhoods"`` for a process that
spans several. The back office's mixins (``neighbourhoods.area_admin``) read it.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from accounts.models import Role
from neighbourhoods.models import Neighbourhood

_PATHS: dict[type[models.Model], tuple[str, ...]] = {}


def register_area_model(model: type[models.Model], *paths: str) -> None:
    """``paths`` are the lookups from ``model`` to a neighbourhood's primary key (the
    neighbourhood itself registers ``"pk"``); a record belongs to every neighbourhood
    any of them reaches."""
    _PATHS[model] = paths


def area_paths(model: type[models.Model]) -> tuple[str, ...]:
    """The registered lookups of ``model`` (its concrete model's), or ``()``."""
    return _PATHS.get(model._meta.concrete_model or model, ())


def area_models() -> dict[type[models.Model], tuple[str, ...]]:
    return dict(_PATHS)


def own_areas(user: Any) -> frozenset[int] | None:
    """The neighbourhoods an area manager works in; ``None`` for everyone whose work is
    not bound to areas (administrators and the other roles). Asked once per request."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    if not hasattr(user, "_own_areas"):
        scoped = user.groups.filter(name=Role.AREA_MANAGER.value).exists()
        user._own_areas = (
            frozenset(user.managed_neighbourhoods.values_list("pk", flat=True)) if scoped else None
        )
    return user._own_areas


def touching(queryset: models.QuerySet[Any], areas: Iterable[int]) -> models.QuerySet[Any]:
    """The records that belong to at least one of ``areas``."""
    paths = area_paths(queryset.model)
    areas = list(areas)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{path}__in": areas})
    inside = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inside)


def within(queryset: models.QuerySet[Any], areas: Iterable[int]) -> models.QuerySet[Any]:
    """The records that belong to at least one of ``areas`` and to no other
    neighbourhood: what an area manager may change or choose."""
    areas = list(areas)
    manager = queryset.model._default_manager
    others = Neighbourhood.objects.exclude(pk__in=areas).values("pk")
    outside = Q(pk__in=[])
    for path in area_paths(queryset.model):
        outside |= Q(**{f"{path}__in": others})
    return touching(queryset, areas).exclude(pk__in=manager.filter(outside).values("pk"))


def belongs_within(obj: models.Model, areas: Iterable[int]) -> bool:
    """Whether ``obj`` belongs only to ``areas`` (see :func:`within`)."""
    model = type(obj)
    return within(model._default_manager.filter(pk=obj.pk), areas).exists()
