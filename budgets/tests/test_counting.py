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
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import method_of_equal_shares

from budgets import actions, counting
from budgets.models import Outcome, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close


def pabutools_directly(
    costs: dict[int, int], ballots: list[list[int]], budget: int
) -> tuple[set[int], set[int]]:
    """The test's own call of pabutools' Method of Equal Shares, written apart from
    ``budgets.counting``, then the documented completion: the other plans by most votes,
    cheaper, lower id; a plan with votes wins when it fits in what is left. Gives Equal
    Shares' own choice and all winners."""
    projects = {plan: Project(f"{plan:012d}", cost) for plan, cost in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(projects[p] for p in b) for b in ballots])
    mes = {
        int(project.name)
        for project in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    }
    chosen = set(mes)
    votes = {plan: sum(plan in b for b in ballots) for plan in costs}
    left = budget - sum(costs[plan] for plan in chosen)
    for plan in sorted(set(costs) - chosen, key=lambda p: (-votes[p], costs[p], p)):
        if votes[plan] and costs[plan] <= left:
            chosen.add(plan)
            left -= costs[plan]
    return mes, chosen


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
        by_mes, expected = pabutools_directly(
            {plan.pk: int(plan.cost * 100) for plan in plans}, exported, budget * 100
        )
        won = set(
            Outcome.objects.filter(plan__round=round, won=True).values_list("plan", flat=True)
        )
        assert won == expected
        assert by_mes == set(
            Outcome.objects.filter(
                plan__round=round, reason=Outcome.Reason.EQUAL_SHARES
            ).values_list("plan", flat=True)
        )
        assert not Outcome.objects.filter(plan__round=round, won=True, votes=0).exists()
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
    # Considered in the completion (most votes first) with €600 left, before the other.
    assert shares[1].remaining == 600


def test_equal_shares_completion_never_adds_a_plan_without_votes():
    # Nobody voted for plan 2: it must not win, even though it fits in what is left.
    verdicts = {v.plan: v for v in counting.equal_shares({1: 300, 2: 100}, [[1]], 1000)}
    assert verdicts[1].won
    assert not verdicts[2].won
    assert verdicts[2].reason == "no_votes"


def test_equal_shares_with_no_ballots_has_no_winners():
    verdicts = counting.equal_shares({1: 300, 2: 100}, [], 1000)
    assert not any(v.won for v in verdicts)
    assert {v.reason for v in verdicts} == {"no_votes"}


def test_equal_shares_completion_goes_by_votes_not_by_votes_per_euro():
    # The reviewer's case: 20 voters pay plan D (€500) from their equal shares; €500 is
    # left. A has 9 votes and costs €500, C 8 votes and €440: by votes per euro C would
    # come first and A no longer fit; by votes A comes first and wins.
    a, c, d = 1, 3, 4
    costs = {a: 50000, c: 44000, d: 50000}
    ballots = [[a]] * 9 + [[c]] * 8 + [[d]] * 20
    budget = 100000
    assert counting.pabutools_equal_shares(costs, ballots, budget) == [d]
    verdicts = {v.plan: v for v in counting.equal_shares(costs, ballots, budget)}
    assert verdicts[d].reason == "equal_shares"
    assert verdicts[a].won
    assert verdicts[a].reason == "completion"
    assert verdicts[a].remaining == 50000
    assert not verdicts[c].won
    assert verdicts[c].reason == "too_expensive"
    assert verdicts[c].remaining == 0
    assert verdicts[a].position < verdicts[c].position


# Many voters, few kinds of ballot: grouping identical ballots (the multiprofile) and the
# quick cost satisfaction must give what pabutools gives one ballot per voter.
crowds = st.integers(min_value=2, max_value=8).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=1, max_value=80), min_size=n, max_size=n),
        st.lists(
            st.tuples(
                st.lists(
                    st.integers(min_value=0, max_value=n - 1), min_size=1, max_size=n, unique=True
                ),
                st.integers(min_value=1, max_value=30),
            ),
            min_size=1,
            max_size=8,
        ),
        st.integers(min_value=10, max_value=300),
    )
)


@settings(max_examples=150, deadline=None)
@given(crowds)
def test_grouped_equal_shares_is_pabutools_one_ballot_per_voter(crowd):
    costs_list, kinds, budget = crowd
    costs = {index + 1: cost for index, cost in enumerate(costs_list)}
    ballots = [[i + 1 for i in picks] for picks, times in kinds for _n in range(times)]
    by_mes, _all = pabutools_directly(costs, ballots, budget)
    assert set(counting.pabutools_equal_shares(costs, ballots, budget)) == by_mes
