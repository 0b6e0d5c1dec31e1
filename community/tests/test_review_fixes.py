"""What the review of the community app found: conversations started twice, full calls
still asking for volunteers, contact details and code in public texts, and ambassador
requests nobody could decide."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from community import actions
from community.models import Conversation, Membership, Message, VolunteerResponse
from community.tests.factories import (
    AmbassadorFactory,
    NetworkFactory,
    PostFactory,
    VolunteerCallFactory,
)
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

CONTACT = "Haal het e-mailadres, telefoonnummer of adres weg"


# --- 1. one conversation per two people and subject -----------------------------------------


def test_a_second_conversation_about_the_same_offer_cannot_be_stored(resident, other_resident):
    post = PostFactory(owner=resident)
    Conversation.objects.create(starter=other_resident, other=resident, post=post)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(starter=other_resident, other=resident, post=post)
    call = VolunteerCallFactory(created_by=resident)
    Conversation.objects.create(starter=other_resident, other=resident, call=call)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(starter=other_resident, other=resident, call=call)
    ambassador = AmbassadorFactory(user=resident)
    Conversation.objects.create(starter=other_resident, other=resident, ambassador=ambassador)
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(starter=other_resident, other=resident, ambassador=ambassador)


def test_writing_twice_about_an_offer_goes_on_in_one_conversation(client, resident, other_resident):
    post = PostFactory(owner=resident)
    client.force_login(other_resident)
    url = reverse("community:post_reply", args=[post.pk])
    assert client.post(url, {"text": "Mag ik je ladder lenen?"}).status_code == 302
    assert client.post(url, {"text": "Mag ik je ladder lenen?"}).status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == 2


# --- 2 and 6. only calls that still take volunteers are listed -------------------------------


def test_full_and_orphaned_calls_are_not_listed_as_wanting_volunteers(client):
    neighbourhood = NeighbourhoodFactory()
    full = VolunteerCallFactory(title="Volle plantdag", wanted=1)
    full.neighbourhood = neighbourhood
    full.save()
    VolunteerResponse.objects.create(call=full, user=UserFactory())
    orphaned = VolunteerCallFactory(title="Zonder vrager")
    orphaned.neighbourhood = neighbourhood
    orphaned.created_by = None
    orphaned.save()
    still_open = VolunteerCallFactory(title="Open plantdag")
    still_open.neighbourhood = neighbourhood
    still_open.save()
    for url in (
        reverse("community:index"),
        reverse("community:networks", args=[neighbourhood.slug]),
        neighbourhood.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "Open plantdag" in page, url
        assert "Volle plantdag" not in page, url
        assert "Zonder vrager" not in page, url


def test_open_calls_are_found_behind_twenty_full_ones(client):
    for n in range(20):
        call = VolunteerCallFactory(
            title=f"Vol {n}", wanted=1, ends_on=timezone.localdate() + timedelta(days=1)
        )
        VolunteerResponse.objects.create(call=call, user=UserFactory())
    VolunteerCallFactory(title="Later open", ends_on=timezone.localdate() + timedelta(days=30))
    page = client.get(reverse("community:index")).content.decode()
    assert "Later open" in page


# --- 3. plain text, and no contact details in a public profile -------------------------------


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("public_name", "sanne@example.nl", CONTACT),
        ("can_help_with", "Bel me: 06-12345678", CONTACT),
        ("can_help_with", "Kerkstraat 12, 1234 AB", CONTACT),
        ("public_name", "<script>alert(1)</script>", "Haal de code uit deze tekst"),
        ("can_help_with", '<img src=x onerror="alert(1)">', "Haal de code uit deze tekst"),
    ],
)
def test_an_ambassador_profile_holds_no_contact_details_or_code(client, field, value, error):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(UserFactory())
    data = {
        "theme": "energie",
        "role": "ambassador",
        "public_name": "Sanne",
        "can_help_with": "Advies over isolatie",
        field: value,
    }
    response = client.post(reverse("community:join", args=[neighbourhood.slug]), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Membership.objects.exists()


def test_the_action_itself_refuses_contact_details(resident):
    with pytest.raises(actions.CommunityError):
        actions.join_network(
            user=resident,
            neighbourhood=NeighbourhoodFactory(),
            theme=NetworkFactory().theme,
            as_ambassador=True,
            public_name="Sanne",
            can_help_with="Mail sanne(at)example.nl",
        )
    assert not Membership.objects.exists()


def test_a_message_with_code_is_refused_beside_the_field(client, resident, other_resident):
    post = PostFactory(owner=resident)
    client.force_login(other_resident)
    response = client.post(
        reverse("community:post_reply", args=[post.pk]),
        {"text": "Hoi <script>alert(1)</script>"},
    )
    assert response.status_code == 400
    assert "Haal de code uit deze tekst" in response.content.decode()
    assert not Message.objects.exists()
    conversation = actions.write_to(about=post, author=other_resident, text="Hallo")
    with pytest.raises(actions.CommunityError):
        actions.write_message(
            conversation=conversation, author=other_resident, text="<iframe src=x>"
        )
    assert Message.objects.count() == 1


# --- 4. a neighbourhood without an area manager ---------------------------------------------


def test_administrators_decide_where_there_is_no_area_manager(client):
    admin = StaffFactory(is_superuser=True)
    neighbourhood = NeighbourhoodFactory(area_manager=None)
    resident = UserFactory()
    client.force_login(resident)
    response = client.post(
        reverse("community:join", args=[neighbourhood.slug]),
        {
            "theme": "energie",
            "role": "ambassador",
            "public_name": "Sanne",
            "can_help_with": "Advies over isolatie",
        },
        follow=True,
    )
    assert "een beheerder van de gemeente" in response.content.decode()
    membership = Membership.objects.get(user=resident)
    assert Notification.objects.filter(recipient=admin, kind=actions.STAFF).exists()

    client.logout()
    sign_in_staff(client, admin)
    response = client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "approve", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
