"""The audit log of what civil servants do with residents' and suppliers' data.

The back-office pages for records about people use ``AuditedAdmin``: opening a record,
adding, changing, deleting and running a bulk action each leave an ``AuditEntry``.
The privacy officer reads the log in the admin; nobody can change or delete it there.
"""

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from privacy.models import AuditEntry

Action = AuditEntry.Action


def _actor_label(actor) -> str:
    return getattr(actor, "email", "") or str(actor)


def record(*, actor, action: str, target: models.Model, summary: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        summary=summary[:300],
    )


def record_many(*, actor, action: str, targets: Iterable[models.Model], summary: str = "") -> int:
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


def _changed_fields(message) -> str:
    """Django's structured change message, reduced to the names of the fields."""
    names: list[str] = []
    for part in message if isinstance(message, list) else []:
        for details in part.values():
            names.extend(details.get("fields", []) if isinstance(details, dict) else [])
    return ", ".join(str(name) for name in names)


class AuditedAdmin(admin.ModelAdmin):
    """A back-office page for records about people: every look and every change is
    written to the audit log (who, what, when; never the data itself)."""

    def log_addition(self, request: HttpRequest, obj, message):
        record(actor=request.user, action=Action.ADDED, target=obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj, message):
        record(
            actor=request.user, action=Action.CHANGED, target=obj, summary=_changed_fields(message)
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset):
        record_many(actor=request.user, action=Action.DELETED, targets=list(queryset))
        return super().log_deletions(request, queryset)

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = (
                response.context_data.get("original") if hasattr(response, "context_data") else None
            )
            if obj is not None:
                record(actor=request.user, action=Action.VIEWED, target=obj)
        return response

    def response_action(self, request: HttpRequest, queryset, *args, **kwargs):
        action = request.POST.get("action", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if action and action != "delete_selected" and selected:
            record_many(
                actor=request.user,
                action=Action.BULK_ACTION,
                targets=queryset.filter(pk__in=selected).select_related(None).only("pk"),
                summary=action,
            )
        return super().response_action(request, queryset, *args, **kwargs)
