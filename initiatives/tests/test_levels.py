"""Verification levels for comments and support: a confirmed email address unless the
municipality asks more; the view tells what is missing and the action checks again."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives import access, actions
from initiatives.models import Comment, Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods import verification
from neighbourhoods.models import ActionLevel, Level
from neighbourhoods.tests.factories import NeighbourhoodFactory, ResidenceFactory

pytestmark = pytest.mark.django_db


def test_comment_and_support_are_registered_with_email_as_their_default():
    keys = {action.key: action.default for action in verification.actions()}
    assert keys[access.COMMENT] == Level.EMAIL
    assert keys[access.SUPPORT] == Level.EMAIL


def test_by_default_a_confirmed_account_comments_and_supports(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(UserFactory())
    client.post(reverse("initiatives:support", args=[initiative.pk]))
    client.post(reverse("initiatives:comment", args=[initiative.pk]), {"text": "Goed idee!"})
    assert Support.objects.filter(initiative=initiative).count() == 1
    assert Comment.objects.filter(initiative=initiative).count() == 1


@pytest.fixture
def resident_level():
    for action in (access.COMMENT, access.SUPPORT):
        ActionLevel.objects.create(action=action, level=Level.RESIDENT)


def test_resident_level_refuses_someone_from_another_wijk_in_the_view(client, resident_level):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    elsewhere = ResidenceFactory(neighbourhood=NeighbourhoodFactory()).user
    client.force_login(elsewhere)
    page = initiative.get_absolute_url()
    for url, data in [
        (reverse("initiatives:support", args=[initiative.pk]), {}),
        (reverse("initiatives:comment", args=[initiative.pk]), {"text": "Goed idee!"}),
    ]:
        response = client.post(url, data, follow=True)
        first_url, status = response.redirect_chain[0]
        assert status == 302
        assert first_url.startswith(verification.verification_url())
        assert "next=" in first_url
        assert page.replace("/", "%2F") in first_url
        assert "Alleen bewoners van deze wijk" in response.content.decode()
    assert not Support.objects.exists()
    assert not Comment.objects.exists()
    assert Initiative.objects.get(pk=initiative.pk).supporter_count == 0


def test_resident_level_with_htmx_sends_the_browser_to_the_verification_page(
    client, resident_level
):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(UserFactory())
    response = client.post(
        reverse("initiatives:support", args=[initiative.pk]), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"].startswith(verification.verification_url())
    assert not Support.objects.exists()


def test_resident_level_refuses_in_the_action_too(resident_level):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    elsewhere = ResidenceFactory(neighbourhood=NeighbourhoodFactory()).user
    with pytest.raises(access.NotEntitledError) as refused:
        actions.support_initiative(initiative=initiative, user=elsewhere)
    assert refused.value.refusal.reason == verification.Refusal.RESIDENCE
    with pytest.raises(access.NotEntitledError):
        actions.post_comment(initiative=initiative, author=elsewhere, text="Goed idee!")
    assert not Support.objects.exists()
    assert not Comment.objects.exists()


def test_resident_level_accepts_someone_living_there(client, resident_level):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    neighbour = ResidenceFactory(neighbourhood=initiative.neighbourhood).user
    client.force_login(neighbour)
    client.post(reverse("initiatives:support", args=[initiative.pk]))
    response = client.post(
        reverse("initiatives:comment", args=[initiative.pk]), {"text": "Goed idee!"}
    )
    assert response.status_code == 302
    assert Support.objects.filter(user=neighbour).count() == 1
    assert Comment.objects.filter(author=neighbour).count() == 1
