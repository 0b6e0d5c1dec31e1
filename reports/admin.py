"""The back office of public-space reports: the queue (days left, overdue first), the
workflow, assignment, notes, forwarding, merging and the categories. A colleague in a
department sees that department's reports; an area manager those of their areas."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, F, OuterRef, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common import admin_tools, workdays
from common.admin_tools import ReadOnlyInline, WorkflowAdminForm, short_date
from neighbourhoods.area_admin import AreaScopedAdmin
from reports import actions, figures_admin
from reports.models import (
    STAFF_TRANSITIONS,
    Category,
    Department,
    Feedback,
    FeedbackReason,
    Forward,
    InternalNote,
    Open311Client,
    Photo,
    Report,
    Route,
    Status,
    StatusChange,
)


def own_departments(user: Any) -> list[int] | None:
    """The departments whose reports this colleague handles; ``None`` when their work is
    not bound to a department (administrators, colleagues in none)."""
    if not user.is_authenticated or user.is_superuser:
        return None
    if not hasattr(user, "_report_departments"):
        user._report_departments = list(user.report_departments.values_list("pk", flat=True))
    return user._report_departments or None


def skipped_message(numbers: list[int], *, current: str, to: str) -> str:
    """Why a bulk status change left these reports (all in status ``current``) alone."""
    count = len(numbers)
    values = {
        "count": count,
        "numbers": ", ".join(f"#{number}" for number in numbers[:10])
        + (" …" if count > 10 else ""),
        "current": Status(current).label,
        "status": Status(to).label,
    }
    if current == to:
        text = ngettext(
            "%(count)d report skipped (%(numbers)s): it already has the status “%(status)s”.",
            "%(count)d reports skipped (%(numbers)s): they already have the status “%(status)s”.",
            count,
        )
    elif current == Status.MERGED:
        text = ngettext(
            "%(count)d report skipped (%(numbers)s): it was merged with another report;"
            " change the report it was merged into.",
            "%(count)d reports skipped (%(numbers)s): they were merged with another report;"
            " change the reports they were merged into.",
            count,
        )
    elif Status.IN_PROGRESS in STAFF_TRANSITIONS.get(current, set()):
        values["between"] = Status.IN_PROGRESS.label
        text = ngettext(
            "%(count)d report skipped (%(numbers)s): a report with the status “%(current)s”"
            " cannot be set to “%(status)s” directly; set it to “%(between)s” first.",
            "%(count)d reports skipped (%(numbers)s): a report with the status “%(current)s”"
            " cannot be set to “%(status)s” directly; set them to “%(between)s” first.",
            count,
        )
    else:
        text = ngettext(
            "%(count)d report skipped (%(numbers)s): a report with the status “%(current)s”"
            " cannot be set to “%(status)s”.",
            "%(count)d reports skipped (%(numbers)s): a report with the status “%(current)s”"
            " cannot be set to “%(status)s”.",
            count,
        )
    return text % values


class ColleagueFilter(admin.RelatedFieldListFilter):
    """Who handles the report: the colleagues of the departments (of the viewer's own
    departments, for a colleague bound to some) and the administrators, or nobody yet.
    Offered from the departments' members, not by reading every report for who is
    assigned."""

    def field_choices(self, field, request, model_admin):
        departments = own_departments(request.user)
        members = (
            Q(report_departments__isnull=False)
            if departments is None
            else Q(report_departments__in=departments)
        )
        # Administrators may take a report too (assign to me) without being a member.
        colleagues = field.related_model.objects.filter(
            members | Q(is_superuser=True, is_staff=True)
        )
        return [
            (user.pk, user.public_name)
            for user in colleagues.distinct().order_by("display_name", "email")
        ]

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.empty_value_display = gettext("not assigned yet")


class OwnDepartmentFilter(admin.RelatedFieldListFilter):
    """The departments to filter on: a colleague's own (their list holds no others), or
    every department with "none yet" for those whose work is not bound to one."""

    def field_choices(self, field, request, model_admin):
        departments = own_departments(request.user)
        offered = field.related_model.objects.order_by("name")
        if departments is not None:
            offered = offered.filter(pk__in=departments)
        return [(department.pk, str(department)) for department in offered]

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.bound = own_departments(request.user) is not None
        super().__init__(field, request, params, model, model_admin, field_path)

    @property
    def include_empty_choice(self) -> bool:
        return not self.bound and super().include_empty_choice


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
    search_fields = ["name"]


class RouteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Route
    extra = 0
    verbose_name_plural = _("routes by neighbourhood (exceptions to the department)")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name_nl",
        "parent",
        "term_working_days",
        "department",
        "reopen_allowed",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "reopen_allowed",
        "department",
        ("parent", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["parent", "department"]
    search_fields = ["name_nl", "name_en", "slug"]
    ordering = ["parent__position", "position", "name_nl"]
    inlines = [RouteInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.main()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TermFilter(admin.SimpleListFilter):
    """Overdue, or due within two working days: the reports' and the questions' queues."""

    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("soon", _("Due within 2 working days"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "soon":
            return queryset.open().filter(
                due_date__gte=today, due_date__lte=workdays.add_working_days(today, 2)
            )
        return queryset


class ReopenedFilter(admin.SimpleListFilter):
    """Reports that were reopened once closed (by a colleague or by the reporter)."""

    title = _("reopened")
    parameter_name = "reopened"

    def lookups(self, request, model_admin):
        return [("yes", _("Reopened")), ("by_reporter", _("Reopened by the reporter"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Exists(StatusChange.objects.filter(report=OuterRef("pk"), key="reopened"))
            )
        if self.value() == "by_reporter":
            return queryset.filter(
                Exists(Feedback.objects.filter(report=OuterRef("pk"), reopened_at__isnull=False))
            )
        return queryset


class MainCategoryFilter(admin.SimpleListFilter):
    title = _("main category")
    parameter_name = "main"

    def lookups(self, request, model_admin):
        return [(str(c.pk), c.name) for c in Category.objects.main()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(category__parent_id=int(self.value()))
        return queryset


class ReportAdminForm(WorkflowAdminForm):
    """The change page carries the workflow (next status and a message to the reporter
    and supporters), forwarding and merging."""

    statuses = Status
    transitions = STAFF_TRANSITIONS
    message_minimum = {Status.DECLINED: 10}
    message_help = _(
        "Shown on the public timeline and sent to the reporter and everyone who also saw "
        "it. When the municipality does not handle the report: say why."
    )
    forward_to = forms.CharField(
        label=_("Forward to (external party)"), required=False, max_length=120
    )
    forward_email = forms.EmailField(label=_("Their email address"), required=False)
    forward_message = forms.CharField(
        label=_("Message to them"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    merge_into = forms.IntegerField(
        label=_("Merge into report number"),
        required=False,
        min_value=1,
        max_value=2**53,
        help_text=_(
            "For a duplicate: the report that goes on. Its reporter and supporters join that one."
        ),
    )

    class Meta:
        model = Report
        fields = ["assigned_to", "department", "photos_checked"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            self.fields["assigned_to"].queryset = User.objects.filter(is_staff=True, is_active=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("forward_email") and not cleaned.get("forward_to"):
            self.add_error("forward_to", _("Name the party you forward the report to."))
        number = cleaned.get("merge_into")
        if number:
            target = self.visible_reports.filter(pk=number).first()
            if target is None or target.pk == self.instance.pk:
                self.add_error(
                    "merge_into", _("There is no other report with this number that you handle.")
                )
            else:
                cleaned["merge_target"] = target
        return cleaned


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["created_at", "status", "what", "message", "by"]
    readonly_fields = fields
    verbose_name_plural = _("history (public timeline)")

    @admin.display(description=_("what happened"))
    def what(self, obj: StatusChange) -> str:
        return obj.text()


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "size"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, obj: Photo) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            gettext("Open the photo"),
        )


class FeedbackInline(ReadOnlyInline):
    """What the reporter said after closing ("is it solved?"); says nothing of who."""

    model = Feedback
    fk_name = "report"
    fields = ["created_at", "solved", "grade", "reason_list", "remark", "reopened_at"]
    readonly_fields = fields
    verbose_name_plural = _("feedback from the reporter after closing")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reasons")

    @admin.display(description=_("reasons"))
    def reason_list(self, obj: Feedback) -> str:
        return "; ".join(reason.text for reason in obj.reasons.all())


@admin.register(FeedbackReason)
class FeedbackReasonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The standard reasons a reporter can tick, per answer; maintained by staff."""

    list_display = ["text_nl", "text_en", "answer", "applies_to", "position", "is_active"]
    list_filter = ["applies_to", "answer", "is_active"]
    search_fields = ["text_nl", "text_en"]
    ordering = ["answer", "position", "pk"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A reason in use stays (make it inactive); an unused one may go.
        if obj is not None and obj.feedback.exists():
            return False
        return super().has_delete_permission(request, obj)


class InternalNoteInline(admin.StackedInline):  # type: ignore[type-arg]
    model = InternalNote
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    verbose_name_plural = _("internal notes (staff only, never shown on the portal)")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ForwardInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Forward
    extra = 0
    can_delete = False
    fields = ["party", "party_email", "sent_at", "message", "reply", "replied_at"]
    readonly_fields = ["party", "party_email", "sent_at", "message", "replied_at"]
    verbose_name_plural = _("forwarded to external parties (write their reply here)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("display_name"),
        label=_("Colleague"),
    )


@admin.register(Report)
class ReportAdmin(AreaScopedAdmin):
    form = ReportAdminForm
    list_display = [
        "number",
        "category_and_place",
        "status",
        "days_left",
        "reported",
        "supporters",
        "department",
        "assigned_to",
    ]
    list_display_links = ["number", "category_and_place"]
    list_filter = [
        "status",
        TermFilter,
        ReopenedFilter,
        MainCategoryFilter,
        ("department", OwnDepartmentFilter),
        "neighbourhood",
        ("assigned_to", ColleagueFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = [
        "category",
        "category__parent",
        "neighbourhood",
        "department",
        "assigned_to",
    ]
    search_fields = ["=id", "description", "address"]
    # The queue counts its rows once (the filtered count), not also all of them.
    show_full_result_count = False
    actions = [
        "assign_to_me",
        "assign_to_colleague",
        "mark_in_progress",
        "mark_solved",
        "approve_photos",
        "merge_into_oldest",
    ]
    inlines = [PhotoInline, StatusChangeInline, FeedbackInline, ForwardInline, InternalNoteInline]
    readonly_fields = [
        "status",
        "days_left",
        "public_link",
        "category",
        "description",
        "address",
        "latitude",
        "longitude",
        "neighbourhood",
        "supporter_count",
        "merged_into",
        "open311_client",
        "created_at",
        "submitted_at",
        "due_date",
        "closed_at",
    ]
    fieldsets = [
        (
            _("Workflow"),
            {
                "fields": [
                    "status",
                    "days_left",
                    "assigned_to",
                    "department",
                    "new_status",
                    "public_message",
                ]
            },
        ),
        (
            _("The report"),
            {
                "fields": [
                    "public_link",
                    "category",
                    "description",
                    "address",
                    ("latitude", "longitude"),
                    "neighbourhood",
                    "supporter_count",
                    "photos_checked",
                    "merged_into",
                    "open311_client",
                ]
            },
        ),
        (_("Forward"), {"fields": ["forward_to", "forward_email", "forward_message"]}),
        (_("Merge a duplicate"), {"fields": ["merge_into"]}),
        (_("Dates"), {"fields": ["created_at", "submitted_at", "due_date", "closed_at"]}),
    ]

    # The queue: open reports first (they have no closing moment), the most overdue on
    # top; closed ones after them.
    ordering = [F("closed_at").asc(nulls_first=True), "due_date", "-created_at"]

    def get_urls(self):
        def figures(request):
            return figures_admin.figures_view(self, request, own_departments(request.user))

        return [
            path("cijfers/", self.admin_site.admin_view(figures), name="reports_report_figures"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # Scoped by area in AreaScopedAdmin, by department here (as the figures are).
        return super().get_queryset(request).for_departments(own_departments(request.user))

    def outside_scope_message(self, request, obj):
        departments = own_departments(request.user)
        if departments is not None and obj.department_id not in departments:
            return gettext("This report is for another department; you cannot open it here.")
        return super().outside_scope_message(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.visible_reports = self.get_queryset(request)
        return form

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(
        description=pgettext_lazy("a queue's column: the record's number", "number"), ordering="pk"
    )
    def number(self, obj: Report) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("report"), ordering="category__name_nl")
    def category_and_place(self, obj: Report) -> str:
        return format_html(
            '{}<br><span class="portal-admin-muted">{}</span>', obj.category.name, obj.place
        )

    reported = short_date("submitted_at", _("went in"))

    @admin.display(description=_("Also seen"), ordering="supporter_count")
    def supporters(self, obj: Report) -> int:
        return obj.supporter_count

    @admin.display(description=_("days left"), ordering="due_date")
    def days_left(self, obj: Report) -> str:
        return admin_tools.days_left(obj.working_days_left(), self.get_empty_value_display())

    @admin.display(description=_("on the portal"))
    def public_link(self, obj: Report) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            gettext("Open the public page"),
        )

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        fields = [
            name
            for name in ("assigned_to", "department", "photos_checked")
            if name in form.changed_data
        ]
        if fields:
            Report.objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in fields})
        try:
            if data.get("merge_target") is not None:
                actions.merge(duplicate=obj, into=data["merge_target"], by=request.user)
                return
            if data.get("forward_to"):
                actions.forward(
                    report=obj,
                    party=data["forward_to"],
                    party_email=data.get("forward_email") or "",
                    message=data.get("forward_message") or "",
                    by=request.user,
                )
            if data.get("new_status"):
                actions.change_status(
                    report=obj,
                    to=data["new_status"],
                    by=request.user,
                    message=data.get("public_message") or "",
                )
        except actions.ReportError as error:
            self.message_user(request, str(error), messages.ERROR)

    def save_formset(self, request, form, formset, change) -> None:
        for item in formset.save(commit=False):
            if isinstance(item, InternalNote) and item.pk is None:
                item.author = request.user
                item.save()
            elif isinstance(item, Forward) and item.pk is not None:
                actions.record_reply(forwarding=item, reply=item.reply, by=request.user)

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset) -> None:
        count = actions.assign(reports=queryset, to=request.user, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d report assigned to you.", "%(count)d reports assigned to you.", count
            )
            % {"count": count},
        )

    @admin.action(description=_("Assign to a colleague…"), permissions=["change"])
    def assign_to_colleague(self, request, queryset):
        return admin_tools.assign_to_colleague(
            self,
            request,
            queryset,
            AssignForm(request.POST if "apply" in request.POST else None),
            assign=lambda to: actions.assign(reports=queryset, to=to, by=request.user),
            done=lambda count: ngettext(
                "%(count)d report assigned to %(name)s.",
                "%(count)d reports assigned to %(name)s.",
                count,
            ),
            title=gettext("Assign to a colleague"),
        )

    def _move(self, request, queryset, to: str) -> None:
        """Set the chosen reports to ``to`` and say how many moved, and which were
        skipped and why, by the status's own name."""
        result = actions.move_reports(reports=queryset, to=to, by=request.user)
        status = Status(to).label
        if result.moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report set to “%(status)s”.",
                    "%(count)d reports set to “%(status)s”.",
                    result.moved,
                )
                % {"count": result.moved, "status": status},
            )
        for current, numbers in result.skipped.items():
            self.message_user(
                request,
                skipped_message(numbers, current=current, to=to),
                messages.WARNING,
            )

    @admin.action(description=_("Mark as in progress"), permissions=["change"])
    def mark_in_progress(self, request, queryset) -> None:
        self._move(request, queryset, Status.IN_PROGRESS)

    @admin.action(description=_("Mark as solved"), permissions=["change"])
    def mark_solved(self, request, queryset) -> None:
        self._move(request, queryset, Status.SOLVED)

    @admin.action(description=_("Photos checked: show them on the portal"), permissions=["change"])
    def approve_photos(self, request, queryset) -> None:
        count = actions.check_photos(reports=queryset, by=request.user)
        self.message_user(
            request,
            ngettext(
                "Photos of %(count)d report may be shown.",
                "Photos of %(count)d reports may be shown.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Merge into the oldest selected report"), permissions=["change"])
    def merge_into_oldest(self, request, queryset) -> None:
        chosen = sorted(
            queryset, key=lambda report: (report.submitted_at or report.created_at, report.pk)
        )
        if len(chosen) < 2:
            self.message_user(
                request, gettext("Choose at least two reports to merge."), messages.ERROR
            )
            return
        into, merged = chosen[0], 0
        for duplicate in chosen[1:]:
            try:
                actions.merge(duplicate=duplicate, into=into, by=request.user)
                merged += 1
            except actions.ReportError as error:
                self.message_user(request, f"#{duplicate.pk}: {error}", messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)d report merged into #%(number)s.",
                "%(count)d reports merged into #%(number)s.",
                merged,
            )
            % {"count": merged, "number": into.pk},
        )


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The apps that may send reports through Open311. Adding one makes its API key,
    shown once on the page that follows; afterwards only its first characters are known.
    Switch an app off instead of deleting it: its reports keep saying where they came
    from."""

    list_display = ["name", "key_start", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = ["name", "is_active", "key_start", "created_at"]
    readonly_fields = ["key_start", "created_at"]

    def save_model(self, request: Any, obj: Open311Client, form: Any, change: bool) -> None:
        if not change:
            request._open311_key = obj.new_key()
        super().save_model(request, obj, form, change)

    def response_add(self, request: Any, obj: Open311Client, post_url_continue: Any = None) -> Any:
        key = getattr(request, "_open311_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The API key of %(name)s") % {"name": obj.name},
            "client": obj,
            "key": key,
            "opts": self.opts,
            "changelist_url": reverse("admin:reports_open311client_changelist"),
        }
        response = TemplateResponse(request, "admin/reports/open311client/key.html", context)
        response["Cache-Control"] = "no-store"
        return response


# Improvements and questions (webcare) have their own modules; importing them registers
# their admin.
from reports import improvements_admin, question_admin  # noqa: E402, F401
