"""Reports about the public space (meldingen openbare ruimte): a loose paving stone, a
broken street light, litter. A resident reports it; the category (and where that
matters the neighbourhood) decides which department handles it and in how many working
days; the public sees the report without anything personal.

The fields map onto Open311 GeoReport v2: a category is a service (``service_code`` is
its slug), a report a service request (status open/closed, requested/updated
datetimes, lat/long, address, media)."""

import hashlib
import math
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common import workdays
from common.geo import distance_metres

# How far around a new report the resident is shown the same kind of report, and how
# far back in time.
NEARBY_METRES = 150
NEARBY_DAYS = 28
# Solved and declined reports stay on the public list this long.
RECENTLY_CLOSED_DAYS = 30
MAX_PHOTOS = 3
FEEDBACK_REMARK_MAX = 1000
# A report's description: the web form and the Open311 API accept the same length.
DESCRIPTION_MAX = 2000


class Department(models.Model):
    """A department (afdeling) of the municipality that handles reports. Its members are
    the colleagues who see and handle its reports in the back office."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleagues"),
        blank=True,
        related_name="report_departments",
        help_text=_("Colleagues in a department see only that department's reports."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> "CategoryQuerySet":
        return self.filter(is_active=True)

    def main(self) -> "CategoryQuerySet":
        return self.filter(parent__isnull=True)

    def reportable(self) -> "CategoryQuerySet":
        """The subcategories a resident can choose, under an active main category."""
        return (
            self.active()
            .filter(parent__isnull=False, parent__is_active=True)
            .select_related("parent")
            .order_by("parent__position", "parent__name_nl", "position", "name_nl")
        )


class Category(models.Model):
    """A kind of report (main category, or a subcategory under one), after the Signalen
    tree. Its slug is the Open311 ``service_code``."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("main category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subcategories",
        help_text=_("Empty for a main category."),
    )
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("Shown to apps that ask in English; empty: they get no description."),
    )
    term_working_days = models.PositiveSmallIntegerField(
        _("term in working days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Within how many working days a report of this kind is handled."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        help_text=_("Who handles it; a subcategory without one takes its main category's."),
    )
    reopen_allowed = models.BooleanField(
        _("an unhappy reporter may reopen"),
        default=True,
        help_text=_("Whether a reporter who says it is not solved can reopen the report."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name_nl"]

    def __str__(self) -> str:
        if self.parent is not None:
            return f"{self.parent.name}: {self.name}"
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def description(self) -> str:
        """The description in the reader's language (empty where there is none in it:
        never the other language's)."""
        if (get_language() or "nl").startswith("en"):
            return self.description_en
        return self.description_nl

    @property
    def service_code(self) -> str:
        return self.slug

    def department_for(self, neighbourhood: Any = None) -> "Department | None":
        """Who handles a report of this kind here: a route for the neighbourhood first,
        then the category's department, then its main category's."""
        categories = [self, self.parent] if self.parent_id else [self]
        if neighbourhood is not None:
            route = (
                Route.objects.filter(category__in=categories, neighbourhood=neighbourhood)
                .select_related("department")
                .order_by("category__parent_id")  # the subcategory's own route first
                .first()
            )
            if route is not None:
                return route.department
        for category in categories:
            if category is not None and category.department_id:
                return category.department
        return None


class Route(models.Model):
    """An exception to a category's department for one neighbourhood (the harbour's
    quays are handled by the port authority's team, for example)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="routes"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="report_routes",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("route by neighbourhood")
        verbose_name_plural = _("routes by neighbourhood")
        constraints = [
            models.UniqueConstraint(fields=["category", "neighbourhood"], name="report_route_once")
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.neighbourhood} → {self.department}"


class Status(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for email confirmation")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    FORWARDED = "forwarded", _("Forwarded")
    SOLVED = "solved", _("Solved")
    DECLINED = "declined", _("Not handled")
    MERGED = "merged", _("Merged with another report")


OPEN = [Status.RECEIVED, Status.IN_PROGRESS, Status.FORWARDED]
CLOSED = [Status.SOLVED, Status.DECLINED, Status.MERGED]
# The steps staff may take from each status (merging is its own action).
STAFF_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.IN_PROGRESS, Status.SOLVED, Status.DECLINED},
    Status.IN_PROGRESS: {Status.SOLVED, Status.DECLINED},
    Status.FORWARDED: {Status.IN_PROGRESS, Status.SOLVED, Status.DECLINED},
    Status.SOLVED: {Status.IN_PROGRESS},
    Status.DECLINED: {Status.IN_PROGRESS},
}


class ReportQuerySet(models.QuerySet["Report"]):
    def confirmed(self) -> "ReportQuerySet":
        return self.exclude(status=Status.UNCONFIRMED)

    def for_departments(self, departments: list[int] | None) -> "ReportQuerySet":
        """The confirmed reports a colleague of ``departments`` handles (None: every
        department): the queue's and its figures' one scope by department."""
        reports = self.confirmed()
        return reports if departments is None else reports.filter(department__in=departments)

    def open(self) -> "ReportQuerySet":
        return self.filter(status__in=OPEN)

    def public(self) -> "ReportQuerySet":
        """What anyone may open: every report that went in."""
        return self.confirmed()

    def on_public_list(self, today: date | None = None) -> "ReportQuerySet":
        """Open reports and those solved or declined in the past weeks."""
        since = timezone.now() - timedelta(days=RECENTLY_CLOSED_DAYS)
        return self.filter(
            Q(status__in=OPEN)
            | Q(status__in=[Status.SOLVED, Status.DECLINED], closed_at__gte=since)
        )

    def for_listing(self) -> "ReportQuerySet":
        return self.select_related("category", "category__parent", "neighbourhood")

    def overdue(self, today: date | None = None) -> "ReportQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def nearby(
        self, *, category: Category, latitude: float, longitude: float, days: int = NEARBY_DAYS
    ) -> list["Report"]:
        """Open reports of the same category within ``NEARBY_METRES`` of the point, sent
        in the past ``days``: candidates for "ik heb dit ook gezien". A box in degrees
        narrows the rows in the database; the distance is measured exactly here."""
        latitude, longitude = float(latitude), float(longitude)
        dlat = NEARBY_METRES / 111_320
        dlon = NEARBY_METRES / (111_320 * max(0.1, _cos_degrees(latitude)))
        candidates = self.open().filter(
            category=category,
            created_at__gte=timezone.now() - timedelta(days=days),
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        return sorted(
            (
                report
                for report in candidates.for_listing()
                if report.distance_to(latitude, longitude) <= NEARBY_METRES
            ),
            key=lambda report: report.distance_to(latitude, longitude),
        )[:5]

    def handled_by(self, departments: Any) -> "ReportQuerySet":
        return self.filter(department__in=departments)


def working_days_left_on(due_date: date, day: date) -> int:
    """Working days from ``day`` to the due date, negative once it is past: the queue's
    "days left" while a report is open. The one definition of on time: a report closed
    on a day when this was not negative was handled within its term (the figures)."""
    return workdays.working_day_number(due_date) - workdays.working_day_number(day)


def closed_on_time(due_date: date, closed_on: date) -> bool:
    return working_days_left_on(due_date, closed_on) >= 0


def _cos_degrees(value: float) -> float:
    return math.cos(math.radians(value))


class Report(models.Model):
    """A report about the public space by a resident: what (category), where (a point,
    an address or both), and what they saw. A visitor's report waits until their email
    address is confirmed; then it goes in, is routed and gets its due date."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="reports"
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    # Where it is in the CBS hierarchy below the neighbourhood: the buurt holding its
    # point and the street of its address (for the monitor per buurt and per street).
    buurt = models.ForeignKey(
        "neighbourhoods.Buurt",
        verbose_name=_("buurt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    street = models.CharField(
        _("street"), max_length=100, blank=True, default="", db_default="", db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    # Who reported it: an account, or an email address confirmed through a link.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_space_reports",
    )
    reporter_email = models.EmailField(_("reporter's email address"), blank=True)
    reporter_language = models.CharField(
        _("reporter's language"), max_length=8, default=settings.LANGUAGE_CODE
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(_("went in"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    supporter_count = models.PositiveIntegerField(_("also seen by"), default=0)
    photos_checked = models.BooleanField(
        _("photos checked"),
        default=False,
        help_text=_("Photos are shown on the portal only after a colleague checked them."),
    )
    open311_client = models.ForeignKey(
        "Open311Client",
        verbose_name=_("sent through app"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The app that sent this report through the Open311 interface, if any."),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("public-space report")
        verbose_name_plural = _("public-space reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="report_status"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=False, longitude__isnull=False)
                | Q(latitude__isnull=True, longitude__isnull=True),
                name="report_point_complete",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=False) | ~Q(address=""), name="report_has_location"
            ),
            # A report waiting for its confirmation has an address to confirm (after an
            # erasure a report may have nobody behind it).
            models.CheckConstraint(
                condition=~Q(status=Status.UNCONFIRMED) | ~Q(reporter_email=""),
                name="report_unconfirmed_has_email",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="report_queue_idx"),
            models.Index(fields=["category", "latitude", "longitude"], name="report_nearby_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def open311_status(self) -> str:
        return "closed" if self.is_closed else "open"

    @property
    def place(self) -> str:
        """Where it is, in words: the address, else the neighbourhood."""
        if self.address:
            return self.address
        if self.neighbourhood is not None:
            return self.neighbourhood.name
        return ""

    def distance_to(self, latitude: float, longitude: float) -> float:
        """Metres to a point (haversine, ``common.geo``)."""
        if self.latitude is None or self.longitude is None:
            return float("inf")
        return distance_metres(float(self.latitude), float(self.longitude), latitude, longitude)

    def working_days_left(self, today: date | None = None) -> int | None:
        if self.due_date is None or not self.is_open:
            return None
        return working_days_left_on(self.due_date, today or timezone.localdate())

    def lead_time_days(self) -> int | None:
        """Working days from going in to closing (or to today while open)."""
        if self.submitted_at is None:
            return None
        start = timezone.localdate(self.submitted_at)
        end = timezone.localdate(self.closed_at) if self.closed_at else timezone.localdate()
        return workdays.working_days_between(start, end)

    def lead_time_text(self) -> str:
        """The lead time as a resident reads it: so far while open, in total once closed."""
        days = self.lead_time_days()
        if days is None:
            return ""
        if self.closed_at is None:
            if days == 0:
                return gettext("In since today")
            return ngettext("%(days)d working day so far", "%(days)d working days so far", days) % {
                "days": days
            }
        if days == 0:
            return gettext("Closed on the working day it came in")
        return ngettext("%(days)d working day", "%(days)d working days", days) % {"days": days}

    def reporter_address(self) -> str:
        return self.reporter.email if self.reporter is not None else self.reporter_email


class Photo(models.Model):
    """A photo with a report, re-encoded on upload (``common.uploads``): no EXIF, no
    location of the camera. Shown on the portal only once a colleague checked it."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/")
    token = models.CharField(_("token"), max_length=32, unique=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.token

    def get_absolute_url(self) -> str:
        return reverse("reports:photo", args=[self.token])


# What a change of status says on the timeline, by key; rendered in the reader's language.
TIMELINE_TEXTS = {
    "received": _("The report was received."),
    "routed": _("The report went to %(department)s."),
    "in_progress": _("A colleague is working on it."),
    "forwarded": _("The report was forwarded to %(party)s."),
    "forward_replied": _("%(party)s answered."),
    "solved": _("The report is solved."),
    "declined": _("The municipality does not handle this report."),
    "merged": _("This report is the same as report %(number)s and goes on there."),
    "reopened": _("The report was reopened."),
}


class StatusChange(models.Model):
    """One step on a report's public timeline: stored as a key and its parameters, so it
    reads in whoever's language; staff may add a message of their own."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    key = models.CharField(_("what happened"), max_length=30)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message = models.TextField(_("message from the municipality"), blank=True, max_length=3000)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text()

    def text(self) -> str:
        template = TIMELINE_TEXTS.get(self.key)
        if template is None:
            return str(Status(self.status).label)
        return str(template) % self.params if self.params else str(template)


class Supporter(models.Model):
    """Someone who also saw it ("ik heb dit ook gezien"): counted on the report and told
    when its status changes. A visitor's email address counts once confirmed."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="supporters"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="public_space_supports",
    )
    email = models.EmailField(_("email address"), blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("co-reporter")
        verbose_name_plural = _("co-reporters")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user"],
                condition=Q(user__isnull=False),
                name="report_supporter_once",
            ),
            models.UniqueConstraint(
                fields=["report", "email"],
                condition=~Q(email=""),
                name="report_supporter_email_once",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="report_supporter_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.report_id}"


class InternalNote(models.Model):
    """A colleague's note on a report: never shown on the portal."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"), max_length=3000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class Forward(models.Model):
    """The report handed to an external party (a housing corporation, the water board,
    the grid operator), and their reply as the colleague records it."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="forwards"
    )
    party = models.CharField(_("external party"), max_length=120)
    party_email = models.EmailField(_("their email address"), blank=True)
    message = models.TextField(_("message to them"), max_length=3000, blank=True)
    sent_at = models.DateTimeField(_("forwarded"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reply = models.TextField(_("their reply"), max_length=3000, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return self.party


def hash_token(token: str) -> str:
    """What is kept of a secret (an app's API key, a feedback link's token): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


class Open311ClientQuerySet(models.QuerySet["Open311Client"]):
    def for_key(self, key: str) -> "Open311Client | None":
        """The active app this API key belongs to, or ``None``."""
        if not key:
            return None
        return self.filter(key_hash=hash_token(key), is_active=True).first()


class Open311Client(models.Model):
    """An app (a city app, a reporting platform) allowed to send reports through the
    Open311 interface with its own API key. The key is shown once, when the app is added;
    only its hash is kept, so a lost key is replaced by adding the app anew. An app that
    misbehaves is switched off, its reports stay."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_hash = models.CharField(_("key (hashed)"), max_length=64, unique=True, editable=False)
    key_start = models.CharField(
        _("key begins with"),
        max_length=8,
        editable=False,
        help_text=_("The first characters of the key, to recognise it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 app")
        verbose_name_plural = _("Open311 apps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def new_key(self) -> str:
        """Give the app a new random key; returns it (the only time it is readable)."""
        key = secrets.token_urlsafe(32)
        self.key_hash = hash_token(key)
        self.key_start = key[:8]
        return key


class Answer(models.TextChoices):
    """The resident's answer to "Is it solved?"."""

    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class FeedbackSubject(models.TextChoices):
    """What a satisfaction question (KTO) is about: a report or a question."""

    REPORT = "report", _("a report")
    QUESTION = "question", _("a question")


class FeedbackReason(models.Model):
    """A standard reason a resident can tick after a closed report, for one answer
    ("solved", "partly", "not solved"). Staff maintain the list; a reason no longer
    used is made inactive rather than deleted, so earlier answers keep it."""

    answer = models.CharField(_("for the answer"), max_length=10, choices=Answer.choices)
    applies_to = models.CharField(
        _("asked about"),
        max_length=10,
        choices=FeedbackSubject.choices,
        default="report",
        help_text=_("Whether the reason is offered after a report or after a question."),
    )
    text_nl = models.CharField(_("text (Dutch)"), max_length=150)
    text_en = models.CharField(_("text (English)"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("feedback reason")
        verbose_name_plural = _("feedback reasons")
        ordering = ["answer", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_to__in=["report", "question"]),
                name="report_feedbackreason_applies_to",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "nl").startswith("en") else self.text_nl


def feedback_days() -> int:
    """How many days the link in the "is it solved?" email works."""
    return int(getattr(settings, "PORTAL_REPORT_FEEDBACK_DAYS", 14))


def reopen_days() -> int:
    """Within how many days after closing an unhappy reporter may reopen the report."""
    return int(getattr(settings, "PORTAL_REPORT_REOPEN_DAYS", 14))


# A satisfaction question and its answer hang on a report or on a question, never both.
ONE_SUBJECT = Q(report__isnull=False, question__isnull=True) | Q(
    report__isnull=True, question__isnull=False
)


class FeedbackRequest(models.Model):
    """The "is it solved?" question sent to the reporter when a report closed (or "is
    your question answered?" to the asker when a question was answered): a single-use
    link whose token is stored only as a hash. A report that is reopened and closed
    again gets a new one."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_requests",
    )
    question = models.ForeignKey(
        "Question",
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_requests",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("feedback request")
        verbose_name_plural = _("feedback requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_SUBJECT, name="report_feedbackrequest_subject")
        ]

    def __str__(self) -> str:
        return f"#{self.report_id}" if self.report_id else f"?{self.question_id}"

    @property
    def subject(self) -> "Report | Question":
        """What the question is about: the report or the question."""
        return self.report if self.report_id else self.question  # type: ignore[return-value]

    @property
    def about_question(self) -> bool:
        return self.question_id is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def is_current(self) -> bool:
        """The question still stands: not expired, the report still closed (the question
        still answered), and no later closing asked anew (reopened by a colleague and
        closed again: only the newest link counts, so one closing gets one answer)."""
        if self.is_expired:
            return False
        question, report = self.question, self.report
        if question is not None:
            if question.status != QuestionStatus.ANSWERED:
                return False
            newer = FeedbackRequest.objects.filter(question=question, pk__gt=self.pk)
            return not newer.exists()
        if report is None or report.status not in (Status.SOLVED, Status.DECLINED):
            return False
        newer = FeedbackRequest.objects.filter(report=report, pk__gt=self.pk)
        return not newer.exists()


class Feedback(models.Model):
    """What the reporter said after their report closed: solved or not, a grade for how
    it was handled, standard reasons and a remark. Nothing says who gave it; it is
    linked to the report for the figures per category, department, neighbourhood and
    month, and for reopening."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
    )
    question = models.ForeignKey(
        "Question",
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
    )
    request = models.OneToOneField(
        FeedbackRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    solved = models.CharField(_("is it solved?"), max_length=10, choices=Answer.choices)
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reasons = models.ManyToManyField(
        FeedbackReason, verbose_name=_("reasons"), blank=True, related_name="feedback"
    )
    remark = models.TextField(_("remark"), max_length=FEEDBACK_REMARK_MAX, blank=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    reopened_at = models.DateTimeField(_("reopened by the reporter"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=10), name="report_feedback_grade"
            ),
            models.CheckConstraint(
                condition=Q(solved__in=Answer.values), name="report_feedback_solved"
            ),
            models.CheckConstraint(condition=ONE_SUBJECT, name="report_feedback_subject"),
        ]

    def __str__(self) -> str:
        about = f"#{self.report_id}" if self.report_id else f"?{self.question_id}"
        return f"{about}: {self.get_solved_display()} ({self.grade})"

    @property
    def subject(self) -> "Report | Question":
        return self.report if self.report_id else self.question  # type: ignore[return-value]


# --- Questions to the municipality (webcare) -----------------------------------------

QUESTION_MIN = 10
QUESTION_MAX = 2000
ANSWER_MAX = 5000


class TopicQuerySet(models.QuerySet["Topic"]):
    def active(self) -> "TopicQuerySet":
        return self.filter(is_active=True)


class Topic(models.Model):
    """What a resident's question is about (waste collection, parking, permits…): staff
    maintain the list; the topic decides the department that answers and in how many
    working days."""

    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="topics",
        help_text=_("The department whose colleagues answer questions on this topic."),
    )
    term_working_days = models.PositiveSmallIntegerField(
        _("term in working days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Within how many working days a question on this topic is answered."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("question topic")
        verbose_name_plural = _("question topics")
        ordering = ["position", "name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class QuestionStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Waiting for email confirmation")
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")


# A question anyone may read: answered, the asker wanted it in public, and a colleague
# wrote the question and the answer as they are published.
PUBLISHED = (
    Q(status=QuestionStatus.ANSWERED, is_public=True) & ~Q(public_text="") & ~Q(public_answer="")
)


class QuestionQuerySet(models.QuerySet["Question"]):
    def confirmed(self) -> "QuestionQuerySet":
        return self.exclude(status=QuestionStatus.UNCONFIRMED)

    def open(self) -> "QuestionQuerySet":
        return self.filter(status=QuestionStatus.RECEIVED)

    def published(self) -> "QuestionQuerySet":
        """What anyone may read: answered questions the asker wanted answered in public,
        with the question as a colleague published it (no name, no email, nothing
        personal)."""
        return self.filter(PUBLISHED)

    def visible_to(self, user: Any) -> "QuestionQuerySet":
        """What a person may open on the portal: the published ones, and their own
        (signed in) whatever their state, once they went in."""
        published = PUBLISHED
        if user is not None and user.is_authenticated:
            mine = Q(asker=user) & ~Q(status=QuestionStatus.UNCONFIRMED)
            return self.filter(published | mine)
        return self.filter(published)

    def for_listing(self) -> "QuestionQuerySet":
        return self.select_related("topic")

    def overdue(self, today: date | None = None) -> "QuestionQuerySet":
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def handled_by(self, departments: Any) -> "QuestionQuerySet":
        return self.filter(department__in=departments)


class Question(models.Model):
    """A resident's question to the municipality, signed in or with an email address
    confirmed before it goes in. The asker chooses a private answer or a public one; a
    public question is published, once answered, with the question and the answer a
    colleague wrote for the portal (``public_text``, ``public_answer``), never with the
    asker's name or address; the reply to the asker (``answer``) stays between them."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="questions"
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX, blank=True)
    is_public = models.BooleanField(
        _("answer in public"),
        default=False,
        help_text=_("The asker agreed that the question and answer are published, without name."),
    )
    public_text = models.TextField(
        _("question as published"),
        max_length=QUESTION_MAX,
        blank=True,
        help_text=_(
            "For a public answer: the question as it is shown on the portal. Take out "
            "names, addresses and anything else personal."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=QuestionStatus.choices,
        default=QuestionStatus.UNCONFIRMED,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_questions",
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_asked",
    )
    asker_email = models.EmailField(_("asker's email address"), blank=True)
    asker_language = models.CharField(
        _("asker's language"), max_length=8, default=settings.LANGUAGE_CODE
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    submitted_at = models.DateTimeField(_("went in"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    answer = models.TextField(
        _("reply to the asker"),
        max_length=ANSWER_MAX,
        blank=True,
        help_text=_(
            "Sent to the asker only (by email or in their messages); never published. You "
            "may address them personally."
        ),
    )
    public_answer = models.TextField(
        _("answer as published"),
        max_length=ANSWER_MAX,
        blank=True,
        help_text=_(
            "For a public answer: the answer as it is shown on the portal and found by its "
            "search. Write no names, addresses or anything else personal."
        ),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=QuestionStatus.UNCONFIRMED) | ~Q(asker_email=""),
                name="question_unconfirmed_has_email",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="question_queue_idx")]

    def __str__(self) -> str:
        return f"?{self.pk} {self.topic.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:question", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == QuestionStatus.RECEIVED

    @property
    def is_published(self) -> bool:
        return (
            self.status == QuestionStatus.ANSWERED
            and self.is_public
            and bool(self.public_text)
            and bool(self.public_answer)
        )

    def working_days_left(self, today: date | None = None) -> int | None:
        if self.due_date is None or not self.is_open:
            return None
        return workdays.working_days_between(today or timezone.localdate(), self.due_date)

    def asker_address(self) -> str:
        return self.asker.email if self.asker is not None else self.asker_email


class ImprovementQuerySet(models.QuerySet["Improvement"]):
    def published(self) -> "ImprovementQuerySet":
        return self.filter(is_published=True, changed_on__lte=timezone.localdate())


class Improvement(models.Model):
    """What the municipality changed in how it handles reports because of what residents
    said ("U zei, wij deden"): when, for which category and/or department, and from which
    feedback. Its texts are kept in Dutch and English; the page shows the reader's
    language where there is one. Nothing in it is about a person."""

    title_nl = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    said_nl = models.TextField(
        _("what residents said (Dutch)"),
        max_length=2000,
        help_text=_("The feedback this comes from, in a few sentences, without names."),
    )
    said_en = models.TextField(_("what residents said (English)"), max_length=2000, blank=True)
    done_nl = models.TextField(
        _("what we changed (Dutch)"),
        max_length=2000,
        help_text=_("What was changed in the way reports are handled."),
    )
    done_en = models.TextField(_("what we changed (English)"), max_length=2000, blank=True)
    changed_on = models.DateField(
        _("changed on"),
        help_text=_(
            "From this day on the process works the new way; the figures before "
            "and after are compared around it."
        ),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvements",
        help_text=_("Empty: every category. A main category includes its subcategories."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvements",
        help_text=_("Empty: every department."),
    )
    reasons = models.ManyToManyField(
        FeedbackReason,
        verbose_name=_("from the feedback reasons"),
        blank=True,
        related_name="improvements",
    )
    is_published = models.BooleanField(
        _("on the public page"),
        default=True,
        help_text=_("Shown on 'You said, we did' from the day it was changed."),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    objects = ImprovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement")
        verbose_name_plural = _("improvements")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def language_shown(self) -> str:
        """The texts are shown in English to an English reader when all three are
        written in English, else in Dutch (for ``lang`` on the page)."""
        english = self.title_en and self.said_en and self.done_en
        return "en" if english and (get_language() or "nl").startswith("en") else "nl"

    def _in_language(self, name: str) -> str:
        return str(getattr(self, f"{name}_{self.language_shown}"))

    @property
    def title(self) -> str:
        return self._in_language("title")

    @property
    def said(self) -> str:
        return self._in_language("said")

    @property
    def done(self) -> str:
        return self._in_language("done")
