from django import forms
from django.utils.translation import gettext_lazy as _

from common.abuse import SpamGuardedForm
from neighbourhoods.models import Neighbourhood
from surveys.models import AgeBand


class PanelForm(SpamGuardedForm, forms.Form):
    """Joining the resident panel: only what breakdowns need, and consent."""

    neighbourhood = forms.ModelChoiceField(
        queryset=Neighbourhood.objects.order_by("name"),
        label=_("Your neighbourhood"),
        empty_label=_("Choose a neighbourhood"),
    )
    age_band = forms.ChoiceField(
        choices=[("", _("Choose your age group")), *AgeBand.choices], label=_("Your age")
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the municipality invites me by email for surveys, at most "
            "a few times a year. I can leave at any moment."
        ),
        error_messages={"required": _("Tick the box to join; without it we cannot invite you.")},
    )
