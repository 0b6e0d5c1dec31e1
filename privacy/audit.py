"""The audit log of what civil servants do with residents' and suppliers' data.

The back-office pages for records about people use ``AuditedAdmin``: opening a record,
adding, changing, deleting and running a bulk action each leave an ``AuditEntry``.
The privacy officer reads the log in the admin; nobody can change or delete it there.
"""

from collections.abc import Iterable
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext

from accounts.models import User
from privacy.models import AuditEntry

Action = AuditEntry.Action
Outcome = AuditEntry.Outcome


def acting_staff(request: HttpRequest) -> User:
    # The admin's views are behind admin_view: a signed-in member of staff.
    return cast(User, request.user)


def _actor_label(actor: User) -> str:
    return getattr(actor, "email", "") or str(actor)


def record(
    *,
    actor: User,
    action: str,
    target: models.Model,
    summary: str = "",
    outcome: str = Outcome.DONE,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        summary=summary[:300],
        outcome=outcome,
    )


def record_list(*, actor: User, model: type[models.Model], summary: str = "") -> AuditEntry:
    """A civil servant opened a list of people (the accounts, who is coming to an
    event): who looked at which list, never what it showed."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        action=Action.LISTED,
        target_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        target_id="",
        summary=summary[:300],
    )


def record_many(
    *,
    actor: User,
    action: str,
    targets: Iterable[models.Model],
    summary: str = "",
    outcome: str = Outcome.DONE,
) -> int:
    entries = [
        AuditEntry(
            actor=actor,
            actor_label=_actor_label(actor),
            action=action,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=str(target.pk),
            summary=summary[:300],
            outcome=outcome,
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

    # True on pages whose list shows people (the accounts): opening the list is audited.
    audit_list = False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        action = request.POST.get("action", "") if request.method == "POST" else ""
        if (
            action
            and ("index" in request.POST or ACTION_CHECKBOX_NAME in request.POST)
            and action in self.declared_actions()
            and self.has_view_or_change_permission(request)
            and action not in self.get_actions(request)
        ):
            # Django ignores an action it does not offer (with none offered at all, it
            # shows the list again); either way it is a refused attempt, recorded.
            selected = valid_pks(self.model, request.POST.getlist(ACTION_CHECKBOX_NAME))
            return self.refuse_action(
                request,
                self.model._default_manager.filter(pk__in=selected).only("pk"),
                why=action,
                message=gettext("Your role does not allow this action."),
            )
        # A work list is named for what is on it ("Meldingen openbare ruimte"), not
        # Django's "Select … to change": colleagues open it to work through it.
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context)
        if self.audit_list and request.method == "GET" and response.status_code == 200:
            # The action ("opened a list of people") says it all: no summary to translate.
            record_list(actor=acting_staff(request), model=self.model)
        return response

    def declared_actions(self) -> set[str]:
        """Every action this page has, whether or not the colleague may run it."""
        names = {name for name, _function in self.admin_site.actions}
        for action in self.actions or ():
            names.add(action if isinstance(action, str) else action.__name__)
        return names

    def refuse_action(
        self, request: HttpRequest, targets: Iterable[models.Model], *, why: str, message: str
    ) -> HttpResponse:
        """Record a refused bulk action (who, which action, which records) and tell the
        colleague why; nothing of it is done."""
        record_many(
            actor=acting_staff(request),
            action=Action.BULK_ACTION,
            targets=targets,
            summary=why,
            outcome=Outcome.REFUSED,
        )
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def response_action(
        self, request: HttpRequest, queryset: models.QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        action = request.POST.get("action", "")
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if action and selected:
            targets = self.model._default_manager.filter(pk__in=valid_pks(self.model, selected))
            if action not in self.get_actions(request):
                if action in self.declared_actions():
                    return self.refuse_action(
                        request,
                        targets.only("pk"),
                        why=action,
                        message=gettext("Your role does not allow this action."),
                    )
            elif action != "delete_selected":
                record_many(
                    actor=acting_staff(request),
                    action=Action.BULK_ACTION,
                    targets=queryset.filter(pk__in=valid_pks(self.model, selected))
                    .select_related(None)
                    .only("pk"),
                    summary=action,
                )
        return super().response_action(request, queryset, *args, **kwargs)


def valid_pks(model: type[models.Model], values: list[str]) -> list[Any]:
    """The values that are a primary key of ``model`` (a forged POST may send anything)."""
    field = model._meta.pk
    valid = []
    for value in values:
        try:
            valid.append(field.to_python(value))
        except ValidationError:
            continue
    return valid
