"""Review fixes of the coaches for initiators (issue 25, part 5): the back office's Save,
the broker's shown name, asking again, who hears of what."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import sign_in_staff
from community import actions
from community.models import CoachRequest
from community.tests.factories import AmbassadorFactory, NetworkFactory, theme
from community.tests.test_coach import as_staff, setting, staff_with  # noqa: F401
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from privacy.models import AuditEntry

pytestmark = pytest.mark.django_db


def asked(initiative) -> CoachRequest:
    return actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="either", question="Hulp"
    )


def test_an_unchanged_save_keeps_an_accepted_coach_and_tells_nobody(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = asked(initiative)
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
    notices = Notification.objects.count()
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    response = client.post(url, {"ambassador": ambassador.pk, "broker": "", "broker_name": ""})
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.status == CoachRequest.Status.ACCEPTED
    assert Notification.objects.count() == notices


def test_a_refused_coach_shows_beside_the_field_and_is_not_audited(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER, display_name="Fatima El Amrani")
    coaching = asked(initiative)
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    response = client.post(url, {"ambassador": "", "broker": broker.pk, "broker_name": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["broker_name"]
    coaching.refresh_from_db()
    assert coaching.broker is None
    assert coaching.status == CoachRequest.Status.ASKED
    assert not AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGED, target_id=str(coaching.pk)
    ).exists()
    assert not Notification.objects.filter(recipient=broker).exists()


def test_a_name_only_change_saves_the_name_only(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER, display_name="Fatima El Amrani")
    coaching = asked(initiative)
    actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name="Fatima")
    assigned_at = CoachRequest.objects.get().assigned_at
    notices = Notification.objects.count()
    as_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    response = client.post(
        url, {"ambassador": "", "broker": broker.pk, "broker_name": "Fatima, makelaar"}
    )
    assert response.status_code == 302
    coaching.refresh_from_db()
    assert coaching.broker_name == "Fatima, makelaar"
    assert coaching.assigned_at == assigned_at
    assert Notification.objects.count() == notices


def test_the_action_refuses_a_broker_without_a_shown_name(setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER, display_name="Fatima El Amrani")
    coaching = asked(initiative)
    with pytest.raises(actions.CommunityError):
        actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name=" ")
    # Data from before the rule shows a neutral name, never the broker's own.
    CoachRequest.objects.filter(pk=coaching.pk).update(
        broker=broker, status=CoachRequest.Status.ACCEPTED
    )
    assert "El Amrani" not in CoachRequest.objects.get().coach_name
    assert CoachRequest.objects.get().coach_name


@pytest.mark.postgres
def test_the_ambassador_accepts_on_postgresql(setting):  # noqa: F811
    """PostgreSQL refuses FOR UPDATE through the nullable outer joins of the page's query."""
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = asked(initiative)
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=True)
    assert CoachRequest.objects.get().status == CoachRequest.Status.ACCEPTED


def test_asking_again_is_refused_while_a_coach_is_asked_and_anew_after_a_decline(setting):  # noqa: F811
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = asked(initiative)
    told = Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).count()
    asked(initiative)  # only the question changes: nobody is told again
    assert Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).count() == told
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    with pytest.raises(actions.CommunityError):
        asked(initiative)
    assert CoachRequest.objects.get().status == CoachRequest.Status.ASSIGNED
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=False)
    told = Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).count()
    asked(initiative)
    again = CoachRequest.objects.get()
    assert again.status == CoachRequest.Status.ASKED
    assert again.ambassador is None
    assert Notification.objects.filter(recipient=manager, kind=actions.COACH_ASKED).count() == (
        told + 1
    )


@pytest.mark.parametrize("status", ["withdrawn", "rejected"])
def test_a_withdrawn_or_rejected_initiative_cannot_ask(setting, status):  # noqa: F811
    _manager, _neighbourhood, initiative, _ambassador = setting
    initiative.status = status
    initiative.save(update_fields=["status"])
    with pytest.raises(actions.CommunityError):
        asked(initiative)
    assert not CoachRequest.objects.exists()


def test_a_replaced_coach_hears_that_another_coaches_now(client, setting):  # noqa: F811
    manager, neighbourhood, initiative, ambassador = setting
    other = AmbassadorFactory(
        network=NetworkFactory(neighbourhood=neighbourhood, theme=theme("groen")),
        public_name="Joost",
    )
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    sign_in_staff(client, manager)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    response = client.post(url, {"ambassador": other.pk, "broker": "", "broker_name": ""})
    assert response.status_code == 302
    replaced = Notification.objects.filter(recipient=ambassador.user, kind=actions.COACH)
    assert replaced.count() == 2, "asked, then told someone else coaches now"
    assert "no longer coach" in replaced.order_by("pk").last().messages["en"]
    assert not Notification.objects.filter(
        recipient=other.user, messages__en__icontains="no longer"
    ).exists()
    # A declined ambassador knows already: assigning another after a decline tells them nothing.
    client.logout()
    actions.answer_coaching(coaching=coaching, user=other.user, accept=False)
    coaching.refresh_from_db()
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    assert not Notification.objects.filter(
        recipient=other.user, messages__en__icontains="no longer"
    ).exists()


