"""Counting a round: who won and why. Pure functions over plain numbers, so the same code
counts a real round, the tests' generated elections and the exported ballots.

Amounts are whole cents (exact in pabutools' arithmetic as in ours). A ballot is the
list of plan ids it chose, in order of preference on a ranking ballot.

- **Greedy by votes** (``greedy``): plans in order of votes (on a ranking ballot: points,
  a first place worth as many points as the ballot has plans, the last one), most first,
  cheaper first on a tie, then the lower id; each plan wins when it fits in what is left.
- **Method of Equal Shares** (``equal_shares``): pabutools' ``method_of_equal_shares``
  with cost satisfaction (every voter gets an equal share of the budget; a plan wins
  when its voters can pay for it together), then the budget its voters could not spend
  completed by our own rule, written out here so that it can be checked: the plans Equal
  Shares did not choose, most votes first, on a tie the cheaper, then the lower id; a
  plan with at least one vote wins when it fits in what is left; a plan without votes
  never wins. (pabutools' ``greedy_utilitarian_welfare`` would go by votes per euro and
  add plans nobody voted for.) Ranking ballots count as approval of every plan they rank.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import method_of_equal_shares

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"


@dataclass(frozen=True)
class Verdict:
    """One plan's outcome: ``reason`` is an ``Outcome.Reason`` value; ``remaining`` the
    budget (cents) left when it was considered."""

    plan: int
    votes: int
    points: int
    won: bool
    position: int
    reason: str
    remaining: int


def tally(plans: Iterable[int], ballots: Iterable[Sequence[int]]) -> dict[int, tuple[int, int]]:
    """Votes and points per plan: a vote per ballot that chose it; points as on a ranking
    ballot (a ballot of n plans gives its first n points, its last 1)."""
    counts = {plan: [0, 0] for plan in plans}
    for ballot in ballots:
        size = len(ballot)
        for place, plan in enumerate(ballot):
            if plan in counts:
                counts[plan][0] += 1
                counts[plan][1] += size - place
    return {plan: (votes, points) for plan, (votes, points) in counts.items()}


def greedy(
    costs: dict[int, int], ballots: Sequence[Sequence[int]], budget: int, *, by_points: bool = False
) -> list[Verdict]:
    """Most votes (or points) first; a plan wins when it fits in what is left."""
    counts = tally(costs, ballots)
    score = (lambda plan: counts[plan][1]) if by_points else (lambda plan: counts[plan][0])
    order = sorted(costs, key=lambda plan: (-score(plan), costs[plan], plan))
    remaining = budget
    verdicts = []
    for position, plan in enumerate(order, start=1):
        votes, points = counts[plan]
        before = remaining
        if score(plan) == 0:
            won, reason = False, "no_votes"
        elif costs[plan] <= remaining:
            won, reason = True, "fits"
            remaining -= costs[plan]
        else:
            won, reason = False, "too_expensive"
        verdicts.append(Verdict(plan, votes, points, won, position, reason, before))
    return verdicts


def _election(costs: dict[int, int], ballots: Sequence[Sequence[int]], budget: int):
    projects = {plan: Project(f"{plan:012d}", cost) for plan, cost in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile(
        [
            ApprovalBallot(projects[plan] for plan in ballot if plan in projects)
            for ballot in ballots
        ]
    )
    return projects, instance, profile


def pabutools_equal_shares(
    costs: dict[int, int], ballots: Sequence[Sequence[int]], budget: int
) -> list[int]:
    """pabutools' Method of Equal Shares (no completion): the plan ids it chose, in the
    order chosen."""
    projects, instance, profile = _election(costs, ballots, budget)
    by_name = {project.name: plan for plan, project in projects.items()}
    mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    return [by_name[p.name] for p in mes]


def equal_shares(
    costs: dict[int, int], ballots: Sequence[Sequence[int]], budget: int
) -> list[Verdict]:
    """Equal Shares, then the completion by votes (see the module), with each plan's
    reason and the budget left when it was considered."""
    counts = tally(costs, ballots)
    by_mes = pabutools_equal_shares(costs, ballots, budget)
    remaining = budget
    verdicts = []
    position = 0
    for plan in by_mes:
        position += 1
        votes, points = counts[plan]
        verdicts.append(Verdict(plan, votes, points, True, position, "equal_shares", remaining))
        remaining -= costs[plan]
    chosen = set(by_mes)
    rest = sorted(
        (plan for plan in costs if plan not in chosen),
        key=lambda plan: (-counts[plan][0], costs[plan], plan),
    )
    for plan in rest:
        position += 1
        votes, points = counts[plan]
        before = remaining
        if votes == 0:
            won, reason = False, "no_votes"
        elif costs[plan] <= remaining:
            won, reason = True, "completion"
            remaining -= costs[plan]
        else:
            won, reason = False, "too_expensive"
        verdicts.append(Verdict(plan, votes, points, won, position, reason, before))
    return verdicts


def count(
    rule: str,
    costs: dict[int, int],
    ballots: Sequence[Sequence[int]],
    budget: int,
    *,
    by_points: bool = False,
) -> list[Verdict]:
    if rule == EQUAL_SHARES:
        return equal_shares(costs, ballots, budget)
    return greedy(costs, ballots, budget, by_points=by_points)
