"""Surveys (the resident survey / burgerpeiling, panel polls, service feedback), the
resident panel, invitations, anonymous responses and indicators against targets.

Anonymity by construction: an ``Invitation`` knows who was asked; a ``Response`` knows
only the survey, a coarse neighbourhood and age band, and the date its batch was
released. An anonymous survey's completed questionnaire first waits as a
``SealedResponse`` (no invitation, no time) and is released with others in a shuffled
batch, in a transaction that also marks their invitations released; so no key, timestamp,
transaction id or row position connects an invitation to its response (see
``surveys/answering.py`` and ``docs/security.md``)."""

import hashlib
import hmac
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from common.validators import validate_plain_text

REMINDER_DAYS_VALIDATOR = RegexValidator(
    r"^\d{1,2}(,\d{1,2}){0,4}$", _("Enter days as numbers separated by commas, e.g. 5,10.")
)


# The national burgerpeiling protocol publishes only with at least this many responses.
PUBLISH_MINIMUM_RESIDENT_SURVEY = 475


class AgeBand(models.TextChoices):
    """Coarse on purpose: enough for breakdowns, too coarse to identify anyone."""

    UNDER_25 = "u25", _("Under 25")
    FROM_25 = "25-44", _("25 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65+", _("65 and older")


# The notification kind behind the opt-out of evaluations (surveys.evaluations): a person
# who sets its email to "never" is not asked how taking part went. It sends nothing itself.
EVALUATION_NOTIFICATIONS = "evaluation"


class SurveyQuerySet(models.QuerySet["Survey"]):
    def open_now(self) -> "SurveyQuerySet":
        now = timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True)

    def published(self) -> "SurveyQuerySet":
        return self.filter(results_published_at__isnull=False)