def test_a_broker_who_assigned_hears_when_the_ambassador_declines(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, ambassador = setting
    broker = staff_with(Role.INITIATIVE_BROKER)
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=broker, ambassador=ambassador)
    coaching.refresh_from_db()
    assert coaching.assigned_by == broker
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=False)
    declined = Notification.objects.filter(
        kind=actions.COACH_ASKED, messages__en__icontains="declined"
    )
    assert set(declined.values_list("recipient", flat=True)) == {manager.pk, broker.pk}


def test_the_area_manager_who_assigned_hears_of_a_decline_once(setting):  # noqa: F811
    manager, _neighbourhood, initiative, ambassador = setting
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="ambassador", question="Hulp"
    )
    actions.assign_coach(coaching=coaching, by=manager, ambassador=ambassador)
    actions.answer_coaching(coaching=coaching, user=ambassador.user, accept=False)
    declined = Notification.objects.filter(
        kind=actions.COACH_ASKED, messages__en__icontains="declined"
    )
    assert list(declined.values_list("recipient", flat=True)) == [manager.pk]


def _broker_wished_for(initiative):
    """An initiator (ineke@example.nl) asks for an initiative broker; a broker."""
    initiative.initiator.email = "ineke@example.nl"
    initiative.initiator.save(update_fields=["email"])
    coaching = actions.ask_for_coach(
        initiative=initiative, by=initiative.initiator, wish="broker", question="Subsidie?"
    )
    return staff_with(Role.INITIATIVE_BROKER), coaching


def test_the_broker_who_coaches_reaches_the_initiators_by_email(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    broker, coaching = _broker_wished_for(initiative)
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    sign_in_staff(client, manager)
    assert "ineke@example.nl" not in client.get(url).content.decode(), "no broker coaches yet"
    actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name="Fatima")
    told = Notification.objects.get(recipient=broker, kind=actions.COACH)
    assert told.url == url
    client.logout()
    sign_in_staff(client, broker)
    assert "ineke@example.nl" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(actor=broker, action="viewed").exists()


def test_the_back_office_words_the_request_for_staff(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    coaching = asked(initiative)
    sign_in_staff(client, manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (
        reverse("admin:community_coachrequest_change", args=[coaching.pk]),
        reverse("admin:community_coachrequest_changelist"),
    ):
        page = client.get(url).content.decode()
        assert "?:" not in page
        assert "would you like" not in page
        assert "oach wished for" in page


def test_dates_of_the_coach_list_and_panel_are_written_as_each_language_writes_them(
    client,
    setting,  # noqa: F811
):
    manager, _neighbourhood, initiative, _ambassador = setting
    coaching = asked(initiative)
    CoachRequest.objects.filter(pk=coaching.pk).update(
        asked_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    )
    sign_in_staff(client, manager)
    listing = reverse("admin:community_coachrequest_changelist")
    dutch = client.get(listing).content.decode()
    assert '<span class="portal-admin-nowrap">5-12-2026</span>' in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(listing).content.decode()
    # Day before month, as in Europe: not the American 12/05/2026.
    assert '<span class="portal-admin-nowrap">05/12/2026</span>' in english
    assert "12/05/2026" not in english
    client.logout()
    client.force_login(initiative.initiator)
    for language, said in [("nl", "op 5 december 2026"), ("en", "on 5 December 2026")]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(initiative.get_absolute_url()).content.decode()
        assert said in page, language


def test_only_the_broker_who_coaches_sees_the_initiators_email_addresses(client, setting):  # noqa: F811
    manager, _neighbourhood, initiative, _ambassador = setting
    broker, coaching = _broker_wished_for(initiative)
    actions.assign_coach(coaching=coaching, by=manager, broker=broker, broker_name="Fatima")
    url = reverse("admin:community_coachrequest_change", args=[coaching.pk])
    other_broker = staff_with(Role.INITIATIVE_BROKER)
    other_manager = staff_with(Role.AREA_MANAGER)
    NeighbourhoodFactory(area_manager=other_manager)
    for colleague, opens in (
        (manager, True),
        (other_broker, True),
        (other_manager, False),  # another area's request: out of reach
        (staff_with(Role.RESEARCHER), False),
    ):
        as_staff(client, colleague)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert "ineke@example.nl" not in page, list(colleague.groups.all())
        if opens:  # the request itself, without the addresses
            assert response.status_code == 200
            assert "Only shown to the initiative broker who coaches." in page
    as_staff(client, broker)
    assert "ineke@example.nl" in client.get(url).content.decode()
