"""How a person wants to hear about each kind of notification."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, Preference
from notifications.models import EmailFrequency


class NotificationPreferencesForm(forms.Form):
    """One row per notification kind: how to email it and whether to show it here."""

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[NotificationKind],
        preferences: Mapping[str, Preference],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            preference = preferences[kind.key]
            self.fields[f"{kind.key}__email"] = forms.ChoiceField(
                label=_("Email for: %(kind)s") % {"kind": kind.label},
                choices=EmailFrequency.choices,
                initial=preference.email,
            )
            self.fields[f"{kind.key}__in_app"] = forms.BooleanField(
                label=_("Show on my notifications page: %(kind)s") % {"kind": kind.label},
                required=False,
                initial=preference.in_app,
            )

    def cleaned_preferences(self) -> dict[str, tuple[str, bool]]:
        return {
            kind.key: (
                self.cleaned_data[f"{kind.key}__email"],
                self.cleaned_data[f"{kind.key}__in_app"],
            )
            for kind in self.kinds
        }
