"""Personal data in the neighbourhood budget (see ``privacy.registry``).

A ballot is personal data while the round is open: it says what a resident chose. The
person can export it, and erasing them deletes it. When the results are final the
ballots move into the anonymous ``CountedBallot`` (no person, no moment) and the ballots
go (``compute_results``): the tally and the anonymous ballots stay for a recount and
cannot be tied to anyone. A plan stays
as a public contribution; who submitted it goes (set null)."""

from budgets.actions import forget_ballots
from budgets.models import Ballot, Choice, Plan
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="budgets.Plan",
        rows=lambda user: Plan.objects.filter(submitted_by=user),
        exported=("round", "title", "description", "cost", "estimated_cost", "created_at"),
        not_personal=(
            "id",
            "submitted_by",
            "theme",
            "initiative",
            "agenda_item",
            "feasibility",
            "feasibility_reason",
            "cost_reason",
            "reviewed_at",
            "project",
        ),
    ),
    PersonalData(
        model="budgets.Ballot",
        rows=lambda user: Ballot.objects.filter(voter=user),
        exported=("round", "plans", "created_at", "updated_at"),
        not_personal=(
            "id",
            "voter",
            "paper",
            "paper_reference",
            "entered_by",
            "confirmed_by",
        ),
        erase=lambda user: forget_ballots(user=user),
    ),
    PersonalData(
        model="budgets.Choice",
        rows=lambda user: Choice.objects.filter(ballot__voter=user),
        exported=("plan", "rank"),
        not_personal=("id", "ballot"),
    ),
]
