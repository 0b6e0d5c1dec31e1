"""Verification levels across apps: the surveys app is the source of invitations."""

import pytest

from accounts.tests.factories import UserFactory
from neighbourhoods import verification
from neighbourhoods.models import ActionLevel, Level
from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys.models import AgeBand, PanelMember

pytestmark = pytest.mark.django_db


def test_panel_members_are_the_invited():
    neighbourhood = NeighbourhoodFactory()
    ActionLevel.objects.create(action="agenda_vote", level=Level.INVITED)
    member, outsider = UserFactory(), UserFactory()
    PanelMember.objects.create(user=member, neighbourhood=neighbourhood, age_band=AgeBand.FROM_25)
    assert verification.may(member, "agenda_vote", neighbourhood)
    refused = verification.refusal(outsider, "agenda_vote", neighbourhood)
    assert refused is not None
    assert refused.reason == verification.Refusal.INVITATION
    member.is_active = False
    member.save()
    assert not verification.may(member, "agenda_vote", neighbourhood)
