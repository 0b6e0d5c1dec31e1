"""The back office of questions (webcare): the queue (days left, overdue first, filters
by status, topic, owner and public/private), giving a question an owner and answering
it; and the topics. A colleague sees the questions of their own departments only, and
what they open or change is audited (``privacy.audit``)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common import admin_tools
from common.admin_tools import short_date
from privacy.audit import AuditedAdmin
from reports import question_actions
from reports.admin import FeedbackInline, OwnDepartmentFilter, TermFilter, own_departments
from reports.models import Question, QuestionStatus, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name_nl", "department", "term_working_days", "is_active", "position"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department"]
    search_fields = ["name_nl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_nl"]}


class OwnerFilter(admin.SimpleListFilter):
    title = _("owner")
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("mine", _("Mine")), ("nobody", _("Without an owner"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class QuestionFeedbackInline(FeedbackInline):
    """What the asker said after the answer ("is your question answered?")."""

    fk_name = "question"
    fields = ["created_at", "solved", "grade", "reason_list", "remark"]
    readonly_fields = fields
    verbose_name_plural = _("feedback from the asker after the answer")


def colleagues_of(question: Question | None) -> Any:
    """Who may own a question: the active colleagues of its department."""
    if question is None or question.department_id is None:
        return User.objects.none()
    return User.objects.filter(report_departments=question.department_id, is_active=True)


class QuestionAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The owner, the reply to the asker and, for a public answer, the question and the
    answer as they are published; the reply is sent once, when the question is saved
    with it."""

    class Meta:
        model = Question
        fields = ["assigned_to", "answer", "public_text", "public_answer"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 8}),
            "public_text": forms.Textarea(attrs={"rows": 4}),
            "public_answer": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            field = self.fields["assigned_to"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = colleagues_of(self.instance if self.instance.pk else None)
        if "answer" in self.fields:
            self.fields["answer"].help_text = (
                _(
                    "Saving with a reply sends it to the asker only and closes the question. "
                    "It is never published: what the portal shows is the answer as "
                    "published below."
                )
                if self.instance.is_public
                else _("Saving with a reply sends it to the asker and closes the question.")
            )
        # Never filled in from the asker's own words or the private reply: a colleague
        # writes what is published.

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        answer = (cleaned.get("answer") or "").strip()
        if answer and self.instance.is_public:
            if not (cleaned.get("public_text") or "").strip():
                self.add_error(
                    "public_text",
                    _("The asker wants a public answer: give the question as it is published."),
                )
            if not (cleaned.get("public_answer") or "").strip():
                self.add_error(
                    "public_answer",
                    _("The asker wants a public answer: give the answer as it is published."),
                )
        return cleaned


class AssignQuestionForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Colleague"))

    def __init__(self, *args: Any, departments: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_staff=True, is_active=True)
        if departments is not None:
            people = people.filter(report_departments__in=departments).distinct()
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people.order_by("display_name")


@admin.register(Question)
class QuestionAdmin(AuditedAdmin):
    """The queue of residents' questions. A question holds a resident's own words (and
    whether they asked with an account): opening, answering and every bulk action on it
    are written to the audit log."""

    form = QuestionAdminForm
    list_display = [
        "number",
        "question_and_topic",
        "status",
        "days_left",
        "answer_kind",
        "asked",
        "assigned_to",
    ]
    list_display_links = ["number", "question_and_topic"]
    list_filter = [
        "status",
        TermFilter,
        "topic",
        OwnerFilter,
        ("is_public", admin.BooleanFieldListFilter),
        ("department", OwnDepartmentFilter),
    ]
    list_select_related = ["topic", "assigned_to"]
    search_fields = ["=id", "text", "public_text", "public_answer"]
    actions = ["assign_to_me", "assign_to_colleague"]
    inlines = [QuestionFeedbackInline]
    # The queue: open questions first, the most overdue on top; answered ones after.
    ordering = [F("answered_at").asc(nulls_first=True), "due_date", "-created_at"]
    fieldsets = [
        (
            _("Workflow"),
            {"fields": ["status", "days_left", "department", "assigned_to", "asked_by"]},
        ),
        (_("The question"), {"fields": ["topic", "text", "is_public", "public_link"]}),
        (_("The reply to the asker"), {"fields": ["answer", "answered_at", "answered_by"]}),
        (
            _("On the portal (public answer only)"),
            {"fields": ["public_text", "public_answer"]},
        ),
        (_("Dates"), {"fields": ["created_at", "submitted_at", "due_date"]}),
    ]
    _always_read_only = [
        "status",
        "days_left",
        "department",
        "asked_by",
        "topic",
        "text",
        "is_public",
        "public_link",
        "answered_at",
        "answered_by",
        "created_at",
        "submitted_at",
        "due_date",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self._always_read_only)
        if obj is not None and obj.status != QuestionStatus.RECEIVED:
            fields += ["answer", "public_text", "public_answer"]
        if obj is not None and not obj.is_public:
            fields += ["public_text", "public_answer"]
        return list(dict.fromkeys(fields))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not obj.is_public:
            # A private question publishes nothing: no fields for the portal.
            return [item for item in fieldsets if "public_answer" not in item[1]["fields"]]
        return fieldsets

    def get_queryset(self, request):
        queryset = super().get_queryset(request).confirmed()
        if request.user.is_superuser:
            return queryset
        departments = own_departments(request.user)
        # Questions have no area: a colleague sees those of their departments only.
        return queryset.filter(department__in=departments or [])

    def changelist_view(self, request, extra_context=None):
        # A colleague in no department sees an empty queue: say why, and who can change it.
        user = request.user
        without_department = not user.is_superuser and own_departments(user) is None
        extra_context = {
            **(extra_context or {}),
            "without_department": without_department,
            "is_area_manager": without_department
            and user.groups.filter(name=Role.AREA_MANAGER).exists(),
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(
        description=pgettext_lazy("a queue's column: the record's number", "number"), ordering="pk"
    )
    def number(self, obj: Question) -> str:
        return f"?{obj.pk}"

    @admin.display(description=_("question"), ordering="topic__name_nl")
    def question_and_topic(self, obj: Question) -> str:
        return format_html(
            '{}<br><span class="portal-admin-muted">{}</span>',
            obj.topic.name,
            Truncator(obj.text or obj.public_text).chars(50),
        )

    asked = short_date("submitted_at", _("went in"))

    @admin.display(description=_("answer"), ordering="is_public")
    def answer_kind(self, obj: Question) -> str:
        return gettext("public") if obj.is_public else gettext("private")

    @admin.display(description=_("asked by"))
    def asked_by(self, obj: Question) -> str:
        # Nothing personal: whoever answers needs no name or address (the portal sends it).
        if obj.asker_id:
            return gettext("A resident with an account")
        if obj.asker_email:
            return gettext("A visitor with a confirmed email address")
        return self.get_empty_value_display()

    @admin.display(description=_("days left"), ordering="due_date")
    def days_left(self, obj: Question) -> str:
        return admin_tools.days_left(obj.working_days_left(), self.get_empty_value_display())

    @admin.display(description=_("on the portal"))
    def public_link(self, obj: Question) -> str:
        if not obj.is_published:
            return gettext("Not published")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            gettext("Open the public page"),
        )

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        fields = [
            name
            for name in ("assigned_to", "public_text", "public_answer")
            if name in form.changed_data
        ]
        answer = (data.get("answer") or "").strip()
        if fields and not answer:
            Question.objects.filter(pk=obj.pk).update(
                **{name: getattr(obj, name) for name in fields}, updated_at=timezone.now()
            )
        if not answer or obj.status != QuestionStatus.RECEIVED:
            return
        if "assigned_to" in fields:
            Question.objects.filter(pk=obj.pk).update(assigned_to=obj.assigned_to)
        try:
            question_actions.answer_question(
                question=obj,
                answer=answer,
                public_text=data.get("public_text") or "",
                public_answer=data.get("public_answer") or "",
                by=request.user,
            )
        except question_actions.QuestionError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, gettext("The answer was sent to the asker."))

    @admin.action(description=_("Make me the owner"), permissions=["change"])
    def assign_to_me(self, request, queryset) -> None:
        count = question_actions.assign_questions(
            questions=queryset, to=request.user, by=request.user
        )
        self.message_user(
            request,
            ngettext("You own %(count)d question now.", "You own %(count)d questions now.", count)
            % {"count": count},
        )

    @admin.action(description=_("Give to a colleague…"), permissions=["change"])
    def assign_to_colleague(self, request, queryset):
        departments = None if request.user.is_superuser else (own_departments(request.user) or [])
        return admin_tools.assign_to_colleague(
            self,
            request,
            queryset,
            AssignQuestionForm(
                request.POST if "apply" in request.POST else None, departments=departments
            ),
            assign=lambda to: question_actions.assign_questions(
                questions=queryset, to=to, by=request.user
            ),
            done=lambda count: ngettext(
                "%(name)s owns %(count)d question now.",
                "%(name)s owns %(count)d questions now.",
                count,
            ),
            title=gettext("Give to a colleague"),
        )
