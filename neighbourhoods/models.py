import itertools
import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.language import in_language
from common.validators import validate_plain_text
from neighbourhoods import cbs

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


def postcode_areas(text: str) -> set[int]:
    """The PC4 numbers in "3811-3813, 3817"; ValueError when it does not read."""
    numbers: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        low, dash, high = part.partition("-")
        first, last = int(low), int(high if dash else low)
        if not (1000 <= first <= last <= 9999) or last - first > 500:
            raise ValueError(part)
        numbers.update(range(first, last + 1))
    return numbers


def validate_postcode_areas(value: str) -> None:
    try:
        postcode_areas(value)
    except ValueError as error:
        raise ValidationError(
            _("“%(part)s” is not a four-digit postcode or a range like 3811-3813."),
            params={"part": str(error)[:20]},
            code="postcode_areas",
        ) from None


def _ring_contains(ring: list, longitude: float, latitude: float) -> bool:
    """Ray casting: whether the point lies inside one closed ring of (lon, lat) pairs."""
    inside = False
    for (x1, y1, *_a), (x2, y2, *_b) in itertools.pairwise(ring):
        x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)
        if (y1 > latitude) != (y2 > latitude):
            crossing = x1 + (latitude - y1) * (x2 - x1) / (y2 - y1)
            if longitude < crossing:
                inside = not inside
    return inside


def boundary_contains(boundary: dict | None, latitude: float, longitude: float) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon (WGS 84) holds the point: inside its
    outer ring and in none of its holes."""
    if not boundary:
        return False
    polygons = boundary.get("coordinates") or []
    if boundary.get("type") == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        inside = bool(polygon) and _ring_contains(polygon[0], longitude, latitude)
        if inside and not any(_ring_contains(h, longitude, latitude) for h in polygon[1:]):
            return True
    return False


# A postcode (1234 AB) after the house number, and whatever follows it (the place).
_POSTCODE_TAIL = re.compile(r"^(?P<rest>.*\d\S*)\s+\d{4}\s?[A-Za-z]{2}\b.*$")
# Words written in lower case inside a Dutch street name.
_PARTICLES = {"de", "den", "der", "het", "van", "in", "op", "aan", "bij", "te", "ten", "ter", "'t"}


def street_of(address: str) -> str:
    """The street of a Dutch address ("Stationsstraat 12a, 3811 AB Eemdal" →
    "Stationsstraat"): the words before the house number, its addition, postcode and
    place left off. A number followed by another ("Plein 1944 12") is part of the name.
    The name is written one way whatever case it was typed in ("kerkstraat 3" →
    "Kerkstraat"), so one street counts as one. Without a house number there is no
    telling a street from a place name, so nothing."""
    text = " ".join((address or "").split(",")[0].split())
    if tail := _POSTCODE_TAIL.match(text):
        text = tail["rest"]
    words = text.split(" ")
    for index in range(1, len(words)):
        word = words[index]
        if not word[:1].isdigit():
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.isdigit() and following[:1].isdigit():
            continue  # "Plein 1944 12": the year is the street's
        street = words[:index]
        if any(character.isalpha() for character in "".join(street)):
            return " ".join(_readable(word, first=n == 0) for n, word in enumerate(street))[:100]
        return ""
    return ""


def _readable(word: str, *, first: bool) -> str:
    lower = word.lower()
    if lower[:1].isdigit() or (not first and lower in _PARTICLES):
        return lower
    if lower.startswith("ij"):
        return "IJ" + lower[2:]
    return lower[:1].upper() + lower[1:]


class _Bounded(Protocol):
    boundary: Any


def first_containing[A: _Bounded](
    areas: Iterable[A], latitude: float, longitude: float
) -> A | None:
    """The first of ``areas`` (in their order) whose boundary holds the point, or
    ``None`` outside every boundary: where boundaries overlap, the order decides."""
    latitude, longitude = float(latitude), float(longitude)
    return next(
        (area for area in areas if boundary_contains(area.boundary, latitude, longitude)), None
    )


class NeighbourhoodQuerySet(models.QuerySet["Neighbourhood"]):
    def containing(self, latitude: float, longitude: float) -> "Neighbourhood | None":
        """The neighbourhood whose boundary holds the point (the first by name where
        boundaries overlap), or ``None`` outside every boundary."""
        return first_containing(
            self.filter(boundary__isnull=False).order_by("name"), latitude, longitude
        )

    def with_postcode(self, postcode: str) -> list["Neighbourhood"]:
        """The neighbourhoods a Dutch postcode (1234 AB or 1234) falls in; one PC4 area
        may cross a neighbourhood boundary, so there can be more than one."""
        digits = postcode.strip()[:4]
        if not digits.isdigit():
            return []
        wanted = int(digits)
        return [
            neighbourhood
            for neighbourhood in self.exclude(postcodes="")
            if wanted in postcode_areas(neighbourhood.postcodes)
        ]

    def for_listing(self) -> "NeighbourhoodQuerySet":
        return self.select_related("area_manager").order_by("name")

    def municipality_digits(self) -> set[str]:
        """The four digits of the portal's own municipality (GM0344 → "0344") as its
        wijken with a CBS code (WK034401) name it; empty while no wijk has one."""
        return {
            code[2:6]
            for code in self.filter(cbs_code__startswith="WK").values_list("cbs_code", flat=True)
        }


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
    vote_budget = models.PositiveSmallIntegerField(
        _("priority votes per resident per year"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How many agenda items one resident may give priority each year."),
    )
    postcodes = models.CharField(
        _("postcode areas"),
        max_length=500,
        blank=True,
        validators=[validate_postcode_areas],
        help_text=_(
            "The four-digit postcodes (PC4) in this neighbourhood, separated by commas; "
            "a range with a dash, e.g. 3811-3813, 3817. Used by “find your neighbourhood”."
        ),
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
    # iCalendar SEQUENCE: goes up whenever the time or place changes, so calendars update.
    sequence = models.PositiveIntegerField(_("sequence"), default=0, editable=False)
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("Shown as cancelled; calendars remove it.")
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

    def save(self, *args, **kwargs) -> None:
        """A change of time, place or cancellation is a new version for calendars."""
        if self.pk is not None:
            before = (
                Event.objects.filter(pk=self.pk)
                .values("title", "starts_at", "ends_at", "location", "cancelled")
                .first()
            )
            now = {
                "title": self.title,
                "starts_at": self.starts_at,
                "ends_at": self.ends_at,
                "location": self.location,
                "cancelled": self.cancelled,
            }
            if before is not None and before != now:
                self.sequence += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("neighbourhoods:event", args=[self.pk])

    @property
    def is_market(self) -> bool:
        return self.kind == self.Kind.MARKET

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})


class EventRSVP(models.Model):
    """A resident's 'I will come' to an event."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="event_rsvps",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"


