"""The back office of participation: processes with their phases and stakeholder
analysis, task teams and their members, council questions, and the decisions list."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_tools import ReadOnlyInline, action_form, short_date
from neighbourhoods.area_admin import AreaScopedAdmin
from participation import actions
from participation.models import (
    CouncilQuestion,
    Decision,
    DecisionDocument,
    Phase,
    Process,
    Stakeholder,
    TaskTeam,
    TeamLogEntry,
    TeamMembership,
    Topic,
)
from privacy.audit import AuditedAdmin


class PhaseInline(admin.StackedInline):
    model = Phase
    extra = 1
    fields = [("order", "name"), ("starts_on", "ends_on"), "level", "level_reason", "heard", "done"]


class StakeholderInline(admin.TabularInline):
    model = Stakeholder
    extra = 1
    fields = ["name", "interests", "influence", "involvement", "level", "internal_note"]


@admin.register(Process)
class ProcessAdmin(AreaScopedAdmin):
    list_display = ["title", "kind", "published_at"]
    list_filter = ["kind", "neighbourhoods"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["neighbourhoods"]
    autocomplete_fields = ["agenda_items", "surveys", "initiatives"]
    raw_id_fields = ["projects"]
    readonly_fields = ["published_at"]
    inlines = [PhaseInline, StakeholderInline]
    actions = ["publish"]

    @admin.action(description=_("Publish on the portal"), permissions=["change"])
    def publish(self, request, queryset):
        count = sum(actions.publish_process(process=process) for process in queryset)
        self.message_user(
            request,
            ngettext("%(count)d process published.", "%(count)d processes published.", count)
            % {"count": count},
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A phase that now says what we heard and did is reported to the followers once.
        reported = 0
        for phase in form.instance.phases.all():
            reported += actions.report_back(phase=phase)
        if reported:
            self.message_user(
                request,
                ngettext(
                    "Followers are told what we heard and did (%(count)d phase).",
                    "Followers are told what we heard and did (%(count)d phases).",
                    reported,
                )
                % {"count": reported},
            )


class MembershipInline(ReadOnlyInline):
    model = TeamMembership
    fields = ["user", "role", "status", "motivation", "created_at"]
    readonly_fields = fields


class LogInline(ReadOnlyInline):
    model = TeamLogEntry
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(TaskTeam)
class TaskTeamAdmin(AreaScopedAdmin):
    list_display = ["title", "municipality_role", "open_for_applications", "applications"]
    list_filter = ["municipality_role", "open_for_applications"]
    search_fields = ["title"]
    autocomplete_fields = ["agenda_item", "meetings"]
    raw_id_fields = ["project"]
    inlines = [MembershipInline, LogInline]

    @admin.display(description=_("applications"))
    def applications(self, obj: TaskTeam):
        url = reverse("admin:participation_teammembership_changelist")
        return format_html(
            '<a href="{}?team__id__exact={}&status__exact=applied">{}</a>',
            url,
            obj.pk,
            gettext("Applications"),
        )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=capfirst(_("role in the team")), choices=TeamMembership.Role.choices
    )


@admin.register(TeamMembership)
class TeamMembershipAdmin(AreaScopedAdmin):
    """Applications; only the area manager of the team's neighbourhood decides."""

    list_display = ["user", "team", "role", "status", "applied"]
    applied = short_date("created_at", _("created"))
    list_filter = ["status", "role", "team"]
    list_select_related = ["user", "team"]
    readonly_fields = ["team", "user", "motivation", "status", "created_at", "decided_at"]
    fields = readonly_fields
    actions = ["accept", "decline"]

    def has_add_permission(self, request) -> bool:
        return False

    def _decide(self, request, queryset, *, accept: bool, role=None) -> None:
        done = refused = 0
        for membership in queryset.select_related(
            "team__agenda_item__neighbourhood", "team__project__programme__neighbourhood"
        ):
            try:
                actions.decide_membership(
                    membership=membership, by=request.user, accept=accept, role=role
                )
                done += 1
            except PermissionDenied:
                refused += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d application decided.", "%(count)d applications decided.", done)
                % {"count": done},
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d application not changed: only the area manager of the "
                    "team's neighbourhood takes people on.",
                    "%(count)d applications not changed: only the area manager of the "
                    "team's neighbourhood takes people on.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )

    @admin.action(description=_("Accept into the team"), permissions=["change"])
    def accept(self, request, queryset):
        form = RoleForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form(
                self, request, queryset, form, action="accept", title=_("Accept into the team")
            )
        self._decide(request, queryset, accept=True, role=form.cleaned_data["role"])
        return None

    @admin.action(description=_("Decline"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, accept=False)


class MessageForm(forms.Form):
    message = forms.CharField(
        label=capfirst(_("message to the council member")),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class PollForm(forms.Form):
    kind = forms.TypedChoiceField(
        label=capfirst(_("kind of question")),
        choices=[("", "---------")]
        + [(kind.value, kind.label) for kind in actions.POLL_QUESTION_KINDS],
        help_text=_(
            "“How satisfied are you…?” asks for a mark; “Do you agree that…?” for agree or "
            "disagree. You can change the question on the poll's page afterwards."
        ),
    )


class WaitingForResearchersFilter(admin.SimpleListFilter):
    """The researchers' queue: questions to review, and accepted ones without a poll."""

    title = _("waiting")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("researchers", _("For the researchers"))]

    def queryset(self, request, queryset):
        if self.value() == "researchers":
            return queryset.waiting_for_researchers()
        return queryset


@admin.register(CouncilQuestion)
class CouncilQuestionAdmin(AuditedAdmin):
    list_display = ["question_short", "asked_by", "status", "created_at", "poll"]
    list_filter = [WaitingForResearchersFilter, "status"]
    list_select_related = ["asked_by", "survey"]
    search_fields = ["question"]
    readonly_fields = [
        "asked_by",
        "question",
        "context",
        "status",
        "researcher_message",
        "survey",
        "created_at",
        "answered_at",
    ]
    fields = readonly_fields
    actions = ["accept", "ask_to_rephrase", "decline", "make_poll"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("question"))
    def question_short(self, obj: CouncilQuestion) -> str:
        return obj.question[:80]

    @admin.display(description=_("panel poll"))
    def poll(self, obj: CouncilQuestion):
        if not obj.survey_id:
            return self.get_empty_value_display()
        url = reverse("admin:surveys_survey_change", args=[obj.survey_id])
        return format_html('<a href="{}">{}</a>', url, obj.survey.title)

    def _review(self, request, queryset, outcome, message=""):
        count = 0
        for asked in queryset:
            actions.review_council_question(asked=asked, outcome=outcome, message=message)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d question reviewed.", "%(count)d questions reviewed.", count)
            % {"count": count},
        )

    @admin.action(description=_("Accept"), permissions=["change"])
    def accept(self, request, queryset):
        self._review(
            request,
            queryset.filter(status=CouncilQuestion.Status.SUBMITTED),
            CouncilQuestion.Status.ACCEPTED,
        )

    def _with_message(self, request, queryset, *, action: str, title, outcome):
        form = MessageForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form(self, request, queryset, form, action=action, title=title)
        self._review(request, queryset, outcome, form.cleaned_data["message"])
        return None

    @admin.action(description=_("Ask the member to rephrase"), permissions=["change"])
    def ask_to_rephrase(self, request, queryset):
        return self._with_message(
            request,
            queryset.filter(status=CouncilQuestion.Status.SUBMITTED),
            action="ask_to_rephrase",
            title=_("Ask the member to rephrase"),
            outcome=CouncilQuestion.Status.REPHRASING,
        )

    @admin.action(description=_("Decline with a reason"), permissions=["change"])
    def decline(self, request, queryset):
        return self._with_message(
            request,
            queryset.filter(
                status__in=[CouncilQuestion.Status.SUBMITTED, CouncilQuestion.Status.REPHRASING]
            ),
            action="decline",
            title=_("Decline with a reason"),
            outcome=CouncilQuestion.Status.DECLINED,
        )

    @admin.action(description=_("Turn into a panel poll…"), permissions=["change"])
    def make_poll(self, request, queryset):
        """Turn accepted questions into panel polls, with the kind of question the
        researcher chooses on the next page."""
        accepted = queryset.filter(status=CouncilQuestion.Status.ACCEPTED, survey__isnull=True)
        if not accepted.exists():
            self.message_user(
                request, gettext("Only accepted questions become polls."), messages.WARNING
            )
            return None
        form = PollForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form(
                self,
                request,
                accepted,
                form,
                action="make_poll",
                title=_("Turn into a panel poll"),
            )
        made = 0
        for asked in accepted:
            actions.create_panel_poll(asked=asked, kind=form.cleaned_data["kind"])
            made += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d panel poll made. Check the question, then draw a sample and send "
                "from the survey's page.",
                "%(count)d panel polls made. Check the question, then draw a sample and send "
                "from the survey's page.",
                made,
            )
            % {"count": made},
        )
        return None


class DocumentInline(admin.TabularInline):
    model = DecisionDocument
    extra = 1


@admin.register(Decision)
class DecisionAdmin(AreaScopedAdmin):
    list_display = ["title", "decided_on", "topic", "published_at"]
    list_filter = ["topic", "decided_on", "neighbourhoods"]
    search_fields = ["title", "summary"]
    date_hierarchy = "decided_on"
    filter_horizontal = ["neighbourhoods", "processes"]
    readonly_fields = ["published_at"]
    inlines = [DocumentInline]
    actions = ["publish"]

    @admin.action(description=_("Publish on the decisions list"), permissions=["change"])
    def publish(self, request, queryset):
        count = sum(actions.publish_decision(decision=decision) for decision in queryset)
        self.message_user(
            request,
            ngettext("%(count)d decision published.", "%(count)d decisions published.", count)
            % {"count": count},
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_nl"]}
