"""The wijkradar (buurtradar): a resident's saved areas and what was told about them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.geo import LATITUDE_RANGE, LONGITUDE_RANGE

# The Netherlands, generously (as initiatives and reports check a point): a centre
# outside this box is a typo.
RADII = (250, 500, 1000, 2000)
MAX_RADIUS = max(RADII)
MAX_AREAS = 10


class Kind(models.TextChoices):
    """The kinds of news a saved area can ask for (``radar.sources`` says where each
    comes from and when it counts as new)."""

    INITIATIVES = "initiatives", _("Initiatives")
    AGENDA = "agenda", _("Agenda items")
    EVENTS = "events", _("Events")
    POSTS = "posts", _("Offers and requests")
    CALLS = "calls", _("Volunteer calls")
    REPORTS = "reports", _("Public-space reports")
    PROJECTS = "projects", _("Programme projects")
    TENDERS = "tenders", _("Tenders (for suppliers)")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Once a day")
    WEEKLY = "weekly", _("Once a week")


class SavedAreaQuerySet(models.QuerySet["SavedArea"]):
    def of(self, user) -> "SavedAreaQuerySet":
        return self.filter(user=user)

    def for_listing(self) -> "SavedAreaQuerySet":
        """The page "Mijn buurtradar": each area with its neighbourhood and how many items
        it told, in one query."""
        return (
            self.select_related("neighbourhood")
            .annotate(told=Count("deliveries"))
            .order_by("created_at", "pk")
        )


class SavedArea(models.Model):
    """An area a resident keeps an eye on (buurtradar): their neighbourhood (wijk), or a
    circle of a few hundred metres to two kilometres around a point, with the kinds of
    news they want from it (initiatives, agenda items, events, offers and requests,
    volunteer calls, public-space reports, programme projects, tenders) and how often
    they want it emailed: immediately, once a day or once a week. Everything new in the
    area also shows among their messages on the portal.

    A circle has a centre and a radius; its ``neighbourhood`` is the wijk the centre
    lies in (if any), so news that only names a wijk reaches it too. A wijk area has a
    neighbourhood and no centre."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="saved_areas",
    )
    name = models.CharField(_("name"), max_length=60)
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_areas",
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(LONGITUDE_RANGE[0]),
            MaxValueValidator(LONGITUDE_RANGE[1]),
        ],
    )
    radius = models.PositiveIntegerField(
        _("radius in metres"),
        null=True,
        blank=True,
        validators=[MinValueValidator(min(RADII)), MaxValueValidator(MAX_RADIUS)],
    )
    kinds = models.JSONField(_("kinds of news"), default=list)
    frequency = models.CharField(
        _("email"), max_length=16, choices=Frequency, default=Frequency.DAILY
    )
    emails = models.BooleanField(
        _("by email"),
        default=True,
        help_text=_("Off after the unsubscribe link in one of its emails was used."),
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = SavedAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved area")
        verbose_name_plural = _("saved areas")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="radar_frequency_valid"
            ),
            # A circle has a centre and a radius; a wijk area has a neighbourhood.
            models.CheckConstraint(
                condition=Q(radius__isnull=True, latitude__isnull=True, longitude__isnull=True)
                & Q(neighbourhood__isnull=False)
                | Q(radius__isnull=False, latitude__isnull=False, longitude__isnull=False),
                name="radar_area_shape",
            ),
            models.CheckConstraint(
                condition=Q(radius__isnull=True)
                | Q(radius__gte=min(RADII), radius__lte=MAX_RADIUS),
                name="radar_radius_range",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="radar_area_centre_idx"),
            models.Index(fields=["neighbourhood"], name="radar_area_neighbourhood_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_circle(self) -> bool:
        return self.radius is not None

    def kind_labels(self) -> list[str]:
        return [str(Kind(kind).label) for kind in self.kinds if kind in Kind.values]


class Delivery(models.Model):
    """One item told about one saved area: never told twice (the pair is unique). Items
    for an area emailed once a day or once a week wait here (``emailed_at`` empty) for
    that area's overview."""

    area = models.ForeignKey(
        SavedArea, verbose_name=_("saved area"), on_delete=models.CASCADE, related_name="deliveries"
    )
    source = models.CharField(_("kind"), max_length=24)
    item_id = models.PositiveBigIntegerField(_("item"))
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("item told")
        verbose_name_plural = _("items told")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "source", "item_id"], name="radar_delivery_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["area", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="radar_delivery_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MissedItem(models.Model):
    """An item that became news while the task queue was unreachable: the beat job
    ``radar.periodic.deliver_missed`` tells its areas later and removes the row. Holds
    no personal data (a kind of news and the item's id)."""

    source = models.CharField(_("kind"), max_length=24)
    item_id = models.PositiveBigIntegerField(_("item"))
    created_at = models.DateTimeField(_("found"), default=timezone.now)

    class Meta:
        verbose_name = _("item still to tell")
        verbose_name_plural = _("items still to tell")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "item_id"], name="radar_missed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.item_id}"
