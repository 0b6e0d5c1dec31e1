"""What needs a civil servant's attention, shown at the top of the back office's index:
one count per queue, each linking to the admin list filtered to exactly those rows.
Each app registers its queues in its ``AppConfig.ready()``.

A queue counts within the rows the person sees in that admin list (an area manager's own
neighbourhoods), so the number on the index is the number of rows the link shows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class QueueDefinition:
    """A queue: who may open it (``permission``), the admin list it links to
    (``admin_name``, e.g. ``initiatives_initiative``) with its filter, and how to
    count its rows: ``count`` gets the rows the person sees in that admin list (its
    ``ModelAdmin.get_queryset``) and applies the same QuerySet method as the filter."""

    label: str | Promise
    permission: str
    admin_name: str
    params: dict[str, str]
    count: Callable[[QuerySet[Any]], int]


_QUEUES: list[QueueDefinition] = []


def register_queue(definition: QueueDefinition) -> None:
    if definition not in _QUEUES:
        _QUEUES.append(definition)


def queues_for(
    user: PermissionsMixin | AnonymousUser, visible: Callable[[str], QuerySet[Any]]
) -> list[Queue]:
    """The queues this civil servant may open, with how many rows wait in each;
    ``visible(admin_name)`` is what that admin list shows this person before filtering."""
    return [
        Queue(
            str(definition.label),
            definition.count(visible(definition.admin_name)),
            reverse(f"admin:{definition.admin_name}_changelist")
            + "?"
            + urlencode(definition.params),
        )
        for definition in _QUEUES
        if user.has_perm(definition.permission)
    ]
