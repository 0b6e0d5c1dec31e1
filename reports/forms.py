"""The resident's forms: a report, and "I saw this too"."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from common.forms import coordinate_fields
from common.uploads import UploadsField, process_image
from common.validators import validate_plain_text
from reports.models import (
    DESCRIPTION_MAX,
    FEEDBACK_REMARK_MAX,
    MAX_PHOTOS,
    Answer,
    Category,
    FeedbackReason,
    FeedbackSubject,
)


class CategoryField(forms.ChoiceField):
    """One choice of subcategory, grouped under its main category (an optgroup each), so
    the choice works the same with or without JavaScript."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._categories: dict[str, Category] = {}

    def load(self) -> None:
        groups: dict[str, list[tuple[str, str]]] = {}
        for category in Category.objects.reportable():
            self._categories[str(category.pk)] = category
            main = category.parent.name if category.parent is not None else ""
            groups.setdefault(main, []).append((str(category.pk), category.name))
        self.choices = [("", _("Choose what it is about")), *groups.items()]

    def clean(self, value: Any) -> Category | None:
        value = super().clean(value)
        return self._categories.get(value) if value else None


class ReportForm(SpamGuardedForm):
    """What the resident saw, where, and (for a visitor) where we can reach them."""

    category = CategoryField(label=_("What is it about?"))
    address = forms.CharField(
        label=_("Address or place"),
        required=False,
        max_length=200,
        help_text=_(
            "A street and house number, or a description like “corner of Kerkstraat and "
            "Molenweg”. Not needed when you mark the place on the map."
        ),
    )
    latitude, longitude = coordinate_fields(hidden=True)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        min_length=10,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you see? At most 2000 characters. Do not write personal details."),
    )
    photos = UploadsField(
        process=process_image,
        max_files=MAX_PHOTOS,
        accept="image/jpeg,image/png,image/webp",
        label=_("Photos"),
        help_text=_("Up to 3 JPEG, PNG or WebP photos of at most 5 MB each."),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "We send you a link to confirm your report, and tell you when something "
            "happens. Your address is never shown."
        ),
    )
    # Set once the resident has seen the reports nearby and still sends their own.
    seen_nearby = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, signed_in: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].load()  # type: ignore[attr-defined]
        if signed_in:
            del self.fields["email"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            cleaned["latitude"] = cleaned["longitude"] = None
            latitude = None
        if "latitude" in self.errors or "longitude" in self.errors:
            self.errors.pop("latitude", None)
            self.errors.pop("longitude", None)
            self.add_error("address", _("The point on the map lies outside the municipality."))
        elif latitude is None and not (cleaned.get("address") or "").strip():
            self.add_error(
                "address", _("Say where it is: type an address or mark the place on the map.")
            )
        return cleaned


class SupportForm(SpamGuardedForm):
    """ "I saw this too" by a visitor: the email address to confirm."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We send you a link to confirm; then you count, and hear what happens."),
    )


class FeedbackForm(forms.Form):
    """ "Is it solved?" after a report closed: the answer, a grade for how it was
    handled, standard reasons that go with the answer, and a remark. Without JavaScript
    every reason is shown, grouped by answer; reasons of another answer are refused."""

    solved = forms.ChoiceField(
        label=_("Is it solved?"), choices=Answer.choices, widget=forms.RadioSelect
    )
    grade = forms.TypedChoiceField(
        label=_("What grade do you give for how your report was handled?"),
        choices=[(str(number), str(number)) for number in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "portal-grade"}),
        help_text=_("1 = very bad, 10 = excellent"),
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        required=False,
        help_text=_("Tick what applies, under the answer you gave."),
    )
    remark = forms.CharField(
        label=_("Remark"),
        required=False,
        max_length=FEEDBACK_REMARK_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 1000 characters. Do not write personal details."),
    )

    def __init__(self, *args: Any, about: str = FeedbackSubject.REPORT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.about = about
        if about == FeedbackSubject.QUESTION:
            self.fields["solved"].label = _("Is your question answered?")
            self.fields["grade"].label = _(
                "What grade do you give for how your question was handled?"
            )
        self.reason_rows = {
            str(reason.pk): reason
            for reason in FeedbackReason.objects.filter(is_active=True, applies_to=about)
        }
        reasons_field = cast(forms.MultipleChoiceField, self.fields["reasons"])
        reasons_field.choices = [(pk, reason.text) for pk, reason in self.reason_rows.items()]

    def reason_groups(self) -> list[dict[str, Any]]:
        """The reasons by answer, for the template (each a fieldset of checkboxes)."""
        chosen = set(self["reasons"].value() or [])
        labels = {
            Answer.YES: _("When it is solved"),
            Answer.PARTLY: _("When it is partly solved"),
            Answer.NO: _("When it is not solved"),
        }
        if self.about == FeedbackSubject.QUESTION:
            labels = {
                Answer.YES: _("When it is answered"),
                Answer.PARTLY: _("When it is partly answered"),
                Answer.NO: _("When it is not answered"),
            }
        groups = []
        for answer in Answer:
            rows = [
                {"pk": pk, "text": reason.text, "checked": pk in chosen}
                for pk, reason in self.reason_rows.items()
                if reason.answer == answer
            ]
            if rows:
                groups.append({"answer": answer.value, "label": labels[answer], "reasons": rows})
        return groups

    def clean_reasons(self) -> list[FeedbackReason]:
        return [self.reason_rows[pk] for pk in self.cleaned_data.get("reasons") or []]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        solved, reasons = cleaned.get("solved"), cleaned.get("reasons") or []
        if solved and any(reason.answer != solved for reason in reasons):
            self.add_error(
                "reasons",
                _("Choose only reasons that go with your answer (%(answer)s).")
                % {"answer": Answer(solved).label},
            )
        return cleaned
