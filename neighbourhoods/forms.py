from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode

from common.abuse import SpamGuardedForm
from neighbourhoods import actions, cbs
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


class CbsImportForm(forms.Form):
    """The CBS file "Kerncijfers wijken en buurten" (CSV) and the source line shown
    beside its figures."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The CBS table “Key figures for districts and neighbourhoods” for the "
            "municipality, as CSV (UTF-8), with the columns code, name, level, parent_code "
            "and year and the figures. Importing a year again replaces it."
        ),
    )
    source = forms.CharField(
        label=_("Source line"),
        max_length=300,
        required=False,
        help_text=_(
            "Shown beside the figures: who published which table of which year, and its licence. "
            "Empty: CBS's line for the table of the file's year."
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024
    SHOWN_ERRORS = 50

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > self.MAX_BYTES:
            self.add_error("file", _("The file is larger than 5 MB."))
            return cleaned
        parsed = cbs.parse(upload.read())
        for line, message in parsed.errors[: self.SHOWN_ERRORS]:
            self.add_error(
                "file",
                _("Line %(line)s: %(message)s") % {"line": line, "message": message},
            )
        if len(parsed.errors) > self.SHOWN_ERRORS:
            self.add_error(
                "file",
                ngettext(
                    "… and %(n)s more line with errors.",
                    "… and %(n)s more lines with errors.",
                    len(parsed.errors) - self.SHOWN_ERRORS,
                )
                % {"n": len(parsed.errors) - self.SHOWN_ERRORS},
            )
        if not parsed.errors and (foreign := actions.foreign_municipality(parsed)):
            self.add_error("file", foreign)
        cleaned["parsed"] = parsed
        return cleaned
