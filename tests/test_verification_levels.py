"""Verification levels across apps: the surveys app is the source of invitations."""

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from neighbourhoods import verification
from neighbourhoods.models import ActionLevel, Level
from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys.models import AgeBand, Invitation, PanelMember
from surveys.tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db


def test_only_a_sent_invitation_for_the_neighbourhood_counts():
    """Joining the panel is open to anyone: it is not an invitation. Only an invitation
    actually sent, for the neighbourhood asked about, is."""
    neighbourhood, elsewhere = NeighbourhoodFactory(), NeighbourhoodFactory()
    ActionLevel.objects.create(action="agenda_vote", level=Level.INVITED)
    member = UserFactory()
    panel = PanelMember.objects.create(
        user=member, neighbourhood=neighbourhood, age_band=AgeBand.FROM_25
    )
    refused = verification.refusal(member, "agenda_vote", neighbourhood)
    assert refused is not None
    assert refused.reason == verification.Refusal.INVITATION

    # Prepared but not sent: still not invited.
    invitation = Invitation.objects.create(
        survey=SurveyFactory(), member=panel, neighbourhood=neighbourhood, token_hash="a" * 64
    )
    assert not verification.may(member, "agenda_vote", neighbourhood)
    invitation.sent_at = timezone.now()
    invitation.save()
    assert verification.may(member, "agenda_vote", neighbourhood)
    assert not verification.may(member, "agenda_vote", elsewhere)
    assert not verification.may(UserFactory(), "agenda_vote", neighbourhood)
    member.is_active = False
    member.save()
    assert not verification.may(member, "agenda_vote", neighbourhood)


def test_the_back_office_offers_the_levels_of_comments_support_and_reports():
    from neighbourhoods.admin import ActionLevelForm

    offered = dict(ActionLevelForm().fields["action"].choices)
    assert {"comment", "support", "report", "agenda_vote", "budget_vote"} <= set(offered)
    form = ActionLevelForm({"action": "report", "level": Level.RESIDENT})
    assert form.is_valid(), form.errors
    form.save()
    assert verification.required_level("report") == Level.RESIDENT
