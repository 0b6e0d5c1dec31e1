"""The forms of the mood of the city's staff pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.validators import validate_plain_text
from mood.models import AnalysisRun, Topic, public_minimum
from neighbourhoods.models import Neighbourhood

MAX_TOPICS = 30


class AnalysisForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("Up to and including"), widget=forms.DateInput(attrs={"type": "date"})
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Neighbourhood.objects.order_by("name"),
        required=False,
        empty_label=_("The whole city"),
    )
    topic_count = forms.IntegerField(
        label=_("At most this many topics"),
        min_value=1,
        max_value=MAX_TOPICS,
        initial=8,
        help_text=_("Small topics are kept: a topic may rest on a single text."),
    )

    def clean_start(self) -> Any:
        start = self.cleaned_data["start"]
        if start > timezone.localdate():
            raise forms.ValidationError(_("The period cannot start in the future."))
        return start

    def clean_end(self) -> Any:
        end = self.cleaned_data["end"]
        if end > timezone.localdate():
            raise forms.ValidationError(_("The period cannot end in the future."))
        return end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return ngettext(
            "Topic %(position)d: %(words)s (%(count)d text)",
            "Topic %(position)d: %(words)s (%(count)d texts)",
            obj.size,
        ) % {"position": obj.position, "words": ", ".join(obj.words), "count": obj.size}


class SummaryForm(forms.Form):
    title_nl = forms.CharField(label=_("Title (Dutch)"), max_length=160)
    title_en = forms.CharField(label=_("Title (English)"), max_length=160)
    text_nl = forms.CharField(
        label=_("Summary (Dutch)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_plain_text],
    )
    text_en = forms.CharField(
        label=_("Summary (English)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_plain_text],
    )
    topics = TopicChoiceField(
        label=_("Topics whose words are published"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reviewed = forms.BooleanField(
        label=_(
            "I have reviewed this summary and the chosen topics' words: they match what "
            "residents wrote and name no person and nothing personal."
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, run: AnalysisRun, publishing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.publishing = publishing
        if run.status != AnalysisRun.Status.DONE:
            # Nothing found yet to choose from.
            del self.fields["topics"]
            return
        minimum = public_minimum()
        field = self.fields["topics"]
        assert isinstance(field, TopicChoiceField)
        # Only topics resting on enough texts can be chosen.
        field.queryset = Topic.objects.filter(run=run).big_enough().order_by("position")
        field.help_text = ngettext(
            "The words of the chosen topics are published on the page with the summary, "
            "with how many texts each rests on. Only a topic resting on at least %(minimum)d "
            "text can be chosen: the words of a smaller one could give away what one "
            "resident wrote.",
            "The words of the chosen topics are published on the page with the summary, "
            "with how many texts each rests on. Only a topic resting on at least %(minimum)d "
            "texts can be chosen: the words of a smaller one could give away what one "
            "resident wrote.",
            minimum,
        ) % {"minimum": minimum}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.publishing and not data.get("reviewed"):
            self.add_error("reviewed", _("Only a reviewed summary can be published."))
        return data
