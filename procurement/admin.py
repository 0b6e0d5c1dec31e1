"""The procurement officers' back office: verify suppliers, search them, keep the tender
calendar, and build fair invitation lists for private procedures."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common import public_cache
from common.admin_tools import ReadOnlyInline, ScopedAdminMixin, action_form
from common.csv import spreadsheet_safe_writer
from common.paging import CityScalePaginator
from common.spreadsheet import spreadsheet_safe_xlsx
from common.validators import validate_plain_text
from neighbourhoods.area_admin import AreaChoicesMixin
from privacy.audit import AuditedAdmin
from procurement import actions, figures
from procurement.actions import SupplierStatusChange
from procurement.forms import FiguresFilterForm, SupplierSearchForm
from procurement.models import (
    MAX_SHORTLIST,
    MIN_SHORTLIST,
    Candidate,
    Certificate,
    Contract,
    ContractDocument,
    ContractOption,
    ContractPayment,
    CpvCode,
    Interest,
    KpiCheckpoint,
    MviCriterion,
    OfficerDepartment,
    SocialReturnActivity,
    SocialReturnBlock,
    SocialReturnEvidence,
    Supplier,
    Tender,
    TenderChange,
    TenderCriterion,
    TenderInvitation,
    Threshold,
    advised_procedure,
    validate_not_negative,
)
from procurement.uploads import PdfDocumentField


class CpvSubtreeFilter(admin.SimpleListFilter):
    """?cpv=4521 finds suppliers with a code in that subtree (or a broader code above)."""

    title = _("CPV code (with subtree)")
    parameter_name = "cpv"

    def lookups(self, request, model_admin):
        # The CPV list is reference data nobody edits here: the divisions are kept.
        return cache.get_or_set(
            f"procurement:cpv-divisions:{get_language()}",
            lambda: [
                (code.prefix, f"{code.code} {code.localized_label[:40]}")
                for code in CpvCode.objects.filter(prefix__regex=r"^[0-9]{2}$")
            ],
            timeout=24 * 3600,
        )

    def queryset(self, request, queryset):
        prefix = CpvCode.prefix_of_input(self.value() or "")
        if prefix is None:
            return queryset
        return queryset.in_cpv_subtree(prefix)


class CertificateFilter(admin.SimpleListFilter):
    title = _("valid certificate")
    parameter_name = "certificate"

    def lookups(self, request, model_admin):
        return Certificate.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                certificates__kind=self.value(),
                certificates__valid_until__gte=timezone.localdate(),
            ).distinct()
        return queryset


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


class AutocompleteWithoutClearAll(AutocompleteSelectMultiple):
    """Django's autocomplete for many codes without select2's "clear all" cross: each chosen
    code has its own cross, and the extra one sat inside the list of codes (a <span> in a
    <ul>, which axe reports) on top of the first code."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


