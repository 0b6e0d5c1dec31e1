"""Anonymous counted ballots: at the count the ballots move into a table with only the
round and the plans chosen, written in a random order, and the ballots go; rounds
counted before the table existed get the same treatment from the data migration."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import StaffFactory
from budgets import actions, anonymous, counting
from budgets.models import Ballot, Choice, CountedBallot, Outcome, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter

pytestmark = pytest.mark.django_db


def _round_with_paper(ranking: bool = False):
    round = RoundFactory(
        ballot_form=Round.BallotForm.RANKING if ranking else Round.BallotForm.APPROVAL,
        total=Decimal(100_000),
    )
    plans = [PlanFactory(round=round, cost=Decimal(1_000)) for _n in range(4)]
    return round, plans


def test_the_counted_ballots_are_written_in_a_random_order():
    """30 ballots cast one after another, each for a plan of its own: written in the
    order of casting (or of the plans) once in 30! counts, so a failure here is no
    accident. The randomness is real: PostgreSQL's gen_random_uuid(), elsewhere
    ``secrets``."""
    round = RoundFactory(total=Decimal(100_000))
    plans = [PlanFactory(round=round, cost=Decimal(1_000)) for _n in range(30)]
    for plan in plans:
        ballot(round, [plan], voter=voter(round))
    assert actions.compute_results(round=close(round))
    stored = [row.plans for row in CountedBallot.objects.filter(round=round).order_by("pk")]
    cast = [[plan.pk] for plan in plans]
    assert sorted(stored) == sorted(cast)
    assert stored != cast


def test_the_count_keeps_the_order_of_preference_and_drops_everything_else():
    round, (a, b, c, d) = _round_with_paper(ranking=True)
    typist, checker = StaffFactory(), StaffFactory()
    ballot(round, [c, a, b], voter=voter(round))
    close(round)
    confirmed = actions.enter_paper_ballot(round=round, by=typist, plans=[d, b], reference="P-1")
    actions.confirm_paper_ballot(ballot=confirmed, by=checker)
    actions.enter_paper_ballot(round=round, by=typist, plans=[a], reference="P-2")
    assert actions.compute_results(round=round)
    assert sorted(CountedBallot.objects.values_list("plans", flat=True)) == [
        [c.pk, a.pk, b.pk],
        [d.pk, b.pk],
    ]
    assert not Ballot.objects.exists()
    assert not Choice.objects.exists()
    assert Round.objects.get(pk=round.pk).ballots_counted == 2


def _assert_a_recount_gives_the_stored_outcome(round, plans) -> None:
    again = counting.count(
        round.winner_rule,
        {plan.pk: int(plan.cost * 100) for plan in plans},
        actions.exported_ballots(round),
        int(round.total * 100),
    )
    stored = {o.plan_id: (o.votes, o.won, o.reason) for o in Outcome.objects.all()}
    assert {v.plan: (v.votes, v.won, v.reason) for v in again} == stored


def test_a_recount_on_the_exported_ballots_gives_the_stored_outcome():
    round, plans = _round_with_paper()
    for picks in ([0, 1], [1], [1, 2], [3]):
        ballot(round, [plans[i] for i in picks], voter=voter(round))
    assert actions.compute_results(round=close(round))
    round.refresh_from_db()
    _assert_a_recount_gives_the_stored_outcome(round, plans)


def test_results_are_published_by_the_count_and_the_beat_finishes_an_interrupted_move():
    """The close is two steps: the count publishes the results; the move into the
    anonymous table follows in its own transaction. When the second step did not run
    (the process stopped between them), the beat does it, and a recount of what it
    wrote gives the stored outcome."""
    round, plans = _round_with_paper()
    for picks in ([0, 1], [1], [1, 2], [3], [1]):
        ballot(round, [plans[i] for i in picks], voter=voter(round))
    assert actions.count_round(round=close(round))
    round.refresh_from_db()
    assert round.has_results
    assert round.ballots_counted == 5
    assert Outcome.objects.filter(plan__round=round).count() == 4
    # Between the steps nothing is exported: the ballots are not anonymous yet.
    assert actions.exported_ballots(round) == []
    assert Ballot.objects.filter(round=round).count() == 5

    assert actions.compute_due_results() == 0  # nothing left to count...
    assert not Ballot.objects.filter(round=round).exists()  # ...but the move is done
    assert not Choice.objects.filter(ballot__round=round).exists()
    _assert_a_recount_gives_the_stored_outcome(round, plans)
    assert not actions.anonymise_ballots(round=round)  # a second time does nothing


def test_an_erased_account_between_the_steps_leaves_its_counted_ballot_without_a_name():
    round, plans = _round_with_paper()
    leaving = voter(round)
    ballot(round, [plans[0]], voter=leaving)
    ballot(round, [plans[1]], voter=voter(round))
    open_round, open_plans = _round_with_paper()
    ballot(open_round, [open_plans[0]], voter=leaving)
    assert actions.count_round(round=close(round))

    actions.forget_ballots(user=leaving)

    assert not Ballot.objects.filter(voter=leaving).exists()
    assert not Ballot.objects.filter(round=open_round).exists()  # not counted: gone
    assert actions.anonymise_ballots(round=round)
    assert sorted(CountedBallot.objects.filter(round=round).values_list("plans", flat=True)) == [
        [plans[0].pk],
        [plans[1].pk],
    ]


def test_an_account_deleted_between_the_steps_leaves_its_counted_ballot(django_user_model):
    round, plans = _round_with_paper()
    leaving = voter(round)
    ballot(round, [plans[0]], voter=leaving)
    ballot(round, [plans[1]], voter=voter(round))
    assert actions.count_round(round=close(round))
    django_user_model.objects.filter(pk=leaving.pk).delete()  # not through erasure
    assert actions.anonymise_ballots(round=round)
    assert CountedBallot.objects.filter(round=round).count() == 2
    _assert_a_recount_gives_the_stored_outcome(round, plans)


def test_when_the_move_fails_the_results_stand_and_the_beat_moves_the_ballots(monkeypatch, caplog):
    round, plans = _round_with_paper()
    for plan in plans:
        ballot(round, [plan], voter=voter(round))
    real_copy = anonymous.copy_counted

    def failing_copy(**kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(anonymous, "copy_counted", failing_copy)
    assert actions.compute_results(round=close(round))
    assert Outcome.objects.filter(plan__round=round).count() == 4
    assert Ballot.objects.filter(round=round).count() == 4
    assert f"Budget round {round.pk}: ballots not moved yet" in caplog.text

    monkeypatch.setattr(anonymous, "copy_counted", real_copy)
    actions.compute_due_results()
    assert not Ballot.objects.filter(round=round).exists()
    _assert_a_recount_gives_the_stored_outcome(round, plans)


def test_the_migration_makes_rounds_counted_before_it_anonymous():
    migration = importlib.import_module("budgets.migrations.0005_anonymise_counted_rounds")
    counted, plans = _round_with_paper()
    ballot(counted, [plans[0], plans[1]])  # as the old count left them: no voter
    ballot(counted, [plans[2]])
    Ballot.objects.create(
        round=counted, paper=True, paper_reference="P-9", entered_by=StaffFactory()
    )
    Round.objects.filter(pk=counted.pk).update(results_computed_at=close(counted).voting_closes)
    still_open, open_plans = _round_with_paper()
    mine = ballot(still_open, [open_plans[0]], voter=voter(still_open))

    migration.anonymise(apps, None)
    migration.anonymise(apps, None)  # a second run changes nothing

    assert sorted(CountedBallot.objects.filter(round=counted).values_list("plans", flat=True)) == [
        [plans[0].pk, plans[1].pk],
        [plans[2].pk],
    ]
    assert not Ballot.objects.filter(round=counted).exists()
    assert list(Ballot.objects.all()) == [mine]
    assert not CountedBallot.objects.filter(round=still_open).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_after_anonymising_vacuums_the_ballots_on_postgresql():
    """0005 deleted old rounds' ballots; 0006 clears their dead rows at once, outside a
    transaction, and only on PostgreSQL (SQLite has no VACUUM of a table)."""
    migration = importlib.import_module("budgets.migrations.0006_vacuum_after_anonymising")
    assert migration.Migration.atomic is False
    with CaptureQueriesContext(connection) as queries:
        migration.vacuum_ballots(apps, SimpleNamespace(connection=connection))
    vacuums = [q["sql"] for q in queries if q["sql"].startswith("VACUUM")]
    if connection.vendor == "postgresql":
        assert vacuums == ['VACUUM "budgets_ballot", "budgets_choice"']
    else:
        assert vacuums == []
