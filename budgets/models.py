"""The neighbourhood budget (buurtbudget): a round in which residents decide how an
amount is spent. Residents (and initiatives or agenda items) submit plans, staff check
each plan's feasibility in public, residents vote, and the winners follow from the
round's winner rule."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from common.money import euros
from neighbourhoods.models import Neighbourhood


class RoundQuerySet(models.QuerySet["Round"]):
    def for_listing(self) -> "RoundQuerySet":
        return self.select_related("neighbourhood")

    def public(self) -> "RoundQuerySet":
        """Rounds residents can see: from the moment plans may be submitted."""
        return self.filter(submission_opens__lte=timezone.now())

    def due_for_results(self) -> "RoundQuerySet":
        """Closed, past the paper deadline (if any) and not counted yet."""
        return self.filter(
            voting_closes__lte=timezone.now(), results_computed_at__isnull=True
        ).exclude(paper_deadline__gt=timezone.now())


class Round(models.Model):
    """A round of the neighbourhood budget: an amount for a neighbourhood (or the whole
    city), a period to submit plans, a period to vote, the form of the ballot and the rule
    by which the winners are chosen."""

    class BallotForm(models.TextChoices):
        BUDGET = "budget", _("Budget ballot: choose plans up to the budget")
        APPROVAL = "approval", _("Approval: choose every plan you support")
        RANKING = "ranking", _("Ranking: put plans in order of preference")

    class WinnerRule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first, as long as the budget allows")
        EQUAL_SHARES = "equal_shares", _("Method of Equal Shares")

    class Phase(models.TextChoices):
        UPCOMING = "upcoming", _("Not open yet")
        SUBMISSION = "submission", _("Submitting plans")
        REVIEW = "review", _("Plans are being checked")
        VOTING = "voting", _("Voting")
        CLOSED = "closed", _("Closed")

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_rounds",
        help_text=_("Leave empty for a round for the whole city."),
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True, max_length=3000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=3000)
    total = models.DecimalField(
        _("amount in euros"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    submission_opens = models.DateTimeField(_("plans may be submitted from"))
    submission_closes = models.DateTimeField(_("plans may be submitted until"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    paper_deadline = models.DateTimeField(
        _("paper ballots entered and confirmed until"),
        null=True,
        blank=True,
        help_text=_(
            "The results are counted after this moment, so that paper ballots that arrived "
            "in time can still be typed in and confirmed. Leave empty when there are no "
            "paper ballots: then they are counted when voting closes."
        ),
    )
    ballot_form = models.CharField(
        _("ballot"), max_length=10, choices=BallotForm.choices, default=BallotForm.BUDGET
    )
    min_plans = models.PositiveSmallIntegerField(_("at least this many plans"), default=1)
    max_plans = models.PositiveSmallIntegerField(
        _("at most this many plans"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no maximum."),
    )
    winner_rule = models.CharField(
        _("winner rule"), max_length=12, choices=WinnerRule.choices, default=WinnerRule.GREEDY
    )
    results_computed_at = models.DateTimeField(_("results computed"), null=True, blank=True)
    ballots_counted = models.PositiveIntegerField(_("ballots counted"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget round")
        verbose_name_plural = _("budget rounds")
        ordering = ["-voting_closes", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="budget_round_total"),
            models.CheckConstraint(
                condition=Q(submission_closes__gt=F("submission_opens"))
                & Q(voting_opens__gte=F("submission_closes"))
                & Q(voting_closes__gt=F("voting_opens")),
                name="budget_round_periods_in_order",
            ),
            models.CheckConstraint(
                condition=Q(max_plans__isnull=True) | Q(max_plans__gte=F("min_plans")),
                name="budget_round_min_max",
            ),
            models.CheckConstraint(
                condition=Q(paper_deadline__isnull=True)
                | Q(paper_deadline__gte=F("voting_closes")),
                name="budget_round_paper_after_voting",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgets:round", args=[self.pk])

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_nl

    @property
    def description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description_nl

    def clean(self) -> None:
        if None in (
            self.submission_opens,
            self.submission_closes,
            self.voting_opens,
            self.voting_closes,
        ):
            return
        if self.submission_closes <= self.submission_opens:
            raise ValidationError({"submission_closes": _("The end must come after the start.")})
        if self.voting_opens < self.submission_closes:
            raise ValidationError(
                {"voting_opens": _("Voting opens after the plans have been submitted.")}
            )
        if self.voting_closes <= self.voting_opens:
            raise ValidationError({"voting_closes": _("The end must come after the start.")})
        if self.max_plans is not None and self.max_plans < self.min_plans:
            raise ValidationError({"max_plans": _("The maximum cannot be less than the minimum.")})
        if self.paper_deadline is not None and self.paper_deadline < self.voting_closes:
            raise ValidationError(
                {"paper_deadline": _("The paper deadline cannot come before voting closes.")}
            )

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.submission_opens:
            return self.Phase.UPCOMING
        if now < self.submission_closes:
            return self.Phase.SUBMISSION
        if now < self.voting_opens:
            return self.Phase.REVIEW
        if now < self.voting_closes:
            return self.Phase.VOTING
        return self.Phase.CLOSED

    @property
    def phase_label(self) -> str:
        return str(self.Phase(self.phase()).label)

    @property
    def takes_plans(self) -> bool:
        return self.phase() == self.Phase.SUBMISSION

    @property
    def is_voting_open(self) -> bool:
        return self.phase() == self.Phase.VOTING

    @property
    def is_closed(self) -> bool:
        return self.phase() == self.Phase.CLOSED

    @property
    def is_countable(self) -> bool:
        """Voting has closed and the paper deadline (if any) has passed."""
        now = timezone.now()
        return self.is_closed and (self.paper_deadline is None or self.paper_deadline <= now)

    @property
    def has_results(self) -> bool:
        return self.results_computed_at is not None

    @property
    def tally_published(self) -> bool:
        """Whether the votes (or points) per plan are published: only when at least
        ``SURVEY_MIN_GROUP_SIZE`` ballots were counted. With fewer, the numbers could
        show how a neighbour voted; the winners and the reasons are published without
        them, and staff see them in the back office."""
        return self.ballots_counted >= settings.SURVEY_MIN_GROUP_SIZE


class Theme(models.Model):
    """A theme of a round's plans (green, play, safety), with an optional limit on how
    much of one ballot may go to it."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="themes"
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    max_plans = models.PositiveSmallIntegerField(
        _("at most this many plans of this theme on one ballot"), null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("at most this amount of this theme on one ballot"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_nl


class PlanQuerySet(models.QuerySet["Plan"]):
    def on_ballot(self) -> "PlanQuerySet":
        return self.filter(feasibility=Plan.Feasibility.FEASIBLE)

    def public(self) -> "PlanQuerySet":
        return self.select_related("theme").order_by("pk")


class Plan(models.Model):
    """A plan for the neighbourhood budget, with its cost estimate. Staff check whether it
    can be carried out and say why in public; a feasible plan goes on the ballot."""

    class Feasibility(models.TextChoices):
        PENDING = "pending", _("Being checked")
        FEASIBLE = "feasible", _("Feasible: on the ballot")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=3000)
    cost = models.DecimalField(
        _("cost in euros"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_plans",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("from initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_plans",
    )
    agenda_item = models.ForeignKey(
        "neighbourhoods.AgendaItem",
        verbose_name=_("from agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_plans",
    )
    feasibility = models.CharField(
        _("feasibility"), max_length=12, choices=Feasibility.choices, default=Feasibility.PENDING
    )
    feasibility_reason = models.TextField(
        _("public reason"),
        blank=True,
        max_length=2000,
        help_text=_("Why the plan is or is not feasible; shown to everyone."),
    )
    estimated_cost = models.DecimalField(
        _("cost as submitted"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_reason = models.CharField(_("why the cost changed"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("checked"), null=True, blank=True)
    project = models.ForeignKey(
        "neighbourhoods.ProgrammeProject",
        verbose_name=_("programme project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_plans",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="budget_plan_cost"),
            models.CheckConstraint(
                condition=~Q(feasibility="not_feasible") | ~Q(feasibility_reason=""),
                name="budget_plan_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgets:round", args=[self.round_id]) + f"#plan-{self.pk}"

    @property
    def on_ballot(self) -> bool:
        return self.feasibility == self.Feasibility.FEASIBLE


class BallotQuerySet(models.QuerySet["Ballot"]):
    def counted(self) -> "BallotQuerySet":
        """Ballots that count: a resident's own, and paper ballots a second colleague
        confirmed."""
        return self.filter(Q(paper=False) | Q(confirmed_by__isnull=False))


class Ballot(models.Model):
    """One resident's ballot in a round (changeable until the round closes), or a paper
    ballot a colleague typed in and a second colleague confirmed. At the count the
    ballot is moved into the anonymous ``CountedBallot`` and deleted (with its choices),
    so nothing ties a vote to the voter any more."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="ballots"
    )
    # SET_NULL: an account deleted without ``actions.forget_ballots`` (which removes
    # the ballots of rounds not yet counted) leaves its ballot without a name rather
    # than taking a counted ballot out from under the count's published results.
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_ballots",
    )
    paper = models.BooleanField(_("paper ballot"), default=False)
    paper_reference = models.CharField(_("number on the paper ballot"), max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plans = models.ManyToManyField(
        Plan, verbose_name=_("plans"), through="Choice", related_name="ballots"
    )
    created_at = models.DateTimeField(_("cast"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "voter"],
                condition=Q(voter__isnull=False),
                name="budget_one_ballot_per_voter",
            ),
            # Four eyes: whoever typed in a paper ballot cannot confirm it.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("entered_by")),
                name="budget_paper_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(paper=True) | Q(entered_by__isnull=True, confirmed_by__isnull=True),
                name="budget_only_paper_is_entered",
            ),
            # A paper ballot is found again by its number: one number once per round.
            models.UniqueConstraint(
                fields=["round", "paper_reference"],
                condition=Q(paper=True) & ~Q(paper_reference=""),
                name="budget_paper_reference_once",
            ),
        ]

    def __str__(self) -> str:
        # A paper ballot by the number on the paper: how colleagues find it again.
        if self.paper and self.paper_reference:
            return self.paper_reference
        return f"{self.round_id}/{self.pk}"


class Choice(models.Model):
    """A plan chosen on a ballot; on a ranking ballot with its place (1 is first)."""

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="choices"
    )
    rank = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["ballot", "rank", "plan"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "plan"], name="budget_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.plan_id}"


class CountedBallot(models.Model):
    """A ballot as it was counted, kept for a recount: its round and the plans it chose
    (plan ids, in order of preference on a ranking ballot), and nothing else: no person,
    no moment, no paper number. At the count the round's ballots are moved here in a
    random order and the ballots themselves deleted, so not even its number says when it
    was cast (``budgets.anonymous``)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="counted_ballots"
    )
    plans = models.JSONField(_("plans chosen (in order)"))

    class Meta:
        verbose_name = _("counted ballot")
        verbose_name_plural = _("counted ballots")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.plans}"


class Outcome(models.Model):
    """What happened to one plan when the round's results were computed: its votes,
    whether it won, and the reason in plain words (kept as a key and figures, so it reads
    in every language)."""

    class Reason(models.TextChoices):
        EQUAL_SHARES = "equal_shares", _("chosen by Equal Shares")
        COMPLETION = "completion", _("added with the remaining budget")
        FITS = "fits", _("fit in the remaining budget")
        TOO_EXPENSIVE = "too_expensive", _("did not fit in the remaining budget")
        SUPPORT_SPREAD = "support_spread", _("its voters' shares could not pay for it")
        NO_VOTES = "no_votes", _("no votes")

    plan = models.OneToOneField(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="outcome"
    )
    votes = models.PositiveIntegerField(_("votes"))
    points = models.PositiveIntegerField(_("points"), default=0)
    won = models.BooleanField(_("won"))
    position = models.PositiveSmallIntegerField(_("place in the count"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    remaining = models.DecimalField(
        _("budget left when it was considered"), max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.reason}"


def _score(outcome: "Outcome", by_points: bool) -> str:
    if by_points:
        return ngettext("%(n)s point", "%(n)s points", outcome.points) % {"n": outcome.points}
    return ngettext("%(n)s vote", "%(n)s votes", outcome.votes) % {"n": outcome.votes}


def explain(outcome: "Outcome", *, by_points: bool = False, figures: bool = True) -> str:
    """Why a plan won or not, in plain words ("Had 412 votes and fit in the remaining
    budget of € 12.300."); without ``figures`` (a round with too few ballots to publish
    its tally) only whether it won, in the same words for every plan: any other reason
    ("nobody chose it", "its voters' shares") would say something of how few people
    voted."""
    if not figures:
        return str(
            _("Won within the budget.") if outcome.won else _("Did not win within the budget.")
        )
    values = {
        "score": _score(outcome, by_points),
        "cost": euros(outcome.plan.cost),
        "remaining": euros(outcome.remaining),
    }
    texts = {
        Outcome.Reason.EQUAL_SHARES: _(
            "Had %(score)s. Its voters could pay its cost of %(cost)s together from their "
            "equal shares of the budget."
        ),
        Outcome.Reason.COMPLETION: _(
            "Had %(score)s. After the Equal Shares count it fit in the remaining budget of "
            "%(remaining)s."
        ),
        Outcome.Reason.FITS: _("Had %(score)s and fit in the remaining budget of %(remaining)s."),
        Outcome.Reason.TOO_EXPENSIVE: _(
            "Had %(score)s, but its cost of %(cost)s did not fit in the remaining budget of "
            "%(remaining)s."
        ),
        Outcome.Reason.SUPPORT_SPREAD: _(
            "Had %(score)s, but its voters' equal shares of the budget were not enough to pay "
            "its cost of %(cost)s."
        ),
        Outcome.Reason.NO_VOTES: _("Had no votes."),
    }
    return str(texts[Outcome.Reason(outcome.reason)]) % values
