"""Counting a round: who won and why. Pure functions over plain numbers, so the same code
counts a real round, the tests' generated elections and the exported ballots.

Amounts are whole cents (exact in pabutools' arithmetic as in ours). A ballot is the
list of plan ids it chose, in order of preference on a ranking ballot. The ballots are
passed either one by one or grouped (``Ballots``: each different ballot with how many
cast it, as ``budgets.anonymous.counted_groups`` reads them); both count the same.

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

import gc
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pabutools.election import (
    ApprovalMultiProfile,
    FrozenApprovalBallot,
    Instance,
    Project,
    SatisfactionMeasure,
    SatisfactionMultiProfile,
)
from pabutools.rules import method_of_equal_shares

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"

# Each different ballot (plan ids in order) with the number of ballots just like it.
Grouped = Mapping[tuple[int, ...], int]
Ballots = Iterable[Sequence[int]] | Grouped


def group(ballots: Ballots) -> Grouped:
    """The ballots grouped (as they are when already grouped)."""
    if isinstance(ballots, Mapping):
        return ballots
    return Counter(tuple(ballot) for ballot in ballots)


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


def tally(plans: Iterable[int], ballots: Ballots) -> dict[int, tuple[int, int]]:
    """Votes and points per plan: a vote per ballot that chose it; points as on a ranking
    ballot (a ballot of n plans gives its first n points, its last 1)."""
    counts = {plan: [0, 0] for plan in plans}
    for ballot, number in group(ballots).items():
        size = len(ballot)
        for place, plan in enumerate(ballot):
            if plan in counts:
                counts[plan][0] += number
                counts[plan][1] += (size - place) * number
    return {plan: (votes, points) for plan, (votes, points) in counts.items()}


def greedy(
    costs: dict[int, int], ballots: Ballots, budget: int, *, by_points: bool = False
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


class CostOfApproved(SatisfactionMeasure):
    """pabutools' cost satisfaction (``Cost_Sat``) of an approval ballot: a plan's cost
    when the ballot chose it, else nothing. The same numbers, looked up by the plan's
    name in a set instead of through ``Cost_Sat``'s cache keyed by ``Project`` objects,
    which took most of the time of a count of 100,000 ballots; and told apart by that set
    of names (hashed once), where ``SatisfactionMeasure`` hashes its ballot's projects
    one by one at every look-up."""

    def __init__(self, instance, profile, ballot) -> None:
        super().__init__(instance, profile, ballot)
        self.names = frozenset(project.name for project in ballot)
        self._hash = hash(self.names)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CostOfApproved):
            return self.names == other.names
        return super().__eq__(other)

    def sat_project(self, project: Project) -> int:
        return project.cost if project.name in self.names else 0

    def sat(self, projects: Collection[Project]) -> int:
        return sum(self.sat_project(project) for project in projects)


def _election(costs: dict[int, int], ballots: Ballots, budget: int):
    """The instance, the profile and its satisfaction profile, identical ballots grouped
    with their number (pabutools' multiprofile: Equal Shares gives a group of voters the
    same share each, so the outcome is that of one voter per ballot, in a fraction of the
    time)."""
    projects = {plan: Project(f"{plan:012d}", cost) for plan, cost in costs.items()}
    instance = Instance(projects.values(), budget_limit=budget)
    same: Counter[frozenset[int]] = Counter()
    for ballot, number in group(ballots).items():
        same[frozenset(plan for plan in ballot if plan in projects)] += number
    profile = ApprovalMultiProfile(instance=instance)
    satisfaction = SatisfactionMultiProfile(instance=instance)
    for chosen, number in same.items():
        approved = FrozenApprovalBallot(projects[plan] for plan in sorted(chosen))
        profile[approved] = number
        satisfaction[CostOfApproved(instance, profile, approved)] = number
    return projects, instance, profile, satisfaction


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Equal Shares over 100,000 ballots makes a few hundred thousand short-lived
    objects and no reference cycles, but each batch of new objects sets Python's cycle
    collector walking the process's objects again: a quarter of the rule's time in a
    web or worker process. Paused while the rule runs."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def pabutools_equal_shares(costs: dict[int, int], ballots: Ballots, budget: int) -> list[int]:
    """pabutools' Method of Equal Shares (no completion) with cost satisfaction: the
    plan ids it chose, in the order chosen."""
    with _cycle_collector_paused():
        projects, instance, profile, satisfaction = _election(costs, ballots, budget)
        by_name = {project.name: plan for plan, project in projects.items()}
        mes = method_of_equal_shares(instance, profile, sat_profile=satisfaction)
        return [by_name[p.name] for p in mes]


def equal_shares(costs: dict[int, int], ballots: Ballots, budget: int) -> list[Verdict]:
    """Equal Shares, then the completion by votes (see the module), with each plan's
    reason and the budget left when it was considered."""
    ballots = group(ballots)
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
    ballots: Ballots,
    budget: int,
    *,
    by_points: bool = False,
) -> list[Verdict]:
    if rule == EQUAL_SHARES:
        return equal_shares(costs, ballots, budget)
    return greedy(costs, ballots, budget, by_points=by_points)