class Survey(models.Model):
    """A questionnaire with its audience and timing. A resident survey (burgerpeiling)
    is usually anonymous and sent to a sample of the panel; its rating questions feed the
    budget's indicators."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident survey")
        PANEL = "panel", _("Panel poll")
        FEEDBACK = "feedback", _("Service feedback")
        EVALUATION = "evaluation", _("Evaluation of taking part")

    class Audience(models.TextChoices):
        OPEN = "open", _("Open link: anyone may answer")
        PANEL = "panel", _("The whole panel")
        SAMPLE = "sample", _("A sample of the panel")
        LIST = "list", _("An uploaded list of email addresses")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    intro = models.TextField(_("introduction"), blank=True, max_length=3000)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Answers cannot be linked to a person, not even by the municipality."),
    )
    one_page = models.BooleanField(
        _("all questions on one page"),
        default=False,
        help_text=_("Otherwise one page per question group (the questions' page numbers)."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    reminder_days = models.CharField(
        _("reminders after days"),
        max_length=20,
        blank=True,
        default="5,10",
        validators=[REMINDER_DAYS_VALIDATOR],
        help_text=_("Days after the invitation, e.g. 5,10. Leave empty for no reminders."),
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("at most this many reminders"), default=2, validators=[MaxValueValidator(5)]
    )
    weighted = models.BooleanField(
        _("weight results by neighbourhood population"),
        default=False,
        help_text=_("Post-stratification: corrects for neighbourhoods that answered more."),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("same survey last time"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Results are compared question by question (same question code)."),
    )
    minimum_responses = models.PositiveIntegerField(
        _("minimum number of responses"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Below this number the results are not published, and a council question is "
            "not answered, unless a researcher gives a public reason. Leave empty for the "
            "usual minimum: 475 for a resident survey (burgerpeiling protocol), otherwise "
            "the smallest group the results page shows."
        ),
    )
    small_sample_reason = models.TextField(
        _("why the results are published with fewer responses"),
        blank=True,
        max_length=1000,
        validators=[validate_plain_text],
        help_text=_("Shown with the results, for everyone to read."),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:start", args=[self.slug])

    def get_results_url(self) -> str:
        return reverse("surveys:results", args=[self.slug])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    @property
    def is_published(self) -> bool:
        return self.results_published_at is not None

    @property
    def publish_minimum(self) -> int:
        """The fewest responses with which results are published (and a council
        question answered) without a public reason."""
        if self.minimum_responses:
            return self.minimum_responses
        if self.kind == self.Kind.RESIDENT:
            return PUBLISH_MINIMUM_RESIDENT_SURVEY
        return settings.SURVEY_MIN_GROUP_SIZE

    def response_count(self) -> int:
        return self.responses.count()

    def has_too_few_responses(self) -> bool:
        """Fewer responses than the minimum, and no public reason given for publishing."""
        return self.response_count() < self.publish_minimum and not self.small_sample_reason

    @property
    def year(self) -> int:
        return timezone.localtime(self.opens_at).year

    def reminder_schedule(self) -> list[int]:
        if not self.reminder_days:
            return []
        days = sorted(int(day) for day in self.reminder_days.split(","))
        return days[: self.max_reminders]

    def invitations_due_for_reminder(self, today: date | None = None) -> list[int]:
        """Invitations due for their next reminder: sent, not completed, fewer reminders
        than the schedule, and the schedule's day for the next one has come."""
        today = today or timezone.localdate()
        due = []
        for number, days in enumerate(self.reminder_schedule()):
            sent_before = timezone.make_aware(
                timezone.datetime.combine(
                    today - timedelta(days=days), timezone.datetime.max.time()
                )
            )
            due.extend(
                self.invitations.filter(
                    completed=False,
                    reminders_sent=number,
                    sent_at__isnull=False,
                    sent_at__lte=sent_before,
                ).values_list("pk", flat=True)
            )
        return due

    def pages(self) -> list[int]:
        """Page numbers in order; one page when the survey says so."""
        if self.one_page:
            return [1]
        return sorted({question.page for question in self.questions.all()}) or [1]


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1 to 10 (rapportcijfer)")
        LIKERT = "likert", _("Agree or disagree, 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Open text")
        YESNO = "yesno", _("Yes or no")

    # The numeric kinds store value_number; their means and intervals make sense.
    NUMERIC = {Kind.RATING, Kind.LIKERT}
    SCALES = {Kind.RATING: (1, 10), Kind.LIKERT: (1, 5)}

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    page = models.PositiveSmallIntegerField(_("page"), default=1, validators=[MinValueValidator(1)])
    code = models.SlugField(
        _("code"),
        max_length=60,
        blank=True,
        help_text=_("The same code in next year's survey makes results comparable."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("only show if question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    show_if_value = models.CharField(
        _("has the answer"),
        max_length=60,
        blank=True,
        help_text=_("The choice's value, 'yes'/'no', or a number."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["page", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"], condition=~Q(code=""), name="question_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.show_if_question_id:
            earlier = self.show_if_question
            if earlier.survey_id != self.survey_id or (earlier.page, earlier.order) >= (
                self.page,
                self.order,
            ):
                raise ValidationError(
                    {"show_if_question": _("Choose an earlier question of the same survey.")}
                )
            if not self.show_if_value:
                raise ValidationError({"show_if_value": _("Say which answer shows it.")})

    @property
    def is_numeric(self) -> bool:
        return self.kind in self.NUMERIC


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    value = models.SlugField(_("value"), max_length=60)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique")
        ]

    def __str__(self) -> str:
        return self.label


class PanelMemberQuerySet(models.QuerySet["PanelMember"]):
    def eligible_for(self, survey: Survey, year: int | None = None) -> "PanelMemberQuerySet":
        """Panel members not yet invited to this survey and under the yearly invitation
        cap."""
        year = year or timezone.localdate().year
        return (
            self.filter(user__is_active=True)
            .exclude(invitations__survey=survey)
            .annotate(this_year=Count("invitations", filter=Q(invitations__created_at__year=year)))
            .filter(this_year__lt=settings.PANEL_INVITATIONS_PER_YEAR)
        )

    def why_not_eligible(self, survey: Survey, year: int | None = None) -> dict[str, int]:
        """Why panel members cannot be invited to this survey, counted: the panel's size
        (everyone in it gave consent), members whose account is closed or blocked,
        members invited to this survey already, and members who reached this year's
        invitation cap. Each member is counted once, under the first reason that holds."""
        year = year or timezone.localdate().year
        active = self.filter(user__is_active=True)
        not_yet = active.exclude(invitations__survey=survey)
        at_cap = (
            not_yet.annotate(
                this_year=Count("invitations", filter=Q(invitations__created_at__year=year))
            )
            .filter(this_year__gte=settings.PANEL_INVITATIONS_PER_YEAR)
            .count()
        )
        panel = self.count()
        return {
            "panel": panel,
            "inactive": panel - active.count(),
            "invited_already": active.filter(invitations__survey=survey).distinct().count(),
            "at_cap": at_cap,
            "eligible": self.eligible_for(survey, year).count(),
        }


class PanelMember(models.Model):
    """A resident in the panel. Leaving deletes this row: the invitations lose their
    link to the person, and the (anonymous) answers stay as they are."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="panel_member",
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        related_name="panel_members",
    )
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand)
    consent_at = models.DateTimeField(_("consent given"), default=timezone.now)

    objects = PanelMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        """What a researcher reads in the heading and the history: the member's number,
        neighbourhood and age band in words, no person (not the account's number)."""
        return gettext("Panel member %(number)s · %(neighbourhood)s · %(age)s") % {
            "number": self.pk,
            "neighbourhood": self.neighbourhood,
            "age": self.get_age_band_display(),
        }

    LEAVE_SALT = "surveys.panel.leave"

    @classmethod
    def leave_token(cls, user) -> str:
        """The signed token of the one-click "leave the panel" link in every email."""
        return signing.dumps(user.pk, salt=cls.LEAVE_SALT)

    @classmethod
    def user_from_leave_token(cls, token: str):
        try:
            user_id = signing.loads(token, salt=cls.LEAVE_SALT)
        except signing.BadSignature:
            return None
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def _token_key() -> bytes:
    return hashlib.sha256(f"surveys.invitation:{settings.SECRET_KEY}".encode()).digest()


class Invitation(models.Model):
    """Who was asked to take part in a survey, and where that stands: sent, reminded,
    opened, started, completed (answers sent in), released (those answers now counted, in
    a shuffled batch with others). Deliberately without any timestamp of completion and
    without any link to the response."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    member = models.ForeignKey(
        PanelMember,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("email address"), blank=True)
    # Coarse group, kept for response rates per neighbourhood and age band.
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand, blank=True)
    # For an evaluation: what the person took part in, named in the invitation email.
    about = models.CharField(_("about"), max_length=200, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    opened = models.BooleanField(_("opened"), default=False)
    started = models.BooleanField(_("started"), default=False)
    completed = models.BooleanField(_("completed"), default=False)
    # Set for a whole batch at once when its sealed answers are released, so the row's
    # last change is the batch's, not the moment this person pressed send.
    released = models.BooleanField(_("released"), default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                condition=Q(member__isnull=False),
                name="invitation_once_per_member",
            )
        ]
        indexes = [models.Index(fields=["survey", "completed", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:invitation", args=[self.token()])

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def token(self) -> str:
        """The invitation's secret link token, derived (not stored) so reminders can
        repeat the same link; the database keeps only its hash."""
        return hmac.new(_token_key(), f"{self.survey_id}:{self.pk}".encode(), "sha256").hexdigest()

    def set_token_hash(self) -> None:
        self.token_hash = self.hash_token(self.token())

    @property
    def recipient_email(self) -> str:
        return self.member.user.email if self.member_id else self.email


class ResponseDraft(models.Model):
    """Answers saved page by page before submitting, so a resident can stop and resume.
    Found by the hash of the invitation token (or of an open-link session key); deleted
    the moment the response is submitted."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    answers = models.JSONField(_("answers"), default=dict)
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("unfinished response")
        verbose_name_plural = _("unfinished responses")

    def __str__(self) -> str:
        return f"{self.survey_id}: page {self.page}"


class SealedResponse(models.Model):
    """A completed questionnaire of an anonymous survey, waiting to be released with
    others (``surveys.actions.release_responses``). It knows the survey, the coarse group
    and the answers; never the invitation, the person, the token or any time. Its key is
    random, and it is deleted when its batch is released."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand, blank=True)
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("answers waiting for release")
        verbose_name_plural = _("answers waiting for release")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.pk}"


class Response(models.Model):
    """One completed questionnaire. For an anonymous survey it carries only the coarse
    neighbourhood and age band and the date its batch was released, never a time, a
    person or an invitation. Its key is random, so its id says nothing about when it came in
    compared to other tables."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    # Only for surveys that are not anonymous.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.submitted_on}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    value_number = models.SmallIntegerField(_("number"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), on_delete=models.CASCADE, null=True, blank=True
    )
    value_text = models.TextField(
        _("text"), blank=True, max_length=2000, validators=[validate_plain_text]
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "value_number"])]

    def __str__(self) -> str:
        return f"{self.question_id}"


class Indicator(models.Model):
    """A figure the municipality reports in its budget, e.g. "Waardering wijze waarop
    gemeente burgers betrekt bij beleid", with a target per year (streefcijfer) and the
    realised value per year (realisatie), computed from that year's survey question or
    entered by hand for figures from elsewhere."""

    name = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(
        _("name (English)"),
        max_length=200,
        blank=True,
        help_text=_("Shown to readers in English; without it they read the Dutch name."),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description (Dutch)"), blank=True, max_length=2000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=2000)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. 'grade'"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:indicator", args=[self.slug])

    @property
    def shown_name(self) -> str:
        """The name in the reader's language (Dutch when no English name was given)."""
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @property
    def shown_description(self) -> str:
        english = get_language() == "en" and self.description_en
        return self.description_en if english else self.description


class IndicatorYear(models.Model):
    """One year of an indicator: its target and where the realised value comes from."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target = models.DecimalField(_("target"), max_digits=6, decimal_places=2, null=True, blank=True)
    question = models.ForeignKey(
        Question,
        verbose_name=_("measured by question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_years",
        limit_choices_to={"kind__in": ["rating", "likert"]},
    )
    manual_value = models.DecimalField(
        _("realised value (by hand)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for figures that do not come from a survey question."),
    )

    class Meta:
        verbose_name = _("indicator year")
        verbose_name_plural = _("indicator years")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class SendRun(models.Model):
    """Progress of sending a survey's invitations or reminders in batches."""

    class Kind(models.TextChoices):
        INVITATIONS = "invitations", _("Invitations")
        REMINDERS = "reminders", _("Reminders")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="send_runs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    total = models.PositiveIntegerField(_("total"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("sending")
        verbose_name_plural = _("sendings")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.sent}/{self.total}"
