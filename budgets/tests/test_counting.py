"""The winner rules: Equal Shares agrees with pabutools called directly on the exported
ballots; greedy agrees with a brute-force search on small cases."""

from decimal import Decimal
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

from budgets import actions, counting
from budgets.models import Outcome, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close


def pabutools_directly(costs: dict[int, int], ballots: list[list[int]], budget: int) -> set[int]:
    """The test's own call of pabutools, written apart from ``budgets.counting``."""
    projects = {plan: Project(f"{plan:012d}", cost) for plan, cost in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(projects[p] for p in b) for b in ballots])
    chosen = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat}, {"sat_class": Cardinality_Sat}],
    )
    return {int(project.name) for project in chosen}


elections = st.integers(min_value=2, max_value=6).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=1, max_value=50), min_size=n, max_size=n),
        st.lists(
            st.lists(
                st.integers(min_value=0, max_value=n - 1), min_size=1, max_size=n, unique=True
            ),
            min_size=1,
            max_size=12,
        ),
        st.integers(min_value=10, max_value=150),
    )
)


class TestEqualSharesAgreesWithPabutools(TestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(elections)
    def test_stored_winners_are_pabutools_winners_on_the_exported_ballots(self, election):
        costs, chosen, budget = election
        round = RoundFactory(
            total=Decimal(budget),
            ballot_form=Round.BallotForm.APPROVAL,
            winner_rule=Round.WinnerRule.EQUAL_SHARES,
        )
        plans = [PlanFactory(round=round, cost=Decimal(cost)) for cost in costs]
        for picks in chosen:
            ballot(round, [plans[i] for i in picks])
        close(round)
        assert actions.compute_results(round=round)

        exported = actions.exported_ballots(round)
        expected = pabutools_directly(
            {plan.pk: int(plan.cost * 100) for plan in plans}, exported, budget * 100
        )
        won = set(
            Outcome.objects.filter(plan__round=round, won=True).values_list("plan", flat=True)
        )
        assert won == expected
        assert sorted(map(sorted, exported)) == sorted(
            sorted(plans[i].pk for i in picks) for picks in chosen
        )
        spent = sum(plan.cost for plan in plans if plan.pk in won)
        assert spent <= budget


def brute_force_greedy(costs: dict[int, int], ballots, budget: int) -> set[int]:
    """Every subset of plans is tried; the greedy outcome is the one subset in which a
    plan with votes is in exactly when it fits beside the chosen plans ranked above it
    (more votes; on a tie cheaper, then lower id), and no plan without votes is in."""
    votes = {plan: sum(plan in b for b in ballots) for plan in costs}
    order = sorted(costs, key=lambda p: (-votes[p], costs[p], p))
    matches = []
    for size in range(len(costs) + 1):
        for subset in map(set, combinations(costs, size)):
            ok = True
            for index, plan in enumerate(order):
                above = sum(costs[p] for p in order[:index] if p in subset)
                should = votes[plan] > 0 and above + costs[plan] <= budget
                if (plan in subset) != should:
                    ok = False
                    break
            if ok:
                matches.append(subset)
    assert len(matches) == 1
    return matches[0]


@settings(max_examples=200, deadline=None)
@given(elections)
def test_greedy_agrees_with_brute_force(election):
    costs_list, chosen, budget = election
    costs = {index + 1: cost for index, cost in enumerate(costs_list)}
    ballots = [[i + 1 for i in picks] for picks in chosen]
    verdicts = counting.greedy(costs, ballots, budget)
    assert {v.plan for v in verdicts if v.won} == brute_force_greedy(costs, ballots, budget)
    assert sum(costs[v.plan] for v in verdicts if v.won) <= budget


def test_greedy_reasons_name_the_budget_left():
    # Votes: plan 1 three, plans 2 and 3 two each (3 is cheaper, so it comes first).
    costs = {1: 600, 2: 500, 3: 300}
    verdicts = {v.plan: v for v in counting.greedy(costs, [[1, 2], [1], [1, 3], [2, 3]], 1000)}
    assert [verdicts[p].position for p in (1, 3, 2)] == [1, 2, 3]
    assert verdicts[1].won
    assert verdicts[1].reason == "fits"
    assert verdicts[1].remaining == 1000
    assert verdicts[3].won
    assert verdicts[3].remaining == 400
    assert not verdicts[2].won
    assert verdicts[2].reason == "too_expensive"
    assert verdicts[2].remaining == 100


def test_equal_shares_prefers_broad_support_over_a_large_bloc():
    # 6 voters want plan 1 (cost 900); 4 voters want 2 and 3 (cost 400 each). Greedy by
    # votes gives plan 1 the whole budget; Equal Shares gives the 4 their share.
    costs = {1: 900, 2: 400, 3: 400}
    ballots = [[1]] * 6 + [[2, 3]] * 4
    greedy = {v.plan for v in counting.greedy(costs, ballots, 1000) if v.won}
    shares = {v.plan: v for v in counting.equal_shares(costs, ballots, 1000)}
    assert greedy == {1}
    # Their 400 pays one of 2 and 3; the 600 of the six cannot pay plan 1, and what is
    # left (600) completes with the other of 2 and 3.
    assert {p for p, v in shares.items() if v.won} == {2, 3}
    assert sorted(shares[p].reason for p in (2, 3)) == ["completion", "equal_shares"]
    assert shares[1].reason == "too_expensive"
    assert shares[1].remaining == 200
