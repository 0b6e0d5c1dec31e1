from django import forms
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.forms import CachedFilterForm
from common.search import text_search
from neighbourhoods.models import Neighbourhood
from participation.models import CouncilQuestion, TeamLogEntry, TeamMembership, Topic


class ApplicationForm(SpamGuardedForm, forms.ModelForm):
    class Meta:
        model = TeamMembership
        fields = ["motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "motivation": _("What you would like to do, and what you bring (time, skills)."),
        }


class LogEntryForm(forms.ModelForm):
    class Meta:
        model = TeamLogEntry
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CouncilQuestionForm(SpamGuardedForm, forms.ModelForm):
    class Meta:
        model = CouncilQuestion
        fields = ["question", "context"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "context": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "question": _("One clear question residents can answer, without jargon."),
            "context": _("What the council will do with the answer."),
        }

    def clean_question(self) -> str:
        question = self.cleaned_data["question"].strip()
        if len(question) < 15:
            raise forms.ValidationError(
                _("Write the question in full (at least 15 characters)."), code="short"
            )
        return question


class DecisionFilterForm(CachedFilterForm):
    all_optional = True

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    # The empty choice is "no filter": it says so, not "choose one".
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("All neighbourhoods"),
    )

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("topic"):
            queryset = queryset.filter(topic=data["topic"])
        if data.get("neighbourhood"):
            queryset = queryset.filter(neighbourhoods=data["neighbourhood"])
        if data.get("q"):
            queryset = text_search(queryset, data["q"])
        return queryset


class DecisionFollowForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, to_field_name="slug"
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.all(),
        required=False,
        to_field_name="slug",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("topic")) == bool(data.get("neighbourhood")):
            raise forms.ValidationError(_("Choose a topic or a neighbourhood."), code="one_of_them")
        return data
