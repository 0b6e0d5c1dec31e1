"""One ballot per resident per round, held by the database: twenty ballots sent at once
from one account leave one (PostgreSQL; SQLite runs one writer at a time)."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from budgets import actions
from budgets.models import Ballot, Choice
from budgets.tests.factories import PlanFactory, RoundFactory, voter

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 20


def test_twenty_parallel_ballots_from_one_account_leave_one():
    round = RoundFactory(total=Decimal(10_000))
    plans = [PlanFactory(round=round, cost=Decimal(1_000)) for _n in range(4)]
    person = voter(round)
    start = threading.Barrier(PARALLEL)
    errors: list[BaseException] = []

    def cast(index: int) -> None:
        try:
            start.wait()
            actions.cast_ballot(round=round, voter=person, plans=[plans[index % 4]])
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Ballot.objects.filter(round=round, voter=person).count() == 1
    # The last writer's choice stands whole: one plan, not a mix of several requests.
    assert Choice.objects.filter(ballot__round=round).count() == 1