@admin.register(Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ["name", "kvk_number", "status", "size", "is_local", "wants_invitations", "city"]
    list_filter = [
        "status",
        CpvSubtreeFilter,
        "size",
        "is_local",
        "social_enterprise",
        "wants_invitations",
        "service_area",
        CertificateFilter,
    ]
    search_fields = ["name", "kvk_number", "city"]
    # Fifty a page, no second count of all 50,000 suppliers on every filtered search, and
    # the number found cached while nothing changes (paging through a search counts once).
    list_per_page = 50
    show_full_result_count = False
    paginator = CityScalePaginator
    readonly_fields = ["size", "is_local", "verified_at", "created_at"]
    autocomplete_fields = ["cpv_codes"]
    inlines = [CertificateInline]
    actions = ["verify", "suspend", "export_csv", "export_xlsx"]
    exclude = ["feed_token"]
    change_list_template = "admin/procurement/supplier/change_list.html"
    search_per_page = 50

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "cpv_codes":
            kwargs["widget"] = AutocompleteWithoutClearAll(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_urls(self):
        search = self.admin_site.admin_view(self.search_view)
        return [
            path("zoeken/", search, name="procurement_supplier_search"),
            *super().get_urls(),
        ]

    def search_view(self, request: HttpRequest) -> TemplateResponse:
        """Leveranciers zoeken: the officers' quick search of the supplier database for a
        tender (who delivers this, how large, from where), a plain page that answers at
        once. The list with its bulk actions stays the place to verify and edit.

        What it shows holds no personal data (company facts only) and is the same for
        every officer, so a search's page body is cached while nothing in the database
        changes; who may see it is checked on every request."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = SupplierSearchForm(request.GET)
        if form.is_valid():
            # Certificates count as valid until the day they expire: the day is in the key.
            asked = (request.LANGUAGE_CODE, sorted(request.GET.lists()), timezone.localdate())
            body = public_cache.cached_while_unchanged(
                public_cache.key_for("supplier-search", *asked),
                lambda: self._search_body(request, form),
            )
        else:
            body = self._search_body(request, form)
        context = {
            **self.admin_site.each_context_without_navigation(request),
            "opts": self.model._meta,
            "title": gettext("Find suppliers"),
            "body": body,
        }
        return TemplateResponse(request, "admin/procurement/supplier/search.html", context)

    def _search_body(self, request: HttpRequest, form: SupplierSearchForm) -> str:
        page = None
        if form.is_valid():
            page = form.results(request.GET.get("page"), self.search_per_page)
        query = request.GET.copy()
        query.pop("page", None)
        return render_to_string(
            "admin/procurement/supplier/search.html#body",
            {"form": form, "page": page, "query": query.urlencode(), "opts": self.model._meta},
            request=request,
        )

    @admin.action(description=_("Verify"), permissions=["change"])
    def verify(self, request, queryset) -> None:
        """Verify the chosen suppliers; their teams are told."""
        change = actions.set_supplier_status(suppliers=queryset, status=Supplier.Status.VERIFIED)
        self._report_status_change(
            request,
            change,
            done=ngettext(
                "%(count)d supplier verified.", "%(count)d suppliers verified.", change.changed
            ),
            skipped=ngettext(
                "%(count)d supplier was already verified and was left alone.",
                "%(count)d suppliers were already verified and were left alone.",
                change.skipped,
            ),
        )

    @admin.action(description=_("Suspend"), permissions=["change"])
    def suspend(self, request, queryset) -> None:
        """Suspend the chosen suppliers; their teams are told."""
        change = actions.set_supplier_status(suppliers=queryset, status=Supplier.Status.SUSPENDED)
        self._report_status_change(
            request,
            change,
            done=ngettext(
                "%(count)d supplier suspended.", "%(count)d suppliers suspended.", change.changed
            ),
            skipped=ngettext(
                "%(count)d supplier was already suspended and was left alone.",
                "%(count)d suppliers were already suspended and were left alone.",
                change.skipped,
            ),
        )

    def _report_status_change(
        self, request, change: SupplierStatusChange, *, done: str, skipped: str
    ) -> None:
        """What was done, whose teams were told, and what was skipped and why: the officer
        hears "told" only when someone was, and a warning when a team had no one."""
        parts = [done % {"count": change.changed}]
        if change.without_team:
            parts.append(
                ngettext(
                    "%(count)d of them has no one in its team yet, so no one was told.",
                    "%(count)d of them have no one in their team yet, so no one was told.",
                    change.without_team,
                )
                % {"count": change.without_team}
            )
        told = change.changed - change.without_team
        if told:
            parts.append(
                ngettext(
                    "The team of %(count)d supplier is told.",
                    "The teams of %(count)d suppliers are told.",
                    told,
                )
                % {"count": told}
            )
        if change.skipped:
            parts.append(skipped % {"count": change.skipped})
        level = messages.WARNING if change.without_team or not change.changed else messages.SUCCESS
        self.message_user(request, " ".join(parts), level)

    @admin.action(description=_("Export as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="leveranciers.csv"'
        spreadsheet_safe_writer(response).writerows(_supplier_rows(queryset))
        return response

    @admin.action(description=_("Export as spreadsheet (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        """The same export as the CSV, as a spreadsheet file."""
        writer = spreadsheet_safe_xlsx("leveranciers")
        writer.writerows(_supplier_rows(queryset))
        return writer.response("leveranciers.xlsx")


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "check_digit", "label_nl", "label"]
    search_fields = ["code", "label", "label_nl"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TenderChangeInline(ReadOnlyInline):
    model = TenderChange
    fields = ["created_at", "actor", "what_changed"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    @admin.display(description=_("what changed"))
    def what_changed(self, obj: TenderChange) -> str:
        return obj.description()


class InterestInline(ReadOnlyInline):
    model = Interest
    fields = ["supplier", "note", "created_at"]
    readonly_fields = fields


class TenderInvitationInline(ReadOnlyInline):
    model = TenderInvitation
    fields = ["supplier", "reason", "created_by", "sent_at"]
    readonly_fields = fields


class ShortlistForm(forms.Form):
    """One row per suggested supplier: include it, and why; and up to three rows to add a
    verified supplier the portal did not suggest, by KvK number, with its reason. The
    count (3 to 5, or a reason for another number) and every reason are checked here, so
    a mistake is shown beside its field and nothing is saved."""

    ADDED_ROWS = 3

    list_reason = forms.CharField(
        label=_("Reason for fewer than 3 or more than 5 (only then)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_plain_text],
    )
    # Which suppliers were suggested on the page, so the same rows come back after an
    # error (the suggestion draws ties at random).
    suggested = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["suggested"].initial = ",".join(str(c.supplier.pk) for c in candidates)
        for candidate in candidates:
            pk = candidate.supplier.pk
            self.fields[f"include_{pk}"] = forms.BooleanField(
                label=str(candidate.supplier), required=False, initial=True
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=gettext("Reason for %(name)s") % {"name": candidate.supplier.name},
                initial=candidate.reason,
                required=False,
                max_length=300,
                validators=[validate_plain_text],
            )
        for row in range(1, self.ADDED_ROWS + 1):
            self.fields[f"added_kvk_{row}"] = forms.CharField(
                label=gettext("Add a verified supplier (KvK number) %(row)d") % {"row": row},
                required=False,
                max_length=20,
                help_text=gettext("Any verified supplier, also one not suggested above.")
                if row == 1
                else "",
            )
            self.fields[f"added_reason_{row}"] = forms.CharField(
                label=gettext("Reason for adding it %(row)d") % {"row": row},
                required=False,
                max_length=300,
                validators=[validate_plain_text],
            )

    @staticmethod
    def suggested_ids(data) -> list[int]:
        """The suggested suppliers' ids a posted form carries."""
        raw = (data or {}).get("suggested", "") if data is not None else ""
        return [int(part) for part in str(raw).split(",") if part.strip().isdigit()][:50]

    def clean(self):
        cleaned = super().clean()
        entries: list[tuple[Supplier, str]] = []
        for candidate in self.candidates:
            pk = candidate.supplier.pk
            if cleaned.get(f"include_{pk}"):
                reason = (cleaned.get(f"reason_{pk}") or "").strip()
                if not reason:
                    self.add_error(
                        f"reason_{pk}", gettext("Give the reason this supplier was chosen.")
                    )
                entries.append((candidate.supplier, reason))
        chosen = {supplier.pk for supplier, _reason in entries}
        for row in range(1, self.ADDED_ROWS + 1):
            kvk = (cleaned.get(f"added_kvk_{row}") or "").replace(" ", "")
            reason = (cleaned.get(f"added_reason_{row}") or "").strip()
            if not kvk:
                if reason:
                    self.add_error(
                        f"added_kvk_{row}", gettext("Enter the KvK number of the supplier.")
                    )
                continue
            supplier = Supplier.objects.filter(
                kvk_number=kvk, status=Supplier.Status.VERIFIED
            ).first()
            if supplier is None:
                self.add_error(
                    f"added_kvk_{row}",
                    gettext("No verified supplier has the KvK number %(kvk)s.") % {"kvk": kvk},
                )
                continue
            if supplier.pk in chosen:
                self.add_error(f"added_kvk_{row}", gettext("This supplier is on the list already."))
                continue
            if not reason:
                self.add_error(
                    f"added_reason_{row}", gettext("Give the reason this supplier was added.")
                )
            chosen.add(supplier.pk)
            entries.append((supplier, reason))
        if (
            not MIN_SHORTLIST <= len(entries) <= MAX_SHORTLIST
            and not (cleaned.get("list_reason") or "").strip()
        ):
            self.add_error(
                "list_reason",
                ngettext(
                    "%(count)d supplier chosen: invite 3 to 5, or give the reason for "
                    "another number.",
                    "%(count)d suppliers chosen: invite 3 to 5, or give the reason for "
                    "another number.",
                    len(entries),
                )
                % {"count": len(entries)},
            )
        cleaned["entries"] = entries
        return cleaned

    def entries(self) -> list[tuple[Supplier, str]]:
        return self.cleaned_data["entries"]


@admin.register(Tender)
class TenderAdmin(AreaChoicesMixin, admin.ModelAdmin):
    """The tender calendar. The project a tender delivers is chosen among the projects
    of the colleague's own areas when they manage areas (``AreaChoicesMixin``)."""

    list_display = [
        "title",
        "status",
        "category",
        "procedure",
        "expected_publication",
        "department",
    ]
    list_filter = ["status", "category", "procedure", "department"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["cpv_codes"]
    # When the entry was made is a fact, not something to edit.
    readonly_fields = ["procedure_advice", "sequence", "created_at"]
    inlines = [InterestInline, TenderInvitationInline, TenderChangeInline]
    actions = ["build_invitation_list"]

    @admin.display(description=_("procedure the thresholds suggest"))
    def procedure_advice(self, obj: Tender) -> str:
        if not obj.pk:
            return gettext("Save first; the advice follows from category and value.")
        advice = advised_procedure(obj.category, obj.value_high)
        if advice is None:
            return self.get_empty_value_display()
        label = Tender.Procedure(advice).label
        if advice != obj.procedure:
            return gettext("%(advice)s (differs from the chosen procedure)") % {"advice": label}
        return label

    def save_model(self, request, obj, form, change) -> None:
        before_status = form.initial.get("status") if change else None
        super().save_model(request, obj, form, change)
        request.tender_change = (before_status, form.changed_data, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        before_status, changed, was_change = request.tender_change
        if not was_change:
            kind = TenderChange.Kind.CREATED
            details: dict = {"status": form.instance.status}
        elif changed:
            kind = TenderChange.Kind.CHANGED
            details = {"fields": [name for name in changed if name in form.fields]}
            if "status" in details["fields"]:
                details["status"] = form.instance.status
        else:
            return
        newly_public = form.instance.is_public and (
            not was_change or before_status == Tender.Status.DRAFT
        )
        actions.record_tender_change(
            tender=form.instance,
            by=request.user,
            kind=kind,
            details=details,
            newly_public=newly_public,
        )

    @admin.action(description=_("Build the invitation list…"), permissions=["change"])
    def build_invitation_list(self, request, queryset):
        """The invitation list of a multiple private procedure: the portal's suggestions
        and any verified supplier the officer adds, each with a reason."""
        tender = queryset.first()
        if tender.procedure != Tender.Procedure.MULTIPLE:
            self.message_user(
                request,
                gettext("Invitation lists are for multiple private procedures."),
                messages.ERROR,
            )
            return None
        data = request.POST if "apply" in request.POST else None
        posted = ShortlistForm.suggested_ids(data)
        if posted:
            # The rows the officer saw, not a new draw.
            suppliers = Supplier.objects.in_bulk(posted)
            candidates = [
                Candidate(suppliers[pk], False, 0, "")
                for pk in posted
                if pk in suppliers and suppliers[pk].status == Supplier.Status.VERIFIED
            ]
        else:
            candidates = tender.suggested_shortlist()
        form = ShortlistForm(data, candidates=candidates)
        if form.is_valid():
            try:
                actions.save_invitation_list(
                    tender=tender,
                    entries=form.entries(),
                    by=request.user,
                    list_reason=form.cleaned_data["list_reason"],
                )
            except actions.ProcurementError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, gettext("The invitations are being sent."))
                return None
        return action_form(
            self,
            request,
            queryset.filter(pk=tender.pk),
            form,
            action="build_invitation_list",
            title=gettext("Invitation list for %(title)s") % {"title": tender.title},
        )


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    list_display = ["category", "procedure", "minimum_value", "valid_from", "source"]
    list_filter = ["category", "valid_from"]


def _supplier_rows(queryset):
    """The officers' supplier export: a header, then one row per supplier."""
    yield [
        "kvk",
        "name",
        "status",
        "size",
        "local",
        "social_enterprise",
        "wants_invitations",
        "city",
        "contact_email",
        "cpv",
    ]
    for supplier in queryset.prefetch_related("cpv_codes"):
        yield [
            supplier.kvk_number,
            supplier.name,
            supplier.status,
            supplier.size,
            supplier.is_local,
            supplier.social_enterprise,
            supplier.wants_invitations,
            supplier.city,
            supplier.contact_email,
            " ".join(code.full_code for code in supplier.cpv_codes.all()),
        ]


# --- MVI criteria, contracts and social return --------------------------------------


@admin.register(MviCriterion)
class MviCriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "product_group", "theme", "level", "active"]
    list_filter = ["theme", "level", "product_group", "active"]
    search_fields = ["code", "title", "title_en", "product_group"]


class TenderCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            criterion = form.cleaned_data.get("criterion")
            if criterion is None:
                continue
            if criterion.theme in seen:
                form.add_error(
                    "criterion",
                    gettext("Choose one criterion per theme; %(theme)s is chosen twice.")
                    % {"theme": criterion.get_theme_display()},
                )
            seen.add(criterion.theme)


class TenderCriterionInline(admin.TabularInline):
    model = TenderCriterion
    formset = TenderCriterionFormSet
    extra = 1
    autocomplete_fields = ["criterion"]
    verbose_name_plural = _("MVI criteria (one per theme)")


class AwardedContractInline(ReadOnlyInline):
    """Who won: the tender's contracts (awarded from the contract register)."""

    model = Contract
    fields = ["winner", "value", "start_date", "end_date", "status"]
    readonly_fields = fields
    verbose_name_plural = _("awarded to")

    @admin.display(description=_("supplier"))
    def winner(self, obj: Contract) -> str:
        return obj.party_name


TenderAdmin.inlines = [TenderCriterionInline, *TenderAdmin.inlines, AwardedContractInline]


class ContractOptionInline(admin.TabularInline):
    model = ContractOption
    extra = 1
    fields = ["extends_to", "decide_by", "used_at"]
    readonly_fields = ["used_at"]


class ContractDocumentForm(forms.ModelForm):
    file = PdfDocumentField(label=_("PDF document"))

    class Meta:
        model = ContractDocument
        fields = ["title", "file"]


class ContractDocumentInline(admin.TabularInline):
    model = ContractDocument
    form = ContractDocumentForm
    extra = 1
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class KpiCheckpointForm(forms.ModelForm):
    class Meta:
        model = KpiCheckpoint
        fields = [
            "period_start",
            "period_end",
            "quality",
            "on_time",
            "communication",
            "sustainability",
            "remark",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remark": forms.Textarea(attrs={"rows": 2, "cols": 28}),
        }


class KpiCheckpointInline(admin.TabularInline):
    """The contract manager's KPI checkpoints: filled in once (a record the supplier
    responds to is not changed afterwards), with the supplier's response beside it."""

    model = KpiCheckpoint
    form = KpiCheckpointForm
    extra = 1
    fields = [*KpiCheckpointForm.Meta.fields, "response", "responded_at"]
    readonly_fields = ["response", "responded_at"]
    verbose_name_plural = _("KPI checkpoints (scores 1 to 10)")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ContractPaymentInline(admin.TabularInline):
    """Payments (invoices paid) on the contract: OCDS transactions, spending figures."""

    model = ContractPayment
    extra = 1
    fields = ["paid_on", "amount", "invoice_number", "recorded_at"]
    readonly_fields = ["recorded_at"]
    formfield_overrides = {
        models.DateField: {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
    }


class ContractForm(forms.ModelForm):
    # The tender is chosen through autocomplete, whose select holds only the chosen option;
    # a required attribute there is invalid HTML. The form still refuses a missing tender.
    use_required_attribute = False

    class Meta:
        model = Contract
        fields = [
            "tender",
            "supplier",
            "invited_name",
            "invited_kvk",
            "invited_email",
            "value",
            "start_date",
            "end_date",
            "status",
            "contract_manager",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "supplier" in self.fields:
            self.fields["supplier"].queryset = Supplier.objects.filter(
                status=Supplier.Status.VERIFIED
            )
        if "tender" in self.fields:
            self.fields["tender"].queryset = Tender.objects.public()
        if "value" in self.fields:
            self.fields["value"].min_value = None
            self.fields["value"].validators = [
                v for v in self.fields["value"].validators if not hasattr(v, "limit_value")
            ] + [validate_not_negative]

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if value is not None and value < 0:
            raise forms.ValidationError(gettext("Enter an amount of zero or more."))
        return value


def euro(amount) -> str:
    """An amount in whole euros with the reader's thousands separator: "€ 240.000" in
    Dutch, "€ 240,000" in English (as the public pages)."""
    return "€ " + intcomma(amount)


@admin.register(Contract)
class ContractAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The contract register: award a tender by adding its contract(s), one per
    supplier."""

    form = ContractForm
    list_display = [
        "tender",
        "party_name",
        "value_in_euro",
        "end_date",
        "status",
        "social_return_in_euro",
    ]
    list_filter = ["status", "department", "end_date"]
    search_fields = ["tender__title", "supplier__name", "invited_name"]
    list_select_related = ["tender", "supplier"]
    autocomplete_fields = ["tender", "supplier"]
    readonly_fields = ["department", "social_return_obligation", "awarded_at", "realised"]
    inlines = [ContractOptionInline, ContractDocumentInline]
    actions = ["use_next_option"]
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/procurement/contract/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).in_departments_of(request.user)

    @admin.display(description=_("contract value (€, excl. VAT)"), ordering="value")
    def value_in_euro(self, obj: Contract) -> str:
        """The amount as the public register writes it: "€ 240.000"."""
        return euro(obj.value)

    @admin.display(description=_("social return obliged (€)"), ordering="social_return_obligation")
    def social_return_in_euro(self, obj: Contract) -> str:
        return euro(obj.social_return_obligation)

    def get_urls(self):
        spending = self.admin_site.admin_view(self.spending_view)
        spending_csv = self.admin_site.admin_view(self.spending_csv_view)
        return [
            path("uitgaven/", spending, name="procurement_contract_spending"),
            path("uitgaven.csv", spending_csv, name="procurement_contract_spendingcsv"),
            *super().get_urls(),
        ]

    def _spending_filter(self, request: HttpRequest) -> FiguresFilterForm:
        """Category management's filter; what is not valid is said and left out."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return FiguresFilterForm.for_query(request.GET)

    def spending_view(self, request: HttpRequest) -> TemplateResponse:
        """Category management: spending (contract value) per CPV division and year, the
        number of contracts and suppliers, and the local and SME shares, so officers see
        where to bundle or split for local SMEs. The figures are aggregates of the public
        register, so every officer sees every department (the filter narrows it)."""
        form = self._spending_filter(request)
        context = {
            **self.admin_site.each_context_without_navigation(request),
            "opts": self.model._meta,
            "title": gettext("Spending per CPV division"),
            "form": form,
            "categories": figures.categories(form.selection()),
            "query": request.GET.urlencode() if form.valid else "",
        }
        return TemplateResponse(
            request,
            "admin/procurement/contract/spending.html",
            context,
            status=200 if form.valid else 400,
        )

    def spending_csv_view(self, request: HttpRequest) -> HttpResponse:
        form = self._spending_filter(request)
        if not form.valid:
            return HttpResponse(
                form.errors_as_text(), status=400, content_type="text/plain; charset=utf-8"
            )
        response = HttpResponse(
            figures.categories(form.selection()).csv(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="uitgaven-per-cpv.csv"'
        return response

    def get_inlines(self, request, obj):
        """Checkpoints and payments come once the contract is in the register."""
        if obj is None:
            return self.inlines
        return [*self.inlines, KpiCheckpointInline, ContractPaymentInline]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not KpiCheckpoint:
            super().save_formset(request, form, formset, change)
            return
        for checkpoint in formset.save(commit=False):
            if checkpoint.pk is None:
                actions.record_checkpoint(checkpoint=checkpoint, by=request.user)

    def outside_scope_message(self, request, obj):
        if Contract.objects.in_departments_of(request.user).filter(pk=obj.pk).exists():
            return None
        return gettext("This contract is for another department; you cannot open it here.")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "contract_manager" in form.base_fields:
            form.base_fields["contract_manager"].queryset = form.base_fields[
                "contract_manager"
            ].queryset.filter(groups__name="Procurement officer")
        return form

    @admin.display(description=_("social return realised (€)"))
    def realised(self, obj: Contract) -> str:
        if not obj.pk:
            return "-"
        realised = Contract.objects.filter(pk=obj.pk).with_realised().get().realised_value
        return f"{realised:,.2f}"

    @admin.display(description=_("supplier"))
    def party_name(self, obj: Contract) -> str:
        return obj.party_name

    def save_model(self, request, obj, form, change) -> None:
        if change:
            if "value" in form.changed_data:
                obj.social_return_obligation = obj.tender.social_return_for(obj.value)
            super().save_model(request, obj, form, change)
        else:
            actions.award_contract(contract=obj, by=request.user)

    @admin.action(description=_("Use the next option to extend"), permissions=["change"])
    def use_next_option(self, request, queryset) -> None:
        used = 0
        for contract in queryset:
            option = contract.options.filter(used_at=None).order_by("extends_to").first()
            if option is None:
                continue
            try:
                actions.use_option(option=option)
            except actions.ProcurementError as error:
                self.message_user(request, f"{contract}: {error}", messages.ERROR)
            else:
                used += 1
        self.message_user(
            request,
            ngettext("%(count)d contract extended.", "%(count)d contracts extended.", used)
            % {"count": used},
        )


@admin.register(OfficerDepartment)
class OfficerDepartmentAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department"]


@admin.register(SocialReturnBlock)
class SocialReturnBlockAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "value_per_unit", "active"]
    list_filter = ["unit", "active"]
    search_fields = ["name", "name_en", "code"]


class EvidenceInline(ReadOnlyInline):
    model = SocialReturnEvidence
    fields = ["download", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("evidence"))
    def download(self, obj: SocialReturnEvidence) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("procurement:evidence", args=[obj.pk]), obj.original_name
        )


class ReviewForm(forms.ModelForm):
    """The coordinator's decision: accept, or ask for more and say what."""

    decision = forms.ChoiceField(
        label=capfirst(_("decision")),
        choices=[
            ("", _("(no decision yet)")),
            ("accept", _("Accept")),
            ("more", _("Ask for more")),
        ],
        required=False,
    )

    class Meta:
        model = SocialReturnActivity
        fields = ["review_note"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "more" and not (cleaned.get("review_note") or "").strip():
            self.add_error("review_note", gettext("Say what more you need."))
        return cleaned


@admin.register(SocialReturnActivity)
class SocialReturnActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The social-return coordinator's queue: what suppliers reported, to accept or to
    ask more about."""

    form = ReviewForm
    list_display = ["contract", "value", "status"]
    list_filter = ["status", "contract__department"]
    list_select_related = ["contract__tender", "contract__supplier", "block"]
    search_fields = ["contract__tender__title", "contract__supplier__name"]
    readonly_fields = [
        "contract",
        "block",
        "description",
        "quantity",
        "period_start",
        "period_end",
        "value",
        "status",
        "reported_at",
        "reviewed_at",
    ]
    fields = [*readonly_fields, "decision", "review_note"]
    inlines = [EvidenceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(contract__in=Contract.objects.in_departments_of(request.user))
        )

    def outside_scope_message(self, request, obj):
        if Contract.objects.in_departments_of(request.user).filter(pk=obj.contract_id).exists():
            return None
        return gettext(
            "This activity belongs to another department's contract; you cannot open it here."
        )

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        decision = form.cleaned_data.get("decision")
        if decision:
            actions.review_activity(
                activity=obj,
                accept=decision == "accept",
                note=form.cleaned_data.get("review_note", ""),
                by=request.user,
            )
        else:
            super().save_model(request, obj, form, change)
