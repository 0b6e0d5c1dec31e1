"""Residents finding each other in their neighbourhood: themed networks with members and
ambassadors, offers and requests for help, volunteer calls of initiatives, agenda items
and programme projects, and conversations that never reveal anyone's email address
unless both people agree."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from common.language import in_language
from common.validators import validate_no_contact_details, validate_plain_text


class NetworkTheme(models.Model):
    """A theme residents organise around in every neighbourhood (energy, green, care,
    safety, playgrounds); staff maintain the list."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)

    class Meta:
        verbose_name = _("network theme")
        verbose_name_plural = _("network themes")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)


class Network(models.Model):
    """The residents of one neighbourhood who work on one theme (the energy network of
    the Binnenstad); started by the first resident who joins."""

    theme = models.ForeignKey(
        NetworkTheme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="networks"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="networks",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["neighbourhood__name", "theme__name_nl"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "neighbourhood"], name="one_network_per_theme")
        ]

    def __str__(self) -> str:
        return f"{self.theme}, {self.neighbourhood}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def ambassadors(self) -> "MembershipQuerySet":
        """Ambassadors the area manager approved: the only ones shown in public."""
        return self.filter(role=Membership.Role.AMBASSADOR, status=Membership.Status.APPROVED)

    def for_page(self) -> "MembershipQuerySet":
        return self.select_related("network__theme", "network__neighbourhood")


