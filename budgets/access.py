"""Who may take part in a round: the verification level the municipality set for
submitting a plan (``budget_plan``, a confirmed email address unless set otherwise) and
for voting (``budget_vote``, living in the round's neighbourhood, or in the city for a
city-wide round), asked of ``neighbourhoods.verification``."""

from django.utils.translation import gettext_lazy as _

from budgets.models import Round
from neighbourhoods import verification

PLAN = "budget_plan"
VOTE = "budget_vote"


def register() -> None:
    """From the app's ``ready()``: the two actions and their default levels."""
    verification.register_action(
        PLAN, _("Submitting a plan for the neighbourhood budget"), verification.Level.EMAIL
    )
    verification.register_action(
        VOTE, _("Voting on the neighbourhood budget"), verification.Level.RESIDENT
    )


def refusal(user, action: str, round: Round) -> verification.Refusal | None:
    """Why ``user`` may not do ``action`` in ``round`` (None: they may)."""
    return verification.refusal(user, action, round.neighbourhood)


def may(user, action: str, round: Round) -> bool:
    return verification.may(user, action, round.neighbourhood)
