"""Citizen initiatives (burgerinitiatieven) and everything residents and staff do with
them: support, comments, follows, the public timeline and the staff's own notes."""

from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, StringAgg, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from common import workdays
from common.expressions import rows_point_here
from common.language import in_language
from common.prepared import PreparedRead
from common.search import text_search
from common.validators import validate_plain_text

DEFAULT_RESPONSE_DAYS = 10
MAX_AMOUNT = 1_000_000
MAX_ATTACHMENTS = 6
# The Netherlands, generously: a location outside this box is a typo, not an initiative.
LATITUDE_RANGE = (50.5, 53.8)
LONGITUDE_RANGE = (3.0, 7.5)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFO = "needs_info", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    REALISED = "realised", _("Realised")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The workflow (DESIGN.md). Staff move an initiative through review to a decision and
# on to realisation; the initiator submits, answers questions and may withdraw.
STAFF_TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.IN_REVIEW},
    Status.IN_REVIEW: {Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED},
    Status.NEEDS_INFO: {Status.IN_REVIEW},
    Status.ACCEPTED: {Status.IN_PROGRESS},
    Status.IN_PROGRESS: {Status.REALISED},
}
INITIATOR_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.WITHDRAWN},
    Status.IN_REVIEW: {Status.WITHDRAWN},
    Status.NEEDS_INFO: {Status.IN_REVIEW, Status.WITHDRAWN},
}
DECISIONS = {Status.ACCEPTED, Status.REJECTED}
# Waiting for the municipality's answer: the response deadline runs.
AWAITING_RESPONSE = {Status.SUBMITTED, Status.IN_REVIEW}
# A staff answer that stops the response clock: a question or a decision.
RESPONSES = {Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED}
EDITABLE = {Status.DRAFT, Status.NEEDS_INFO}
OPEN_FOR_SUPPORT = {
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.NEEDS_INFO,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
}


# Public messages the portal writes itself on the timeline. They are stored as a key and
# shown in the reader's language; what a civil servant or initiator types is stored as
# written.
SYSTEM_MESSAGES = {
    "in_review": _("The municipality is reviewing this initiative."),
    "account_closed": _("The initiator closed their account and withdrew the initiative."),
}


class WorkflowError(Exception):
    """A status change the workflow does not allow, or one without its message."""


