"""The area managers' back office: agenda triage, the yearly programme, events."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin_tools import ReadOnlyInline, WorkflowAdminForm, action_form, short_date
from common.csv import spreadsheet_safe_writer
from neighbourhoods import actions, area_monitor, areas, verification
from neighbourhoods.area_admin import AreaScopedAdmin, AreaScopedInline
from neighbourhoods.cbs import KNOWN_FIGURES
from neighbourhoods.forms import (
    AddressListForm,
    CbsImportForm,
    IssueCodesForm,
    ProjectUpdateForm,
)
from neighbourhoods.letters_pdf import letters_pdf
from neighbourhoods.models import (
    AGENDA_TRANSITIONS,
    ActionLevel,
    AddressList,
    AgendaItem,
    AgendaItemChange,
    AgendaStatus,
    Buurt,
    CbsFigure,
    CbsImport,
    Event,
    EventRSVP,
    Neighbourhood,
    Programme,
    ProgrammeProject,
    ProjectMilestone,
    ProjectUpdate,
)
from neighbourhoods.views import photo_response
from privacy.audit import AuditedAdmin, acting_staff, record, record_list
from privacy.models import AuditEntry


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AreaScopedAdmin):
    list_display = ["name", "cbs_code", "population", "area_manager", "vote_budget"]
    list_select_related = ["area_manager"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area_manager"]


class MyAreaFilter(admin.SimpleListFilter):
    """Area managers start with their own neighbourhoods; one click shows all."""

    title = _("area")
    parameter_name = "area"
    lookup = "neighbourhood__area_manager"

    def lookups(self, request, model_admin):
        return [("mine", _("My neighbourhoods")), ("all", _("All neighbourhoods"))]

    def value(self):
        value = super().value()
        if value is None and self.request_manages_an_area:
            return "mine"
        return value

    def __init__(self, request, params, model, model_admin):
        self.request_manages_an_area = request.user.managed_neighbourhoods.exists()
        self.user = request.user
        super().__init__(request, params, model, model_admin)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(**{self.lookup: self.user})
        return queryset


class AgendaItemAdminForm(WorkflowAdminForm):
    statuses = AgendaStatus
    transitions = AGENDA_TRANSITIONS
    message_minimum = {AgendaStatus.DECLINED: 10}
    message_help = _(
        "The municipality's public answer, shown with the item and sent to the proposer, the "
        "voters and the followers. Declining needs the reason (at least 10 characters)."
    )

    project = forms.ModelChoiceField(
        queryset=ProgrammeProject.objects.none(),
        required=False,
        label=_("Programme project"),
        help_text=_("Required when the item moves into the programme."),
    )

    class Meta:
        model = AgendaItem
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = ProgrammeProject.objects.filter(
            programme__neighbourhood=self.instance.neighbourhood_id
        ).select_related("programme")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status") == AgendaStatus.IN_PROGRAMME and not cleaned.get("project"):
            self.add_error("project", _("Choose the project this item becomes part of."))
        return cleaned


class AgendaItemChangeInline(ReadOnlyInline):
    model = AgendaItemChange
    fields = ["created_at", "from_status", "to_status", "actor", "message"]
    readonly_fields = fields
    verbose_name_plural = _("history (public)")


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason residents will read"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(AgendaItem)
class AgendaItemAdmin(AreaScopedAdmin):
    """The area agenda's triage: put on the agenda, decline with a reason, move into the
    programme, mark done."""

    form = AgendaItemAdminForm
    list_display = ["title", "status", "vote_count", "neighbourhood", "origin", "proposed"]
    list_filter = [MyAreaFilter, "status", "origin", "neighbourhood"]
    proposed = short_date("created_at", _("proposed"))
    list_select_related = ["neighbourhood"]
    search_fields = ["title", "description"]
    ordering = ["status", "-vote_count"]
    inlines = [AgendaItemChangeInline]
    actions = ["put_on_agenda", "decline"]
    readonly_fields = [
        "neighbourhood",
        "title",
        "description",
        "location",
        "origin",
        "initiative",
        "proposer_name",
        "status",
        "answer",
        "vote_count",
        "created_at",
    ]
    fieldsets = [
        (_("Answer"), {"fields": ["status", "new_status", "public_message", "project"]}),
        (
            _("The item"),
            {
                "fields": [
                    "neighbourhood",
                    "title",
                    "description",
                    "location",
                    "origin",
                    "initiative",
                    "proposer_name",
                    "vote_count",
                    "answer",
                    "created_at",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # staff add items from the council, a survey or themselves
            return [
                (
                    None,
                    {
                        "fields": [
                            "neighbourhood",
                            "title",
                            "description",
                            "location",
                            "origin",
                            "initiative",
                        ]
                    },
                )
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("proposed by"))
    def proposer_name(self, obj: AgendaItem) -> str:
        return obj.proposed_by.public_name if obj.proposed_by else gettext("the municipality")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        new_status = form.cleaned_data.get("new_status")
        if new_status:
            try:
                actions.change_agenda_status(
                    item=obj,
                    to=new_status,
                    by=request.user,
                    message=form.cleaned_data["public_message"],
                    project=form.cleaned_data.get("project"),
                )
            except actions.AgendaError as error:
                self.message_user(request, str(error), messages.ERROR)

    @admin.action(description=_("Put on the agenda"), permissions=["change"])
    def put_on_agenda(self, request, queryset) -> None:
        moved = 0
        for item in queryset.filter(status=AgendaStatus.PROPOSED):
            actions.change_agenda_status(
                item=item,
                to=AgendaStatus.ON_AGENDA,
                by=request.user,
                message=gettext("This item is on the agenda of the neighbourhood."),
            )
            moved += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d item put on the agenda.", "%(count)d items put on the agenda.", moved
            )
            % {"count": moved},
        )

    @admin.action(description=_("Decline with a reason…"), permissions=["change"])
    def decline(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            declined = 0
            for item in queryset:
                try:
                    actions.change_agenda_status(
                        item=item,
                        to=AgendaStatus.DECLINED,
                        by=request.user,
                        message=form.cleaned_data["reason"],
                    )
                    declined += 1
                except actions.AgendaError:
                    pass
            self.message_user(
                request,
                ngettext("%(count)d item declined.", "%(count)d items declined.", declined)
                % {"count": declined},
            )
            return None
        return action_form(
            self, request, queryset, form, action="decline", title=gettext("Decline agenda items")
        )


class ProgrammeProjectInline(AreaScopedInline):
    model = ProgrammeProject
    extra = 1
    fields = [
        "title",
        "description",
        ("budget", "spent", "status"),
        "planned_completion",
        "agenda_items",
        "initiatives",
        "survey_finding",
    ]
    autocomplete_fields = ["agenda_items", "initiatives"]


class ProjectMilestoneInline(AreaScopedInline):
    model = ProjectMilestone
    extra = 1
    fields = [("title_nl", "title_en"), ("planned_on", "reached_on")]


class ProjectUpdateInline(AreaScopedInline):
    """Updates are published when the project is saved with a new one, and not changed
    afterwards (followers were told what they say); a mistaken one can be deleted."""

    model = ProjectUpdate
    form = ProjectUpdateForm
    extra = 1
    fields = [
        "text_nl",
        "text_en",
        "progress",
        "image",
        ("photo_alt_nl", "photo_alt_en"),
        "published_at",
    ]
    readonly_fields = ["published_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("Photo"))
    def image(self, obj: ProjectUpdate) -> str:
        """The photo as the back office shows it: also before the programme is
        published (the public address opens only then)."""
        if not obj.photo_token:
            return gettext("No photo")
        preview = reverse("admin:neighbourhoods_programmeproject_photo", args=[obj.photo_token])
        return format_html('<a href="{}">{}</a>', preview, gettext("Open the photo"))


@admin.register(ProgrammeProject)
class ProgrammeProjectAdmin(AreaScopedAdmin):
    """A project of a neighbourhood programme with its milestones and updates. An area
    manager sees and chooses only their own areas' programmes; publishing an update sets
    the project's progress and tells its followers."""

    list_display = ["title", "programme", "status", "progress", "planned_completion"]
    list_filter = ["status", "programme__year", "programme__neighbourhood"]
    list_select_related = ["programme__neighbourhood"]
    search_fields = ["title"]
    fields = [
        "programme",
        "title",
        "description",
        ("budget", "spent", "status"),
        ("planned_completion", "progress", "completed_on"),
        "agenda_items",
        "initiatives",
        "survey_finding",
    ]
    readonly_fields = ["completed_on"]
    autocomplete_fields = ["agenda_items", "initiatives"]
    inlines = [ProjectMilestoneInline, ProjectUpdateInline]

    def get_urls(self):
        return [
            path(
                "foto/<str:token>/",
                self.admin_site.admin_view(self.photo_view),
                name="neighbourhoods_programmeproject_photo",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request, token: str) -> FileResponse:
        """An update's photo for the staff who may edit its project (an area manager:
        of their own areas), published or not; 404 for everyone else. Never kept by a
        shared cache: before publication the public may not see it."""
        update = (
            ProjectUpdate.objects.filter(project__in=self.get_queryset(request), photo_token=token)
            .select_related("project__programme")
            .first()
        )
        if update is None or not self.has_change_permission(request, update.project):
            raise Http404
        return photo_response(update, cache_control="private, no-store")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            actions.tell_projects_done(projects=[obj])

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is ProjectUpdate:
            formset.save(commit=False)
            for deleted in formset.deleted_objects:
                deleted.delete()
            for subform in formset.extra_forms:
                if not subform.has_changed() or subform in formset.deleted_forms:
                    continue
                data = subform.cleaned_data
                actions.publish_project_update(
                    project=form.instance,
                    by=request.user,
                    text_nl=data["text_nl"],
                    text_en=data.get("text_en", ""),
                    progress=data["progress"],
                    photo=data.get("image"),
                    photo_alt_nl=data.get("photo_alt_nl", ""),
                    photo_alt_en=data.get("photo_alt_en", ""),
                )
            return
        super().save_formset(request, form, formset, change)
        if formset.model is ProjectMilestone:
            for subform in formset.forms:
                milestone = subform.instance
                if (
                    "reached_on" in subform.changed_data
                    and milestone.pk
                    and milestone.reached_on is not None
                    and subform not in formset.deleted_forms
                ):
                    actions.tell_milestone_reached(milestone=milestone)


@admin.register(Programme)
class ProgrammeAdmin(AreaScopedAdmin):
    """The yearly neighbourhood programme. Only the area's own manager (or whoever has
    the right to publish any programme) may change and publish it."""

    list_display = ["neighbourhood", "year", "budget", "published_at"]
    list_filter = [MyAreaFilter, "year", "neighbourhood"]
    list_select_related = ["neighbourhood"]
    inlines = [ProgrammeProjectInline]
    readonly_fields = ["published_at"]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.may_be_published_by(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        """Only who holds the delete permission, and never a published programme."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_published)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
            actions.tell_programme_changed(programme=form.instance)
        for formset in formsets:
            if formset.model is ProgrammeProject:
                actions.tell_projects_done(
                    projects=[
                        subform.instance
                        for subform in formset.forms
                        if "status" in subform.changed_data and subform.instance.pk
                    ],
                )

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset) -> None:
        for programme in queryset.select_related("neighbourhood"):
            try:
                published = actions.publish_programme(programme=programme, by=request.user)
            except actions.AgendaError as error:
                self.message_user(request, f"{programme}: {error}", messages.ERROR)
                continue
            if published:
                self.message_user(
                    request, gettext("%(programme)s is published.") % {"programme": programme}
                )


class EventRSVPInline(ReadOnlyInline):
    model = EventRSVP
    fields = ["attendee", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("who is coming")

    @admin.display(description=_("name"))
    def attendee(self, obj: EventRSVP) -> str:
        return obj.user.public_name


@admin.register(Event)
class EventAdmin(AreaScopedAdmin):
    list_display = [
        "title",
        "starts",
        "kind",
        "neighbourhood",
        "location",
        "rsvp_count",
        "cancelled",
    ]
    starts = short_date("starts_at", _("starts"), with_time=True)
    list_filter = ["kind", "neighbourhood", "cancelled"]
    list_select_related = ["neighbourhood"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_at"
    inlines = [EventRSVPInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(rsvp_total=Count("rsvps"))

    @admin.display(description=_("coming"), ordering="rsvp_total")
    def rsvp_count(self, obj: Event) -> int:
        return obj.rsvp_total

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            actions.announce_event(event=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Who is coming is a list of people: opening it is in the audit log."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if (
            request.method == "GET"
            and response.status_code == 200
            and request.user.has_perm("neighbourhoods.view_eventrsvp")
        ):
            record_list(actor=acting_staff(request), model=EventRSVP, summary=f"event {object_id}")
        return response


@admin.register(Buurt)
class BuurtAdmin(AreaScopedAdmin):
    """The buurten of each wijk (CBS codes BU…); a CBS import adds those of the portal's
    wijken, staff draw their boundary so that reports are located in them."""

    list_display = ["name", "cbs_code", "neighbourhood", "has_boundary"]
    list_select_related = ["neighbourhood"]
    list_filter = ["neighbourhood"]
    search_fields = ["name", "cbs_code"]

    @admin.display(boolean=True, description=_("boundary"))
    def has_boundary(self, obj: Buurt) -> bool:
        return bool(obj.boundary)

    def save_model(self, request, obj, form, change) -> None:
        # The wijk the buurt was in, as the form was filled (a ModelForm's initial holds
        # the instance's foreign key): no second query for it.
        before = form.initial.get("neighbourhood") if change else None
        super().save_model(request, obj, form, change)
        if "boundary" in form.changed_data or "neighbourhood" in form.changed_data:
            area_monitor.locate_again(obj.neighbourhood)
        if before is not None and before != obj.neighbourhood_id:
            # The reports the buurt held in its old wijk are placed again there.
            area_monitor.locate_again(Neighbourhood.objects.get(pk=before))


class CbsFigureInline(ReadOnlyInline):
    model = CbsFigure
    fields = ["code", "name", "level", "key", "value"]
    ordering = ["code", "key"]
    max_num = 0


@admin.register(CbsImport)
class CbsImportAdmin(AuditedAdmin):
    """Imports of the CBS table "Kerncijfers wijken en buurten": one per year. Adding
    one is uploading its CSV; a file with any error imports nothing."""

    list_display = ["year", "source", "rows", "imported_at", "imported_by"]
    list_select_related = ["imported_by"]
    readonly_fields = [
        "year",
        "source",
        "file_name",
        "rows",
        "ignored_columns",
        "imported_at",
        "imported_by",
    ]
    inlines = [CbsFigureInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CbsImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            parsed = form.cleaned_data["parsed"]
            imported = actions.import_cbs_figures(
                parsed=parsed,
                source=form.cleaned_data["source"],
                file_name=form.cleaned_data["file"].name,
                user=request.user,
            )
            self.log_addition(request, imported, [{"added": {}}])
            self.message_user(
                request,
                ngettext(
                    "Imported the CBS figures %(year)s of %(n)s area.",
                    "Imported the CBS figures %(year)s of %(n)s areas.",
                    imported.rows,
                )
                % {"year": imported.year, "n": imported.rows},
                messages.SUCCESS,
            )
            if parsed.ignored_columns:
                self.message_user(
                    request,
                    gettext("Columns not known to the portal, not imported: %(columns)s.")
                    % {"columns": ", ".join(parsed.ignored_columns)},
                    messages.WARNING,
                )
            return HttpResponseRedirect(reverse("admin:neighbourhoods_cbsimport_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import CBS figures"),
            "form": form,
            "known": [(key, known.label) for key, known in KNOWN_FIGURES.items()],
        }
        return TemplateResponse(
            request,
            "admin/neighbourhoods/cbsimport/upload.html",
            context,
            status=400 if form.errors else 200,
        )


class ActionLevelForm(forms.ModelForm):
    """The actions to choose from are the ones the apps registered."""

    class Meta:
        model = ActionLevel
        fields = ["action", "level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = forms.ChoiceField(
            label=_("action"),
            choices=[(action.key, action.label) for action in verification.actions()],
        )


@admin.register(ActionLevel)
class ActionLevelAdmin(admin.ModelAdmin):
    """What the municipality asks per action (a confirmed email address, living in the
    neighbourhood, an invitation); an action without a row keeps its default."""

    form = ActionLevelForm
    list_display = ["action_label", "level"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: ActionLevel) -> str:
        return verification.label_of(obj.action)


@admin.register(AddressList)
class AddressListAdmin(AreaScopedAdmin):
    """Letter codes: staff import the addresses entitled to take part (a CSV from the
    municipality's register, checked whole: a file with any error imports nothing), then
    issue one code per address once, as a CSV for a mail merge, a PDF with one letter per
    address or a page of letters to print.
    Issuing is in the audit log; the portal keeps only the codes' hashes."""

    list_display = ["__str__", "addresses", "imported_at", "imported_by", "issued_at", "used"]
    list_select_related = ["imported_by"]
    readonly_fields = [
        "file_name",
        "addresses",
        "imported_at",
        "imported_by",
        "issued_at",
        "issued_by",
    ]
    change_form_template = "admin/neighbourhoods/addresslist/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(used_codes=Count("codes", filter=models.Q(codes__used=True)))
        )

    @admin.display(description=_("codes used"))
    def used(self, obj: AddressList) -> int:
        return obj.used_codes

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # nothing to edit: issuing is its own page

    def has_issue_permission(self, request, obj: AddressList | None) -> bool:
        return request.user.has_perm("neighbourhoods.change_addresslist") and self._may_touch(
            request, obj
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/codes/",
                self.admin_site.admin_view(self.issue_view),
                name="neighbourhoods_addresslist_issue",
            ),
            *super().get_urls(),
        ]

    def _allowed_neighbourhoods(self, request):
        own = areas.own_areas(request.user)
        queryset = Neighbourhood.objects.all()
        return list(queryset if own is None else queryset.filter(pk__in=own))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        counts = []
        if obj is not None:
            counts = list(
                obj.codes.values("neighbourhood__name")
                .annotate(total=Count("pk"), used=Count("pk", filter=models.Q(used=True)))
                .order_by("neighbourhood__name")
            )
        extra = {
            **(extra_context or {}),
            "counts": counts,
            "may_issue": self.has_issue_permission(request, obj),
        }
        return super().change_view(request, object_id, form_url, extra)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = AddressListForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            neighbourhoods=self._allowed_neighbourhoods(request),
        )
        if posted and form.is_valid():
            imported = actions.import_addresses(
                parsed=form.cleaned_data["parsed"],
                file_name=form.cleaned_data["file"].name,
                user=request.user,
            )
            self.log_addition(request, imported, [{"added": {}}])
            self.message_user(
                request,
                ngettext(
                    "Imported %(n)s address. Issue its code for the letter now.",
                    "Imported %(n)s addresses. Issue their codes for the letters now.",
                    imported.addresses,
                )
                % {"n": imported.addresses},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:neighbourhoods_addresslist_issue", args=[imported.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import addresses for letter codes"),
            "form": form,
        }
        return TemplateResponse(
            request,
            "admin/neighbourhoods/addresslist/upload.html",
            context,
            status=400 if form.errors else 200,
        )

    def issue_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_issue_permission(request, obj):
            raise PermissionDenied
        form = IssueCodesForm(request.POST if request.method == "POST" else None)
        refused = ""
        if request.method == "POST" and form.is_valid():
            output = form.cleaned_data["output"]
            try:
                issued = actions.issue_letter_codes(
                    address_list=obj, by=request.user, again=form.cleaned_data["again"]
                )
            except actions.LetterCodeError as error:
                refused = str(error)
            else:
                record(
                    actor=acting_staff(request),
                    action=AuditEntry.Action.EXPORTED,
                    target=obj,
                    summary=f"letter codes issued ({output}): {len(issued)}",
                )
                return self._issued_response(request, obj, issued, output)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("Issue the letter codes"),
            "form": form,
            "refused": refused,
        }
        return TemplateResponse(
            request,
            "admin/neighbourhoods/addresslist/issue.html",
            context,
            status=400 if form.errors or refused else 200,
        )

    def _issued_response(self, request, obj, issued, output):
        url = request.build_absolute_uri(verification.verification_url())
        if output == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="letter-codes-{obj.pk}.csv"'
            response["Cache-Control"] = "no-store"
            writer = spreadsheet_safe_writer(response)
            writer.writerow(
                ["postcode", "house_number", "addition", "neighbourhood", "code", "url"]
            )
            for row, code in issued:
                writer.writerow(
                    [
                        row.postcode,
                        row.house_number,
                        row.addition,
                        row.neighbourhood.name,
                        code,
                        url,
                    ]
                )
            return response
        if output == "pdf":
            with translation.override(settings.LANGUAGE_CODE):
                content = letters_pdf(issued, url=url, sender=settings.PORTAL_MUNICIPALITY_NAME)
            response = HttpResponse(content, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="letter-codes-{obj.pk}.pdf"'
            response["Cache-Control"] = "no-store"
            return response
        with translation.override(settings.LANGUAGE_CODE):
            response = TemplateResponse(
                request,
                "neighbourhoods/letters.html",
                {"letters": issued, "url": url, "address_list": obj},
            )
            response.render()
        response["Cache-Control"] = "no-store"
        return response
