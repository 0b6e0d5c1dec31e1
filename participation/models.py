"""How the municipality involves people in its own work: participation processes with
their stakeholder analysis and participation ladder, task teams (opgaveteams), the
council's questions to the resident panel, and the weekly decisions list
(besluitenlijst)."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from common.language import in_language
from common.validators import validate_plain_text
from neighbourhoods.models import AgendaItem, Event, Neighbourhood, ProgrammeProject


class Level(models.TextChoices):
    """The participation ladder (participatieladder), from least to most influence."""

    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    ADVISE = "advise", _("Advise")
    COPRODUCE = "coproduce", _("Co-produce")
    DECIDE = "decide", _("Decide")


LADDER = list(Level)


# --- participation processes ---------------------------------------------------------


class ProcessQuerySet(models.QuerySet["Process"]):
    def published(self) -> "ProcessQuerySet":
        return self.filter(published_at__isnull=False)

    def for_listing(self) -> "ProcessQuerySet":
        return self.prefetch_related("neighbourhoods", "phases")


class Process(models.Model):
    """A policy process or project the municipality runs with residents (a
    participatietraject). Before it starts ("starten voor de start") the municipality maps
    who is involved and chooses per phase how far participation goes, with the reason.
    Public once published; afterwards each phase says what we heard and what we did."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        PROJECT = "project", _("Project")

    title = models.CharField(_("title"), max_length=160, validators=[validate_plain_text])
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=300, validators=[validate_plain_text])
    description = models.TextField(_("description"), max_length=8000, blank=True)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood,
        verbose_name=_("neighbourhoods"),
        blank=True,
        related_name="processes",
        help_text=_("Leave empty when the process concerns the whole municipality."),
    )
    agenda_items = models.ManyToManyField(
        AgendaItem, verbose_name=_("agenda items"), blank=True, related_name="processes"
    )
    projects = models.ManyToManyField(
        ProgrammeProject, verbose_name=_("programme projects"), blank=True, related_name="processes"
    )
    surveys = models.ManyToManyField(
        "surveys.Survey", verbose_name=_("surveys"), blank=True, related_name="processes"
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("initiatives"),
        blank=True,
        related_name="processes",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def current_phase(self, today=None):
        """The phase running today, else the next one, else the last."""
        today = today or timezone.localdate()
        phases = list(self.phases.all())
        for phase in phases:
            if phase.starts_on <= today and (phase.ends_on is None or today <= phase.ends_on):
                return phase
        upcoming = [phase for phase in phases if phase.starts_on > today]
        return upcoming[0] if upcoming else (phases[-1] if phases else None)


class Phase(models.Model):
    """One phase of a process with the rung of the participation ladder chosen for it,
    and afterwards what we heard from people and what we did with it."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("phase"), max_length=120, validators=[validate_plain_text])
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    level = models.CharField(_("participation level"), max_length=16, choices=Level)
    level_reason = models.TextField(
        _("why this level"),
        max_length=2000,
        help_text=_("Why residents get this much say in this phase, and not more or less."),
    )
    heard = models.TextField(
        _("what we heard"),
        max_length=5000,
        blank=True,
        help_text=_("Filled in after the phase: what residents and stakeholders told us."),
    )
    done = models.TextField(
        _("what we did with it"),
        max_length=5000,
        blank=True,
        help_text=_(
            "Filled in after the phase: what changed because of it, and what did not, and why."
        ),
    )
    feedback_published_at = models.DateTimeField(
        _("feedback published"), null=True, blank=True, editable=False
    )
    # When the process's followers were asked how taking part in this phase went (once).
    evaluation_asked_at = models.DateTimeField(
        _("participants asked how it went"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["order", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="phase_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level_step(self) -> int:
        """1 (inform) to 5 (decide): the rung on the ladder."""
        return LADDER.index(Level(self.level)) + 1

    @property
    def has_feedback(self) -> bool:
        return bool(self.heard.strip() or self.done.strip())


class Stakeholder(models.Model):
    """One party in the stakeholder analysis (omgevingsanalyse): an organisation, a group
    or a role, never a private person by name on the public page."""

    class Influence(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(
        _("stakeholder"),
        max_length=160,
        validators=[validate_plain_text],
        help_text=_(
            "An organisation, group or role (e.g. “residents of the Kade”), not a private person."
        ),
    )
    interests = models.TextField(_("interests"), max_length=2000)
    influence = models.CharField(_("influence"), max_length=8, choices=Influence.choices)
    involvement = models.CharField(
        _("how they are involved"), max_length=300, validators=[validate_plain_text]
    )
    level = models.CharField(_("participation level"), max_length=16, choices=Level)
    internal_note = models.TextField(
        _("internal note"),
        max_length=2000,
        blank=True,
        help_text=_("Only for civil servants; never shown on the portal."),
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def influence_rank(self) -> int:
        return list(self.Influence.values).index(self.influence)


class ProcessFollow(models.Model):
    """Someone who wants to hear when a process moves to a new phase or reports back."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="process_follows",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("process follower")
        verbose_name_plural = _("process followers")
        constraints = [
            models.UniqueConstraint(fields=["process", "user"], name="process_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.process_id}"


# --- task teams ------------------------------------------------------------------------


class TaskTeam(models.Model):
    """An opgaveteam: residents and civil servants working together on an agenda item or
    a programme project. Sometimes the municipality leads, sometimes it is a partner,
    sometimes it only facilitates; the page says which."""

    class MunicipalityRole(models.TextChoices):
        LEAD = "lead", _("The municipality leads")
        PARTNER = "partner", _("The municipality is a partner")
        FACILITATOR = "facilitator", _("The municipality only facilitates")

    title = models.CharField(_("title"), max_length=160, validators=[validate_plain_text])
    description = models.TextField(_("what the team works on"), max_length=4000)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_teams",
    )
    project = models.ForeignKey(
        ProgrammeProject,
        verbose_name=_("programme project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="task_teams",
    )
    municipality_role = models.CharField(
        _("role of the municipality"), max_length=16, choices=MunicipalityRole.choices
    )
    open_for_applications = models.BooleanField(_("residents may apply"), default=True)
    meetings = models.ManyToManyField(
        Event, verbose_name=_("meetings"), blank=True, related_name="task_teams"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("task team")
        verbose_name_plural = _("task teams")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=False, project__isnull=True)
                | Q(agenda_item__isnull=True, project__isnull=False),
                name="task_team_on_one_item_or_project",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:team", args=[self.pk])

    @property
    def neighbourhood(self) -> Neighbourhood:
        if self.agenda_item_id:
            return self.agenda_item.neighbourhood
        return self.project.programme.neighbourhood

    def is_managed_by(self, user) -> bool:
        """Only the area manager of the team's neighbourhood takes people on."""
        return user.is_authenticated and self.neighbourhood.area_manager_id == user.pk

    def log_may_be_written_by(self, user) -> bool:
        """The team's manager, and members given the right, write its progress log."""
        if not user.is_authenticated:
            return False
        if self.is_managed_by(user):
            return True
        return any(m.user_id == user.pk and m.may_write_log for m in self.memberships.all())


class TeamMembership(models.Model):
    """A place in a task team, from the resident's application to acceptance."""

    class Role(models.TextChoices):
        RESIDENT_LEAD = "resident_lead", _("Resident lead")
        RESIDENT = "resident", _("Resident")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        FACILITATOR = "facilitator", _("Facilitator")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    team = models.ForeignKey(
        TaskTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.RESIDENT)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLIED
    )
    motivation = models.TextField(
        _("why you want to join"), max_length=1000, validators=[validate_plain_text]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["status", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.team_id}"

    @property
    def may_write_log(self) -> bool:
        return self.status == self.Status.ACCEPTED and self.role != self.Role.RESIDENT


class TeamLogEntry(models.Model):
    """A short public note of the team's progress."""

    team = models.ForeignKey(
        TaskTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="log"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("progress"), max_length=1000, validators=[validate_plain_text])
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


# --- council questions to the panel ------------------------------------------------------


class CouncilQuestionQuerySet(models.QuerySet["CouncilQuestion"]):
    def published(self) -> "CouncilQuestionQuerySet":
        return self.filter(status=CouncilQuestion.Status.ANSWERED)

    def waiting_for_researchers(self) -> "CouncilQuestionQuerySet":
        """Questions the researchers must act on: submitted (or revised) ones to review,
        and accepted ones that are not a panel poll yet."""
        return self.filter(
            Q(status=CouncilQuestion.Status.SUBMITTED)
            | Q(status=CouncilQuestion.Status.ACCEPTED, survey__isnull=True)
        )

    def per_year(self) -> dict[int, int]:
        """For the indicator page: how often the council asked the panel a question."""
        rows = (
            self.exclude(status=CouncilQuestion.Status.DECLINED)
            .annotate(year=ExtractYear("created_at"))
            .values_list("year")
            .annotate(n=Count("pk"))
            .order_by("year")
        )
        return dict(rows)


class CouncilQuestion(models.Model):
    """A question a council member (raadslid) puts to the resident panel. Researchers
    review it: accept, rephrase it with the member, or decline with a reason. An accepted
    question becomes a panel poll; its published result goes back to the member and is
    public here."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REPHRASING = "rephrasing", _("Being rephrased with the council member")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        POLLING = "polling", _("Put to the panel")
        ANSWERED = "answered", _("Answered")

    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("council member"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="council_questions",
    )
    question = models.TextField(_("question"), max_length=1000, validators=[validate_plain_text])
    context = models.TextField(
        _("why the council wants to know"), max_length=2000, validators=[validate_plain_text]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    researcher_message = models.TextField(
        _("message to the council member"),
        max_length=2000,
        blank=True,
        help_text=_("A suggested rephrasing, or the reason for declining."),
    )
    survey = models.OneToOneField(
        "surveys.Survey",
        verbose_name=_("panel poll"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_question",
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = CouncilQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("council question")
        verbose_name_plural = _("council questions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(researcher_message=""),
                name="council_question_declined_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def may_be_edited(self) -> bool:
        return self.status in {self.Status.SUBMITTED, self.Status.REPHRASING}

    @staticmethod
    def may_be_asked_by(user) -> bool:
        """Only council members put questions to the panel."""
        return user.is_authenticated and user.groups.filter(name=Role.COUNCIL_MEMBER.value).exists()


# --- the decisions list -------------------------------------------------------------------


class Topic(models.Model):
    """A subject residents can follow decisions on (e.g. housing, green space)."""

    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)


class DecisionQuerySet(models.QuerySet["Decision"]):
    def published(self) -> "DecisionQuerySet":
        return self.filter(published_at__isnull=False)

    def for_listing(self) -> "DecisionQuerySet":
        return self.select_related("topic").prefetch_related("neighbourhoods")


class Decision(models.Model):
    """A decision of the board (college van B&W) on the weekly decisions list
    (besluitenlijst): what was decided, and why."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_text])
    summary = models.TextField(_("decision"), max_length=3000)
    reasoning = models.TextField(_("why"), max_length=5000)
    decided_on = models.DateField(_("decided on"))
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="decisions"
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, verbose_name=_("neighbourhoods"), blank=True, related_name="decisions"
    )
    processes = models.ManyToManyField(
        Process, verbose_name=_("participation processes"), blank=True, related_name="decisions"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["-decided_on"], name="decision_date_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:decision", args=[self.pk])

    @property
    def week(self) -> str:
        year, week, _day = self.decided_on.isocalendar()
        return f"{year}-W{week:02d}"


class DecisionDocument(models.Model):
    """A document that belongs to a decision: a link to the raadsinformatiesysteem, a
    report, a letter."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_text])
    url = models.URLField(_("link"), max_length=500)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class DecisionFollow(models.Model):
    """Someone who wants decisions on a topic or about a neighbourhood (exactly one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="decision_follows",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="decision_follows",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("decisions follower")
        verbose_name_plural = _("decisions followers")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, neighbourhood__isnull=True)
                | Q(topic__isnull=True, neighbourhood__isnull=False),
                name="decision_follow_topic_or_neighbourhood",
            ),
            models.UniqueConstraint(fields=["user", "topic"], name="decision_follow_topic_once"),
            models.UniqueConstraint(
                fields=["user", "neighbourhood"], name="decision_follow_neighbourhood_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.topic_id or self.neighbourhood_id}"