class NeighbourhoodFollowQuerySet(models.QuerySet["NeighbourhoodFollow"]):
    def followers(self, neighbourhood: "Neighbourhood | None") -> list:
        """Followers of one neighbourhood; for a city-wide subject (None), of any
        neighbourhood."""
        follows = self.select_related("user")
        if neighbourhood is not None:
            follows = follows.filter(neighbourhood=neighbourhood)
        return [follow.user for follow in follows]


class NeighbourhoodFollow(models.Model):
    """A resident who wants to hear about a neighbourhood: new agenda items, the
    programme, events."""

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="follows",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="neighbourhood_follows",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NeighbourhoodFollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood follower")
        verbose_name_plural = _("neighbourhood followers")
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "user"], name="neighbourhood_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.neighbourhood_id}"


class AgendaStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ON_AGENDA = "on_agenda", _("On the agenda")
    IN_PROGRAMME = "in_programme", _("In the programme")
    DONE = "done", pgettext_lazy("status", "Done")
    DECLINED = "declined", _("Declined")


# Which step the area manager may take from where (DESIGN.md: proposed → on agenda →
# in programme → done, or declined with a reason).
AGENDA_TRANSITIONS: dict[str, set[str]] = {
    AgendaStatus.PROPOSED: {AgendaStatus.ON_AGENDA, AgendaStatus.DECLINED},
    AgendaStatus.ON_AGENDA: {AgendaStatus.IN_PROGRAMME, AgendaStatus.DECLINED},
    AgendaStatus.IN_PROGRAMME: {AgendaStatus.DONE},
}
OPEN_FOR_VOTES = {AgendaStatus.PROPOSED, AgendaStatus.ON_AGENDA}


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def by_priority(self) -> "AgendaItemQuerySet":
        return self.order_by("-vote_count", "-created_at", "-pk")

    def for_listing(self) -> "AgendaItemQuerySet":
        return self.select_related("neighbourhood", "proposed_by").by_priority()


