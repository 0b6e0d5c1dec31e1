"""What changes a neighbourhood budget round: plans submitted and checked, ballots cast,
changed and typed in from paper, and the results computed once voting has closed."""

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from accounts.models import User
from budgets import access, anonymous, ballots, counting
from budgets.models import Ballot, Choice, CountedBallot, Outcome, Plan, Round, Theme
from common.vacuum import vacuum
from neighbourhoods.models import Programme, ProgrammeProject, ProjectFollower

logger = logging.getLogger(__name__)


class CountedAlreadyError(Exception):
    """The round was counted before this paper ballot was confirmed: it did not count,
    and it is gone with the round's other ballots."""


class FourEyesError(Exception):
    """The colleague who typed in a paper ballot tried to confirm it."""


class NotEntitledError(PermissionDenied):
    """The person has not shown what the municipality asks for this action (the
    verification level); ``message`` says what is missing."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self.message = message


def _entitled(user: User, action: str, round: Round) -> None:
    refused = access.refusal(user, action, round)
    if refused is not None:
        raise NotEntitledError(refused.message)


@transaction.atomic
def submit_plan(
    *,
    round: Round,
    by: User,
    title: str,
    description: str,
    cost: Decimal,
    theme: Theme | None = None,
    initiative_id: int | None = None,
    agenda_item_id: int | None = None,
) -> Plan:
    """A resident submits a plan with a cost estimate; it waits for staff to check it.
    Only someone at the round's verification level for plans, while it takes plans."""
    _entitled(by, access.PLAN, round)
    if not round.takes_plans:
        raise ValidationError(gettext("This round does not take plans now."))
    return Plan.objects.create(
        round=round,
        submitted_by=by,
        title=title,
        description=description,
        cost=cost,
        estimated_cost=cost,
        theme=theme,
        initiative_id=initiative_id,
        agenda_item_id=agenda_item_id,
    )


@transaction.atomic
def review_plan(
    *,
    plan: Plan,
    feasibility: str,
    reason: str,
    cost: Decimal | None = None,
    cost_reason: str = "",
) -> Plan:
    """Staff say whether a plan can be carried out, with a public reason, and may set its
    cost (with the reason why). A feasible plan is on the ballot. Once voting has
    started the plans on the ballot stay as they are."""
    if plan.round.phase() in (Round.Phase.VOTING, Round.Phase.CLOSED):
        raise ValidationError(
            gettext("Voting has started: the plans on the ballot stay as they are.")
        )
    plan.feasibility = feasibility
    plan.feasibility_reason = reason
    if plan.estimated_cost is None:
        plan.estimated_cost = plan.cost
    if cost is not None and cost != plan.cost:
        plan.cost = cost
        plan.cost_reason = cost_reason
    plan.reviewed_at = timezone.now()
    plan.save()
    return plan


def _choices(ballot: Ballot, plans: Sequence[Plan], ranked: bool) -> None:
    Choice.objects.filter(ballot=ballot).delete()
    Choice.objects.bulk_create(
        Choice(ballot=ballot, plan=plan, rank=place if ranked else None)
        for place, plan in enumerate(plans, start=1)
    )


@transaction.atomic
def cast_ballot(*, round: Round, voter: User, plans: Sequence[Plan]) -> Ballot:
    """A resident casts their ballot, or changes it (one per resident per round; the
    database holds to that even under parallel requests). The choice is checked again
    here, so nothing is saved that breaks the round's rules. The round's row is locked
    and read again first, so a ballot cannot slip in while the results are computed."""
    _entitled(voter, access.VOTE, round)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.results_computed_at is not None:
        raise ValidationError({"plans": gettext("This round does not take votes now.")})
    ballots.check(round, plans)
    ballot = Ballot.objects.select_for_update().filter(round=round, voter=voter).first()
    if ballot is None:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(round=round, voter=voter)
        except IntegrityError:
            # A parallel request created it first: change that one.
            ballot = Ballot.objects.select_for_update().get(round=round, voter=voter)
    else:
        ballot.save(update_fields=["updated_at"])
    _choices(ballot, plans, round.ballot_form == Round.BallotForm.RANKING)
    return ballot


