"""The back office's accounts and audit log: everything done there with a person's data
is recorded, and an account can be exported or erased on a request by letter."""

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from common import public_cache
from common.admin_tools import action_form, short_date
from privacy import erasure as four_eyes
from privacy import registry as privacy
from privacy.audit import Action, AuditedAdmin, Outcome, acting_staff, record
from privacy.forms import add_erasure_option_fields, chosen_erasure_options
from privacy.models import AuditEntry, ErasureRequest

# The admin classes are generic only in the stubs (not subscriptable at runtime).
if TYPE_CHECKING:
    DjangoUserAdminBase = DjangoUserAdmin[User]
    AuditEntryAdminBase = admin.ModelAdmin[AuditEntry]
    ErasureRequestAdminBase = admin.ModelAdmin[ErasureRequest]
else:
    DjangoUserAdminBase = DjangoUserAdmin
    AuditEntryAdminBase = admin.ModelAdmin
    ErasureRequestAdminBase = admin.ModelAdmin


class EraseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the request; erasing cannot be undone"), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_erasure_option_fields(self, staff=True)

    def chosen_options(self) -> set[str]:
        return chosen_erasure_options(self)


class PasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """Django's form for setting a colleague's password, with its hint in the reader's
    language (Django joins it into one string, in the server's language, at import)."""

    usable_password_help_text = format_lazy(  # type: ignore[assignment]  # lazy: a str at use
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdminBase):
    change_password_form = PasswordChangeForm
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

    # Who opened the list of accounts is recorded (it shows people's addresses).
    audit_list = True

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A name shown on public pages (an initiator's, a commenter's, an area
        manager's) changed: every cached page is renewed, as names show everywhere."""
        super().save_model(request, obj, form, change)
        if change and "display_name" in form.changed_data:
            public_cache.bump_after_commit()

    def has_export_on_behalf_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(four_eyes.EXPORT_PERMISSION)

    def has_erase_on_behalf_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(four_eyes.ERASE_PERMISSION)

    @admin.action(
        description=_("Download the personal data (request by letter)"),
        permissions=["export_on_behalf"],
    )
    def export_personal_data(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        """Hand a person their data on a request by letter. An administrator's account
        is exported only by an administrator: it shows how the back office is run."""
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one person to export."), messages.WARNING)
            return None
        user = queryset.get()
        actor = acting_staff(request)
        if user.is_superuser and not actor.is_superuser:
            record(actor=actor, action=Action.EXPORTED, target=user, outcome=Outcome.REFUSED)
            self.message_user(
                request,
                _("Only an administrator exports an administrator's data."),
                messages.ERROR,
            )
            return None
        record(actor=actor, action=Action.EXPORTED, target=user)
        response = HttpResponse(
            json.dumps(privacy.export_personal_data(user), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="personal-data-{user.pk}.json"'
        return response

    @admin.action(
        description=_("Erase the account (request by letter)"),
        permissions=["erase_on_behalf"],
    )
    def erase_accounts(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Residents' accounts are erased at once; a colleague's account waits for a
        second colleague's approval (four eyes). Administrators and your own account
        are never erased here."""
        actor = acting_staff(request)
        skipped = queryset.filter(is_superuser=True).count() + queryset.filter(pk=actor.pk).count()
        queryset = queryset.exclude(pk=actor.pk).exclude(is_superuser=True)
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
        erased = requested = 0
        for user in queryset:
            if four_eyes.needs_second_person(user):
                four_eyes.request_erasure(user=user, options=form.chosen_options(), by=actor)
                requested += 1
                continue
            privacy.erase_person(user=user, options=form.chosen_options(), by=actor)
            erased += 1
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", erased)
            % {"count": erased},
            messages.SUCCESS,
        )
        if requested:
            self.message_user(
                request,
                ngettext(
                    "%(count)d colleague's account waits for a second colleague to approve "
                    "its erasure.",
                    "%(count)d colleagues' accounts wait for a second colleague to approve "
                    "their erasure.",
                    requested,
                )
                % {"count": requested},
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account not erased: your own account and administrators' "
                    "accounts are not erased here.",
                    "%(count)d accounts not erased: your own account and administrators' "
                    "accounts are not erased here.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        return None


@admin.register(ErasureRequest)
class ErasureRequestAdmin(AuditedAdmin, ErasureRequestAdminBase):
    """Requests to erase a colleague's account, waiting for a second colleague."""

    list_display = ["account_number", "requested_by", "requested_at", "state", "approved_by"]
    list_filter = ["state"]
    list_select_related = ["requested_by", "approved_by"]
    # A tuple, so the stubs accept it both as fields and as readonly_fields.
    readonly_fields = (
        "account_number",
        "options",
        "requested_by",
        "requested_at",
        "state",
        "approved_by",
        "approved_at",
    )
    fields = readonly_fields
    actions = ["approve_and_erase"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ErasureRequest | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ErasureRequest | None = None
    ) -> bool:
        return False

    def has_erase_on_behalf_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(four_eyes.ERASE_PERMISSION)

    @admin.action(
        description=_("Approve and erase (second colleague)"), permissions=["erase_on_behalf"]
    )
    def approve_and_erase(self, request: HttpRequest, queryset: QuerySet[ErasureRequest]) -> None:
        """The second pair of eyes: erase the accounts a colleague asked to erase."""
        erased = refused = 0
        for erasure in queryset.filter(state=ErasureRequest.State.WAITING):
            try:
                four_eyes.approve_erasure(erasure=erasure, by=acting_staff(request))
                erased += 1
            except PermissionDenied:
                refused += 1
        if erased:
            self.message_user(
                request,
                ngettext("%(count)d account erased.", "%(count)d accounts erased.", erased)
                % {"count": erased},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request not approved: a different colleague than the one who "
                    "asked must approve it.",
                    "%(count)d requests not approved: a different colleague than the one who "
                    "asked must approve them.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )


# A tuple, so the stubs accept it both as list_display and as readonly_fields.
_AUDIT_COLUMNS = (
    "created_at",
    "actor_label",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "summary",
)


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditEntryAdminBase):
    """Read-only for everyone, superusers included: the log is evidence."""

    list_display = ("when", *_AUDIT_COLUMNS[1:])
    when = short_date("created_at", _("when"), with_time=True)
    # Only the kinds of data that occur in the log, not every table of the portal.
    list_filter = [
        "action",
        "outcome",
        ("target_type", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
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
