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


class EventQuerySet(models.QuerySet["Event"]):
    def upcoming(self) -> "EventQuerySet":
        from django.utils import timezone

        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def markets(self) -> "EventQuerySet":
        return self.filter(kind=Event.Kind.MARKET)


class Event(models.Model):
    """A gathering the municipality organises: a neighbourhood meeting, a wijksafari,
    an excursion or an initiative market (initiatievenmarkt) where initiators pitch their
    plans. Residents say they will come (RSVP)."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Neighbourhood meeting")
        SAFARI = "safari", _("Neighbourhood safari")
        EXCURSION = "excursion", _("Excursion")
        MARKET = "market", _("Initiative market")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Leave empty for an event for the whole municipality."),
    )
    location = models.CharField(_("location"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["meeting", "safari", "excursion", "market"]),
                name="event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("neighbourhoods:event", args=[self.pk])

    @property
    def is_market(self) -> bool:
        return self.kind == self.Kind.MARKET

    @property
    def is_past(self) -> bool:
        from django.utils import timezone

        return self.ends_at < timezone.now()

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})


class EventRSVP(models.Model):
    """A resident's 'I will come' to an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_rsvps"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"
