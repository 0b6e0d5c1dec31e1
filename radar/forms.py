from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import coordinate_fields
from common.validators import validate_plain_text
from neighbourhoods.models import Neighbourhood
from procurement.models import SupplierMember
from radar.models import RADII, Frequency, Kind, SavedArea

WIJK = "wijk"
CIRCLE = "circle"


def kinds_for(user) -> list[tuple[str, Any]]:
    """The kinds of news this person may ask for: tenders only for a supplier's team."""
    supplier = SupplierMember.manages_a_supplier(user)
    return [(value, label) for value, label in Kind.choices if value != Kind.TENDERS or supplier]


class SavedAreaForm(forms.Form):
    """A saved area: a wijk, or a circle around a point chosen on the map (with
    JavaScript) or typed as coordinates (without)."""

    name = forms.CharField(
        label=_("Name of this area"),
        max_length=60,
        validators=[validate_plain_text],
        help_text=_("For example: Home, or: Near my work."),
    )
    shape = forms.ChoiceField(
        label=_("Which area?"),
        choices=[
            (WIJK, _("A whole neighbourhood")),
            (CIRCLE, _("A circle around a point")),
        ],
        widget=forms.RadioSelect,
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood (for a whole neighbourhood)"),
        queryset=Neighbourhood.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )
    radius = forms.TypedChoiceField(
        label=_("Distance (for a circle)"),
        # Translated when shown, in the visitor's language (not once at import).
        choices=[(radius, format_lazy(_("{metres} metres"), metres=radius)) for radius in RADII],
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    latitude, longitude = coordinate_fields(
        latitude_label=_("Latitude of the centre (for a circle)"),
        longitude_label=_("Longitude of the centre (for a circle)"),
        latitude_help=_(
            "Click on the map to choose the centre, or type it in degrees, for example 52.156100."
        ),
        longitude_help=_("In degrees, for example 5.387800."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("What do you want to hear about?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of news.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often do you want an email?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.DAILY,
        help_text=_("New items always show among your messages on the portal at once."),
    )

    def __init__(self, *args, user, instance: SavedArea | None = None, **kwargs):
        self.instance = instance or SavedArea(user=user)
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "shape": CIRCLE if instance.is_circle else WIJK,
                "neighbourhood": instance.neighbourhood.slug
                if instance.neighbourhood and not instance.is_circle
                else None,
                "radius": instance.radius,
                "latitude": instance.latitude,
                "longitude": instance.longitude,
                "kinds": instance.kinds,
                "frequency": instance.frequency,
            }
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kinds_for(user)  # type: ignore[attr-defined]
        for name in ("neighbourhood", "radius", "latitude", "longitude"):
            # Required for one of the two shapes only: the label says which.
            self.fields[name].conditionally_required = True  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()
        shape = cleaned.get("shape")
        required = {
            "latitude": _("Fill in the latitude of the centre for a circle."),
            "longitude": _("Fill in the longitude of the centre for a circle."),
        }
        if (
            shape == WIJK
            and not cleaned.get("neighbourhood")
            and "neighbourhood" not in self.errors
        ):
            self.add_error("neighbourhood", _("Choose a neighbourhood."))
        if shape == CIRCLE:
            if not cleaned.get("radius") and "radius" not in self.errors:
                self.add_error("radius", _("Choose a distance."))
            for name in ("latitude", "longitude"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, required[name])
        return cleaned

    def area(self) -> SavedArea:
        """The saved area as the form says (not saved yet)."""
        area, data = self.instance, self.cleaned_data
        area.name = data["name"]
        area.kinds = [kind for kind in Kind.values if kind in data["kinds"]]
        area.frequency = data["frequency"]
        area.emails = True  # saving the area again is asking for its emails again
        if data["shape"] == CIRCLE:
            area.radius = data["radius"]
            area.latitude, area.longitude = data["latitude"], data["longitude"]
        else:
            area.radius = area.latitude = area.longitude = None
            area.neighbourhood = data["neighbourhood"]
        return area
