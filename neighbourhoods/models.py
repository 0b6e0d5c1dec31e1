import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CBS_CODE_VALIDATOR = RegexValidator(
    r"^(WK|BU)\d{6}(\d{2})?$",
    _("Enter a CBS code such as WK034401 (district) or BU03440101 (neighbourhood)."),
)

_GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}


def validate_boundary(value) -> None:
    """A boundary is a GeoJSON Polygon or MultiPolygon in WGS 84 (longitude, latitude)."""
    if value in (None, ""):
        return
    if not isinstance(value, dict) or value.get("type") not in _GEOMETRY_TYPES:
        raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))
    polygons = value.get("coordinates")
    if value["type"] == "Polygon":
        polygons = [polygons]
    try:
        for polygon in polygons:
            for ring in polygon:
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise ValidationError(_("Each ring of the boundary must be closed."))
                for lon, lat, *_rest in ring:
                    if not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
                        raise ValidationError(_("Coordinates must be longitude and latitude."))
    except (TypeError, ValueError):
        raise ValidationError(_("The boundary's coordinates are not valid GeoJSON.")) from None


class NeighbourhoodQuerySet(models.QuerySet["Neighbourhood"]):
    def for_listing(self) -> "NeighbourhoodQuerySet":
        return self.select_related("area_manager").order_by("name")


class Neighbourhood(models.Model):
    """A neighbourhood or district (wijk) as the municipality and CBS know it. Agenda
    items, programmes, initiatives, survey breakdowns and the monitor all hang on it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS code"), max_length=10, unique=True, validators=[CBS_CODE_VALIDATOR]
    )
    population = models.PositiveIntegerField(
        _("population"), help_text=_("Residents on 1 January, from CBS.")
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        validators=[validate_boundary],
        help_text=_("GeoJSON Polygon or MultiPolygon in WGS 84."),
    )
    area_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("area manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_neighbourhoods",
        help_text=_("The gebiedsmanager, the municipality's contact for this area."),
    )

    objects = NeighbourhoodQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cbs_code__regex=r"^(WK|BU)[0-9]{6}([0-9]{2})?$"),
                name="neighbourhood_cbs_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("neighbourhoods:detail", args=[self.slug])

    @property
    def boundary_json(self) -> str:
        return json.dumps(self.boundary) if self.boundary else ""
