from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common import admin_tools
from common.admin_tools import short_date
from community import actions
from community.models import (
    CoachRequest,
    Membership,
    Message,
    MessageReport,
    NetworkTheme,
    Post,
    VolunteerCall,
)
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


class MessageReportInline(admin_tools.ReportInline):
    model = MessageReport


@admin.register(Message)
class MessageAdmin(AuditedAdmin):
    """Reported messages only: moderators read nothing else of what residents write to
    each other."""

    list_display = ["excerpt", "written", "hidden"]
    written = short_date("created_at", _("written"))
    hidden = short_date("hidden_at", _("hidden"))
    list_filter = [admin_tools.ModerationFilter]
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
        return admin_tools.hide_with_reason(
            self,
            request,
            queryset.select_related("conversation"),
            action="hide_messages",
            hide=lambda message, reason: actions.hide_message(message=message, reason=reason),
            done=gettext("The messages are hidden."),
            title=gettext("Hide messages"),
        )

    @admin.action(description=_("Keep: dismiss the reports"), permissions=["moderate"])
    def dismiss_reports(self, request, queryset) -> None:
        admin_tools.dismiss_reports(
            self,
            request,
            queryset,
            lambda message: actions.dismiss_message_reports(message=message),
        )


class CoachAssignForm(forms.ModelForm):
    """The coach of one request: an approved ambassador of the initiative's
    neighbourhood (those of its theme first) or an initiative broker."""

    class Meta:
        model = CoachRequest
        fields = ["ambassador", "broker", "broker_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        initiative = self.instance.initiative
        theme_slug = initiative.theme.slug if initiative.theme_id else ""
        ambassadors = self.fields["ambassador"]
        ambassadors.queryset = (  # type: ignore[attr-defined]
            Membership.objects.ambassadors()
            .filter(network__neighbourhood_id=initiative.neighbourhood_id)
            .for_page()
            .annotate(
                same_theme=Case(
                    When(network__theme__slug=theme_slug, then=Value(0)), default=Value(1)
                )
            )
            .order_by("same_theme", "public_name")
        )
        ambassadors.label_from_instance = lambda membership: (  # type: ignore[attr-defined]
            f"{membership.public_name} ({membership.network.theme})"
        )
        brokers = self.fields["broker"]
        brokers.queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, is_staff=True, groups__name=Role.INITIATIVE_BROKER
        ).order_by("display_name", "pk")
        brokers.label_from_instance = lambda user: user.public_name  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.coach_changed():
            problems = actions.coach_problems(
                coaching=self.instance,
                ambassador=cleaned.get("ambassador"),
                broker=cleaned.get("broker"),
                broker_name=cleaned.get("broker_name") or "",
            )
            for field, problem in problems.items():
                self.add_error(field, problem)
        elif not self.errors and self.instance.broker_id and not cleaned.get("broker_name"):
            self.add_error(
                "broker_name",
                _("Give the name shown on the initiative's page for the initiative broker."),
            )
        return cleaned

    def coach_changed(self) -> bool:
        """Another coach chosen (or none yet): only then is the coach assigned again
        (and told); a Save without changes leaves an accepted coach as they are."""
        return self.instance.status == CoachRequest.Status.ASKED or bool(
            {"ambassador", "broker"} & set(self.changed_data)
        )


class WishFilter(admin.ChoicesFieldListFilter):
    """The filter on the coach wished for, titled for staff (the field asks the resident)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = gettext("coach wished for")


@admin.register(CoachRequest)
class CoachRequestAdmin(AreaScopedAdmin):
    """Initiators' requests for a coach; the area manager of the initiative's
    neighbourhood (or the triage) assigns an ambassador or an initiative broker."""

    form = CoachAssignForm
    list_display = ["initiative", "coach_wished", "status", "coach", "asked"]
    asked = short_date("asked_at", _("asked"))
    list_filter = ["status", ("wish", WishFilter)]
    # The resident's questions as staff read them (the model's labels ask the resident).
    readonly_fields = [
        "initiative",
        "coach_wished",
        "help_asked",
        "asked_at",
        "status",
        "answered_at",
        "assigned_by",
        "initiators_contact",
    ]
    fields = [*readonly_fields, "ambassador", "broker", "broker_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # Named in full: the list's own select_related is applied only to a queryset
        # without one.
        return (
            super()
            .get_queryset(request)
            .select_related("initiative__neighbourhood", "ambassador", "broker", "assigned_by")
        )

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_be_assigned_by(request.user))

    @admin.display(description=_("coach wished for"), ordering="wish")
    def coach_wished(self, obj: CoachRequest) -> str:
        return obj.get_wish_display()

    @admin.display(description=_("help asked for"))
    def help_asked(self, obj: CoachRequest) -> str:
        return obj.question

    @admin.display(description=_("Coach"))
    def coach(self, obj: CoachRequest) -> str:
        return obj.coach_name or self.get_empty_value_display()

    def _contact(self, request, obj: CoachRequest | None) -> str:
        """The initiators' email addresses for the initiative broker who coaches them
        (their role needs them, to get in touch), their absence for every other
        colleague who opens the request."""
        if obj is not None and obj.broker_id and obj.broker_id == request.user.pk:
            return "initiators_contact"
        return "initiators_contact_withheld"

    def get_readonly_fields(self, request, obj=None):
        contact = self._contact(request, obj)
        return [contact if name == "initiators_contact" else name for name in self.readonly_fields]

    def get_fields(self, request, obj=None):
        contact = self._contact(request, obj)
        return [contact if name == "initiators_contact" else name for name in self.fields]

    @admin.display(description=_("Initiators' email addresses"))
    def initiators_contact(self, obj: CoachRequest) -> str:
        """How the initiative broker who coaches gets in touch with the initiators (this
        page is in the audit log); an ambassador is written to through the portal. Only
        ever on the page of that broker (``get_fields``)."""
        return ", ".join(person.email for person in obj.initiative.initiators() if person)

    @admin.display(description=_("Initiators' email addresses"))
    def initiators_contact_withheld(self, obj: CoachRequest) -> str:
        return gettext("Only shown to the initiative broker who coaches.")

    def save_model(self, request, obj, form, change) -> None:
        # The form's clean checked the coach (errors beside the field), so a refusal
        # here is a concurrent change: refused, never "changed successfully".
        if form.coach_changed():
            try:
                actions.assign_coach(
                    coaching=obj,
                    by=request.user,
                    ambassador=form.cleaned_data.get("ambassador"),
                    broker=form.cleaned_data.get("broker"),
                    broker_name=form.cleaned_data.get("broker_name") or "",
                )
            except actions.CommunityError as error:
                raise PermissionDenied(str(error)) from error
        elif "broker_name" in form.changed_data and obj.broker_id:
            # Only the name shown for the initiative broker: nobody is assigned again.
            obj.broker_name = form.cleaned_data["broker_name"].strip()
            obj.save(update_fields=["broker_name"])
