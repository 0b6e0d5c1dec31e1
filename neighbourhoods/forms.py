from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode

from common.abuse import SpamGuardedForm
from common.uploads import process_image
from neighbourhoods import actions, cbs, letter_codes
from neighbourhoods.models import AgendaItem, ProjectUpdate


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


class AddressListForm(forms.Form):
    """The addresses entitled to take part, from the municipality's register (CSV)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One address per line with the columns postcode, house number, addition and "
            "neighbourhood (the district's CBS code or name); no names. UTF-8, separated "
            "by commas or semicolons."
        ),
    )

    MAX_BYTES = 10 * 1024 * 1024
    SHOWN_ERRORS = 50

    def __init__(self, *args, neighbourhoods, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.neighbourhoods = neighbourhoods

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > self.MAX_BYTES:
            self.add_error("file", _("The file is larger than 10 MB."))
            return cleaned
        parsed = letter_codes.parse(upload.read(), self.neighbourhoods)
        for line, message in parsed.errors[: self.SHOWN_ERRORS]:
            self.add_error(
                "file", _("Line %(line)s: %(message)s") % {"line": line, "message": message}
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
        cleaned["parsed"] = parsed
        return cleaned


class IssueCodesForm(forms.Form):
    """Issuing the codes of an address list: shown once, as a file (CSV or PDF) or a
    page to print."""

    FORMATS = [
        ("csv", _("CSV file for a mail merge")),
        ("pdf", _("PDF file with one letter per address")),
        ("print", _("Letters to print")),
    ]
    output = forms.ChoiceField(
        label=_("Issue the codes as"), choices=FORMATS, widget=forms.RadioSelect, initial="csv"
    )
    again = forms.BooleanField(
        label=_("Issue new codes: the letters sent before stop working"), required=False
    )


class LetterCodeForm(forms.Form):
    """The code from the municipality's letter, typed by the resident."""

    code = forms.CharField(
        label=_("Code from the letter"),
        max_length=20,
        help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"]
        if not letter_codes.looks_like_a_code(value):
            raise forms.ValidationError(
                _("A code has twelve letters and digits, like ABCD-EFGH-JKMN."), code="invalid"
            )
        return value


class ProjectUpdateForm(forms.ModelForm):
    """An update of a programme project as staff publish it in the back office: the
    text, the progress it reports and perhaps a photo, which then needs a description
    in both languages. The photo is re-encoded without EXIF (``common.uploads``)."""

    image = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 5 MB. The location of the camera is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = ProjectUpdate
        fields = ["text_nl", "text_en", "progress", "image", "photo_alt_nl", "photo_alt_en"]
        widgets = {
            "text_nl": forms.Textarea(attrs={"rows": 4}),
            "text_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        return process_image(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") is not None:
            for name in ("photo_alt_nl", "photo_alt_en"):
                if not (cleaned.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, _("Describe the photo for people who cannot see it."))
        return cleaned
