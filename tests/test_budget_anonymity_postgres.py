"""On PostgreSQL, after the beat counts a round (outside a transaction, as the periodic
task runs), VACUUM has cleared the deleted ballots and choices from the tables' pages:
no row version with a voter or a moment is left for a page inspector to read; the
anonymous ballots are there."""

import pytest
from django.db import connection

from budgets import actions
from budgets.models import CountedBallot
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter
from surveys.tests.test_anonymity_postgres import _row_versions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_count_leaves_no_ballot_row_versions_behind():
    round = RoundFactory()
    plans = [PlanFactory(round=round, cost=1_000) for _n in range(3)]
    for index in range(6):
        ballot(round, [plans[index % 3]], voter=voter(round))
    close(round)
    assert actions.compute_due_results() == 1
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        try:
            ballots = _row_versions(cursor, "budgets_ballot")
            choices = _row_versions(cursor, "budgets_choice")
        finally:
            cursor.execute("DROP EXTENSION pageinspect")
    assert (ballots, choices) == (0, 0)
    assert CountedBallot.objects.filter(round=round).count() == 6
