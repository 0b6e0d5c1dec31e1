"""Residents together: networks and ambassadors approved by the area manager of their
neighbourhood, offers and requests, volunteer calls that fill up, and conversations that
never show an email address unless both people agree."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from community import actions
from community.models import (
    Block,
    Conversation,
    Membership,
    Message,
    MessageReport,
    Post,
    VolunteerCall,
    VolunteerResponse,
)
from community.tests.factories import (
    AmbassadorFactory,
    NetworkFactory,
    PostFactory,
    VolunteerCallFactory,
    theme,
)
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from privacy.models import AuditEntry

pytestmark = pytest.mark.django_db


def area_manager():
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    return manager


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def ask_to_be_ambassador(client, user, neighbourhood, **extra):
    client.force_login(user)
    data = {
        "theme": "energie",
        "role": "ambassador",
        "public_name": "Sanne",
        "can_help_with": "Advies over isolatie",
        **extra,
    }
    return client.post(reverse("community:join", args=[neighbourhood.slug]), data)


# --- networks and ambassadors ---------------------------------------------------------------


def test_an_ambassador_shows_only_after_the_area_manager_approved(client):
    manager = area_manager()
    neighbourhood = NeighbourhoodFactory(area_manager=manager)
    resident = UserFactory(email="sanne.prive@example.nl", display_name="Sanne de Vries")
    response = ask_to_be_ambassador(client, resident, neighbourhood)
    assert response.status_code == 302
    membership = Membership.objects.get(user=resident)
    assert membership.status == Membership.Status.WAITING
    assert Notification.objects.filter(recipient=manager, kind=actions.STAFF).exists()
    client.logout()
    page = client.get(neighbourhood.get_absolute_url()).content.decode()
    assert "Advies over isolatie" not in page

    sign_in_staff(client, manager)
    response = client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "approve", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED
    assert AuditEntry.objects.filter(
        actor=manager, action=AuditEntry.Action.BULK_ACTION, target_id=str(membership.pk)
    ).exists()
    client.logout()
    for url in (
        neighbourhood.get_absolute_url(),
        reverse("community:networks", args=[neighbourhood.slug]),
        membership.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert "Sanne" in page
        assert "Advies over isolatie" in page
        assert "sanne.prive@example.nl" not in page, "never an email address"
        assert "de Vries" not in page, "the chosen name, not the account's name"


def test_an_area_manager_of_another_area_cannot_approve(client):
    neighbourhood = NeighbourhoodFactory(area_manager=area_manager())
    membership = AmbassadorFactory(
        network=NetworkFactory(neighbourhood=neighbourhood), status=Membership.Status.WAITING
    )
    other = area_manager()
    NeighbourhoodFactory(area_manager=other)
    with pytest.raises(PermissionDenied):
        actions.decide_ambassador(membership=membership, by=other, approve=True)
    sign_in_staff(client, other)
    listing = client.get(reverse("admin:community_membership_changelist"))
    assert membership.public_name not in listing.content.decode(), "not among their choices"
    change = client.get(reverse("admin:community_membership_change", args=[membership.pk]))
    assert change.status_code in (302, 403, 404)
    response = client.post(
        reverse("admin:community_membership_changelist"),
        {"action": "approve", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.WAITING
    assert AuditEntry.objects.filter(
        actor=other, outcome=AuditEntry.Outcome.REFUSED, target_id=str(membership.pk)
    ).exists()


def test_an_ambassador_needs_a_name_and_what_they_help_with(client):
    neighbourhood = NeighbourhoodFactory()
    response = ask_to_be_ambassador(
        client, UserFactory(), neighbourhood, public_name="", can_help_with=""
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Geef de naam die je profiel laat zien." in page
    assert not Membership.objects.exists()


def test_the_ambassador_fields_say_they_are_required_for_ambassadors(client):
    """Not "(niet verplicht)": leaving them empty as an ambassador is refused."""
    neighbourhood = NeighbourhoodFactory()
    client.force_login(UserFactory())
    page = client.get(reverse("community:networks", args=[neighbourhood.slug])).content.decode()
    assert "Naam die je laat zien (verplicht voor ambassadeurs)" in page
    assert "Waarmee je kunt helpen (verplicht voor ambassadeurs)" in page
    assert "niet verplicht" not in page


def test_offer_or_request_is_two_answers_without_a_placeholder(client, resident):
    client.force_login(resident)
    page = client.get(reverse("community:post_create")).content.decode()
    kinds = re.findall(r'<input type="radio" name="kind" value="([^"]*)"', page)
    assert kinds == ["offer", "request"]


def test_joining_as_a_member_counts_on_the_network_page(client):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("community:join", args=[neighbourhood.slug]), {"theme": "groen", "role": "member"}
    )
    assert response.status_code == 302
    page = client.get(reverse("community:networks", args=[neighbourhood.slug])).content.decode()
    assert "Groen: 1 lid" in page


def test_network_and_neighbourhood_pages_cost_the_same_for_one_or_many(client):
    neighbourhood = NeighbourhoodFactory()
    network = NetworkFactory(neighbourhood=neighbourhood)
    AmbassadorFactory(network=network)
    VolunteerCallFactory(initiative__neighbourhood=neighbourhood)
    urls = [
        reverse("community:networks", args=[neighbourhood.slug]),
        neighbourhood.get_absolute_url(),
    ]
    one = [count_queries(client, url) for url in urls]
    for slug in ("groen", "zorg", "veiligheid"):
        AmbassadorFactory(network=NetworkFactory(neighbourhood=neighbourhood, theme=theme(slug)))
        AmbassadorFactory(network=network)
    for _ in range(3):
        VolunteerCallFactory(initiative__neighbourhood=neighbourhood)
    assert [count_queries(client, url) for url in urls] == one


# --- offers and requests --------------------------------------------------------------------


def test_a_resident_posts_an_offer_and_another_cannot_edit_it(client, resident, other_resident):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(resident)
    data = {
        "kind": "offer",
        "what": "Ik leen mijn ladder uit",
        "neighbourhood": neighbourhood.pk,
        "theme": theme().pk,
        "ends_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    response = client.post(reverse("community:post_create"), data)
    post = Post.objects.get()
    assert response.status_code == 302
    assert post.owner == resident
    client.force_login(other_resident)
    edit = reverse("community:post_edit", args=[post.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {**data, "what": "Gekaapt"}).status_code == 404
    post.refresh_from_db()
    assert post.what == "Ik leen mijn ladder uit"
    client.logout()
    assert client.get(edit)["Location"].startswith(reverse("account_login"))


def test_an_end_date_in_the_past_is_refused_and_nothing_saved(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("community:post_create"),
        {
            "kind": "request",
            "what": "Wie helpt met mijn tuin?",
            "neighbourhood": NeighbourhoodFactory().pk,
            "theme": theme().pk,
            "ends_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Kies een datum vanaf vandaag." in response.content.decode()
    assert not Post.objects.exists()


def test_the_list_filters_and_costs_the_same_for_one_or_many(client):
    neighbourhood = NeighbourhoodFactory()
    PostFactory(neighbourhood=neighbourhood, what="Boormachine te leen")
    PostFactory(what="Elders in de stad")
    url = reverse("community:index") + f"?neighbourhood={neighbourhood.slug}"
    page = client.get(url).content.decode()
    assert "Boormachine te leen" in page
    assert "Elders in de stad" not in page
    one = count_queries(client, url)
    for _ in range(5):
        PostFactory(neighbourhood=neighbourhood)
        VolunteerCallFactory(initiative__neighbourhood=neighbourhood)
    assert count_queries(client, url) == one


# --- volunteer calls --------------------------------------------------------------------------


def test_the_initiator_asks_for_volunteers_and_the_count_fills(client):
    initiative = InitiativeFactory(status="submitted")
    initiator = initiative.initiator
    client.force_login(initiator)
    response = client.post(
        reverse("community:call_create", args=[initiative.pk]),
        {
            "title": "3 mensen voor de plantdag op 12 april",
            "wanted": 3,
            "ends_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    call = VolunteerCall.objects.get()
    assert response.status_code == 302
    assert call.initiative == initiative
    volunteers = [
        UserFactory(email=f"vrijwilliger{n}@example.nl", display_name=f"Vrijwilliger {n}")
        for n in range(4)
    ]
    for volunteer in volunteers[:2]:
        client.force_login(volunteer)
        response = client.post(
            reverse("community:call_respond", args=[call.pk]), {"text": "Ik doe mee!"}
        )
        assert response.status_code == 302
    client.logout()
    assert "2 van 3 vrijwilligers" in client.get(call.get_absolute_url()).content.decode()
    client.force_login(volunteers[2])
    client.post(reverse("community:call_respond", args=[call.pk]), {"text": "Ik ook"})
    client.force_login(volunteers[3])
    late = client.post(reverse("community:call_respond", args=[call.pk]), {"text": "En ik?"})
    assert late.status_code == 400
    assert "Er hebben zich al genoeg vrijwilligers gemeld" in late.content.decode()
    assert VolunteerResponse.objects.filter(call=call).count() == 3

    client.force_login(initiator)
    listing = client.get(reverse("community:conversations")).content.decode()
    assert "Vrijwilliger 0" in listing
    assert "Vrijwilliger 1" in listing
    conversation = Conversation.objects.filter(call=call).order_by("pk").first()
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Ik doe mee!" in page
    for volunteer in volunteers:
        assert volunteer.email not in listing
        assert volunteer.email not in page


@pytest.mark.parametrize(
    ("wanted", "ends_in", "error"),
    [(0, 7, "Vraag om minstens één vrijwilliger."), (3, -1, "Kies een datum vanaf vandaag.")],
)
def test_a_call_needs_someone_and_a_future_date(client, wanted, ends_in, error):
    initiative = InitiativeFactory(status="submitted")
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("community:call_create", args=[initiative.pk]),
        {
            "title": "Plantdag",
            "wanted": wanted,
            "ends_on": (timezone.localdate() + timedelta(days=ends_in)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not VolunteerCall.objects.exists()


def test_only_an_initiator_asks_for_volunteers_for_an_initiative(client, other_resident):
    initiative = InitiativeFactory(status="submitted")
    client.force_login(other_resident)
    assert client.get(reverse("community:call_create", args=[initiative.pk])).status_code == 404


# --- conversations --------------------------------------------------------------------------


@pytest.fixture
def conversation(resident, other_resident):
    post = PostFactory(owner=resident)
    return actions.write_to(about=post, author=other_resident, text="Mag ik je ladder lenen?")


def test_another_resident_cannot_read_a_conversation(client, conversation):
    client.force_login(UserFactory())
    url = conversation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Ik lees mee"}).status_code == 404
    assert Message.objects.count() == 1
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_owner_hears_of_a_message_by_email_without_addresses(
    client, conversation, resident, other_resident, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.write_message(conversation=conversation, author=other_resident, text="Nog iets")
    notification = Notification.objects.filter(recipient=resident, kind=actions.MESSAGES).first()
    assert notification is not None
    assert other_resident.email not in str(notification.messages)
    assert all(other_resident.email not in mail.body for mail in mailoutbox)


def test_email_addresses_show_only_when_both_agree(client, conversation, resident, other_resident):
    url = conversation.get_absolute_url()
    client.force_login(resident)
    client.post(reverse("community:conversation_share", args=[conversation.pk]), {"share": "1"})
    client.force_login(other_resident)
    assert resident.email not in client.get(url).content.decode()
    client.post(reverse("community:conversation_share", args=[conversation.pk]), {"share": "1"})
    assert resident.email in client.get(url).content.decode()
    client.force_login(resident)
    assert other_resident.email in client.get(url).content.decode()


def test_a_blocked_person_writing_again_is_refused_and_nothing_saved(
    client, conversation, resident, other_resident
):
    client.force_login(resident)
    client.post(reverse("community:conversation_block", args=[conversation.pk]))
    assert Block.objects.filter(blocker=resident, blocked=other_resident).exists()
    client.force_login(other_resident)
    before = Message.objects.count()
    response = client.post(conversation.get_absolute_url(), {"text": "Hallo?"})
    assert response.status_code == 400
    assert "Deze persoon wil geen berichten van je ontvangen." in response.content.decode()
    post_reply = client.post(
        reverse("community:post_reply", args=[conversation.post.pk]), {"text": "Toch?"}
    )
    assert post_reply.status_code == 400
    assert Message.objects.count() == before


def test_messages_over_the_rate_limit_are_refused(client, conversation, other_resident, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "community_message": "2/h"}
    client.force_login(other_resident)
    url = conversation.get_absolute_url()
    statuses = [client.post(url, {"text": f"Bericht {n}"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert not Message.objects.filter(text="Bericht 2").exists()


def test_a_reported_message_is_moderated_like_comments(client, conversation, resident):
    message = conversation.messages.get()
    client.force_login(resident)
    response = client.post(
        reverse("community:message_report", args=[message.pk]),
        {f"report-{message.pk}-reason": "Onaardig"},
    )
    assert response.status_code == 302
    assert MessageReport.objects.open().count() == 1
    broker = StaffFactory()
    broker.groups.add(Role.INITIATIVE_BROKER.group())
    client.logout()
    sign_in_staff(client, broker)
    listing = client.get(reverse("admin:community_message_changelist") + "?moderation=waiting")
    assert "Mag ik je ladder lenen?" in listing.content.decode()
    response = client.post(
        reverse("admin:community_message_changelist"),
        {
            "action": "hide_messages",
            "_selected_action": [message.pk],
            "apply": "1",
            "reason": "Niet volgens de huisregels",
        },
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.hidden_at is not None
    assert not MessageReport.objects.open().exists()


def test_moderators_read_only_reported_messages(client, conversation):
    broker = StaffFactory()
    broker.groups.add(Role.INITIATIVE_BROKER.group())
    sign_in_staff(client, broker)
    listing = client.get(reverse("admin:community_message_changelist"))
    assert "Mag ik je ladder lenen?" not in listing.content.decode()


def test_the_conversation_page_costs_the_same_for_one_or_many_messages(
    client, conversation, resident, other_resident
):
    client.force_login(resident)
    url = conversation.get_absolute_url()
    one = count_queries(client, url)
    for n in range(5):
        actions.write_message(conversation=conversation, author=other_resident, text=f"Nog {n}")
        actions.write_message(conversation=conversation, author=resident, text=f"Antwoord {n}")
    assert count_queries(client, url) == one
    listing = reverse("community:conversations")
    one = count_queries(client, listing)
    actions.write_to(about=PostFactory(owner=UserFactory()), author=resident, text="Hoi")
    assert count_queries(client, listing) == one


# --- privacy -----------------------------------------------------------------------------------


def test_export_and_erasure_include_messages(conversation, resident, other_resident):
    from privacy.registry import erase_person, export_personal_data

    actions.write_message(conversation=conversation, author=resident, text="Ja, kom maar langs")
    sections = {section["table"]: section for section in export_personal_data(resident)["sections"]}
    texts = [row["text"] for row in sections["community.Message"]["rows"]]
    assert texts == ["Ja, kom maar langs"], "one's own messages, not the other's"
    assert sections["community.Conversation"]["rows"]
    erase_person(user=resident)
    assert not Message.objects.filter(text="Ja, kom maar langs").exists()
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


def test_retention_removes_old_conversations_and_ended_offers(conversation, settings):
    settings.PORTAL_CONVERSATION_RETENTION_DAYS = 30
    recent = actions.write_to(
        about=PostFactory(owner=UserFactory()), author=UserFactory(), text="Nieuw"
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        updated_at=timezone.now() - timedelta(days=40)
    )
    ended = PostFactory()
    Post.objects.filter(pk=ended.pk).update(ends_on=timezone.localdate() - timedelta(days=31))
    assert actions.apply_retention() == (1, 1)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()
    assert not Message.objects.filter(conversation_id=conversation.pk).exists()
    assert not Post.objects.filter(pk=ended.pk).exists()
    assert Conversation.objects.filter(pk=recent.pk).exists()


def test_a_network_member_is_a_lid_not_a_panel_member():
    from django.utils import translation

    with translation.override("nl"):
        assert str(Membership.Role.MEMBER.label) == "lid"
    with translation.override("en"):
        assert str(Membership.Role.MEMBER.label) == "member"
