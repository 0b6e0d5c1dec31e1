import uuid

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.forms import (
    BoundedModelMultipleChoiceField,
    CachedFilterForm,
    EmptyRenderedOnce,
    coordinate_fields,
    filter_choice,
)
from common.uploads import UploadsField, process_document, process_image
from common.validators import validate_plain_text
from initiatives.models import (
    MAX_ATTACHMENTS,
    Comment,
    CommentReport,
    Initiative,
    Status,
    SupportKind,
    Theme,
)
from neighbourhoods.models import Neighbourhood


class SupportKindChoiceField(BoundedModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: SupportKind) -> str:
        return str(obj.label)


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return obj.name


class InitiativeForm(SpamGuardedForm, forms.ModelForm):
    """What a resident writes; the map (if JavaScript runs) fills latitude/longitude."""

    support_kinds = SupportKindChoiceField(
        queryset=SupportKind.objects.all(),
        required=False,
        label=_("What do you ask the municipality for?"),
    )
    theme = ThemeChoiceField(
        queryset=Theme.objects.all(), label=_("Theme"), empty_label=_("Choose a theme")
    )
    images = UploadsField(
        process=process_image,
        max_files=4,
        accept="image/jpeg,image/png,image/webp",
        label=_("Images"),
        help_text=_("Up to 4 JPEG, PNG or WebP images of at most 5 MB each."),
    )
    documents = UploadsField(
        process=process_document,
        max_files=2,
        accept="application/pdf,.pdf",
        label=_("Documents"),
        help_text=_("Up to 2 PDF documents of at most 10 MB each, such as a budget."),
    )
    # Filled by the map; the model checks the same box (both or neither, see clean).
    latitude, longitude = coordinate_fields(hidden=True)
    # A new initiative's form carries its own number (see Initiative.form_token).
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    co_initiator_emails = forms.CharField(
        label=_("Invite co-initiators"),
        required=False,
        max_length=500,
        help_text=_("Email addresses, separated by commas. They get an invitation to join."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "description",
            "neighbourhood",
            "theme",
            "address",
            "latitude",
            "longitude",
            "support_kinds",
            "amount_requested",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "amount_requested": forms.NumberInput(attrs={"min": 0, "step": 1}),
        }

    def __init__(self, *args, attachment_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachment_count = attachment_count
        if self.instance.pk is None:
            self.fields["form_token"].initial = uuid.uuid4
        else:
            del self.fields["form_token"]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.order_by("name")
        self.fields["neighbourhood"].empty_label = _("Choose a neighbourhood")
        # While typing: similar initiatives appear below the title (htmx, see form.html).
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "data-hx-get": reverse("initiatives:similar"),
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": "#similar",
                "data-hx-sync": "this:replace",
            }
        )

    def clean_co_initiator_emails(self) -> list[str]:
        raw = self.cleaned_data["co_initiator_emails"]
        emails = [part.strip().lower() for part in raw.replace(";", ",").split(",") if part.strip()]
        validator = forms.EmailField()
        for email in emails:
            try:
                validator.clean(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(email)s” is not a valid email address."), params={"email": email}
                ) from None
        if len(emails) > 5:
            raise forms.ValidationError(_("Invite at most 5 co-initiators at a time."))
        return list(dict.fromkeys(emails))

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(None, _("The location on the map is incomplete; choose it again."))
        uploads = len(cleaned.get("images") or []) + len(cleaned.get("documents") or [])
        if uploads + self.attachment_count > MAX_ATTACHMENTS:
            self.add_error(
                "images",
                _("An initiative can have at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
            )
        return cleaned


class AnswerForm(EmptyRenderedOnce):
    message = forms.CharField(
        label=_("Your answer to the municipality"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        validators=[validate_plain_text],
    )


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you withdraw the initiative?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        validators=[validate_plain_text],
        help_text=_("Shown on the public timeline."),
    )


class CommentForm(EmptyRenderedOnce, SpamGuardedForm, forms.ModelForm):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Your comment")}


class ReportForm(forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["reason"]


class MarketSignupForm(forms.Form):
    event = forms.ModelChoiceField(queryset=None, label=_("Initiative market"))

    def __init__(self, *args, markets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = markets


SORTS = [
    ("newest", _("Newest first")),
    ("supported", _("Most supported")),
    ("decided", _("Recently decided")),
]


class InitiativeFilterForm(CachedFilterForm):
    """The list's filters; every combination is a plain GET URL."""

    all_optional = True  # no "(optional)" after every filter label

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    neighbourhood = forms.ModelChoiceField(
        queryset=Neighbourhood.objects.only("name", "slug").order_by("name"),
        required=False,
        to_field_name="slug",
        label=_("Neighbourhood"),
        empty_label=_("All neighbourhoods"),
    )
    theme = ThemeChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        to_field_name="slug",
        label=_("Theme"),
        empty_label=_("All themes"),
    )
    status = filter_choice(
        label=_("Status"),
        anything=_("All statuses"),
        choices=[c for c in Status.choices if c[0] != Status.DRAFT],
    )
    support = filter_choice(
        label=_("Support asked"), anything=_("Any support"), choices=SupportKind.Code.choices
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, label=_("Sort by"))

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["neighbourhood"]:
            queryset = queryset.filter(neighbourhood=data["neighbourhood"])
        if data["theme"]:
            queryset = queryset.filter(theme=data["theme"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["support"]:
            queryset = queryset.filter(support_kinds__code=data["support"])
        return queryset.search(data["q"]).sorted_by(data["sort"] or "newest")