@transaction.atomic
def enter_paper_ballot(
    *, round: Round, by: User, plans: Sequence[Plan], reference: str = ""
) -> Ballot:
    """A colleague types in a paper ballot; it counts once a second colleague confirms
    it. The round's row is locked and read again first (as in ``cast_ballot``), so a
    paper ballot cannot slip in while the results are computed."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    ballots.check(open_for_paper(round), plans)
    ballot = Ballot.objects.create(
        round=round, paper=True, paper_reference=reference, entered_by=by
    )
    _choices(ballot, plans, round.ballot_form == Round.BallotForm.RANKING)
    return ballot


def open_for_paper(round: Round) -> Round:
    """Paper ballots that arrived in time may be typed in until the results are
    computed: they are checked as if voting were open."""
    if round.is_closed and not round.has_results:
        copy = Round.objects.get(pk=round.pk)
        copy.voting_closes = timezone.now() + timedelta(minutes=1)
        return copy
    return round


@transaction.atomic
def confirm_paper_ballot(*, ballot: Ballot, by: User) -> Ballot:
    """A second colleague confirms a paper ballot; whoever typed it in cannot. The
    round's row is locked first (as in ``cast_ballot``): a ballot is never confirmed
    while it is counted; after the count there is nothing left to confirm
    (``CountedAlreadyError``: the ballots went into the anonymous count)."""
    round = Round.objects.select_for_update().get(pk=ballot.round_id)
    if round.has_results:
        raise CountedAlreadyError
    locked = Ballot.objects.select_for_update().filter(pk=ballot.pk).first()
    if locked is None or not locked.paper or locked.confirmed_by_id is not None:
        return locked or ballot
    ballot = locked
    if ballot.entered_by_id == by.pk:
        raise FourEyesError
    ballot.confirmed_by = by
    ballot.save(update_fields=["confirmed_by", "updated_at"])
    return ballot


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def exported_ballots(round: Round) -> list[list[int]]:
    """The counted ballots as plan ids (in order of preference on a ranking ballot),
    without anything about who cast them or when. Once the round is counted they are
    the anonymous ``CountedBallot``s (in their random order: none in the moment between
    the count and ``anonymise_ballots``); before, the ballots that would count now."""
    if round.has_results:
        return list(
            CountedBallot.objects.filter(round=round).order_by("pk").values_list("plans", flat=True)
        )
    return anonymous.grouped(anonymous.counted_choices(Ballot, Choice, round.pk))


def compute_results(*, round: Round) -> bool:
    """Once voting has closed: ``count_round``, then ``anonymise_ballots``, each in a
    transaction of its own, so the results are published without waiting for the
    ballots' move. Does nothing when it was done before; True when it counted."""
    counted = count_round(round=round)
    if counted:
        try:
            anonymise_ballots(round=round)
        except DatabaseError:
            # The results stand (published by the count); the beat moves the ballots
            # on its next run (every five minutes). Only the round's number is logged.
            logger.exception("Budget round %s: ballots not moved yet, the beat retries.", round.pk)
    return counted


@transaction.atomic
def count_round(*, round: Round) -> bool:
    """Count the ballots by the round's winner rule, store every plan's outcome and its
    reason, let the voters follow the winners and put the winners in the
    neighbourhood's programme. The results are final from here: no ballot can be cast,
    changed, entered or confirmed any more (those actions lock the round's row and find
    it counted), so ``anonymise_ballots`` moves exactly the ballots counted here."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.results_computed_at is not None or not locked.is_countable:
        return False
    # No ballot may change while it is counted: cast_ballot, enter_paper_ballot and
    # confirm_paper_ballot lock the round's row first too, so they wait for the count (and
    # then find the round counted). No lock on each of the round's ballots is needed.
    plans = list(Plan.objects.filter(round=locked).on_ballot())
    costs = {plan.pk: _cents(plan.cost) for plan in plans}
    cast = anonymous.counted_groups(Ballot, Choice, locked.pk)
    verdicts = counting.count(
        locked.winner_rule,
        costs,
        cast,
        _cents(locked.total),
        by_points=locked.ballot_form == Round.BallotForm.RANKING,
    )
    Outcome.objects.bulk_create(
        Outcome(
            plan_id=verdict.plan,
            votes=verdict.votes,
            points=verdict.points,
            won=verdict.won,
            position=verdict.position,
            reason=verdict.reason,
            remaining=Decimal(verdict.remaining) / 100,
        )
        for verdict in verdicts
    )
    _voters_follow_winners(locked, [v.plan for v in verdicts if v.won])
    locked.results_computed_at = timezone.now()
    locked.ballots_counted = sum(cast.values())
    locked.save(update_fields=["results_computed_at", "ballots_counted"])
    _into_programme(locked, [v.plan for v in verdicts if v.won])
    round.results_computed_at = locked.results_computed_at
    round.ballots_counted = locked.ballots_counted
    return True


@transaction.atomic
def anonymise_ballots(*, round: Round) -> bool:
    """After the count: move the round's counted ballots into the anonymous table
    (``CountedBallot`` keeps the plans chosen for a recount, nothing about who or when:
    ``budgets.anonymous``) and delete its ballots. Safe to run again; the beat repeats it
    for a counted round that still has ballots (``compute_due_results``). True when it
    moved any."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if locked.results_computed_at is None or not Ballot.objects.filter(round=locked).exists():
        return False
    if not CountedBallot.objects.filter(round=locked).exists():
        written = anonymous.copy_counted(
            round_id=locked.pk,
            ballot_model=Ballot,
            choice_model=Choice,
            counted_model=CountedBallot,
        )
        if written != locked.ballots_counted:
            # Should not happen (nothing can change a counted round's ballots); if it
            # does, the anonymous ballots would no longer recount to the results. Moved
            # all the same (leaving them would keep them tied to their voters), and said.
            logger.error(
                "Budget round %s: %s ballots counted, %s made anonymous.",
                locked.pk,
                locked.ballots_counted,
                written,
            )
    anonymous.delete_cast(round_id=locked.pk, ballot_model=Ballot, choice_model=Choice)
    return True


