"""Verification levels per action: what the municipality asks, and the agenda's votes."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from neighbourhoods import actions, verification
from neighbourhoods.models import ActionLevel, AgendaVote, Level
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    NeighbourhoodFactory,
    ResidenceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English (the language switch's cookie), the messages too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_agenda_votes_are_registered_with_email_as_their_default():
    keys = {action.key: action.default for action in verification.actions()}
    assert keys["agenda_vote"] == Level.EMAIL
    assert verification.required_level("agenda_vote") == Level.EMAIL
    ActionLevel.objects.create(action="agenda_vote", level=Level.RESIDENT)
    assert verification.required_level("agenda_vote") == Level.RESIDENT


def test_an_unregistered_action_is_a_programming_error():
    with pytest.raises(KeyError):
        verification.required_level("no_such_action")
    with pytest.raises(ValueError, match="another default"):
        verification.register_action("agenda_vote", "x", Level.INVITED)


def test_refusal_says_why_and_where_to_go():
    neighbourhood = NeighbourhoodFactory()
    other = NeighbourhoodFactory()
    ActionLevel.objects.create(action="agenda_vote", level=Level.RESIDENT)
    url = reverse("verification:start")

    anonymous = verification.refusal(AnonymousUser(), "agenda_vote", neighbourhood)
    assert (anonymous.reason, anonymous.url) == (verification.Refusal.SIGN_IN, url)

    unconfirmed = UserFactory()
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    assert verification.refusal(unconfirmed, "agenda_vote", neighbourhood).reason == "email"

    resident = ResidenceFactory(neighbourhood=neighbourhood).user
    assert verification.refusal(resident, "agenda_vote", neighbourhood) is None
    assert verification.may(resident, "agenda_vote", neighbourhood)
    elsewhere = verification.refusal(resident, "agenda_vote", other)
    assert elsewhere.reason == verification.Refusal.RESIDENCE
    assert "live here" in str(elsewhere.message)
    # For the whole city any neighbourhood will do.
    assert verification.may(resident, "agenda_vote", None)
    assert not verification.may(UserFactory(), "agenda_vote", None)


def test_invited_asks_an_invitation_from_a_registered_source(monkeypatch):
    neighbourhood = NeighbourhoodFactory()
    ActionLevel.objects.create(action="agenda_vote", level=Level.INVITED)
    invited, not_invited = UserFactory(), UserFactory()
    monkeypatch.setattr(verification, "_INVITATIONS", [lambda user, where: user.pk == invited.pk])
    assert verification.may(invited, "agenda_vote", neighbourhood)
    refused = verification.refusal(not_invited, "agenda_vote", neighbourhood)
    assert refused.reason == verification.Refusal.INVITATION


def test_with_email_level_every_confirmed_resident_votes(client):
    item = AgendaItemFactory()
    resident = UserFactory()
    client.force_login(resident)
    client.post(reverse("neighbourhoods:agenda_vote", args=[item.neighbourhood.slug, item.pk]))
    assert AgendaVote.objects.filter(user=resident).count() == 1


def test_resident_level_refuses_a_vote_from_outside_the_neighbourhood(client):
    item = AgendaItemFactory()
    ActionLevel.objects.create(action="agenda_vote", level=Level.RESIDENT)
    url = reverse("neighbourhoods:agenda_vote", args=[item.neighbourhood.slug, item.pk])
    outsider = ResidenceFactory().user  # lives in another neighbourhood
    client.force_login(outsider)
    response = client.post(url, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("verification:start"))
    assert "Show that you live here" in response.content.decode()
    assert not AgendaVote.objects.exists()
    # The action refuses too, whoever calls it.
    assert actions.vote_for_item(item=item, user=outsider) is actions.VoteResult.NOT_VERIFIED

    neighbour = ResidenceFactory(neighbourhood=item.neighbourhood).user
    client.force_login(neighbour)
    client.post(url)
    assert list(AgendaVote.objects.values_list("user", flat=True)) == [neighbour.pk]


def test_verification_page_shows_the_residence_and_the_levels(client):
    residence = ResidenceFactory()
    client.force_login(residence.user)
    response = client.get(reverse("verification:start"))
    body = response.content.decode()
    assert residence.neighbourhood.name in body
    assert "Priority votes on a neighbourhood" in body


def test_verification_page_is_for_signed_in_people(client):
    response = client.get(reverse("verification:start"))
    assert response.status_code == 302
    assert "/account/login/" in response.url


def test_action_level_admin_offers_the_registered_actions(client):
    sign_in_staff(client, StaffFactory(is_superuser=True))
    response = client.get(reverse("admin:neighbourhoods_actionlevel_add"))
    assert 'value="agenda_vote"' in response.content.decode()
    response = client.post(
        reverse("admin:neighbourhoods_actionlevel_add"), {"action": "forged", "level": "email"}
    )
    assert response.status_code == 200
    assert not ActionLevel.objects.exists()
    client.post(
        reverse("admin:neighbourhoods_actionlevel_add"),
        {"action": "agenda_vote", "level": "resident"},
    )
    assert verification.required_level("agenda_vote") == Level.RESIDENT


def test_verification_page_queries_do_not_grow_with_the_actions(client, monkeypatch):
    client.force_login(ResidenceFactory().user)
    url = reverse("verification:start")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    more = dict(verification._ACTIONS)
    for number in range(5):
        more[f"extra_{number}"] = verification.Action(f"extra_{number}", "Extra", Level.RESIDENT)
    monkeypatch.setattr(verification, "_ACTIONS", more)
    ActionLevel.objects.create(action="extra_1", level=Level.EMAIL)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("Extra") == 5
    assert len(many) == len(one)
