"""Staff can do only what their role says, and the audit log shows it (issue 21, part 2).

An area manager works in their own neighbourhoods: the task team of another area is
not theirs to move, a forged choice of another area's agenda item is a form error, and
what they change is audited. Erasing or exporting on a request by letter needs its own
right; erasing a colleague's account needs a second colleague. Refused attempts and
opened lists of people are in the audit log.
"""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from neighbourhoods.tests.factories import AgendaItemFactory, EventFactory, NeighbourhoodFactory
from participation.models import Process, TaskTeam, TeamMembership
from participation.tests.factories import MembershipFactory, TaskTeamFactory, area_manager
from privacy.models import AuditEntry, ErasureRequest

pytestmark = pytest.mark.django_db

Outcome = AuditEntry.Outcome
Action = AuditEntry.Action


def _team_form(team: TaskTeam, **changes) -> dict:
    data = {
        "title": team.title,
        "description": team.description,
        "agenda_item": team.agenda_item_id or "",
        "project": team.project_id or "",
        "municipality_role": team.municipality_role,
        "open_for_applications": "on",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "log-TOTAL_FORMS": "0",
        "log-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


@pytest.fixture
def manager(client):
    """An area manager of one neighbourhood, signed in to the back office."""
    person = area_manager()
    sign_in_staff(client, person)
    return person


def test_area_manager_cannot_move_another_areas_task_team_into_their_area(client, manager):
    """The incident: the other area's team, its agenda item changed to one of the area
    manager's own, then applications accepted. Now the team is not theirs to open."""
    mine = AgendaItemFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    team = TaskTeamFactory()
    application = MembershipFactory(team=team)
    url = reverse("admin:participation_taskteam_change", args=[team.pk])
    assert client.get(url).status_code == 302  # "does not exist" for them
    client.post(url, _team_form(team, agenda_item=mine.pk))
    team.refresh_from_db()
    assert team.agenda_item.neighbourhood.area_manager != manager
    response = client.post(
        reverse("admin:participation_teammembership_changelist"),
        {
            "action": "accept",
            "_selected_action": [application.pk],
            "apply": "1",
            "role": "resident",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == TeamMembership.Status.APPLIED
    assert AuditEntry.objects.filter(
        actor=manager, outcome=Outcome.REFUSED, target_id=str(application.pk)
    ).exists()


def test_a_forged_choice_of_another_areas_agenda_item_is_an_error_beside_the_field(client, manager):
    own = NeighbourhoodFactory(area_manager=manager)
    team = TaskTeamFactory(agenda_item=AgendaItemFactory(neighbourhood=own))
    elsewhere = AgendaItemFactory()
    url = reverse("admin:participation_taskteam_change", args=[team.pk])
    page = client.get(url)
    offered = page.context["adminform"].form.fields["agenda_item"].queryset
    assert elsewhere not in offered
    assert team.agenda_item in offered
    response = client.post(url, _team_form(team, agenda_item=elsewhere.pk, title="Nieuw"))
    assert response.status_code == 200
    assert "agenda_item" in response.context["adminform"].form.errors
    team.refresh_from_db()
    assert (team.agenda_item.neighbourhood, team.title) == (own, team.title)
    assert team.title != "Nieuw"


def test_an_area_managers_change_to_their_own_task_team_is_audited(client, manager):
    own = NeighbourhoodFactory(area_manager=manager)
    team = TaskTeamFactory(agenda_item=AgendaItemFactory(neighbourhood=own))
    other_item = AgendaItemFactory(neighbourhood=own)
    url = reverse("admin:participation_taskteam_change", args=[team.pk])
    response = client.post(url, _team_form(team, agenda_item=other_item.pk))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.CHANGED, target_id=str(team.pk))
    assert (entry.actor, entry.outcome) == (manager, Outcome.DONE)
    assert "agenda item" in entry.summary.lower() or "agendapunt" in entry.summary.lower()


def test_an_area_managers_new_process_must_be_in_their_own_neighbourhood(client, manager):
    own = NeighbourhoodFactory(area_manager=manager)
    elsewhere = NeighbourhoodFactory()
    url = reverse("admin:participation_process_add")
    data = {
        "title": "Plein",
        "slug": "plein",
        "kind": Process.Kind.PROJECT,
        "summary": "Samen kiezen.",
        "description": "",
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("phases", "stakeholders")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    for neighbourhoods in ([], [elsewhere.pk]):
        response = client.post(url, {**data, "neighbourhoods": neighbourhoods})
        assert response.status_code == 200
        assert "neighbourhoods" in response.context["adminform"].form.errors
    assert not Process.objects.exists()
    response = client.post(url, {**data, "neighbourhoods": [own.pk]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Process.objects.get().neighbourhoods.all()) == [own]


def test_other_roles_still_see_every_area(client):
    broker = StaffFactory()
    broker.groups.add(Role.INITIATIVE_BROKER.group())
    events = [EventFactory(neighbourhood=NeighbourhoodFactory()) for _ in range(2)]
    sign_in_staff(client, broker)
    listing = client.get(reverse("admin:neighbourhoods_event_changelist"))
    assert set(listing.context["cl"].queryset) == set(events)


# --- the privacy officer ---------------------------------------------------------------


def _officer(client, *, role: bool = True) -> User:
    """A privacy officer signed in; ``role=False``: someone who holds only "view user",
    as the officer did before issue 21."""
    from django.contrib.auth.models import Permission

    officer = StaffFactory()
    if role:
        officer.groups.add(Role.PRIVACY_OFFICER.group())
    else:
        officer.user_permissions.add(Permission.objects.get(codename="view_user"))
    sign_in_staff(client, officer)
    return officer


def _erase(client, *people):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "erase_accounts",
            "_selected_action": [person.pk for person in people],
            "apply": "1",
            "confirm": "on",
        },
    )


def _export(client, person):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
    )


def test_viewing_users_is_not_enough_to_erase_or_export(client):
    officer = _officer(client, role=False)
    resident = UserFactory()
    assert _erase(client, resident).status_code == 302
    assert User.objects.filter(pk=resident.pk).exists()
    response = _export(client, resident)
    assert "attachment" not in response.get("Content-Disposition", "")
    refused = AuditEntry.objects.filter(actor=officer, outcome=Outcome.REFUSED)
    assert set(refused.values_list("summary", flat=True)) == {
        "erase_accounts",
        "export_personal_data",
    }


def test_the_privacy_officer_erases_a_residents_account_on_request(client):
    _officer(client)
    resident = UserFactory()
    _erase(client, resident)
    assert not User.objects.filter(pk=resident.pk).exists()


def test_erasing_a_colleagues_account_takes_a_second_colleague(client):
    first = _officer(client)
    colleague = StaffFactory()
    _erase(client, colleague)
    assert User.objects.filter(pk=colleague.pk).exists()
    request = ErasureRequest.objects.get(account_number=str(colleague.pk))
    assert request.requested_by == first
    assert AuditEntry.objects.filter(
        actor=first, action=Action.ERASURE_REQUESTED, target_id=str(colleague.pk)
    ).exists()
    approve = {"action": "approve_and_erase", "_selected_action": [request.pk]}
    changelist = reverse("admin:privacy_erasurerequest_changelist")
    client.post(changelist, approve)  # the same colleague cannot approve
    assert User.objects.filter(pk=colleague.pk).exists()
    assert AuditEntry.objects.filter(actor=first, outcome=Outcome.REFUSED).exists()

    client.logout()
    second = _officer(client)
    client.post(changelist, approve)
    assert not User.objects.filter(pk=colleague.pk).exists()
    request.refresh_from_db()
    assert (request.state, request.approved_by) == (ErasureRequest.State.ERASED, second)
    assert AuditEntry.objects.filter(actor=second, action=Action.ERASED).exists()


def test_only_an_administrator_exports_an_administrators_data(client):
    officer = _officer(client)
    administrator = StaffFactory(is_superuser=True)
    response = _export(client, administrator)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert AuditEntry.objects.filter(
        actor=officer, action=Action.EXPORTED, outcome=Outcome.REFUSED
    ).exists()
    resident = UserFactory()
    assert "attachment" in _export(client, resident)["Content-Disposition"]
    client.logout()
    sign_in_staff(client, StaffFactory(is_superuser=True))
    assert "attachment" in _export(client, administrator)["Content-Disposition"]


# --- lists of people -----------------------------------------------------------------


def test_opening_the_list_of_accounts_is_audited_without_its_content(client):
    officer = _officer(client)
    UserFactory(display_name="Geheime Naam")
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    entry = AuditEntry.objects.get(action=Action.LISTED)
    assert (entry.actor, entry.target_type.model) == (officer, "user")
    assert "Geheime" not in entry.summary


def test_opening_who_is_coming_to_an_event_is_audited(client, manager):
    event = EventFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    response = client.get(reverse("admin:neighbourhoods_event_change", args=[event.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=Action.LISTED)
    assert (entry.actor, entry.target_type.model) == (manager, "eventrsvp")
    assert entry.summary == f"event {event.pk}"