def _into_programme(round: Round, winners: list[int]) -> None:
    """The winners become projects in the neighbourhood's programme of the year voting
    closed (created, with the round's amount as its budget, when there is none yet)."""
    if round.neighbourhood_id is None or not winners:
        return
    year = timezone.localtime(round.voting_closes).year
    programme, _created = Programme.objects.get_or_create(
        neighbourhood_id=round.neighbourhood_id, year=year, defaults={"budget": round.total}
    )
    for plan in Plan.objects.filter(pk__in=winners, project__isnull=True).order_by("pk"):
        project = ProgrammeProject.objects.create(
            programme=programme,
            title=plan.title[:120],
            description=plan.description,
            budget=plan.cost,
        )
        if plan.agenda_item_id:
            project.agenda_items.add(plan.agenda_item_id)
        if plan.initiative_id:
            project.initiatives.add(plan.initiative_id)
        plan.project = project
        plan.save(update_fields=["project"])


def _voters_follow_winners(round: Round, winners: list[int]) -> None:
    """Before the ballots are cut loose: everyone who voted in the round follows every
    winning project, so they hear how the plans are carried out. All winners, never only
    the plans someone chose: following must not tell what is on a ballot. The winners
    become projects first (``_into_programme`` does nothing for them afterwards). One
    INSERT … SELECT per winner, however many voted. The rows carry the day of the count
    (midnight), not its moment: the moment would tell these follows apart from a
    resident's own on that day no better than the day does, and says nothing more."""
    _into_programme(round, winners)
    projects = Plan.objects.filter(pk__in=winners, project__isnull=False).values_list(
        "project_id", flat=True
    )
    quote = connection.ops.quote_name
    follower, ballot = quote(ProjectFollower._meta.db_table), quote(Ballot._meta.db_table)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    since = connection.ops.adapt_datetimefield_value(today)
    with connection.cursor() as cursor:
        for project_id in projects:
            cursor.execute(
                f"INSERT INTO {follower} (project_id, user_id, created_at) "  # noqa: S608 (table names from the models)
                f"SELECT DISTINCT %s, voter_id, %s FROM {ballot} "
                "WHERE round_id = %s AND voter_id IS NOT NULL "
                "ON CONFLICT (project_id, user_id) DO NOTHING",
                [project_id, since, round.pk],
            )


def compute_due_results(*, today: date | None = None) -> int:
    """The beat's work: every round whose voting closed and is not counted yet; and the
    ballots of any counted round that are not anonymous yet (a count whose second step
    was interrupted)."""
    done = 0
    for round in Round.objects.due_for_results():
        done += compute_results(round=round)
    left = Round.objects.filter(results_computed_at__isnull=False, ballots__isnull=False)
    moved = sum(anonymise_ballots(round=round) for round in left.distinct())
    if done or moved:
        vacuum_ballots()
    return done


def vacuum_ballots() -> None:
    """After a count (outside its transaction): clear the deleted ballots' row versions,
    with their moments and transaction ids, now rather than at autovacuum's next visit."""
    vacuum(Ballot, Choice, what="moving counted ballots")


def forget_ballots(*, user: User) -> None:
    """Before an account is erased: their ballots in rounds not yet counted go (the
    choices with them); ballots of counted rounds are anonymous already, or lose their
    voter when the count's second step has not moved them yet (they were counted and
    must stay for it)."""
    with transaction.atomic():
        # The rounds first, as the count does: a count under way finishes before this
        # decides which of the ballots were counted.
        list(Round.objects.select_for_update().filter(ballots__voter=user).order_by("pk"))
        mine = Ballot.objects.filter(voter=user)
        mine.filter(round__results_computed_at__isnull=False).update(voter=None)
        mine.delete()
