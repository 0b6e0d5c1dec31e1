"""The researchers' back office: build a survey, draw a sample, send, follow the
response, close and publish; indicators with their targets."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_tools import action_form, short_date
from common.spreadsheet import spreadsheet_safe_xlsx
from common.validators import validate_plain_text
from privacy import audit
from privacy.audit import AuditedAdmin
from surveys import actions, export
from surveys.models import (
    Choice,
    Indicator,
    IndicatorYear,
    PanelMember,
    Question,
    Response,
    SealedResponse,
    Survey,
)
from surveys.results import response_rates


class QuestionAdminForm(forms.ModelForm):
    """A question; whether it must be answered follows its kind unless the researcher
    says otherwise: an open text question is optional, the others are required."""

    required = forms.ChoiceField(
        label=capfirst(_("required")),
        choices=[
            ("", _("As usual for the kind (open text optional, others required)")),
            ("yes", _("Required")),
            ("no", _("Optional")),
        ],
        required=False,
    )

    class Meta:
        model = Question
        # The admin names the fields of each page; these two decide "required".
        fields = ["kind", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["required"] = "yes" if self.instance.required else "no"

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("required")
        if chosen in {"yes", "no"}:
            cleaned["required"] = chosen == "yes"
        else:
            cleaned["required"] = cleaned.get("kind") != Question.Kind.TEXT
        return cleaned


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionAdminForm
    extra = 1
    fields = [
        "order",
        "page",
        "code",
        "kind",
        "text",
        "required",
        "show_if_question",
        "show_if_value",
        "choices_link",
    ]
    readonly_fields = ["choices_link"]

    @admin.display(description=_("choices"))
    def choices_link(self, obj: Question) -> str:
        if not obj.pk or obj.kind not in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            return ""
        choices = obj.choices.count()
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:surveys_question_change", args=[obj.pk]),
            ngettext("Edit the %(count)d choice", "Edit the %(count)d choices", choices)
            % {"count": choices},
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "show_if_question":
            survey_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Question.objects.filter(survey_id=survey_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SampleForm(forms.Form):
    size = forms.IntegerField(label=_("How many panel members"), min_value=1, max_value=100_000)
    stratify_neighbourhood = forms.BooleanField(
        label=_("In proportion per neighbourhood"), required=False
    )
    stratify_age = forms.BooleanField(label=_("In proportion per age group"), required=False)


class EmailListForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses, one per line"), widget=forms.Textarea(attrs={"rows": 10})
    )

    def clean_emails(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        field = forms.EmailField()
        for line in lines:
            try:
                field.clean(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(email)s” is not a valid email address."), params={"email": line}
                ) from None
        return lines


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why publish with fewer responses than the minimum"),
        help_text=_(
            "Shown with the results for everyone to read, and the council member sees it "
            "with the answer to their question."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
    )


class SurveyStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("running", _("Running now")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "running":
            return queryset.open_now()
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


def _has_responses(survey: Survey) -> bool:
    return (
        Response.objects.filter(survey=survey).exists()
        or SealedResponse.objects.filter(survey=survey).exists()
    )


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "state", "opens", "closes", "responses", "kind", "audience"]
    opens = short_date("opens_at", _("opens"))
    closes = short_date("closes_at", _("closes"))
    list_filter = [SurveyStateFilter, "kind", "audience"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]
    readonly_fields = ["overview", "closed_at", "results_published_at"]
    actions = [
        "draw_sample",
        "invite_panel",
        "invite_list",
        "send_invitations",
        "send_reminders",
        "close",
        "publish",
        "export_answers",
        "export_answers_xlsx",
    ]
    fieldsets = [
        (_("Progress"), {"fields": ["overview"]}),
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "intro",
                    "audience",
                    "anonymous",
                    "one_page",
                    ("opens_at", "closes_at"),
                    ("reminder_days", "max_reminders"),
                    "weighted",
                    "previous",
                    "minimum_responses",
                    "small_sample_reason",
                    ("closed_at", "results_published_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Once answers came in under a promise (anonymous or not), it cannot change.
        if obj is not None and obj.pk and _has_responses(obj):
            fields.append("anonymous")
        return fields

    @admin.display(description=_("responses"), ordering="response_total")
    def responses(self, obj: Survey) -> int:
        return obj.response_total

    @admin.display(description=_("state"))
    def state(self, obj: Survey) -> str:
        if obj.is_published:
            return gettext("Results published")
        if obj.closed_at:
            return gettext("Closed")
        return gettext("Open") if obj.is_open else gettext("Not open")

    @admin.display(description=_("overview"))
    def overview(self, obj: Survey) -> str:
        if not obj.pk:
            return self.get_empty_value_display()
        rates = response_rates(obj)
        completed = Response.objects.filter(survey=obj).count()
        waiting = SealedResponse.objects.filter(survey=obj).count()
        runs = format_html_join(
            "",
            "<li>{}: {} / {}</li>",
            ((run.get_kind_display(), run.sent, run.total) for run in obj.send_runs.all()[:5]),
        )
        groups = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}%</td></tr>",
            ((g["group"], g["sent"], g["completed"], g["rate"]) for g in rates["groups"]),
        )
        warning = ""
        if completed < obj.publish_minimum:
            warning = format_html(
                '<p class="errornote">{}</p>',
                ngettext(
                    "Only %(count)d completed response: this survey's minimum for publishing "
                    "is %(minimum)d. Below it the results are only published with a public "
                    "reason: write it in “%(field)s” below.",
                    "Only %(count)d completed responses: this survey's minimum for publishing "
                    "is %(minimum)d. Below it the results are only published with a public "
                    "reason: write it in “%(field)s” below.",
                    completed,
                )
                % {
                    "count": completed,
                    "minimum": obj.publish_minimum,
                    "field": capfirst(Survey._meta.get_field("small_sample_reason").verbose_name),
                },
            )
        return format_html(
            "{}<p>{} {}</p><ul>{}</ul><p>{}</p>"
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>"
            '<p><a href="{}">{}</a> · <a href="{}">{}</a></p>',
            warning,
            gettext(
                "Invitations sent %(sent)d, opened %(opened)d, started %(started)d, "
                "completed %(completed)d. Responses: %(responses)d."
            )
            % {
                **{k: rates[k] or 0 for k in ["sent", "opened", "started", "completed"]},
                "responses": completed,
            },
            ngettext(
                "%(count)d response waits sealed until its batch is released.",
                "%(count)d responses wait sealed until their batch is released.",
                waiting,
            )
            % {"count": waiting}
            if waiting
            else "",
            runs,
            gettext("Reload this page to follow the sending."),
            gettext("Group"),
            gettext("Sent"),
            gettext("Completed"),
            gettext("Response rate"),
            groups,
            reverse("surveys:start", args=[obj.slug]) + "?voorbeeld=1",
            gettext("Preview as a resident"),
            obj.get_results_url(),
            gettext("Results"),
        )

    @admin.action(description=_("Draw a sample of the panel…"), permissions=["change"])
    def draw_sample(self, request, queryset):
        form = SampleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for survey in queryset:
                before = PanelMember.objects.why_not_eligible(survey)
                count = actions.draw_sample(survey=survey, **form.cleaned_data)
                self._invited(request, survey, count, form.cleaned_data["size"], before)
            return None
        return action_form(
            self, request, queryset, form, action="draw_sample", title=gettext("Draw a sample")
        )

    @admin.action(description=_("Invite the whole panel"), permissions=["change"])
    def invite_panel(self, request, queryset) -> None:
        for survey in queryset:
            before = PanelMember.objects.why_not_eligible(survey)
            count = actions.invite_whole_panel(survey=survey)
            self._invited(request, survey, count, None, before)

    def _invited(self, request, survey, count, asked, before) -> None:
        """How many were invited, and why not more when fewer than asked (or none)."""
        text = ngettext(
            "Survey “%(survey)s”: %(count)d panel member invited.",
            "Survey “%(survey)s”: %(count)d panel members invited.",
            count,
        ) % {"survey": survey, "count": count}
        why = actions.explain_sample(invited=count, asked=asked, before=before)
        level = messages.WARNING if (not count or (asked and count < asked)) else messages.INFO
        self.message_user(request, f"{text} {why}".strip(), level)

    @admin.action(description=_("Invite a list of email addresses…"), permissions=["change"])
    def invite_list(self, request, queryset):
        form = EmailListForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for survey in queryset:
                count = actions.invite_emails(survey=survey, emails=form.cleaned_data["emails"])
                self.message_user(
                    request,
                    ngettext(
                        "Survey “%(survey)s”: %(count)d address invited.",
                        "Survey “%(survey)s”: %(count)d addresses invited.",
                        count,
                    )
                    % {"survey": survey, "count": count},
                )
            return None
        return action_form(
            self, request, queryset, form, action="invite_list", title=gettext("Invite a list")
        )

    @admin.action(description=_("Send the invitations"), permissions=["change"])
    def send_invitations(self, request, queryset) -> None:
        for survey in queryset:
            try:
                run = actions.start_sending(survey=survey)
            except actions.SurveyError:
                self.message_user(
                    request, gettext("%(survey)s is not open.") % {"survey": survey}, messages.ERROR
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "%(survey)s: sending %(count)d invitation.",
                    "%(survey)s: sending %(count)d invitations.",
                    run.total,
                )
                % {"survey": survey, "count": run.total},
            )

    @admin.action(description=_("Send the reminders that are due"), permissions=["change"])
    def send_reminders(self, request, queryset) -> None:
        for survey in queryset:
            run = actions.start_reminders(survey=survey)
            count = run.total if run else 0
            self.message_user(
                request,
                ngettext(
                    "%(survey)s: sending %(count)d reminder.",
                    "%(survey)s: sending %(count)d reminders.",
                    count,
                )
                % {"survey": survey, "count": count},
            )

    @admin.action(description=_("Close"), permissions=["change"])
    def close(self, request, queryset) -> None:
        count = 0
        for survey in queryset:
            count += actions.close_survey(survey=survey)  # those already closed stay out
        self.message_user(
            request,
            ngettext("%(count)d survey closed.", "%(count)d surveys closed.", count)
            % {"count": count},
        )

    @admin.action(description=_("Publish the results"), permissions=["change"])
    def publish(self, request, queryset):
        """Publish closed surveys' results. A survey with fewer responses than its
        minimum is only published with a public reason, asked for on the next page."""
        short = [
            survey
            for survey in queryset
            if survey.closed_at is not None
            and survey.results_published_at is None
            and survey.has_too_few_responses()
        ]
        reason = ""
        if short:
            form = PublishForm(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                for survey in short:
                    count = survey.response_count()
                    self.message_user(
                        request,
                        ngettext(
                            "%(survey)s has %(count)d response; its minimum is %(minimum)d.",
                            "%(survey)s has %(count)d responses; its minimum is %(minimum)d.",
                            count,
                        )
                        % {"survey": survey, "count": count, "minimum": survey.publish_minimum},
                        messages.WARNING,
                    )
                return action_form(
                    self,
                    request,
                    queryset,
                    form,
                    action="publish",
                    title=gettext("Publish with fewer responses than the minimum"),
                )
            reason = form.cleaned_data["reason"]
        for survey in queryset:
            try:
                actions.publish_results(survey=survey, reason=reason)
            except actions.TooFewResponses:
                continue  # not possible after the form; kept unpublished
            except actions.SurveyError:
                self.message_user(
                    request,
                    gettext("Close %(survey)s before publishing its results.") % {"survey": survey},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request, gettext("The results of %(survey)s are published.") % {"survey": survey}
            )
        return None

    @admin.action(description=_("Download the anonymised answers (CSV)"), permissions=["view"])
    def export_answers(self, request, queryset):
        """The anonymised answers of the first chosen survey; the download is written to
        the audit log."""
        survey = queryset.first()
        audit.record(
            actor=audit.acting_staff(request),
            action=audit.Action.EXPORTED,
            target=survey,
            summary="anonymised answers (CSV)",
        )
        response = StreamingHttpResponse(export.answer_rows(survey), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{survey.slug}-antwoorden.csv"'
        return response

    @admin.action(
        description=_("Download the anonymised answers (spreadsheet, XLSX)"), permissions=["view"]
    )
    def export_answers_xlsx(self, request, queryset):
        """The same anonymised answers as the CSV, as a spreadsheet file; also written
        to the audit log."""
        survey = queryset.first()
        audit.record(
            actor=audit.acting_staff(request),
            action=audit.Action.EXPORTED,
            target=survey,
            summary="anonymised answers (XLSX)",
        )
        writer = spreadsheet_safe_xlsx("antwoorden")
        for _row in export.answer_rows(survey, writer):
            pass
        return writer.response(f"{survey.slug}-antwoorden.xlsx")


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 2
    prepopulated_fields = {"value": ["label"]}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "kind", "page", "order"]
    list_filter = ["survey", "kind"]
    search_fields = ["text", "code"]
    list_select_related = ["survey"]
    form = QuestionAdminForm
    inlines = [ChoiceInline]
    fields = ["survey", "text", "kind", "code", "page", "order", "required", "help_text"]


class IndicatorYearInline(admin.TabularInline):
    model = IndicatorYear
    extra = 1
    autocomplete_fields = ["question"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "unit"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [IndicatorYearInline]


@admin.register(PanelMember)
class PanelMemberAdmin(AuditedAdmin):
    """Counts and groups only: researchers need no names or addresses of members."""

    list_display = ["neighbourhood", "age_band", "consent_at"]
    list_filter = ["neighbourhood", "age_band"]
    list_select_related = ["neighbourhood"]
    fields = ["neighbourhood", "age_band", "consent_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