class AgendaItem(models.Model):
    """A task or wish on the neighbourhood's agenda (gebiedsagenda): proposed by a
    resident or put there from an initiative, a survey, the council or the municipality.
    Residents give priority votes; the area manager answers and may move it into the
    programme. Its history shows what became of it."""

    class Origin(models.TextChoices):
        RESIDENT = "resident", _("A resident")
        INITIATIVE = "initiative", _("An initiative")
        SURVEY = "survey", _("The resident survey")
        COUNCIL = "council", _("The municipal council")
        MUNICIPALITY = "municipality", _("The municipality")

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    title = models.CharField(_("what"), max_length=120, validators=[validate_plain_text])
    description = models.TextField(
        _("why"),
        max_length=3000,
        validators=[validate_plain_text],
        help_text=_("Why does the neighbourhood need this? Who benefits?"),
    )
    location = models.CharField(
        _("where"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    origin = models.CharField(
        _("origin"), max_length=16, choices=Origin.choices, default=Origin.RESIDENT
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("from initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgendaStatus,
        default=AgendaStatus.PROPOSED,
        db_index=True,
    )
    answer = models.TextField(
        _("the municipality's answer"), blank=True, validators=[validate_plain_text]
    )
    vote_count = models.PositiveIntegerField(_("priority votes"), default=0)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["-vote_count", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AgendaStatus.values), name="agenda_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AgendaStatus.DECLINED) | ~models.Q(answer=""),
                name="agenda_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("neighbourhoods:agenda_item", args=[self.neighbourhood.slug, self.pk])

    @property
    def is_open_for_votes(self) -> bool:
        return self.status in OPEN_FOR_VOTES

    def next_statuses(self) -> list[str]:
        return sorted(AGENDA_TRANSITIONS.get(self.status, set()), key=AgendaStatus.values.index)


class AgendaItemChange(models.Model):
    """One step in an agenda item's path, with the municipality's public message."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AgendaStatus)
    to_status = models.CharField(_("to"), max_length=16, choices=AgendaStatus)
    message = models.TextField(_("public message"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item change")
        verbose_name_plural = _("agenda item changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class AgendaVote(models.Model):
    """A resident's priority vote. Each resident has a budget of votes per neighbourhood
    per year; each vote takes a numbered slot of that budget, and the database refuses a
    second vote in the same slot, so racing requests can never exceed the budget."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agenda_votes",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    slot = models.PositiveSmallIntegerField(_("slot"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("priority vote")
        verbose_name_plural = _("priority votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="agenda_vote_once_per_item"),
            models.UniqueConstraint(
                fields=["user", "neighbourhood", "year", "slot"],
                name="agenda_vote_budget_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(slot__gte=1, slot__lte=10), name="agenda_vote_slot_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.item_id}"


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def published(self) -> "ProgrammeQuerySet":
        return self.filter(published_at__isnull=False)


class Programme(models.Model):
    """The neighbourhood programme (gebiedsprogramma / wijkprogramma) of one year: the
    projects the municipality will carry out, each with its budget, and where each came
    from. Residents see it once the area manager publishes it."""

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    introduction = models.TextField(_("introduction"), blank=True, max_length=3000)
    budget = models.DecimalField(
        _("budget in euros"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood programme")
        verbose_name_plural = _("neighbourhood programmes")
        ordering = ["-year", "neighbourhood__name"]
        permissions = [("publish_any_programme", _("Can publish the programme of any area"))]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "year"], name="programme_once_per_year"
            ),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="programme_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("neighbourhoods:programme", args=[self.neighbourhood.slug, self.year])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def may_be_published_by(self, user) -> bool:
        """The area's own manager publishes its programme; others need the explicit
        right."""
        return user.has_perm("neighbourhoods.publish_any_programme") or (
            self.neighbourhood.area_manager_id == user.pk
            and user.has_perm("neighbourhoods.change_programme")
        )


class ProgrammeProjectQuerySet(models.QuerySet["ProgrammeProject"]):
    def public(self) -> "ProgrammeProjectQuerySet":
        """Projects of a published programme."""
        return self.filter(programme__published_at__isnull=False)

    def with_progress(self) -> "ProgrammeProjectQuerySet":
        """With what a progress list shows: the programme and its neighbourhood, the
        milestones in order and the updates newest first (a fixed number of queries)."""
        return self.select_related("programme__neighbourhood").prefetch_related(
            "milestones", "updates"
        )


class ProgrammeProject(models.Model):
    """A project in a neighbourhood programme, with its budget, spending, status and the
    agenda items, initiatives and survey findings it comes from."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("status", "Done")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    budget = models.DecimalField(
        _("budget in euros"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    spent = models.DecimalField(
        _("spent in euros"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    agenda_items = models.ManyToManyField(
        AgendaItem, verbose_name=_("from agenda items"), blank=True, related_name="projects"
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("from initiatives"),
        blank=True,
        related_name="programme_projects",
    )
    survey_finding = models.CharField(
        _("from the resident survey"),
        max_length=300,
        blank=True,
        help_text=_("The survey result this project answers, e.g. 'Too few places to meet'."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("How far the project is, from 0 to 100%. Publishing an update sets it."),
    )
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    completed_on = models.DateField(
        _("completed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the status becomes done."),
    )

    objects = ProgrammeProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme project")
        verbose_name_plural = _("programme projects")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0, spent__gte=0), name="project_amounts_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="project_progress_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(status="done") | models.Q(completed_on__isnull=True),
                name="project_completed_only_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The day it was done is set when the status becomes done, and cleared when it
        is no longer done; a done project is 100 % done."""
        if self.status == self.Status.DONE:
            if self.completed_on is None:
                self.completed_on = timezone.localdate()
            self.progress = 100
        else:
            self.completed_on = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "completed_on", "progress"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        programme = self.programme
        return reverse(
            "neighbourhoods:project",
            args=[programme.neighbourhood.slug, programme.year, self.pk],
        )

    def timeliness(self, today: date | None = None) -> str:
        """On time or late, in words: done by the planned day, done later, past the
        planned day and not done, or not yet due. Empty without a planned day or when
        cancelled."""
        if self.planned_completion is None or self.status == self.Status.CANCELLED:
            return ""
        if self.completed_on is not None:
            if self.completed_on <= self.planned_completion:
                return str(_("Delivered on time"))
            return str(_("Delivered late"))
        if self.planned_completion < (today or timezone.localdate()):
            return str(_("Late"))
        return str(_("On schedule"))

    def next_milestone(self) -> "ProjectMilestone | None":
        """The first milestone not reached yet (from the prefetched milestones)."""
        return next((m for m in self.milestones.all() if m.reached_on is None), None)

    def latest_update(self) -> "ProjectUpdate | None":
        """The newest update (from the prefetched updates, newest first)."""
        return next(iter(self.updates.all()), None)


class ProjectMilestone(models.Model):
    """A step of a programme project with the day it is planned and the day it was
    reached."""

    project = models.ForeignKey(
        ProgrammeProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    planned_on = models.DateField(_("planned on"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_nl, self.title_en or self.title_nl)


def project_photo_path(instance: "ProjectUpdate", filename: str) -> str:
    return f"projects/{timezone.now():%Y/%m}/{filename}"


class ProjectUpdate(models.Model):
    """What the municipality tells about a programme project's progress: a text, the
    progress it reports, and perhaps a photo (re-encoded without EXIF) with its
    description for people who cannot see it."""

    project = models.ForeignKey(
        ProgrammeProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    text_nl = models.TextField(_("text (Dutch)"), max_length=3000, validators=[validate_plain_text])
    text_en = models.TextField(
        _("text (English)"),
        max_length=3000,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Without an English text, English readers see the Dutch one."),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    photo = models.FileField(_("photo"), upload_to=project_photo_path, blank=True)
    photo_token = models.CharField(_("photo token"), max_length=32, blank=True)
    photo_content_type = models.CharField(_("photo content type"), max_length=40, blank=True)
    photo_alt_nl = models.CharField(_("photo description (Dutch)"), max_length=300, blank=True)
    photo_alt_en = models.CharField(_("photo description (English)"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="project_update_progress_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(photo="")
                | (~models.Q(photo_alt_nl="") & ~models.Q(photo_alt_en="")),
                name="project_update_photo_described",
            ),
            models.UniqueConstraint(
                fields=["photo_token"],
                condition=~models.Q(photo_token=""),
                name="project_update_photo_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.progress}%)"

    @property
    def text(self) -> str:
        return in_language(self.text_nl, self.text_en or self.text_nl)

    @property
    def photo_alt(self) -> str:
        return in_language(self.photo_alt_nl, self.photo_alt_en or self.photo_alt_nl)

    def photo_url(self) -> str:
        if not self.photo_token:
            return ""
        return reverse("neighbourhoods:project_photo", args=[self.photo_token])


class ProjectFollower(models.Model):
    """A resident who hears of a programme project's progress: updates, milestones
    reached and the project done. Voters of a budget round follow its winners."""

    project = models.ForeignKey(
        ProgrammeProject,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="followers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="project_follows",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("project follower")
        verbose_name_plural = _("project followers")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="project_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.project_id}"


class BuurtQuerySet(models.QuerySet["Buurt"]):
    def containing(self, latitude: float, longitude: float) -> "Buurt | None":
        """The buurt whose boundary holds the point (the first by code where boundaries
        overlap), or ``None``; filter by wijk first to look within one."""
        return first_containing(
            self.filter(boundary__isnull=False).order_by("cbs_code"), latitude, longitude
        )


class Buurt(models.Model):
    """A buurt as CBS knows it (code BU…): the smallest area of the CBS hierarchy
    gemeente → wijk → buurt. Every buurt lies in one wijk (``Neighbourhood``)."""

    cbs_code = models.CharField(
        _("CBS code"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{cbs.LEVELS['buurt']}$", _("Enter a CBS buurt code such as BU03440101.")
            )
        ],
    )
    name = models.CharField(_("name"), max_length=100)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="buurten",
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        validators=[validate_boundary],
        help_text=_("GeoJSON Polygon or MultiPolygon in WGS 84."),
    )

    objects = BuurtQuerySet.as_manager()

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["cbs_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cbs_code})"


class CbsImport(models.Model):
    """One import of the CBS table "Kerncijfers wijken en buurten" for one year: who
    imported which file, and the source line shown beside its figures. Importing the
    same year again replaces it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("areas"), default=0)
    ignored_columns = models.CharField(_("columns not imported"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("CBS import")
        verbose_name_plural = _("CBS imports")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"CBS {self.year}"


class CbsFigure(models.Model):
    """One figure of one area (gemeente, wijk or buurt, by its CBS code) from a CBS
    import, e.g. the population of BU03440101 in 2024."""

    cbs_import = models.ForeignKey(
        CbsImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="figures"
    )
    code = models.CharField(_("CBS code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10)
    key = models.CharField(_("figure"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("CBS figure")
        verbose_name_plural = _("CBS figures")
        constraints = [
            models.UniqueConstraint(
                fields=["cbs_import", "code", "key"], name="cbs_figure_once_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.key} {self.value}"


class Level(models.TextChoices):
    """What a person must have shown before an action (see ``neighbourhoods.verification``)."""

    EMAIL = "email", _("a confirmed email address")
    RESIDENT = "resident", _("living in the neighbourhood")
    INVITED = "invited", _("an invitation (the resident panel)")


class ActionLevel(models.Model):
    """What the municipality asks for one action, e.g. "living in the neighbourhood" for
    agenda votes. Without a row the action's default (registered by its app) holds."""

    action = models.CharField(_("action"), max_length=40, unique=True)
    level = models.CharField(_("required"), max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = _("verification level")
        verbose_name_plural = _("verification levels")
        ordering = ["action"]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_level_display()}"


class ResidenceQuerySet(models.QuerySet["Residence"]):
    def of(self, neighbourhood: Neighbourhood | None) -> "ResidenceQuerySet":
        """Residences shown in ``neighbourhood``; for None (the whole city) all of them."""
        if neighbourhood is None:
            return self.all()
        return self.filter(neighbourhood=neighbourhood)


class Residence(models.Model):
    """That a person has shown they live in a neighbourhood (with a letter code sent to
    their address, or through DigiD): only which neighbourhood, how and when. No
    address, never a citizen service number (BSN)."""

    class Method(models.TextChoices):
        LETTER_CODE = "letter_code", _("letter code")
        DIGID = "digid", _("DigiD")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="residence",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="residences",
    )
    method = models.CharField(_("shown with"), max_length=16, choices=Method.choices)
    verified_at = models.DateTimeField(_("shown on"), default=timezone.now)
    # With DigiD: a keyed pseudonym of the person at the broker (HMAC of issuer and
    # subject with PORTAL_VERIFICATION_KEY), never the BSN. Unique: one person shows
    # residence for one account; a second account takes the residence over.
    digid_subject = models.CharField(
        _("DigiD pseudonym"), max_length=64, null=True, blank=True, unique=True, editable=False
    )

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.neighbourhood_id}"


class AddressList(models.Model):
    """A list of the addresses entitled to take part, imported by staff from the
    municipality's own register: postcode, house number and addition, neighbourhood;
    no names. Each address gets one letter code. The codes are shown once, when staff
    issue them for the mail merge (CSV or a page to print); the portal keeps only a
    hash of each, so issuing again voids the letters not yet used."""

    file_name = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    addresses = models.PositiveIntegerField(_("addresses"), default=0)
    issued_at = models.DateTimeField(_("codes issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("codes issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("address list for letter codes")
        verbose_name_plural = _("address lists for letter codes")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.file_name or f"#{self.pk}"


class LetterCodeQuerySet(models.QuerySet["LetterCode"]):
    def unused(self) -> "LetterCodeQuerySet":
        return self.filter(used=False).exclude(code_hash="")


class LetterCode(models.Model):
    """The code in the letter to one address: whoever lives there enters it once to show
    they live in its neighbourhood. Only the code's hash is kept, and which account used
    it is not, nor when (that could tie the two together): the account gets a
    ``Residence``, the code only the mark that it was used. A used code forgets its
    address too (postcode, house number and addition are emptied as it is used): what
    is left is its neighbourhood, the mark and the hash, so it cannot be used again. An
    unused code keeps its address while the list exists, so the letter can be issued
    again (a lost letter) and a newer list's letter to the same address replaces it."""

    address_list = models.ForeignKey(
        AddressList, verbose_name=_("address list"), on_delete=models.CASCADE, related_name="codes"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="letter_codes",
    )
    # Empty (and the house number null) once the code was used.
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    addition = models.CharField(_("addition"), max_length=10, blank=True)
    # Empty until issued, and again when a newer letter replaced it.
    code_hash = models.CharField(_("code (hash)"), max_length=64, blank=True)
    used = models.BooleanField(_("used"), default=False)

    objects = LetterCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter code")
        verbose_name_plural = _("letter codes")
        ordering = ["postcode", "house_number", "addition"]
        constraints = [
            # Used codes hold no address, so only the unused ones are unique per address.
            models.UniqueConstraint(
                fields=["address_list", "postcode", "house_number", "addition"],
                condition=models.Q(used=False),
                name="letter_code_once_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(used=False)
                | models.Q(postcode="", house_number__isnull=True, addition=""),
                name="letter_code_used_forgets_address",
            ),
            models.UniqueConstraint(
                fields=["code_hash"],
                condition=~models.Q(code_hash=""),
                name="letter_code_hash_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.address or f"#{self.pk}"

    @property
    def address(self) -> str:
        """The address as printed (empty once the code was used and forgot it)."""
        if not self.postcode:
            return ""
        number = f"{self.house_number}{'-' + self.addition if self.addition else ''}"
        return f"{self.postcode[:4]} {self.postcode[4:]} {number}"