class Theme(models.Model):
    """A policy theme (thema) such as greenery or culture. Its team answers the
    initiatives of the theme within its own response term; the lead gets escalations."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    response_days = models.PositiveSmallIntegerField(
        _("response term in working days"),
        default=DEFAULT_RESPONSE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_themes",
        limit_choices_to={"is_staff": True},
        help_text=_("Receives the overdue initiatives of this theme."),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name_nl"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_days__gte=1, response_days__lte=60),
                name="theme_response_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)


class SupportKind(models.Model):
    """A kind of help an initiative asks the municipality for. The six rows are fixed
    (created after every migrate); their labels come from the code so they translate."""

    class Code(models.TextChoices):
        MONEY = "money", _("Money")
        PERMIT = "permit", _("Permit")
        SPACE = "space", _("Space or a location")
        ADVICE = "advice", _("Advice")
        NETWORK = "network", _("Network and contacts")
        MATERIALS = "materials", _("Materials")

    code = models.CharField(_("code"), max_length=16, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("kind of support")
        verbose_name_plural = _("kinds of support")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return self.Code(self.code).label


def _run_by(user) -> Q:
    """Initiatives this signed-in person started or helps run as co-initiator."""
    co = Initiative.co_initiators.through.objects.filter(user=user).values("initiative")
    return Q(initiator=user) | Q(pk__in=co)


def _handled_by(user) -> Q:
    """Initiatives this person handles for the municipality: assigned to them, or in
    the neighbourhood they are area manager of."""
    return Q(assignee=user) | Q(neighbourhood__area_manager=user)


def _support_codes() -> Subquery:
    """The codes of the kinds of support an initiative asks for, comma-separated (NULL
    for none): read with its row instead of a query of its own (``support_asked``)."""
    return Subquery(
        Initiative.support_kinds.through.objects.filter(initiative=OuterRef("pk"))
        .values("initiative")
        .annotate(codes=StringAgg("supportkind__code", Value(",")))
        .values("codes")
    )


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def public(self) -> "InitiativeQuerySet":
        return self.exclude(status=Status.DRAFT)

    def of(self, user) -> "InitiativeQuerySet":
        """Initiatives this person started or helps run as co-initiator."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_run_by(user))

    def visible_to(self, user) -> "InitiativeQuerySet":
        """Public initiatives, plus one's own drafts. Staff see drafts only in the admin."""
        if not user.is_authenticated:
            return self.public()
        return self.filter(~Q(status=Status.DRAFT) | _run_by(user))

    def for_listing(self) -> "InitiativeQuerySet":
        """Rows for a list: with their neighbourhood, theme and the kinds of support
        they ask for (``support_asked``), in one query."""
        return self.select_related("neighbourhood", "theme").annotate(
            support_codes=_support_codes()
        )

    def for_detail(self, viewer) -> "InitiativeQuerySet":
        """The row for its page, with what ties ``viewer`` to it in the same query:
        ``viewer_runs`` (initiator or co-initiator), ``viewer_supports``,
        ``viewer_handles`` (they handle it for the municipality), ``viewer_follows`` and
        ``viewer_commented`` (a comment is theirs: the comments show them the reason if it
        was hidden, and offer no "Report" on it, so that part is not the shared one), all
        False for a visitor. Whether it has co-initiators, attachments and market pitches
        (``has_…``), usually not, and the codes of the kinds of support it asks for
        (``support_codes``, see ``support_asked``) are read with the row; the page joins
        its neighbourhood, theme, initiator and contact person (``initiatives.views``).
        The lists it has (co-initiators, attachments, timeline, comments) are in parts
        cached for everyone (``{% publiccache %}``) and read only when such a part is
        rendered."""
        # Usually none: read with the row, so the parts showing them ask no query then.
        usually_none = {
            "has_co_initiators": rows_point_here(Initiative.co_initiators.through, "initiative"),
            "has_attachments": rows_point_here(Attachment, "initiative"),
            "has_pitches": rows_point_here(MarketPitch, "initiative"),
            "support_codes": _support_codes(),
        }
        if not viewer.is_authenticated:
            no = Value(False)
            return self.annotate(
                viewer_runs=no,
                viewer_handles=no,
                viewer_supports=no,
                viewer_follows=no,
                viewer_commented=no,
                **usually_none,
            )
        return self.annotate(
            viewer_runs=ExpressionWrapper(_run_by(viewer), output_field=models.BooleanField()),
            viewer_handles=ExpressionWrapper(
                _handled_by(viewer), output_field=models.BooleanField()
            ),
            viewer_supports=rows_point_here(Support, "initiative", user=viewer),
            viewer_follows=rows_point_here(Follow, "initiative", user=viewer),
            viewer_commented=rows_point_here(Comment, "initiative", author=viewer),
            **usually_none,
        )

    def search(self, text: str) -> "InitiativeQuerySet":
        """Full text in PostgreSQL (Dutch stemming); every word somewhere, elsewhere."""
        return text_search(self, text)

    def similar_to(self, title: str) -> "InitiativeQuerySet":
        """Initiatives whose title shares a meaningful word with ``title``: shown while
        a resident types, so the same idea is not started twice."""
        words = [word for word in title.split() if len(word) > 3][:6]
        if not words:
            return self.none()
        if connection.vendor == "postgresql":
            query = SearchQuery(" or ".join(words), config="dutch", search_type="websearch")
            matches = self.annotate(search=SearchVector("title", config="dutch")).filter(
                search=query
            )
        else:
            condition = Q()
            for word in words:
                condition |= Q(title__icontains=word)
            matches = self.filter(condition)
        return (
            matches.exclude(status=Status.WITHDRAWN)
            .select_related("neighbourhood")
            .order_by("-supporter_count", "-pk")
        )

    def overdue(self, today: date | None = None) -> "InitiativeQuerySet":
        today = today or timezone.localdate()
        return self.filter(
            status__in=AWAITING_RESPONSE, responded_at__isnull=True, response_due__lt=today
        )

    def locked(self, initiative: "Initiative") -> "Initiative":
        """The initiative read again with its row locked until the transaction ends (as
        ``Initiative.change_status`` wants), with its theme."""
        return self.select_for_update().select_related("theme").get(pk=initiative.pk)

    def sorted_by(self, sort: str) -> "InitiativeQuerySet":
        if sort == "supported":
            return self.order_by("-supporter_count", "-submitted_at", "-pk")
        if sort == "decided":
            return self.order_by(F("decided_at").desc(nulls_last=True), "-pk")
        # Public initiatives always have a submission date (a check constraint), so this
        # plain descending order walks the (submitted_at, id) index backwards.
        return self.order_by("-submitted_at", "-pk")


