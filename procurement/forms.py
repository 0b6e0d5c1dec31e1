from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from portal.abuse import SpamGuardedForm
from portal.forms import BoundedModelMultipleChoiceField
from portal.validators import validate_plain_text
from procurement.models import Certificate, CpvCode, Interest, Supplier, Tender


class CpvCodeField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: CpvCode) -> str:
        return f"{obj.full_code} {obj.label}"


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            (code.pk, f"{code.full_code} {code.label}")
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
    extra=1,
    can_delete=True,
    widgets={"valid_until": forms.DateInput(attrs={"type": "date"})},
)


class InterestForm(forms.ModelForm):
    class Meta:
        model = Interest
        fields = ["note"]
        labels = {"note": _("A short note for the procurement officer")}


class TeamInviteForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's email address"))


class TenderFilterForm(forms.Form):
    category = forms.ChoiceField(
        choices=[("", _("All categories")), *Tender.Category.choices],
        required=False,
        label=_("Category"),
    )
    procedure = forms.ChoiceField(
        choices=[("", _("All procedures")), *Tender.Procedure.choices],
        required=False,
        label=_("Procedure"),
    )
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *[c for c in Tender.Status.choices if c[0] != "draft"]],
        required=False,
        label=_("Status"),
    )
    cpv = forms.CharField(
        required=False,
        max_length=10,
        label=_("CPV code (and below)"),
        validators=[validate_plain_text],
    )
    quarter = forms.RegexField(
        regex=r"^\d{4}-Q[1-4]$", required=False, label=_("Quarter"), help_text=_("e.g. 2027-Q1")
    )
    department = forms.CharField(required=False, max_length=120, label=_("Department"))

    all_optional = True

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
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
