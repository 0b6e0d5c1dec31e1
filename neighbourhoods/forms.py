from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode

from common.abuse import SpamGuardedForm
from neighbourhoods.models import AgendaItem


class AgendaItemForm(SpamGuardedForm, forms.ModelForm):
    """What a resident proposes for the neighbourhood's agenda."""

    class Meta:
        model = AgendaItem
        fields = ["title", "description", "location"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class PostcodeForm(forms.Form):
    """“Find your neighbourhood”: a Dutch postcode, with or without the letters."""

    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=7,
        help_text=_("For example 3811 AB, or only the four digits."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "text"}),
    )

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip().upper().replace(" ", "")
        if len(value) == 4 and value.isdigit() and not value.startswith("0"):
            return value
        try:
            return postcode.validate(value).replace(" ", "")
        except ValidationError:
            raise forms.ValidationError(
                _("Enter a Dutch postcode, like 3811 AB or 3811."), code="invalid"
            ) from None