class Initiative(models.Model):
    """A citizen initiative (burgerinitiatief): a resident's plan for the neighbourhood
    that asks the municipality for support. The municipality answers within the theme's
    response term and decides in public; every status change is on the timeline."""

    title = models.CharField(_("title"), max_length=120, validators=[validate_plain_text])
    summary = models.CharField(
        _("short summary"),
        max_length=300,
        validators=[validate_plain_text],
        help_text=_("One or two sentences, shown in the list."),
    )
    description = models.TextField(
        _("description"),
        max_length=5000,
        validators=[validate_plain_text],
        help_text=_("What do you want to do, for whom, and what is needed?"),
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="initiatives"
    )
    address = models.CharField(
        _("address or place"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("For example: Parkweg 12, or: the playground behind the school."),
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
    support_kinds = models.ManyToManyField(
        SupportKind, verbose_name=_("support asked"), blank=True, related_name="initiatives"
    )
    amount_requested = models.PositiveIntegerField(
        _("amount asked in euros"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AMOUNT)],
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="initiatives",
    )
    co_initiators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-initiators"),
        blank=True,
        related_name="co_initiatives",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_initiatives",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    response_due = models.DateField(_("answer due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    supporter_count = models.PositiveIntegerField(_("supporters"), default=0)
    # The "new initiative" form's own number: the same form sent twice (a double click,
    # a slow connection) makes one draft, not two.
    form_token = models.UUIDField(_("form token"), null=True, blank=True, editable=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-submitted_at", "-pk"]
        permissions = [("moderate_comment", _("Can moderate comments"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="initiative_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | Q(submitted_at__isnull=False),
                name="initiative_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="initiative_location_complete",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True)
                | Q(amount_requested__gte=0, amount_requested__lte=MAX_AMOUNT),
                name="initiative_amount_range",
            ),
            models.UniqueConstraint(
                fields=["initiator", "form_token"],
                condition=Q(form_token__isnull=False),
                name="initiative_one_draft_per_form",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "response_due"], name="initiative_due_idx"),
            # The home page's newest and recently decided, the dashboard's periods.
            models.Index(fields=["submitted_at", "id"], name="initiative_submitted_idx"),
            # The public list, newest first: page 2,000 is found from this index alone.
            models.Index(
                fields=["submitted_at", "id"],
                condition=~Q(status=Status.DRAFT),
                name="initiative_public_newest",
            ),
            # The back office's triage list in its own order (answer due first, then
            # newest): its first page read from the index instead of sorting them all.
            models.Index(
                fields=["response_due", "-submitted_at", "-id"],
                condition=~Q(status=Status.DRAFT),
                name="initiative_triage_order",
            ),
            models.Index(fields=["decided_at"], name="initiative_decided_idx"),
            models.Index(fields=["responded_at"], name="initiative_responded_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    def get_admin_url(self) -> str:
        """Where staff handle the initiative (notifications to civil servants link here)."""
        return reverse("admin:initiatives_initiative_change", args=[self.pk])

    def initiators(self) -> list[User | None]:
        """The initiator (None once their account is erased) and the co-initiators."""
        return [self.initiator, *self.co_initiators.all()]

    def followers(self) -> list[User]:
        return [follow.user for follow in self.follows.select_related("user")]

    def participants(self) -> models.QuerySet[User]:
        """Everyone who took part: the initiators, its supporters and those who
        commented (each once; erased accounts are gone from all three)."""
        return User.objects.filter(
            Q(pk=self.initiator_id)
            | Q(co_initiatives=self)
            | Q(supports__initiative=self)
            | Q(comments__initiative=self)
        ).distinct()

    # --- who may do what -----------------------------------------------------------

    def timeline(self) -> list["StatusChange"]:
        """The public timeline: every status change, oldest first, with who made it."""
        return _with_initiative(TIMELINE(self.pk), self)

    def get_status_display(self) -> str:
        """The status in the reader's language: Django's own builds a table of all the
        choices on every call, and a list page asks it twenty times."""
        try:
            return str(Status(self.status).label)
        except ValueError:
            return str(self.status)

    def support_asked(self) -> list["SupportKind.Code"]:
        """The kinds of support it asks for, in the order the form offers them: read
        with its row (``support_codes``: ``for_listing``, ``for_detail``), or else now."""
        codes = getattr(self, "support_codes", False)
        if codes is False:
            asked = {kind.code for kind in self.support_kinds.all()}
        else:
            asked = set(codes.split(",")) if codes else set()
        return [code for code in SupportKind.Code if code in asked]

    @property
    def is_public(self) -> bool:
        return self.status != Status.DRAFT

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def can_be_withdrawn(self) -> bool:
        return Status.WITHDRAWN in INITIATOR_TRANSITIONS.get(self.status, set())

    @property
    def is_open_for_support(self) -> bool:
        return self.status in OPEN_FOR_SUPPORT

    @property
    def is_open_for_comments(self) -> bool:
        return self.status not in {Status.DRAFT, Status.WITHDRAWN}

    # --- the response deadline -------------------------------------------------------

    @property
    def is_awaiting_response(self) -> bool:
        return self.status in AWAITING_RESPONSE and self.responded_at is None

    def working_days_left(self, today: date | None = None) -> int | None:
        """Working days until the answer is due; negative when overdue."""
        if not self.is_awaiting_response or self.response_due is None:
            return None
        return workdays.working_days_between(today or timezone.localdate(), self.response_due)

    def is_overdue(self, today: date | None = None) -> bool:
        return (
            self.is_awaiting_response
            and self.response_due is not None
            and (today or timezone.localdate()) > self.response_due
        )

    def days_waited(self, now=None) -> int | None:
        """Calendar days between submission and the municipality's first answer (or
        today, while it is still waiting)."""
        if self.submitted_at is None:
            return None
        end = self.responded_at or now or timezone.now()
        return max(0, (timezone.localdate(end) - timezone.localdate(self.submitted_at)).days)

    def comment_threads(self) -> list["Comment"]:
        """The comments as the page shows them: top-level comments oldest first, each
        with its replies in ``thread`` (replies stay one level deep), read in one query."""
        comments = _with_initiative(COMMENTS(self.pk), self)
        replies: dict[int, list[Comment]] = {}
        for comment in comments:
            if comment.parent_id:
                replies.setdefault(comment.parent_id, []).append(comment)
        threads = [comment for comment in comments if not comment.parent_id]
        for comment in threads:
            comment.thread = replies.get(comment.pk, [])
        return threads

    def open_question(self) -> "StatusChange | None":
        """The municipality's question the initiators still have to answer, if any."""
        if self.status != Status.NEEDS_INFO:
            return None
        return self.status_changes.filter(to_status=Status.NEEDS_INFO).order_by("-pk").first()

    def is_handled_by(self, user) -> bool:
        """The civil servant who handles it for the municipality (its assignee, or the
        area manager of its neighbourhood) judges it, and does not support it."""
        return user.is_authenticated and (
            self.assignee_id == user.pk or self.neighbourhood.area_manager_id == user.pk
        )

    def contact_person(self):
        """Who residents can turn to: the assigned civil servant, else the area manager."""
        return self.assignee or self.neighbourhood.area_manager

    # --- the workflow ---------------------------------------------------------------

    def change_status(
        self, *, to: str, by, message: str, as_staff: bool, message_key: str = ""
    ) -> "StatusChange":
        """Move along the workflow and record the public timeline entry. Callers hold a
        row lock (``select_for_update``) so two clicks never both apply. With
        ``message_key`` (one of ``SYSTEM_MESSAGES``) the portal's own message is stored
        as its key, so every reader sees it in their own language."""
        if message_key:
            message = str(SYSTEM_MESSAGES[message_key])
        allowed = (STAFF_TRANSITIONS if as_staff else INITIATOR_TRANSITIONS).get(self.status, set())
        if to not in allowed:
            raise WorkflowError(
                _("An initiative cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(self.status).label, "to": Status(to).label}
            )
        message = (message or "").strip()
        if as_staff and not message:
            raise WorkflowError(_("Write a public message for the initiator and followers."))
        if to in DECISIONS and len(message) < 20:
            raise WorkflowError(_("A decision needs a public rationale of at least 20 characters."))
        now = timezone.now()
        previous = self.status
        self.status = to
        fields = ["status", "updated_at"]
        if to == Status.SUBMITTED:
            self.submitted_at = now
            self.response_due = workdays.add_working_days(
                timezone.localdate(now), self.theme.response_days
            )
            fields += ["submitted_at", "response_due"]
        if as_staff and to in RESPONSES and self.responded_at is None:
            self.responded_at = now
            fields.append("responded_at")
        if to in DECISIONS:
            self.decided_at = now
            fields.append("decided_at")
        self.save(update_fields=fields)
        return StatusChange.objects.create(
            initiative=self,
            actor=by,
            by_staff=as_staff,
            from_status=previous,
            to_status=to,
            message="" if message_key else message,
            message_key=message_key,
            created_at=now,
        )


class StatusChange(models.Model):
    """One step on the public timeline: who moved the initiative, from what to what,
    and the message that goes with it (for a decision: the rationale)."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    by_staff = models.BooleanField(_("by the municipality"), default=False)
    from_status = models.CharField(_("from"), max_length=16, choices=Status)
    to_status = models.CharField(_("to"), max_length=16, choices=Status)
    message = models.TextField(_("public message"), blank=True)
    message_key = models.CharField(
        _("message of the portal"),
        max_length=32,
        blank=True,
        choices=[(key, text) for key, text in SYSTEM_MESSAGES.items()],
        help_text=_("A message the portal wrote itself, shown in the reader's language."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def is_decision(self) -> bool:
        return self.to_status in DECISIONS

    @property
    def public_message(self) -> str:
        """The message as the reader should see it: the portal's own in their language,
        a person's as they wrote it."""
        if self.message_key in SYSTEM_MESSAGES:
            return str(SYSTEM_MESSAGES[self.message_key])
        return self.message


class InternalNote(models.Model):
    """A note among civil servants about an initiative. Never shown on the portal."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="internal_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class _ResidentOnInitiative(models.Model):
    """One resident's single mark on one initiative (support, follow)."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"], name="%(class)s_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.initiative_id}"


class Support(_ResidentOnInitiative):
    """A resident's support (steunbetuiging) for an initiative; once per resident."""

    class Meta(_ResidentOnInitiative.Meta):
        verbose_name = _("support")
        verbose_name_plural = _("supports")


class Follow(_ResidentOnInitiative):
    """Someone who wants to hear about an initiative's public changes."""

    class Meta(_ResidentOnInitiative.Meta):
        verbose_name = _("follower")
        verbose_name_plural = _("followers")


class CommentQuerySet(models.QuerySet["Comment"]):
    def awaiting_moderation(self) -> "CommentQuerySet":
        """Visible comments with at least one report nobody has handled yet (a comment
        without any report is not waiting for a moderator)."""
        open_reports = CommentReport.objects.filter(
            comment=OuterRef("pk"), resolved_at__isnull=True
        )
        return self.filter(Exists(open_reports), hidden_at__isnull=True)


class Comment(models.Model):
    """A resident's public reaction to an initiative, or a reply to one (one level
    deep). Moderators hide a comment with a reason its author can read."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    text = models.TextField(_("comment"), max_length=2000, validators=[validate_plain_text])
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="comment_hidden_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @staticmethod
    def moderators() -> list[User]:
        """Active staff who may moderate comments (directly, through a group, or
        superuser)."""
        perm = Q(user_permissions__codename="moderate_comment") | Q(
            groups__permissions__codename="moderate_comment"
        )
        return list(
            User.objects.filter(is_active=True, is_staff=True)
            .filter(perm | Q(is_superuser=True) | Q(groups__name=Role.INITIATIVE_BROKER.value))
            .distinct()
        )


class CommentReport(models.Model):
    """A resident's report that a comment breaks the house rules; waits for a moderator."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(
        _("what is wrong with it?"), max_length=300, validators=[validate_plain_text]
    )
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("reported comment")
        verbose_name_plural = _("reported comments")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_user")
        ]

    def __str__(self) -> str:
        return self.reason[:60]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the uploader's file name on disk: it may carry personal data or tricks.
    return f"initiatives/{instance.initiative_id}/{instance.token}.{instance.extension}"


class Attachment(models.Model):
    """An image or document of an initiative. Images are re-encoded on upload (no
    metadata, no active content); documents must be real PDFs. Served by a view that
    checks who may see the initiative."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    token = models.CharField(_("token"), max_length=32, unique=True)
    extension = models.CharField(_("extension"), max_length=8)
    content_type = models.CharField(_("content type"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("initiatives:attachment", args=[self.token])

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE

    def remove(self) -> None:
        """Delete the row now; its stored file goes once the deletion is committed
        (``common.uploads.delete_files_with_rows``, registered in the app's config): a
        rollback keeps the row, so it keeps its file too."""
        self.delete()


class CoInitiatorInvitation(models.Model):
    """An invitation, by email, to help run an initiative. Whoever accepts it while
    signed in with that address becomes a co-initiator."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-initiator invitation")
        verbose_name_plural = _("co-initiator invitations")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "email"], name="invitation_once")
        ]

    def __str__(self) -> str:
        return self.email

    # Links already sent keep working: the salt is part of the token.
    TOKEN_SALT = "initiatives.co-initiator-invitation"  # noqa: S105 (a salt, not a secret)
    TOKEN_MAX_AGE = 60 * 60 * 24 * 30

    def token(self) -> str:
        """The signed token in the invitation link (a month valid)."""
        return signing.dumps(self.pk, salt=self.TOKEN_SALT)

    @classmethod
    def id_from_token(cls, token: str) -> int | None:
        try:
            return signing.loads(token, salt=cls.TOKEN_SALT, max_age=cls.TOKEN_MAX_AGE)
        except signing.BadSignature:
            return None


