"""The demo's neighbourhood budget: whoever lives in the Binnenstad (their home wijk)
may vote in its open round; nobody holds a residence outside their home wijk."""

import pytest
from django.core.management import call_command

from accounts.models import User
from budgets import access
from budgets.models import Round
from neighbourhoods.models import Residence

pytestmark = pytest.mark.django_db


def test_the_demo_residents_of_the_binnenstad_may_vote_in_its_open_round():
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    round = Round.objects.get(neighbourhood__slug="binnenstad")
    assert round.is_voting_open
    fatima = User.objects.get(email__startswith="fatima")
    assert fatima.home_neighbourhood == round.neighbourhood
    assert access.refusal(fatima, access.VOTE, round) is None
    for residence in Residence.objects.select_related("user"):
        assert residence.neighbourhood_id == residence.user.home_neighbourhood_id
    assert not round.ballots.filter(voter__isnull=False).exists()
    assert round.ballots.filter(paper=True, confirmed_by__isnull=False).count() == 1
