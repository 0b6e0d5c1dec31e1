import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import privacy
from portal.admin_tools import action_form
from portal.audit import Action, AuditedAdmin, record
from portal.models import AuditEntry, Notification, NotificationPreference, PortalPage, User


class EraseAccountForm(forms.Form):
    withdraw_open_initiatives = forms.BooleanField(
        label=_("Also withdraw the person's drafts and initiatives that await a decision"),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I checked the request; erasing cannot be undone"), required=True
    )


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
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
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one person to export."), messages.WARNING)
            return None
        user = queryset.get()
        record(actor=request.user, action=Action.EXPORTED, target=user)
        response = HttpResponse(
            json.dumps(privacy.export_personal_data(user), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="personal-data-{user.pk}.json"'
        return response

    @admin.action(description=_("Erase the account (request by letter)"))
    def erase_accounts(self, request, queryset):
        queryset = queryset.exclude(pk=request.user.pk).exclude(is_superuser=True)
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
                withdraw_open_initiatives=form.cleaned_data["withdraw_open_initiatives"],
                by=request.user,
            )
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return None


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "message", "email_state", "read_at"]
    list_filter = ["kind", "email_state"]
    list_select_related = ["recipient"]
    search_fields = ["message"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "in_app"]
    list_filter = ["kind", "email"]
    list_select_related = ["user"]


@admin.register(PortalPage)
class PortalPageAdmin(admin.ModelAdmin):
    list_display = ["slug", "title_nl", "updated_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ["created_at", "actor_label", "action", "target_type", "target_id", "summary"]
    list_filter = ["action", "target_type", "created_at"]
    list_select_related = ["target_type"]
    search_fields = ["actor_label", "target_id", "summary"]
    date_hierarchy = "created_at"
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
