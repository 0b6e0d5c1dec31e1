from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.forms import BoundedModelMultipleChoiceField, CachedFilterForm, filter_choice
from common.paging import KeyedList
from common.validators import validate_plain_text
from procurement import figures
from procurement.models import (
    Certificate,
    CpvCode,
    Interest,
    SocialReturnActivity,
    SocialReturnBlock,
    Supplier,
    SupplierCpvPrefix,
    Tender,
)
from procurement.uploads import PdfFilesField


class CpvCodeField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: CpvCode) -> str:
        return f"{obj.full_code} {obj.localized_label}"


class SupplierForm(SpamGuardedForm, forms.ModelForm):
    """The company's profile. CPV: whole divisions from a plain list (works without
    JavaScript), or precise codes found with the search (htmx)."""

    divisions = CpvCodeField(
        queryset=CpvCode.objects.filter(prefix__regex=r"^[0-9]{2}$"),
        required=False,
        label=_("Fields of work (CPV divisions)"),
        help_text=_(
            "Choose at least one field of work here, or a precise code below. "
            "Hold Ctrl (or Cmd) to choose more than one."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    cpv_codes = CpvCodeField(
        queryset=CpvCode.objects.all(),
        required=False,
        label=_("Precise CPV codes"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Supplier
        fields = [
            "kvk_number",
            "establishment_number",
            "name",
            "vat_number",
            "street",
            "postcode",
            "city",
            "website",
            "contact_name",
            "contact_email",
            "staff_count",
            "turnover",
            "social_enterprise",
            "service_area",
            "wants_invitations",
        ]
        # The company's own words on its profile; the back office names these fields
        # for the officer (the model's names).
        labels = {
            "service_area": capfirst(_("where do you work?")),
            "wants_invitations": capfirst(_("I want to be invited for private tenders")),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Neither is required alone, one of the two is ("choose at least one field of work
        # here, or a precise code below"): no "optional" beside them (templates/forms).
        for name in ("divisions", "cpv_codes"):
            self.fields[name].conditionally_required = True  # type: ignore[attr-defined]
        if self.instance.pk:
            chosen = list(self.instance.cpv_codes.all())
            self.initial["divisions"] = [c.pk for c in chosen if len(c.prefix) == 2]
            self.initial["cpv_codes"] = [c.pk for c in chosen if len(c.prefix) > 2]
            self.fields["kvk_number"].disabled = True
        # Show the chosen precise codes (and those just posted) as checkboxes.
        selected = (
            self.data.getlist("cpv_codes") if self.is_bound else self.initial.get("cpv_codes", [])
        )
        self.fields["cpv_codes"].widget.choices = [
            (code.pk, f"{code.full_code} {code.localized_label}")
            for code in CpvCode.objects.filter(pk__in=[s for s in selected if str(s).isdigit()])
        ]

    def clean(self):
        cleaned = super().clean()
        codes = [*(cleaned.get("divisions") or []), *(cleaned.get("cpv_codes") or [])]
        if not codes:
            self.add_error("divisions", _("Choose at least one field of work."))
        cleaned["all_cpv_codes"] = codes
        return cleaned


CertificateFormSet = inlineformset_factory(
    Supplier,
    Certificate,
    fields=["kind", "level", "valid_until"],
    # One empty row to add a certificate; only a saved certificate has a delete box.
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    widgets={"valid_until": forms.DateInput(attrs={"type": "date"})},
)


class InterestForm(forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["note"]
        labels = {"note": _("A short note for the procurement officer")}


class TeamInviteForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's email address"))


class TenderFilterForm(CachedFilterForm):
    category = filter_choice(
        label=_("Category"), anything=_("All categories"), choices=Tender.Category.choices
    )
    procedure = filter_choice(
        label=_("Procedure"), anything=_("All procedures"), choices=Tender.Procedure.choices
    )
    status = filter_choice(
        label=_("Status"),
        anything=_("All statuses"),
        choices=[c for c in Tender.Status.choices if c[0] != "draft"],
    )
    cpv = forms.CharField(
        required=False,
        max_length=10,
        label=_("CPV code (and below)"),
        validators=[validate_plain_text],
    )
    quarter = forms.RegexField(
        regex=r"^\d{4}-Q[1-4]$",
        required=False,
        label=_("Quarter"),
        help_text=_("e.g. 2027-Q1"),
        error_messages={
            "invalid": _(
                "Give a quarter as a year and Q1 to Q4, e.g. 2027-Q1. The calendar now "
                "shows every quarter."
            )
        },
    )
    department = forms.CharField(required=False, max_length=120, label=_("Department"))

    all_optional = True

    def filter(self, queryset):
        """The tenders that match every valid filter. A filter with a bad value is left
        out (its error shows beside it) rather than emptying the calendar."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        for field in ["category", "procedure", "status"]:
            if data[field]:
                queryset = queryset.filter(**{field: data[field]})
        if data["cpv"]:
            prefix = CpvCode.prefix_of_input(data["cpv"])
            queryset = (
                queryset.filter(cpv_codes__prefix__startswith=prefix).distinct()
                if prefix
                else queryset.none()
            )
        if data["quarter"]:
            year, quarter = int(data["quarter"][:4]), int(data["quarter"][-1])
            queryset = queryset.filter(
                expected_publication__year=year,
                expected_publication__month__gte=quarter * 3 - 2,
                expected_publication__month__lte=quarter * 3,
            )
        if data["department"]:
            queryset = queryset.filter(department__icontains=data["department"])
        return queryset


class SupplierSearchForm(forms.Form):
    """The procurement officers' search of the supplier database: who delivers this (a
    CPV code and everything below it), how large, from where, with which certificates.
    Every field may stay empty; without a status only verified suppliers are found."""

    ANY_STATUS = "any"

    q = forms.CharField(
        required=False,
        max_length=80,
        label=_("Name or KvK number"),
        validators=[validate_plain_text],
    )
    cpv = forms.RegexField(
        regex=r"^\s*\d{2,8}(-\d)?\s*$",
        required=False,
        max_length=12,
        label=_("CPV code (and below)"),
        help_text=_("Two to eight digits, e.g. 45 (construction work) or 4521."),
        error_messages={"invalid": _("Enter two to eight digits of a CPV code, e.g. 4521.")},
    )
    size = filter_choice(
        label=_("Size"),
        anything=_("All sizes"),
        choices=[("sme", _("SME (micro, small or medium)")), *Supplier.Size.choices],
    )
    service_area = filter_choice(
        label=_("Works in"), anything=_("Anywhere"), choices=Supplier.Area.choices
    )
    certificate = filter_choice(
        label=_("Valid certificate"), anything=_("No matter"), choices=Certificate.Kind.choices
    )
    status = forms.ChoiceField(
        # Verified first: what a search without a status finds, and what the page shows.
        choices=[
            (Supplier.Status.VERIFIED, Supplier.Status.VERIFIED.label),
            (Supplier.Status.PENDING, Supplier.Status.PENDING.label),
            (Supplier.Status.SUSPENDED, Supplier.Status.SUSPENDED.label),
            (ANY_STATUS, _("Any status")),
        ],
        required=False,
        label=_("Status"),
    )
    local = forms.BooleanField(required=False, label=_("Only local suppliers"))
    social_enterprise = forms.BooleanField(required=False, label=_("Only social enterprises"))
    wants_invitations = forms.BooleanField(
        required=False, label=_("Only suppliers who want invitations")
    )

    all_optional = True

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Supplier.Status.VERIFIED

    def _criteria(self, ids: str) -> Q:
        """Everything asked except the CPV code, for a table that holds the supplier's
        searched facts under their own names and its id as ``ids``: the suppliers
        ("pk") or their CPV index (``SupplierCpvPrefix``, "supplier_id")."""
        data = self.cleaned_data
        criteria = Q()
        if data["status"] != self.ANY_STATUS:
            criteria &= Q(status=data["status"])
        if data["size"] == "sme":
            criteria &= Q(size__in=Supplier.SME_SIZES)
        elif data["size"]:
            criteria &= Q(size=data["size"])
        if data["service_area"]:
            criteria &= Q(service_area=data["service_area"])
        if data["certificate"]:
            valid = Certificate.objects.filter(
                kind=data["certificate"], valid_until__gte=timezone.localdate()
            )
            criteria &= Q(**{f"{ids}__in": valid.values("supplier_id")})
        for flag, field in [
            ("local", "is_local"),
            ("social_enterprise", "social_enterprise"),
            ("wants_invitations", "wants_invitations"),
        ]:
            if data[flag]:
                criteria &= Q(**{field: True})
        query = data["q"].strip()
        if query.isdigit() and len(query) == 8:
            registered = Supplier.objects.filter(kvk_number=query).values("pk")
            criteria &= Q(**{f"{ids}__in": registered})
        elif query:
            criteria &= Q(name__icontains=query)
        return criteria

    def found(self):
        """The suppliers found, as (id, name) rows in name order; none when the form is
        not valid. With a CPV code they are read from the CPV index alone: the code's
        subtree, and those who chose a broader code above it."""
        if not self.is_valid():
            return Supplier.objects.none().values_list("pk", "name")
        prefix = None
        if self.cleaned_data["cpv"]:
            prefix = CpvCode.prefix_of_input(self.cleaned_data["cpv"].split("-")[0])
        if not prefix:
            suppliers = Supplier.objects.filter(self._criteria("pk"))
            return suppliers.values_list("pk", "name").order_by("name", "pk")
        rows = SupplierCpvPrefix.objects.filter(self._criteria("supplier_id"))
        found = rows.filter(prefix=prefix).values_list("supplier_id", "name")
        broader = [prefix[:length] for length in range(2, len(prefix))]
        if broader:
            above = rows.filter(prefix__in=broader, chosen=True)
            found = found.union(above.values_list("supplier_id", "name"))
        return found.order_by("name", "supplier_id")

    def results(self, page_number, per_page: int = 50) -> Page:
        """One page of the suppliers found, by name, each with the certificates still
        valid today: what the officers' search shows."""
        valid = Certificate.objects.filter(valid_until__gte=timezone.localdate())

        def suppliers(ids):
            return Supplier.objects.filter(pk__in=ids).prefetch_related(
                Prefetch("certificates", queryset=valid, to_attr="valid_certificates")
            )

        return Paginator(KeyedList(self.found(), suppliers), per_page).get_page(page_number)


class ActivityForm(forms.ModelForm):
    """What a supplier's team reports as social return, with its evidence."""

    evidence = PdfFilesField(
        label=_("Evidence (PDF)"),
        help_text=_(
            "For example the contract of employment, the apprenticeship agreement or the "
            "invoice. One or more PDF files of at most 10 MB."
        ),
    )

    class Meta:
        model = SocialReturnActivity
        fields = ["block", "description", "quantity", "period_start", "period_end"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "quantity": _(
                "In the building block's unit: years of full-time work (0.5 for half a "
                "year), the number of placements, or the euros spent."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = SocialReturnBlock.objects.filter(active=True)
        self.fields["block"].label_from_instance = lambda block: (
            f"{block.localized_name}: € {block.value_per_unit} {block.get_unit_display()}"
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        return cleaned


class MoreEvidenceForm(forms.Form):
    """The supplier's answer when the coordinator asks for more."""

    note = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_plain_text],
    )
    evidence = PdfFilesField(label=_("More evidence (PDF)"), required=False)


class FiguresFilterForm(forms.Form):
    """Which department and which year the procurement figures cover (empty: all). An
    unknown department or a year that is not a number is refused beside the field."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, departments: list[str], years: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((name, name) for name in departments),
        ]
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years)]
        self.fields["year"].error_messages["invalid_choice"] = _(
            "Choose a year from the list; %(value)s is not one of them."
        )
        self.fields["department"].error_messages["invalid_choice"] = _(
            "Choose a department from the list; %(value)s is not one of them."
        )

    @classmethod
    def for_query(cls, query) -> "FiguresFilterForm":
        """The filter a page's query asks for (unbound when it asks for none), offering
        the departments and years the register holds."""
        departments, years = figures.filter_choices()
        asked = query if {"department", "year"} & set(query) else None
        return cls(asked, departments=departments, years=years)

    @property
    def valid(self) -> bool:
        return not self.is_bound or self.is_valid()

    def selection(self) -> figures.Filter:
        """What the figures cover: the valid part of the filter, all when none is asked."""
        if not self.is_bound:
            return figures.Filter()
        self.is_valid()  # cleans: a refused field is left out of cleaned_data
        return figures.Filter(
            self.cleaned_data.get("department") or "", self.cleaned_data.get("year")
        )

    def errors_as_text(self) -> str:
        """The refusals in one line, for a CSV download that cannot show a form."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class KpiResponseForm(forms.Form):
    """The supplier's one response to a KPI checkpoint."""

    response = forms.CharField(
        label=_("Your response"),
        help_text=_("You can respond once. The contract manager reads it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_plain_text],
    )
