"""The back office's accounts and audit log: everything done there with a person's data
is recorded, and an account can be exported or erased on a request by letter."""

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from common.admin_tools import action_form
from privacy import registry as privacy
from privacy.audit import Action, AuditedAdmin, acting_staff, record
from privacy.forms import add_erasure_option_fields, chosen_erasure_options
from privacy.models import AuditEntry

# The admin classes are generic only in the stubs (not subscriptable at runtime).
if TYPE_CHECKING:
    DjangoUserAdminBase = DjangoUserAdmin[User]
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
else:
    DjangoUserAdminBase = DjangoUserAdmin
    AuditEntryAdminBase = admin.ModelAdmin


class EraseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the request; erasing cannot be undone"), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_erasure_option_fields(self, staff=True)

    def chosen_options(self) -> set[str]:
        return chosen_erasure_options(self)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdminBase):
    ordering = ["email"]
    list_display = ["email", "display_name", "home_neighbourhood", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "groups", "home_neighbourhood"]
    list_select_related = ["home_neighbourhood"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "home_neighbourhood", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "retention_warned_at"]
    actions = ["export_personal_data", "erase_accounts"]

    @admin.action(description=_("Download the personal data (request by letter)"))
    def export_personal_data(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one person to export."), messages.WARNING)
            return None
        user = queryset.get()
        record(actor=acting_staff(request), action=Action.EXPORTED, target=user)
        response = HttpResponse(
            json.dumps(privacy.export_personal_data(user), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="personal-data-{user.pk}.json"'
        return response

    @admin.action(description=_("Erase the account (request by letter)"))
    def erase_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        queryset = queryset.exclude(pk=acting_staff(request).pk).exclude(is_superuser=True)
        form = EraseAccountForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form(
                self,
                request,
                queryset,
                form,
                action="erase_accounts",
                title=_("Erase accounts"),
            )
        count = 0
        for user in queryset:
            privacy.erase_person(
                user=user,
                options=form.chosen_options(),
                by=acting_staff(request),
            )
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return None


# A tuple, so the stubs accept it both as list_display and as readonly_fields.
_AUDIT_COLUMNS = ("created_at", "actor_label", "action", "target_type", "target_id", "summary")


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditEntryAdminBase):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = _AUDIT_COLUMNS
    list_filter = ["action", "target_type", "created_at"]
    list_select_related = ["target_type"]
    search_fields = ["actor_label", "target_id", "summary"]
    date_hierarchy = "created_at"
    readonly_fields = _AUDIT_COLUMNS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
