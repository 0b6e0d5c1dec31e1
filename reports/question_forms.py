"""The resident's question form."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.validators import validate_plain_text
from reports.models import QUESTION_MAX, QUESTION_MIN, Topic


class TopicChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


class QuestionForm(SpamGuardedForm):
    """What the resident asks, about what, answered privately or in public, and (for a
    visitor) where the answer goes."""

    topic = TopicChoiceField(
        label=_("What is your question about?"),
        queryset=Topic.objects.none(),
        empty_label=_("Choose a topic"),
    )
    text = forms.CharField(
        label=_("Your question"),
        min_length=QUESTION_MIN,
        max_length=QUESTION_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 2000 characters."),
    )
    visibility = forms.ChoiceField(
        label=_("How do you want the answer?"),
        choices=[
            ("private", _("Only to me")),
            ("public", _("In public, so others can read it too")),
        ],
        initial="private",
        widget=forms.RadioSelect,
        help_text=_(
            "A public answer is published with your question, never with your name or "
            "email address. Before that, a colleague takes anything personal out."
        ),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "We send you a link to confirm your question, and then the answer. Your "
            "address is never shown."
        ),
    )

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topic"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Topic.objects.active()
        if signed_in:
            del self.fields["email"]
