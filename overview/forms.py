"""The period the city dashboard covers."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    """The period the city dashboard covers; both days included."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif (end - start).days > 3660:
                self.add_error("end", _("Choose a period of at most ten years."))
        return data
