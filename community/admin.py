from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_tools import ReadOnlyInline, action_form, short_date
from community import actions
from community.models import Membership, Message, MessageReport, NetworkTheme, Post, VolunteerCall
from neighbourhoods.area_admin import AreaScopedAdmin
from privacy.audit import AuditedAdmin


@admin.register(NetworkTheme)
class NetworkThemeAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_nl"]}


@admin.register(Membership)
class MembershipAdmin(AreaScopedAdmin):
    """Requests to be an ambassador; only the area manager of the network's neighbourhood
    approves or declines them."""

    list_display = ["public_name", "role", "status", "network", "joined"]
    joined = short_date("created_at", _("joined"))
    list_filter = ["status", "role", "network__theme"]
    list_select_related = ["network__theme", "network__neighbourhood"]
    readonly_fields = (
        "network",
        "role",
        "status",
        "public_name",
        "can_help_with",
        "created_at",
        "decided_at",
    )
    fields = readonly_fields
    actions = ["approve", "decline"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, *, approve: bool) -> None:
        done = refused = 0
        waiting = queryset.filter(
            role=Membership.Role.AMBASSADOR, status=Membership.Status.WAITING
        ).select_related("network__neighbourhood", "network__theme", "user")
        for membership in waiting:
            try:
                actions.decide_ambassador(membership=membership, by=request.user, approve=approve)
                done += 1
            except PermissionDenied:
                refused += 1
        if done:
            self.message_user(
                request,
                (
                    ngettext(
                        "%(count)d ambassador approved: their profile is on the "
                        "neighbourhood page now.",
                        "%(count)d ambassadors approved: their profiles are on the "
                        "neighbourhood page now.",
                        done,
                    )
                    if approve
                    else ngettext(
                        "%(count)d ambassador request declined: they stay a member.",
                        "%(count)d ambassador requests declined: they stay members.",
                        done,
                    )
                )
                % {"count": done},
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request not changed: only the area manager of the "
                    "network's neighbourhood decides.",
                    "%(count)d requests not changed: only the area manager of the "
                    "network's neighbourhood decides.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )

    @admin.action(description=_("Approve as ambassador"), permissions=["change"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Decline (stays a member)"), permissions=["change"])
    def decline(self, request, queryset) -> None:
        self._decide(request, queryset, approve=False)


@admin.register(Post)
class PostAdmin(AreaScopedAdmin):
    """Offers and requests; a moderator hides one that breaks the house rules."""

    list_display = ["what", "kind", "neighbourhood", "theme", "ends_on", "hidden"]
    hidden = short_date("hidden_at", _("hidden"))
    list_filter = ["kind", "theme"]
    list_select_related = ["neighbourhood", "theme"]
    search_fields = ["what"]
    fields = ["kind", "what", "description", "neighbourhood", "theme", "ends_on", "hidden_at"]
    readonly_fields = ["kind", "what", "description", "neighbourhood", "theme", "ends_on"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VolunteerCall)
class VolunteerCallAdmin(AreaScopedAdmin):
    """Calls for volunteers for an agenda item or a programme project (initiators ask
    for their initiatives on the portal). Volunteers' messages go to whoever asked."""

    list_display = ["title", "wanted", "ends_on", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    fields = [
        "title",
        "description",
        "wanted",
        "ends_on",
        "neighbourhood",
        "agenda_item",
        "project",
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason the author will see"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationFilter(admin.SimpleListFilter):
    title = _("moderation")
    parameter_name = "moderation"

    def lookups(self, request, model_admin):
        return [("waiting", _("Reported, waiting")), ("hidden", _("Hidden"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.awaiting_moderation()
        if self.value() == "hidden":
            return queryset.filter(hidden_at__isnull=False)
        return queryset


class MessageReportInline(ReadOnlyInline):
    model = MessageReport
    fields = ("created_at", "reason", "resolved_at")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(AuditedAdmin):
    """Reported messages only: moderators read nothing else of what residents write to
    each other."""

    list_display = ["excerpt", "written", "hidden"]
    written = short_date("created_at", _("written"))
    hidden = short_date("hidden_at", _("hidden"))
    list_filter = [ModerationFilter]
    fields = ("text", "created_at", "hidden_at", "hidden_reason")
    readonly_fields = fields
    inlines = [MessageReportInline]
    actions = ["hide_messages", "dismiss_reports"]

    def get_queryset(self, request):
        return super().get_queryset(request).reported()

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("community.moderate_message")

    @admin.display(description=_("message"))
    def excerpt(self, obj: Message) -> str:
        return obj.text[:80]

    @admin.action(description=_("Hide with a reason…"), permissions=["moderate"])
    def hide_messages(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for message in queryset.filter(hidden_at__isnull=True).select_related("conversation"):
                actions.hide_message(message=message, reason=form.cleaned_data["reason"])
            self.message_user(request, gettext("The messages are hidden."))
            return None
        return action_form(
            self, request, queryset, form, action="hide_messages", title=gettext("Hide messages")
        )

    @admin.action(description=_("Keep: dismiss the reports"), permissions=["moderate"])
    def dismiss_reports(self, request, queryset) -> None:
        for message in queryset:
            actions.dismiss_message_reports(message=message)
        self.message_user(request, gettext("The reports are dismissed."))