class Membership(models.Model):
    """A resident in a network: a member, or an ambassador with a short public profile
    (a chosen name and what they can help with; never an address or email) once the
    area manager of the neighbourhood approved it."""

    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("member of a neighbourhood network", "member")
        AMBASSADOR = "ambassador", _("ambassador")

    class Status(models.TextChoices):
        APPROVED = "approved", _("approved")
        WAITING = "waiting", _("waiting for the area manager")
        DECLINED = "declined", _("declined")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPROVED
    )
    public_name = models.CharField(
        _("name shown"),
        max_length=60,
        blank=True,
        validators=[validate_plain_text, validate_no_contact_details],
        help_text=_("Your first name or a name you choose; shown with your profile."),
    )
    can_help_with = models.TextField(
        _("what you can help with"),
        max_length=500,
        blank=True,
        validators=[validate_plain_text, validate_no_contact_details],
        help_text=_("For example: advice on insulation, lending a thermal camera."),
    )
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    requested_at = models.DateTimeField(
        _("asked to be ambassador"), null=True, blank=True, editable=False
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_membership_per_network"),
            models.CheckConstraint(
                condition=Q(role="member") | ~Q(public_name=""), name="ambassador_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return self.public_name or str(self.get_role_display())

    def get_absolute_url(self) -> str:
        return reverse("community:ambassador", args=[self.pk])

    @property
    def is_ambassador(self) -> bool:
        return self.role == self.Role.AMBASSADOR and self.status == self.Status.APPROVED

    def may_be_decided_by(self, user) -> bool:
        """The area manager of the network's neighbourhood approves an ambassador; an
        administrator (who acts city-wide) may too, so a request in a neighbourhood
        without an area manager is not left waiting."""
        if not user.is_authenticated:
            return False
        return user.is_superuser or self.network.neighbourhood.area_manager_id == user.pk


class PostQuerySet(models.QuerySet["Post"]):
    def current(self) -> "PostQuerySet":
        """Offers and requests still open and not hidden by a moderator."""
        return self.filter(ends_on__gte=timezone.localdate(), hidden_at__isnull=True)

    def for_listing(self) -> "PostQuerySet":
        return self.select_related("neighbourhood", "theme").order_by("-created_at", "-pk")


class Post(models.Model):
    """What a resident offers (a skill, tools, time) or asks for (help, a tool) in their
    neighbourhood, until its end date."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("offer")
        REQUEST = "request", _("request")

    kind = models.CharField(_("offer or request"), max_length=8, choices=Kind.choices)
    what = models.CharField(_("what"), max_length=120, validators=[validate_plain_text])
    description = models.TextField(
        _("description"), max_length=1500, blank=True, validators=[validate_plain_text]
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="community_posts",
    )
    theme = models.ForeignKey(
        NetworkTheme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="posts"
    )
    ends_on = models.DateField(_("until"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.CASCADE,
        related_name="community_posts",
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer or request")
        verbose_name_plural = _("offers and requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.what

    def get_absolute_url(self) -> str:
        return reverse("community:post", args=[self.pk])

    def is_open(self) -> bool:
        return self.hidden_at is None and self.ends_on >= timezone.localdate()


class VolunteerCallQuerySet(models.QuerySet["VolunteerCall"]):
    def with_counts(self) -> "VolunteerCallQuerySet":
        if "responded" in self.query.annotations:
            return self
        return self.annotate(responded=Count("responses", distinct=True))

    def current(self) -> "VolunteerCallQuerySet":
        return self.filter(ends_on__gte=timezone.localdate())

    def open(self) -> "VolunteerCallQuerySet":
        """Calls that still take volunteers: not ended, not full, and with someone who
        asked (a call whose asker erased their account cannot be answered)."""
        return (
            self.current()
            .with_counts()
            # A Q: the type checker does not see the count annotated by with_counts().
            .filter(Q(responded__lt=F("wanted")), created_by__isnull=False)
        )

    def for_listing(self) -> "VolunteerCallQuerySet":
        return (
            self.with_counts()
            .select_related("neighbourhood", "initiative", "agenda_item", "project")
            .order_by("ends_on", "pk")
        )


class VolunteerCall(models.Model):
    """An initiative, an agenda item or a programme project asks for a number of
    volunteers ("3 people for the planting day on 12 April"); it closes when enough
    people responded or at its end date."""

    title = models.CharField(_("what for"), max_length=160, validators=[validate_plain_text])
    description = models.TextField(
        _("description"), max_length=1500, blank=True, validators=[validate_plain_text]
    )
    wanted = models.PositiveSmallIntegerField(
        _("volunteers wanted"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    ends_on = models.DateField(_("until"))
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="volunteer_calls",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    agenda_item = models.ForeignKey(
        "neighbourhoods.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    project = models.ForeignKey(
        "neighbourhoods.ProgrammeProject",
        verbose_name=_("programme project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="volunteer_calls",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_calls",
        help_text=_("Receives the volunteers' messages."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VolunteerCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer call")
        verbose_name_plural = _("volunteer calls")
        ordering = ["ends_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(wanted__gte=1), name="call_wants_someone"),
            models.CheckConstraint(
                condition=(
                    Q(initiative__isnull=False, agenda_item__isnull=True, project__isnull=True)
                    | Q(initiative__isnull=True, agenda_item__isnull=False, project__isnull=True)
                    | Q(initiative__isnull=True, agenda_item__isnull=True, project__isnull=False)
                ),
                name="call_for_exactly_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:call", args=[self.pk])

    def clean(self) -> None:
        chosen = [self.initiative_id, self.agenda_item_id, self.project_id]
        if sum(value is not None for value in chosen) != 1:
            raise ValidationError(
                _("Choose exactly one: an initiative, an agenda item or a programme project.")
            )
        if self.ends_on and self.ends_on < timezone.localdate() and self._state.adding:
            raise ValidationError({"ends_on": _("Choose a date from today on.")})
        if self.neighbourhood_id and self._asked_in() not in (None, self.neighbourhood_id):
            raise ValidationError(
                {
                    "neighbourhood": _(
                        "Choose the neighbourhood of the initiative, agenda item or project "
                        "that asks for volunteers."
                    )
                }
            )
        if not self._state.adding and self.wanted is not None:
            given = self.responses.count()
            if self.wanted < given:
                raise ValidationError(
                    {
                        "wanted": ngettext(
                            "%(count)d volunteer responded already; ask for at least that many.",
                            "%(count)d volunteers responded already; ask for at least that many.",
                            given,
                        )
                        % {"count": given}
                    }
                )

    def _asked_in(self) -> int | None:
        """The neighbourhood of what asks for volunteers."""
        if self.agenda_item_id:
            assert self.agenda_item is not None
            return self.agenda_item.neighbourhood_id
        if self.project_id:
            assert self.project is not None
            return self.project.programme.neighbourhood_id
        if self.initiative_id:
            assert self.initiative is not None
            return self.initiative.neighbourhood_id
        return None

    @property
    def asked_for(self) -> models.Model | None:
        return self.initiative or self.agenda_item or self.project

    @property
    def response_count(self) -> int:
        counted = getattr(self, "responded", None)
        return counted if counted is not None else self.responses.count()

    def is_open(self) -> bool:
        return (
            self.ends_on >= timezone.localdate()
            and self.response_count < self.wanted
            and self.created_by_id is not None
        )


class VolunteerResponse(models.Model):
    """A resident who said "count me in" to a volunteer call."""

    call = models.ForeignKey(
        VolunteerCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="volunteer_responses",
    )
    created_at = models.DateTimeField(_("responded"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer response")
        verbose_name_plural = _("volunteer responses")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="respond_once_per_call")
        ]

    def __str__(self) -> str:
        return str(self.call)


class ConversationQuerySet(models.QuerySet["Conversation"]):
    def of(self, user) -> "ConversationQuerySet":
        return self.filter(Q(starter=user) | Q(other=user))

    def for_listing(self) -> "ConversationQuerySet":
        return self.select_related(
            "starter", "other", "post", "call", "ambassador__network__theme"
        ).order_by("-updated_at", "-pk")


class Conversation(models.Model):
    """Two residents writing to each other through the portal about an offer or
    request, a volunteer call or an ambassador's profile. Their email addresses stay
    hidden unless both chose to share them in this conversation."""

    post = models.ForeignKey(
        Post,
        verbose_name=_("offer or request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversations",
    )
    call = models.ForeignKey(
        VolunteerCall,
        verbose_name=_("volunteer call"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversations",
    )
    ambassador = models.ForeignKey(
        Membership,
        verbose_name=_("ambassador"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversations",
    )
    starter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written to"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    starter_shares_email = models.BooleanField(_("starter shares their email"), default=False)
    other_shares_email = models.BooleanField(_("the other shares their email"), default=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last message"), default=timezone.now)
    # The notices about this conversation go with it, however it goes (retention, its
    # subject or a person erased).
    notifications = GenericRelation(
        "notifications.Notification",
        content_type_field="subject_type",
        object_id_field="subject_id",
    )

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(post__isnull=False, call__isnull=True, ambassador__isnull=True)
                    | Q(post__isnull=True, call__isnull=False, ambassador__isnull=True)
                    | Q(post__isnull=True, call__isnull=True, ambassador__isnull=False)
                ),
                name="conversation_about_one_thing",
            ),
            models.CheckConstraint(
                condition=~Q(starter=models.F("other")), name="conversation_between_two"
            ),
            # One conversation per two people and subject: a double click cannot start two.
            models.UniqueConstraint(
                fields=["starter", "other", "post"],
                condition=Q(post__isnull=False),
                name="one_conversation_per_post",
            ),
            models.UniqueConstraint(
                fields=["starter", "other", "call"],
                condition=Q(call__isnull=False),
                name="one_conversation_per_call",
            ),
            models.UniqueConstraint(
                fields=["starter", "other", "ambassador"],
                condition=Q(ambassador__isnull=False),
                name="one_conversation_per_ambassador",
            ),
        ]

    def __str__(self) -> str:
        return str(self.subject_title)

    def get_absolute_url(self) -> str:
        return reverse("community:conversation", args=[self.pk])

    @property
    def about(self) -> models.Model | None:
        return self.post or self.call or self.ambassador

    @property
    def subject_title(self) -> str:
        if self.ambassador_id:
            assert self.ambassador is not None
            return str(
                _("Ambassador %(name)s (%(theme)s)")
                % {"name": self.ambassador.public_name, "theme": self.ambassador.network.theme}
            )
        return str(self.about)

    def is_between(self, user: Any) -> bool:
        return user.is_authenticated and user.pk in (self.starter_id, self.other_id)

    def partner_of(self, user: Any) -> Any:
        return self.other if user.pk == self.starter_id else self.starter

    def shares_email(self, user: Any) -> bool:
        return self.starter_shares_email if user.pk == self.starter_id else self.other_shares_email

    @property
    def both_share_email(self) -> bool:
        return self.starter_shares_email and self.other_shares_email


class MessageQuerySet(models.QuerySet["Message"]):
    def reported(self) -> "MessageQuerySet":
        """Messages someone reported: the only ones moderators read."""
        return self.filter(Exists(MessageReport.objects.filter(message=OuterRef("pk"))))

    def awaiting_moderation(self) -> "MessageQuerySet":
        """Visible messages with a report nobody has handled yet."""
        waiting = MessageReport.objects.filter(message=OuterRef("pk"), resolved_at__isnull=True)
        return self.filter(Exists(waiting), hidden_at__isnull=True)


class Message(models.Model):
    """One message in a conversation. Moderators hide a reported message with a reason."""

    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("conversation"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="community_messages",
    )
    text = models.TextField(_("message"), max_length=2000, validators=[validate_plain_text])
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        permissions = [("moderate_message", _("Can moderate residents' messages"))]

    def __str__(self) -> str:
        return self.text[:60]


class Block(models.Model):
    """A resident who does not want messages from another resident any more."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("blocked on"), default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class MessageReportQuerySet(models.QuerySet["MessageReport"]):
    def open(self) -> "MessageReportQuerySet":
        """Reports no moderator has handled yet."""
        return self.filter(resolved_at__isnull=True)


class MessageReport(models.Model):
    """A resident's report that a message breaks the house rules; waits for a moderator."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="reports"
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

    objects = MessageReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("reported message")
        verbose_name_plural = _("reported messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="report_message_once")
        ]

    def __str__(self) -> str:
        return self.reason[:60]


class CoachRequestQuerySet(models.QuerySet["CoachRequest"]):
    def without_coach(self) -> "CoachRequestQuerySet":
        """Requests nobody coaches yet: none assigned, or the ambassador declined."""
        return self.filter(
            Q(ambassador__isnull=True, broker__isnull=True) | Q(status=CoachRequest.Status.DECLINED)
        )

    def for_page(self) -> "CoachRequestQuerySet":
        return self.select_related("ambassador__network__theme", "broker")


class CoachRequest(models.Model):
    """An initiative's initiators ask for a coach: an ambassador of the neighbourhood or
    an initiative broker of the municipality (initiatiefmakelaar). The area manager (or
    the triage) assigns one in the back office; an ambassador accepts or declines."""

    class Wish(models.TextChoices):
        EITHER = "either", _("Whoever fits best")
        AMBASSADOR = "ambassador", _("An ambassador from the neighbourhood")
        BROKER = "broker", _("An initiative broker of the municipality")

    class Status(models.TextChoices):
        ASKED = "asked", _("asked, no coach yet")
        ASSIGNED = "assigned", _("coach assigned, waiting for their answer")
        ACCEPTED = "accepted", _("coaching")
        DECLINED = "declined", _("the ambassador declined")

    initiative = models.OneToOneField(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="coach_request",
    )
    wish = models.CharField(
        _("who would you like as coach?"), max_length=12, choices=Wish.choices, default=Wish.EITHER
    )
    question = models.TextField(
        _("what would you like help with?"),
        max_length=1000,
        validators=[validate_plain_text, validate_no_contact_details],
        help_text=_("For example: finding volunteers, or applying for a subsidy."),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ASKED
    )
    ambassador = models.ForeignKey(
        Membership,
        verbose_name=_("ambassador as coach"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coachings",
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiative broker as coach"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coachings",
    )
    broker_name = models.CharField(
        _("name shown for the initiative broker"),
        max_length=80,
        blank=True,
        validators=[validate_plain_text, validate_no_contact_details],
        help_text=_("Shown on the initiative's page, for example: Fatima, initiatiefmakelaar."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The colleague who chose the coach; told when an ambassador declines."),
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered by the ambassador"), null=True, blank=True)

    objects = CoachRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("coach request")
        verbose_name_plural = _("coach requests")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ambassador__isnull=True) | Q(broker__isnull=True),
                name="coach_is_one_person",
            ),
        ]

    def __str__(self) -> str:
        return str(self.initiative)

    @property
    def coach_name(self) -> str:
        """The coach as the public sees them: the ambassador's profile name, or the name
        staff chose for the initiative broker (never an email address)."""
        if self.ambassador_id:
            assert self.ambassador is not None
            return self.ambassador.public_name
        if self.broker_id:
            assert self.broker is not None
            # Never the broker's own name: a neutral one when staff chose none.
            return self.broker_name or gettext("an initiative broker")
        return ""

    @property
    def is_coached(self) -> bool:
        """A coach the public sees: an initiative broker once assigned, an ambassador
        once they accepted."""
        if self.broker_id:
            return self.status in (self.Status.ASSIGNED, self.Status.ACCEPTED)
        return bool(self.ambassador_id) and self.status == self.Status.ACCEPTED

    def may_be_assigned_by(self, user) -> bool:
        """The area manager of the initiative's neighbourhood, the initiative brokers
        (the triage, city-wide) and administrators assign a coach."""
        if not user.is_authenticated or not user.is_staff:
            return False
        if user.is_superuser:
            return True
        neighbourhood = self.initiative.neighbourhood
        if neighbourhood is not None and neighbourhood.area_manager_id == user.pk:
            return True
        return user.groups.filter(name=Role.INITIATIVE_BROKER).exists()
