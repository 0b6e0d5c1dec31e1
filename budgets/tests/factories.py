from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from budgets.models import Ballot, Choice, Plan, Round, Theme
from neighbourhoods.tests.factories import ResidenceFactory


def _now():
    return timezone.now()


class RoundFactory(factory.django.DjangoModelFactory):
    """A round open for voting (budget ballot, € 10.000, greedy)."""

    class Meta:
        model = Round

    neighbourhood = factory.SubFactory("neighbourhoods.tests.factories.NeighbourhoodFactory")
    title_nl = factory.Sequence(lambda n: f"Buurtbudget {n}")
    title_en = factory.Sequence(lambda n: f"Neighbourhood budget {n}")
    total = Decimal(10_000)
    submission_opens = factory.LazyFunction(lambda: _now() - timedelta(days=30))
    submission_closes = factory.LazyFunction(lambda: _now() - timedelta(days=20))
    voting_opens = factory.LazyFunction(lambda: _now() - timedelta(days=1))
    voting_closes = factory.LazyFunction(lambda: _now() + timedelta(days=10))
    ballot_form = Round.BallotForm.BUDGET
    winner_rule = Round.WinnerRule.GREEDY
    min_plans = 1


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    round = factory.SubFactory(RoundFactory)
    name_nl = "Groen"
    name_en = "Green"


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan on the ballot."""

    class Meta:
        model = Plan

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    description = "Bankjes en bloembakken."
    cost = Decimal(4_000)
    estimated_cost = factory.SelfAttribute("cost")
    feasibility = Plan.Feasibility.FEASIBLE
    feasibility_reason = "Uitvoerbaar."


def voter(round: Round, **kwargs):
    """A resident who showed they live in the round's neighbourhood."""
    return ResidenceFactory(neighbourhood=round.neighbourhood, **kwargs).user


def ballot(round: Round, plans, voter=None) -> Ballot:
    made = Ballot.objects.create(round=round, voter=voter)
    Choice.objects.bulk_create(
        Choice(ballot=made, plan=plan, rank=place if round.ballot_form == "ranking" else None)
        for place, plan in enumerate(plans, start=1)
    )
    return made


def close(round: Round) -> Round:
    """Move the round's voting into the past."""
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        voting_opens=now - timedelta(days=2), voting_closes=now - timedelta(minutes=1)
    )
    round.refresh_from_db()
    return round
