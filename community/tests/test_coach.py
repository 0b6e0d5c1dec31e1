"""Coaches for initiators (issue 25, part 5): an initiator asks for a coach, the area
manager of the initiative's neighbourhood (or the triage) assigns an ambassador of that
neighbourhood or an initiative broker, an ambassador accepts or declines, and the coach
shows on the initiative without an email address."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from community import actions
from community.models import CoachRequest, Membership
from community.tests.factories import AmbassadorFactory, NetworkFactory, theme
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from privacy.models import AuditEntry
from privacy.registry import erase_person

pytestmark = pytest.mark.django_db


def staff_with(role: Role, **extra):
    person = StaffFactory(**extra)
    person.groups.add(role.group())
    return person


@pytest.fixture
def setting():
    """A neighbourhood with its area manager, a submitted initiative and an approved
    energy ambassador there."""
    manager = staff_with(Role.AREA_MANAGER)
    neighbourhood = NeighbourhoodFactory(area_manager=manager)
    initiator = UserFactory(display_name="Ineke Initiatiefnemer")
    initiative = InitiativeFactory(
        neighbourhood=neighbourhood, initiator=initiator, status="submitted"
    )
    ambassador = AmbassadorFactory(
        network=NetworkFactory(neighbourhood=neighbourhood, theme=theme("energie")),
        public_name="Sanne",
        user=UserFactory(email="sanne.prive@example.nl", display_name="Sanne de Vries"),
    )
    return manager, neighbourhood, initiative, ambassador


def as_staff(client, user) -> None:
    client.logout()
    sign_in_staff(client, user)


def ask(client, initiative, user, **data):
    client.force_login(user)
    return client.post(
        reverse("community:coach_ask", args=[initiative.pk]),
        {"wish": "ambassador", "question": "Hoe vinden we vrijwilligers?", **data},
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_an_initiator_asks_and_the_area_manager_hears_of_it(client, setting):
    manager, _neighbourhood, initiative, _ambassador = setting
    page = client.get(initiative.get_absolute_url())
    assert "coach-title" not in page.content.decode(), "nothing to show the public yet"
    client.force_login(initiative.initiator)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert reverse("community:coach_ask", args=[initiative.pk]) in page
    response = ask(client, initiative, initiative.initiator)
    assert response.status_code == 302
    coaching = CoachRequest.objects.get(initiative=initiative)
    assert coaching.status == CoachRequest.Status.ASKED
    assert coaching.asked_by == initiative.initiator
    assert Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).exists()
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "De gebiedsmanager zoekt er een." in page


def test_another_resident_cannot_ask_for_someone_elses_initiative(client, setting):
    _manager, _neighbourhood, initiative, _ambassador = setting
    response = ask(client, initiative, UserFactory())
    assert response.status_code == 404
    assert not CoachRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.ask_for_coach(initiative=initiative, by=UserFactory(), wish="either", question="x")


def test_an_anonymous_visitor_is_sent_to_sign_in(client, setting):
    initiative = setting[2]
    url = reverse("community:coach_ask", args=[initiative.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"wish": "either", "question": "Hulp"}).status_code == 302
    assert not CoachRequest.objects.exists()


def test_a_draft_cannot_ask_for_a_coach(client, setting):
    neighbourhood = setting[1]
    draft = InitiativeFactory(neighbourhood=neighbourhood)
    assert ask(client, draft, draft.initiator).status_code == 404
    assert not CoachRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "Mail me op ineke@example.nl"}, "question"),
        ({"wish": "mayor"}, "wish"),
        ({"question": "x" * 1001}, "question"),
    ],
)
def test_bad_input_is_refused_beside_the_field(client, setting, data, field):
    initiative = setting[2]
    response = ask(client, initiative, initiative.initiator, **data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not CoachRequest.objects.exists()


def test_the_area_manager_assigns_an_ambassador_who_accepts(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    ask(client, initiative, initiative.initiator)
    coaching = CoachRequest.objects.get()
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"ambassador": ambassador.pk, "broker": "", "broker_name": ""})
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.ambassador == ambassador
    assert coaching.status == CoachRequest.Status.ASSIGNED
    assert Notification.objects.filter(recipient=ambassador.user, kind=actions.COACH).exists()
    assert Notification.objects.filter(recipient=initiative.initiator, kind=actions.COACH).exists()
    assert AuditEntry.objects.filter(actor=manager, target_id=str(coaching.pk)).exists()
    client.logout()
    assert "Sanne" not in client.get(initiative.get_absolute_url()).content.decode(), (
        "shown once the ambassador accepted"
    )

    client.force_login(ambassador.user)
    answer_url = reverse("community:coaching", args=[coaching.pk])
    assert "Hoe vinden we vrijwilligers?" in client.get(answer_url).content.decode()
    response = client.post(answer_url, {"answer": "accept"})
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.ACCEPTED
    client.logout()
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Sanne" in page
    assert "sanne.prive@example.nl" not in page
    assert "de Vries" not in page
    client.force_login(initiative.initiator)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert ambassador.get_absolute_url() in page, "the initiator sees how to reach the coach"
    assert "sanne.prive@example.nl" not in page


def test_the_initiator_writes_to_the_coach_through_a_conversation(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
    client.force_login(initiative.initiator)
    response = client.post(
        reverse("community:ambassador_contact", args=[ambassador.pk]),
        {"text": "Dank je! Wanneer kunnen we bellen?"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Wanneer kunnen we bellen?" in page
    assert "sanne.prive@example.nl" not in page


def test_a_declined_request_waits_for_another_coach(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    client.force_login(ambassador.user)
    response = client.post(reverse("community:coaching", args=[coaching.pk]), {"answer": "decline"})
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.DECLINED
    assert list(CoachRequest.objects.without_coach()) == [coaching]
    assert Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).count() == 2
    # Answering twice is refused with a message, not a 500.
    response = client.post(reverse("community:coaching", args=[coaching.pk]), {"answer": "accept"})
    assert response.status_code == 400
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.DECLINED


def test_only_the_ambassador_asked_answers(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    url = reverse("community:coaching", args=[coaching.pk])
    for someone in (initiative.initiator, UserFactory()):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "accept"}).status_code == 404
    client.logout()
    assert client.post(url, {"answer": "accept"}).status_code == 302
    client.force_login(ambassador.user)
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.ASSIGNED


def test_an_area_manager_of_another_area_cannot_assign(client, setting):
    _manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    other = staff_with(Role.AREA_MANAGER)
    NeighbourhoodFactory(area_manager=other)
    with pytest.raises(PermissionDenied):
        actions.assign_coach(coaching=coaching, by=other, ambassador=ambassador)
    as_staff(client, other)
    listing = client.get(reverse("admin:community_coachrequest_changelist"))
    assert initiative.title not in listing.content.decode()
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(url, {"ambassador": ambassador.pk, "broker": "", "broker_name": ""})
    coaching.refresh_from_db()
    assert coaching.ambassador is None


def test_only_ambassadors_of_the_initiatives_neighbourhood_are_offered(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    elsewhere = AmbassadorFactory(public_name="Ergens Anders")
    waiting = AmbassadorFactory(
        network=ambassador.network, public_name="Nog Wachtend", status=Membership.Status.WAITING
    )
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    form = client.get(url).context["adminform"].form
    offered = list(form.fields["ambassador"].queryset)
    assert offered == [ambassador]
    assert elsewhere not in offered
    assert waiting not in offered
    # A forged choice is a form error, and nothing is saved.
    response = client.post(url, {"ambassador": elsewhere.pk, "broker": "", "broker_name": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ambassador"]
    coaching.refresh_from_db()
    assert coaching.ambassador is None
    with pytest.raises(actions.CommunityError):
        actions.assign_coach(coaching=coaching, by=manager, ambassador=elsewhere)


def test_choose_exactly_one_coach(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER, display_name="Fatima Makelaar")
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="either", question="Hulp"
    )
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    for data in (
        {"ambassador": "", "broker": "", "broker_name": ""},
        {"ambassador": ambassador.pk, "broker": broker.pk, "broker_name": ""},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors()
    coaching.refresh_from_db()
    assert coaching.ambassador is None
    assert coaching.broker is None
    # A colleague who is no initiative broker is not offered.
    not_a_broker = staff_with(Role.RESEARCHER)
    response = client.post(url, {"ambassador": "", "broker": not_a_broker.pk, "broker_name": ""})
    assert response.context["adminform"].form.errors["broker"]


def test_an_initiative_broker_coaches_at_once_under_the_name_staff_chose(client, setting):
    manager, _neighbourhood, initiative, _ambassador = setting
    broker = staff_with(
        Role.INITIATIVE_BROKER, display_name="Fatima El Amrani", email="f.elamrani@gemeente.nl"
    )
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="broker", question="Subsidie?"
    )
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    response = client.post(
        url, {"ambassador": "", "broker": broker.pk, "broker_name": "Fatima, initiatiefmakelaar"}
    )
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.ACCEPTED
    assert Notification.objects.filter(recipient=broker, kind=actions.COACH).exists()
    client.logout()
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Fatima, initiatiefmakelaar" in page
    assert "El Amrani" not in page
    assert "f.elamrani@gemeente.nl" not in page
    # Asking again once coached is refused.
    with pytest.raises(actions.CommunityError):
        actions.ask_for_coach(
            initiative=initiative, by=initiative.initiator, wish="either", question="Nog eens"
        )


def test_the_triage_list_shows_the_coach_and_filters_those_waiting(client, setting):
    manager, neighbourhood, _initiative, ambassador = setting
    waiting = InitiativeFactory(neighbourhood=neighbourhood, status="submitted", title="Wacht")
    coached = InitiativeFactory(neighbourhood=neighbourhood, status="submitted", title="Gecoacht")
    InitiativeFactory(neighbourhood=neighbourhood, status="submitted", title="Zonder vraag")
    actions.ask_for_coach(initiative=waiting, by=waiting.initiator, wish="either", question="Hulp")
    coaching = actions.ask_for_coach(
        initiative=coached, by=coached.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
    as_staff(client, manager)
    listing = reverse("admin:initiatives_initiative_changelist")
    page = client.get(listing).content.decode()
    assert "Coach" in page
    assert "Sanne" in page
    filtered = client.get(listing, {"coach": "waiting"})
    titles = [row.title for row in filtered.context["cl"].result_list]
    assert titles == ["Wacht"]
    coached_only = client.get(listing, {"coach": "coached"})
    assert [row.title for row in coached_only.context["cl"].result_list] == ["Gecoacht"]


def test_the_triage_list_costs_the_same_with_one_or_many_coaches(client, setting):
    manager, neighbourhood, initiative, ambassador = setting
    actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="either", question="Hulp"
    )
    as_staff(client, manager)
    listing = reverse("admin:initiatives_initiative_changelist")
    one = count_queries(client, listing)
    for _index in range(4):
        other = InitiativeFactory(neighbourhood=neighbourhood, status="submitted")
        coaching = actions.ask_for_coach(
            initiative=other, by=other.initiator, wish="ambassador", question="Hulp"
        )
        actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    assert count_queries(client, listing) == one


def test_the_initiative_page_costs_a_fixed_number_of_queries_with_or_without_a_coach(
    client, setting
):
    """Its initiators' page reads the request either way (they may ask for a coach). A
    visitor's page reads with the row whether anyone asked for a coach, and reads the
    request only then: one query more once asked, whoever coaches."""
    manager, _neighbourhood, initiative, ambassador = setting
    for viewer, more in ((None, 1), (initiative.initiator, 0)):
        if viewer is not None:
            client.force_login(viewer)
        url = initiative.get_absolute_url()
        without = count_queries(client, url)
        coaching = actions.ask_for_coach(
            initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
        )
        assert count_queries(client, url) == without + more
        assert "Sanne" not in client.get(url).text  # asked, not yet coached: nothing shown
        actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
        actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
        page = client.get(url)
        assert "Sanne" in page.text
        assert count_queries(client, url) == without + more
        CoachRequest.objects.all().delete()


def test_erasing_the_coach_leaves_the_request_waiting_without_their_name(setting):
    manager, _neighbourhood, initiative, _ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER)
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="broker", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name="Fatima")
    erase_person(user=broker)
    coaching.refresh_from_db()
    assert coaching.broker is None
    assert coaching.broker_name == ""
    assert list(CoachRequest.objects.without_coach()) == [coaching]
    erase_person(user=initiative.initiator)
    coaching.refresh_from_db()
    assert coaching.asked_by is None


def test_the_coach_requests_list_costs_the_same_for_one_and_many(client, setting):
    manager, neighbourhood, initiative, ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER)
    actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="either", question="Hulp"
    )
    as_staff(client, manager)
    listing = reverse("admin:community_coachrequest_changelist")
    one = count_queries(client, listing)
    for index in range(4):
        other = InitiativeFactory(neighbourhood=neighbourhood, status="submitted")
        coaching = actions.ask_for_coach(
            initiative=other, by=other.initiator, wish="either", question="Hulp"
        )
        if index % 2:
            actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
        else:
            actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name="Eva")
    page = client.get(listing).content.decode()
    assert "Sanne" in page
    assert "Eva" in page
    assert count_queries(client, listing) == one


def test_the_ambassadors_page_of_a_request_costs_a_fixed_number_of_queries(client, setting):
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    client.force_login(ambassador.user)
    url = reverse("community:coaching", args=[coaching.pk])
    before = count_queries(client, url)
    coaching.question = "Hulp\nmet veel regels\nen nog meer"
    coaching.save()
    assert count_queries(client, url) == before
