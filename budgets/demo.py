"""Demo neighbourhood budget in Eemdal: a counted round in De Weiden (Equal Shares) with
its plans, feasibility checks, ballots of the residents who live there and paper
ballots, and results; and a round in the Binnenstad open for voting (budget ballot, a
limit for the theme green), in which the demo residents who live in the Binnenstad
(their home wijk) have shown it and may vote; a paper ballot is in already."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from budgets import actions
from budgets.models import Ballot, Choice, Plan, Round, Theme
from neighbourhoods.models import Residence

COUNTED_PLANS = [
    (
        "Speeltuin Weidehof opknappen",
        "Nieuwe toestellen en valtegels bij de speeltuin.",
        18_000,
        "feasible",
    ),
    (
        "Bankjes langs de Slootkade",
        "Zes bankjes om even uit te rusten langs het water.",
        6_500,
        "feasible",
    ),
    (
        "Moestuin voor de buurt",
        "Een gezamenlijke moestuin op het braakliggende veld.",
        9_000,
        "feasible",
    ),
    ("Verlichting Koeienpad", "Lantaarns op het donkere fietspad naar school.", 14_000, "feasible"),
    ("Buurtfeest elk jaar", "Een jaarlijks feest op het plein.", 4_000, "feasible"),
    ("Zwembad in het park", "Een buitenzwembad.", 250_000, "not_feasible"),
]

OPEN_PLANS = [
    ("Geveltuintjes Langestraat", "Tegels eruit, planten erin langs de gevels.", 5_000, "groen"),
    ("Bomen op de Markt", "Vier bomen voor schaduw op de Markt.", 16_000, "groen"),
    ("Fietsenstalling Stationsstraat", "Overdekte stalling voor veertig fietsen.", 12_000, ""),
    ("Watertappunt bij het station", "Gratis drinkwater voor iedereen.", 3_500, ""),
]


def seed(demo) -> None:
    neighbourhoods = {n.slug: n for n in demo.extra.get("neighbourhoods", [])}
    managers = demo.extra.get("area_managers", [])
    if Round.objects.exists() or "de-weiden" not in neighbourhoods or len(demo.residents) < 4:
        return
    now = timezone.now()
    weiden = neighbourhoods["de-weiden"]
    counted = Round.objects.create(
        neighbourhood=weiden,
        title_nl="Buurtbudget De Weiden 2026",
        title_en="Neighbourhood budget De Weiden 2026",
        description_nl="Bewoners van De Weiden bepalen samen hoe € 40.000 wordt besteed.",
        description_en="Residents of De Weiden decide together how € 40,000 is spent.",
        total=Decimal(40_000),
        submission_opens=now - timedelta(days=90),
        submission_closes=now - timedelta(days=60),
        voting_opens=now - timedelta(days=45),
        voting_closes=now - timedelta(days=45) + timedelta(days=1),
        ballot_form=Round.BallotForm.APPROVAL,
        winner_rule=Round.WinnerRule.EQUAL_SHARES,
    )
    plans = []
    for index, (title, text, cost, verdict) in enumerate(COUNTED_PLANS):
        plan = Plan.objects.create(
            round=counted,
            title=title,
            description=text,
            cost=Decimal(cost),
            estimated_cost=Decimal(cost),
            submitted_by=demo.residents[index % len(demo.residents)],
            feasibility=verdict,
            feasibility_reason=(
                "Kan binnen een jaar worden uitgevoerd; de kosten zijn nagerekend."
                if verdict == "feasible"
                else "Een zwembad kost veel meer dan het budget en past niet in het park."
            ),
            reviewed_at=now - timedelta(days=50),
        )
        if verdict == "feasible":
            plans.append(plan)
    rng = random.Random(23)  # noqa: S311 - demo data, not security
    # The residents' own ballots and a pile of paper ballots, typed in and confirmed.
    entered_by = managers[0] if managers else None
    confirmed_by = managers[1] if len(managers) > 1 else None
    voters = [r for r in demo.residents if r.home_neighbourhood_id == weiden.pk]
    for index in range(60):
        voter = voters[index] if index < len(voters) else None
        paper = voter is None
        if paper and (entered_by is None or confirmed_by is None):
            break
        ballot = Ballot.objects.create(
            round=counted,
            voter=voter,
            paper=paper,
            paper_reference=f"W-{index:03d}" if paper else "",
            entered_by=entered_by if paper else None,
            confirmed_by=confirmed_by if paper else None,
        )
        chosen = rng.sample(plans, rng.randint(1, 3))
        Choice.objects.bulk_create(Choice(ballot=ballot, plan=plan) for plan in chosen)
    actions.compute_results(round=counted)

    binnenstad = neighbourhoods.get("binnenstad")
    if binnenstad is None:
        return
    open_round = Round.objects.create(
        neighbourhood=binnenstad,
        title_nl="Buurtbudget Binnenstad 2027",
        title_en="Neighbourhood budget Binnenstad 2027",
        description_nl="Kies plannen voor de Binnenstad, samen hooguit € 25.000.",
        description_en="Choose plans for the Binnenstad, together at most € 25,000.",
        total=Decimal(25_000),
        submission_opens=now - timedelta(days=40),
        submission_closes=now - timedelta(days=20),
        voting_opens=now - timedelta(days=2),
        voting_closes=now + timedelta(days=19),
        ballot_form=Round.BallotForm.BUDGET,
        min_plans=1,
        max_plans=3,
        winner_rule=Round.WinnerRule.GREEDY,
    )
    green = Theme.objects.create(
        round=open_round, name_nl="Groen", name_en="Green", max_amount=Decimal(18_000)
    )
    for index, (title, text, cost, theme) in enumerate(OPEN_PLANS):
        Plan.objects.create(
            round=open_round,
            title=title,
            description=text,
            cost=Decimal(cost),
            estimated_cost=Decimal(cost),
            theme=green if theme else None,
            submitted_by=demo.residents[(index + 2) % len(demo.residents)],
            feasibility=Plan.Feasibility.FEASIBLE,
            feasibility_reason="Uitvoerbaar; de gemeente heeft de kosten nagerekend.",
            reviewed_at=now - timedelta(days=5),
        )
    # The demo residents who live in the Binnenstad showed it with a letter code, so they
    # can vote; the others keep the residence of their own home wijk.
    for resident in demo.residents:
        if resident.home_neighbourhood_id == binnenstad.pk:
            Residence.objects.update_or_create(
                user=resident,
                defaults={"neighbourhood": binnenstad, "method": Residence.Method.LETTER_CODE},
            )
    if entered_by is None or confirmed_by is None:
        return
    first = Ballot.objects.create(
        round=open_round,
        paper=True,
        paper_reference="B-001",
        entered_by=entered_by,
        confirmed_by=confirmed_by,
    )
    Choice.objects.bulk_create(
        Choice(ballot=first, plan=plan) for plan in open_round.plans.order_by("pk")[:2]
    )
