"""The audit log of what civil servants do with residents' and suppliers' data.

The back-office pages for records about people use ``AuditedAdmin``: opening a record,
adding, changing, deleting and running a bulk action each leave an ``AuditEntry``.
The privacy officer reads the log in the admin; nobody can change or delete it there.
"""

from collections.abc import Iterable
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest, HttpResponse

from accounts.models import User
from privacy.models import AuditEntry

Action = AuditEntry.Action


def acting_staff(request: HttpRequest) -> User:
    # The admin's views are behind admin_view: a signed-in member of staff.
    return cast(User, request.user)


def _actor_label(actor: User) -> str:
    return getattr(actor, "email", "") or str(actor)


def record(*, actor: User, action: str, target: models.Model, summary: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        summary=summary[:300],
    )


def record_many(
    *, actor: User, action: str, targets: Iterable[models.Model], summary: str = ""
) -> int:
    entries = [
        AuditEntry(
            actor=actor,
            actor_label=_actor_label(actor),
            action=action,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=str(target.pk),
            summary=summary[:300],
        )
        for target in targets
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def _changed_fields(message: Any) -> str:
    """Django's structured change message, reduced to the names of the fields."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for details in part.values():
            names.extend(details.get("fields", []) if isinstance(details, dict) else [])
    return ", ".join(str(name) for name in names)


# Generic only in the stubs (not subscriptable at runtime), and a base for many models.
class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A back-office page for records about people: every look and every change is
    written to the audit log (who, what, when; never the data itself)."""

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        record(actor=acting_staff(request), action=Action.ADDED, target=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> LogEntry:
        record(
            actor=acting_staff(request),
            action=Action.CHANGED,
            target=obj,
            summary=_changed_fields(message),
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> list[LogEntry]:
        record_many(actor=acting_staff(request), action=Action.DELETED, targets=list(queryset))
        return super().log_deletions(request, queryset)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = (
                response.context_data.get("original") if hasattr(response, "context_data") else None
            )
            if obj is not None:
                record(actor=acting_staff(request), action=Action.VIEWED, target=obj)
        return response

    def response_action(
        self, request: HttpRequest, queryset: models.QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        action = request.POST.get("action", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if action and action != "delete_selected" and selected:
            record_many(
                actor=acting_staff(request),
                action=Action.BULK_ACTION,
                targets=queryset.filter(pk__in=selected).select_related(None).only("pk"),
                summary=action,
            )
        return super().response_action(request, queryset, *args, **kwargs)
