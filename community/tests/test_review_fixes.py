"""What the review of the community app found: conversations started twice, full calls
still asking for volunteers, contact details and code in public texts, and ambassador
requests nobody could decide."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from community import actions
from community.models import (
    Block,
    Conversation,
    Membership,
    Message,
    Post,
    VolunteerCall,
    VolunteerResponse,
)
from community.tests.factories import (
    AmbassadorFactory,
    NetworkFactory,
    PostFactory,
    VolunteerCallFactory,
)
from initiatives.tests.factories import InitiativeFactory
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


# --- 5. a second request after a decline is announced again --------------------------------


def test_a_second_request_after_a_decline_is_announced_and_decided_again(resident):
    manager = StaffFactory()
    neighbourhood = NeighbourhoodFactory(area_manager=manager)
    energy = NetworkFactory(neighbourhood=neighbourhood).theme
    for round_ in (1, 2):
        membership = actions.join_network(
            user=resident,
            neighbourhood=neighbourhood,
            theme=energy,
            as_ambassador=True,
            public_name="Sanne",
            can_help_with="Advies",
        )
        # Two requests never share a moment.
        Membership.objects.filter(pk=membership.pk).update(
            requested_at=timezone.now() - timedelta(hours=3 - round_)
        )
        membership.refresh_from_db()
        actions.decide_ambassador(membership=membership, by=manager, approve=False)
        assert Notification.objects.filter(recipient=manager, kind=actions.STAFF).count() == round_
        assert (
            Notification.objects.filter(recipient=resident, kind=actions.AMBASSADOR).count()
            == round_
        )


# --- 6. a call whose asker erased their account closes -------------------------------------


def test_erasing_the_asker_closes_their_call(client, other_resident):
    from privacy.registry import erase_person

    call = VolunteerCallFactory(title="Plantdag zonder vrager")
    erase_person(user=call.created_by)
    call.refresh_from_db()
    assert call.created_by is None
    assert not call.is_open()
    assert call.ends_on < timezone.localdate()
    assert "Plantdag zonder vrager" not in client.get(reverse("community:index")).content.decode()


# --- 7. retention of calls, responses and notices ------------------------------------------


def test_retention_removes_ended_calls_with_responses_and_notices_of_gone_conversations(
    settings, resident, other_resident
):
    settings.PORTAL_CONVERSATION_RETENTION_DAYS = 30
    old = VolunteerCallFactory()
    VolunteerResponse.objects.create(call=old, user=resident)
    VolunteerCall.objects.filter(pk=old.pk).update(
        ends_on=timezone.localdate() - timedelta(days=31)
    )
    recent = VolunteerCallFactory()
    VolunteerResponse.objects.create(call=recent, user=resident)
    gone = actions.write_to(about=PostFactory(owner=resident), author=other_resident, text="Hoi")
    kept = actions.write_to(about=PostFactory(owner=other_resident), author=resident, text="Hallo")
    assert Notification.objects.filter(kind=actions.MESSAGES).count() == 2
    Conversation.objects.filter(pk=gone.pk).update(updated_at=timezone.now() - timedelta(days=40))
    actions.apply_retention()
    assert not VolunteerCall.objects.filter(pk=old.pk).exists()
    assert not VolunteerResponse.objects.filter(call_id=old.pk).exists()
    assert VolunteerResponse.objects.filter(call=recent).exists()
    assert list(
        Notification.objects.filter(kind=actions.MESSAGES).values_list("subject_id", flat=True)
    ) == [kept.pk]


# --- 8. the list of conversations is paged -------------------------------------------------


def test_the_conversation_list_is_paged_and_costs_the_same(client, resident):
    def listing_queries(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    actions.write_to(about=PostFactory(owner=UserFactory()), author=resident, text="Hoi")
    client.force_login(resident)
    url = reverse("community:conversations")
    one, _page = listing_queries(url)
    for n in range(21):
        actions.write_to(
            about=PostFactory(owner=UserFactory(), what=f"Gesprek {n:02d}"),
            author=resident,
            text="Hoi",
        )
    many, page = listing_queries(url)
    assert many == one
    assert page.count('class="portal-card"') == 20
    assert "Pagina 1 van 2" in page
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="portal-card"') == 2


# --- 9. the notice about a message in the reader's language --------------------------------


def test_the_notice_names_the_subject_in_each_language(resident, other_resident):
    ambassador = AmbassadorFactory(user=resident, public_name="Sanne")
    actions.write_to(about=ambassador, author=other_resident, text="Hoi")
    notice = Notification.objects.get(recipient=resident, kind=actions.MESSAGES)
    assert "Ambassadeur Sanne" in notice.messages["nl"]
    assert "Ambassador Sanne" in notice.messages["en"]


# --- 10. the end date passing between the form's check and the write -----------------------


@pytest.fixture
def tomorrow_for_the_actions(monkeypatch):
    """The day turns between the form's check and the action's."""
    later = SimpleNamespace(
        localdate=lambda: timezone.localdate() + timedelta(days=2), now=timezone.now
    )
    monkeypatch.setattr(actions, "timezone", later)


def test_an_end_date_passing_meanwhile_is_an_error_beside_the_field(
    client, resident, tomorrow_for_the_actions
):
    client.force_login(resident)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("community:post_create"),
        {
            "kind": "offer",
            "what": "Ladder",
            "neighbourhood": NeighbourhoodFactory().pk,
            "theme": NetworkFactory().theme.pk,
            "ends_on": tomorrow,
        },
    )
    assert response.status_code == 400
    assert "Kies een datum vanaf vandaag." in response.content.decode()
    assert not Post.objects.exists()

    post = PostFactory(owner=resident)
    response = client.post(
        reverse("community:post_edit", args=[post.pk]),
        {
            "kind": "offer",
            "what": "Andere ladder",
            "neighbourhood": post.neighbourhood.pk,
            "theme": post.theme.pk,
            "ends_on": tomorrow,
        },
    )
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.what != "Andere ladder"

    initiative = InitiativeFactory(status="submitted")
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("community:call_create", args=[initiative.pk]),
        {"title": "Plantdag", "wanted": 3, "ends_on": tomorrow},
    )
    assert response.status_code == 400
    assert "Kies een datum vanaf vandaag." in response.content.decode()
    assert not VolunteerCall.objects.exists()


# --- 11. tests that can fail --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_for_the_last_place_fill_it_once():
    call = VolunteerCallFactory(wanted=2)
    VolunteerResponse.objects.create(call=call, user=UserFactory())
    volunteers = [UserFactory(), UserFactory()]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def volunteer(user):
        try:
            start.wait()
            actions.respond_to_call(call=call, user=user, text="Ik doe mee")
            outcomes.append("in")
        except actions.CommunityError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=volunteer, args=(user,)) for user in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["in", "refused"]
    assert VolunteerResponse.objects.filter(call=call).count() == 2


def test_the_message_email_goes_once_to_the_person_written_to(
    resident, other_resident, mailoutbox, django_capture_on_commit_callbacks
):
    post = PostFactory(owner=resident)
    with django_capture_on_commit_callbacks(execute=True):
        actions.write_to(about=post, author=other_resident, text="Mag ik je ladder lenen?")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [resident.email]
    assert other_resident.email not in mailoutbox[0].body


def test_a_blocked_person_cannot_respond_to_a_call_or_write_an_ambassador(client, resident):
    call = VolunteerCallFactory()
    ambassador = AmbassadorFactory()
    Block.objects.create(blocker=call.created_by, blocked=resident)
    Block.objects.create(blocker=ambassador.user, blocked=resident)
    client.force_login(resident)
    for url in (
        reverse("community:call_respond", args=[call.pk]),
        reverse("community:ambassador_contact", args=[ambassador.pk]),
    ):
        response = client.post(url, {"text": "Hallo?"})
        assert response.status_code == 400, url
        assert "Deze persoon wil geen berichten van je ontvangen." in response.content.decode()
    assert not VolunteerResponse.objects.exists()
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_call_responses_and_ambassador_messages_over_the_rate_limit_are_refused(
    client, resident, settings
):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "community_message": "1/h"}
    first, second = VolunteerCallFactory(), VolunteerCallFactory()
    client.force_login(resident)
    assert (
        client.post(reverse("community:call_respond", args=[first.pk]), {"text": "Ja"}).status_code
        == 302
    )
    over = client.post(reverse("community:call_respond", args=[second.pk]), {"text": "Ja"})
    assert over.status_code == 429
    ambassador = AmbassadorFactory()
    over = client.post(
        reverse("community:ambassador_contact", args=[ambassador.pk]), {"text": "Hoi"}
    )
    assert over.status_code == 429
    assert not VolunteerResponse.objects.filter(call=second).exists()
    assert not Conversation.objects.filter(call=second).exists()
    assert not Conversation.objects.filter(ambassador=ambassador).exists()


def test_calls_and_offers_close_at_their_end_date(client, resident):
    call = VolunteerCallFactory(title="Plantdag vandaag", ends_on=timezone.localdate())
    post = PostFactory(what="Ladder tot vandaag", ends_on=timezone.localdate())
    assert "Plantdag vandaag" in client.get(reverse("community:index")).content.decode()
    VolunteerCall.objects.filter(pk=call.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    Post.objects.filter(pk=post.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    page = client.get(reverse("community:index")).content.decode()
    assert "Plantdag vandaag" not in page
    assert "Ladder tot vandaag" not in page
    client.force_login(resident)
    closed = client.post(reverse("community:call_respond", args=[call.pk]), {"text": "Ja"})
    assert closed.status_code == 400
    ended = client.post(reverse("community:post_reply", args=[post.pk]), {"text": "Ja"})
    assert ended.status_code == 400
    assert not VolunteerResponse.objects.exists()
    assert not Message.objects.exists()


def test_a_hidden_offer_is_not_found_by_other_residents(client, resident, other_resident):
    post = PostFactory(owner=resident, hidden_at=timezone.now())
    client.force_login(other_resident)
    assert client.get(post.get_absolute_url()).status_code == 404
    reply = client.post(reverse("community:post_reply", args=[post.pk]), {"text": "Hoi"})
    assert reply.status_code == 404
    client.force_login(resident)
    assert client.get(post.get_absolute_url()).status_code == 200


# --- 13. a call's own checks ---------------------------------------------------------------


def test_a_call_is_in_the_neighbourhood_of_what_asks_and_wants_no_fewer_than_came():
    from django.core.exceptions import ValidationError

    from neighbourhoods.tests.factories import AgendaItemFactory

    item = AgendaItemFactory()
    call = VolunteerCall(
        title="Plantdag",
        wanted=2,
        ends_on=timezone.localdate() + timedelta(days=7),
        agenda_item=item,
        neighbourhood=NeighbourhoodFactory(),
    )
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "neighbourhood" in refused.value.message_dict
    call.neighbourhood = item.neighbourhood
    call.full_clean()
    call.save()
    for _n in range(2):
        VolunteerResponse.objects.create(call=call, user=UserFactory())
    call.wanted = 1
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert refused.value.message_dict["wanted"] == [
        "Er hebben zich al 2 vrijwilligers gemeld; vraag om minstens zoveel."
    ]