class MarketPitchQuerySet(models.QuerySet["MarketPitch"]):
    def public(self) -> "MarketPitchQuerySet":
        """Pitches of initiatives the public may see, with what their list shows."""
        return self.filter(initiative__in=Initiative.objects.public()).select_related(
            "initiative__neighbourhood"
        )


class MarketPitch(models.Model):
    """An initiative signed up to pitch at an initiative market (initiatievenmarkt)."""

    event = models.ForeignKey(
        "neighbourhoods.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="pitches",
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="pitches"
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed up by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MarketPitchQuerySet.as_manager()

    class Meta:
        verbose_name = _("pitch at a market")
        verbose_name_plural = _("pitches at markets")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "initiative"], name="pitch_once_per_market")
        ]

    def __str__(self) -> str:
        return f"{self.initiative} @ {self.event}"


# What an initiative's page reads on every visit, its SQL built once per process.
TIMELINE = PreparedRead(
    StatusChange,
    lambda pk: StatusChange.objects.filter(initiative=pk).select_related("actor"),
)
COMMENTS = PreparedRead(
    Comment, lambda pk: Comment.objects.filter(initiative=pk).select_related("author")
)


def _with_initiative[R: StatusChange | Comment](rows: list[R], initiative: Initiative) -> list[R]:
    """Rows of one initiative, each knowing it (as its related manager would give them)."""
    for row in rows:
        row.initiative = initiative
    return rows
