from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.validators import validate_no_contact_details, validate_plain_text
from community.models import (
    CoachRequest,
    Membership,
    MessageReport,
    NetworkTheme,
    Post,
    VolunteerCall,
)
from neighbourhoods.models import Neighbourhood

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _from_today(value):
    if value is not None and value < timezone.localdate():
        raise forms.ValidationError(_("Choose a date from today on."), code="past")
    return value


class JoinForm(SpamGuardedForm, forms.Form):
    """Join a theme's network as a member, or ask to be its ambassador."""

    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=NetworkTheme.objects.all(),
        to_field_name="slug",
        widget=forms.RadioSelect,
        empty_label=None,
    )
    role = forms.ChoiceField(
        label=_("How do you join?"),
        choices=[
            (Membership.Role.MEMBER, _("As a member")),
            (Membership.Role.AMBASSADOR, _("As an ambassador, with a short public profile")),
        ],
        widget=forms.RadioSelect,
        initial=Membership.Role.MEMBER,
    )
    public_name = forms.CharField(
        label=_("Name shown (required for ambassadors)"),
        max_length=60,
        required=False,
        validators=[validate_plain_text, validate_no_contact_details],
        help_text=_("Your first name or a name you choose. Never your address or email."),
    )
    can_help_with = forms.CharField(
        label=_("What you can help with (required for ambassadors)"),
        max_length=500,
        required=False,
        validators=[validate_plain_text, validate_no_contact_details],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("public_name", "can_help_with"):
            # Required for an ambassador only: the label says so, so no "(optional)" either.
            self.fields[name].conditionally_required = True  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Membership.Role.AMBASSADOR:
            if not (cleaned.get("public_name") or "").strip():
                self.add_error("public_name", _("Give the name your profile shows."))
            if not (cleaned.get("can_help_with") or "").strip():
                self.add_error("can_help_with", _("Say briefly what you can help with."))
        return cleaned


class PostForm(SpamGuardedForm, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["kind", "what", "description", "neighbourhood", "theme", "ends_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "ends_on": DATE,
        }
        help_texts = {
            "what": _("For example: I lend my ladder, or: who helps me with my garden?"),
            "description": _("Never write your address or phone number here."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two radio buttons, neither chosen beforehand: no "choose one" as a third answer.
        self.fields["kind"].choices = Post.Kind.choices  # type: ignore[attr-defined]

    def clean_ends_on(self):
        return _from_today(self.cleaned_data.get("ends_on"))


class CallForm(SpamGuardedForm, forms.ModelForm):
    class Meta:
        model = VolunteerCall
        fields = ["title", "wanted", "ends_on", "description"]
        widgets = {"ends_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("For example: the planting day on 12 April."),
            "wanted": _("How many people you need; the call closes when they responded."),
        }

    def clean_wanted(self):
        wanted = self.cleaned_data.get("wanted")
        if wanted is not None and wanted < 1:
            raise forms.ValidationError(_("Ask for at least one volunteer."), code="min")
        return wanted

    def clean_ends_on(self):
        return _from_today(self.cleaned_data.get("ends_on"))


class MessageForm(SpamGuardedForm, forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The other person does not see your email address."),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write a message."), code="required")
        return text


class ReportForm(forms.ModelForm):
    class Meta:
        model = MessageReport
        fields = ["reason"]


class PostFilterForm(forms.Form):
    all_optional = True

    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All neighbourhoods"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=NetworkTheme.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All themes"),
    )
    kind = forms.ChoiceField(
        label=_("Offers or requests"),
        choices=[("", _("Both")), *Post.Kind.choices],
        required=False,
    )

    def filter(self, posts):
        data = self.cleaned_data
        if data.get("neighbourhood"):
            posts = posts.filter(neighbourhood=data["neighbourhood"])
        if data.get("theme"):
            posts = posts.filter(theme=data["theme"])
        if data.get("kind"):
            posts = posts.filter(kind=data["kind"])
        return posts


class CoachRequestForm(SpamGuardedForm, forms.ModelForm):
    """An initiator asks for a coach for their initiative."""

    class Meta:
        model = CoachRequest
        fields = ["wish", "question"]
        widgets = {"wish": forms.RadioSelect, "question": forms.Textarea(attrs={"rows": 4})}

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError(_("Say briefly what you would like help with."))
        return question


class CoachAnswerForm(forms.Form):
    """The ambassador asked to coach accepts or declines."""

    answer = forms.ChoiceField(
        label=_("Will you coach this initiative?"),
        choices=[("accept", _("Yes, I will coach it")), ("decline", _("No, not now"))],
        widget=forms.RadioSelect,
    )
