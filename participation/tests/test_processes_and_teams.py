"""Participation processes (stakeholder analysis, ladder, what we heard and did) and
task teams (apply, the area manager accepts, the public progress log)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from notifications.models import Notification
from participation import actions
from participation.models import ProcessFollow, TaskTeam, TeamLogEntry, TeamMembership
from participation.tests.factories import (
    MembershipFactory,
    PhaseFactory,
    ProcessFactory,
    StakeholderFactory,
    TaskTeamFactory,
    area_manager,
)
from privacy.models import AuditEntry

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- processes -------------------------------------------------------------------------


def test_published_process_shows_phases_levels_and_stakeholders(client):
    process = ProcessFactory()
    PhaseFactory(process=process, name="Wensen ophalen", level="consult")
    StakeholderFactory(process=process, name="Ondernemers Kade", internal_note="Geheim: lastig")
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Wensen ophalen" in page
    assert "Raadplegen" in page  # the ladder's rung, in Dutch
    assert "stap 2 van 5" in page
    assert "Ondernemers Kade" in page
    assert "Geheim" not in page, "internal notes never reach the portal"


@pytest.mark.parametrize("who", ["anonymous", "resident", "staff"])
def test_nobody_sees_an_unpublished_process_on_the_portal(client, who):
    process = ProcessFactory(published_at=None)
    if who == "resident":
        client.force_login(UserFactory())
    elif who == "staff":
        client.force_login(StaffFactory(is_superuser=True))
    assert client.get(process.get_absolute_url()).status_code == 404
    assert process.title not in client.get(reverse("participation:processes")).content.decode()
    assert client.post(
        reverse("participation:process_follow", args=[process.slug])
    ).status_code in {302 if who == "anonymous" else 404}


def test_resident_follows_and_hears_what_we_did(client, resident):
    process = ProcessFactory()
    phase = PhaseFactory(process=process)
    client.force_login(resident)
    client.post(reverse("participation:process_follow", args=[process.slug]))
    assert ProcessFollow.objects.filter(process=process, user=resident).exists()
    assert actions.report_back(phase=phase) is False, "nothing to report yet"
    phase.heard = "Meer groen."
    phase.done = "Het ontwerp krijgt bomen."
    phase.save()
    assert actions.report_back(phase=phase) is True
    assert actions.report_back(phase=phase) is False, "told once"
    assert Notification.objects.filter(recipient=resident, kind=actions.PROCESS).count() == 1
    page = client.get(process.get_absolute_url()).content.decode()
    assert "Het ontwerp krijgt bomen." in page
    client.post(reverse("participation:process_follow", args=[process.slug]), {"unfollow": "1"})
    assert not ProcessFollow.objects.filter(process=process, user=resident).exists()


def test_feedback_stays_hidden_until_reported(client):
    phase = PhaseFactory(heard="Nog niet klaar", done="Concept")
    assert "Nog niet klaar" not in client.get(phase.process.get_absolute_url()).content.decode()


def test_process_pages_query_counts_do_not_grow(client):
    def make(count):
        for _ in range(count):
            process = ProcessFactory()
            PhaseFactory(process=process)
            StakeholderFactory(process=process)
        return process

    process = make(1)
    list_one = count_queries(client, reverse("participation:processes"))
    detail_one = count_queries(client, process.get_absolute_url())
    for _ in range(5):
        PhaseFactory(process=process)
        StakeholderFactory(process=process)
    make(6)
    assert count_queries(client, reverse("participation:processes")) == list_one
    assert count_queries(client, process.get_absolute_url()) == detail_one


def test_phase_cannot_end_before_it_starts():
    from datetime import timedelta

    from django.db import IntegrityError

    phase = PhaseFactory.build(process=ProcessFactory())
    phase.ends_on = phase.starts_on - timedelta(days=1)
    with pytest.raises(IntegrityError):
        phase.save()


# --- task teams ------------------------------------------------------------------------


def test_resident_applies_and_the_area_manager_hears_of_it(client, resident):
    team = TaskTeamFactory()
    client.force_login(resident)
    response = client.post(
        reverse("participation:team_apply", args=[team.pk]), {"motivation": "Ik ben tuinier."}
    )
    assert response.status_code == 302
    membership = TeamMembership.objects.get(team=team, user=resident)
    assert membership.status == TeamMembership.Status.APPLIED
    assert Notification.objects.filter(
        recipient=team.neighbourhood.area_manager, kind=actions.STAFF
    ).exists()
    again = client.post(
        reverse("participation:team_apply", args=[team.pk]),
        {"motivation": "Nog eens."},
        follow=True,
    )
    assert "al aangemeld" in again.content.decode()
    assert TeamMembership.objects.filter(team=team, user=resident).count() == 1


@pytest.mark.parametrize("motivation", ["", "<script>alert(1)</script>", "x" * 1001])
def test_application_needs_a_plain_motivation(client, resident, motivation):
    team = TaskTeamFactory()
    client.force_login(resident)
    response = client.post(
        reverse("participation:team_apply", args=[team.pk]), {"motivation": motivation}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TeamMembership.objects.exists()


def test_closed_team_takes_no_applications(client, resident):
    team = TaskTeamFactory(open_for_applications=False)
    client.force_login(resident)
    client.post(reverse("participation:team_apply", args=[team.pk]), {"motivation": "Graag."})
    assert not TeamMembership.objects.exists()


def test_anonymous_visitor_cannot_apply(client):
    team = TaskTeamFactory()
    response = client.post(
        reverse("participation:team_apply", args=[team.pk]), {"motivation": "Hoi"}
    )
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert not TeamMembership.objects.exists()


def test_only_the_teams_area_manager_accepts_members():
    membership = MembershipFactory()
    for outsider in [area_manager(), UserFactory(), StaffFactory(is_superuser=True)]:
        with pytest.raises(PermissionDenied):
            actions.decide_membership(membership=membership, by=outsider, accept=True)
    membership.refresh_from_db()
    assert membership.status == TeamMembership.Status.APPLIED
    manager = membership.team.neighbourhood.area_manager
    actions.decide_membership(
        membership=membership, by=manager, accept=True, role=TeamMembership.Role.RESIDENT_LEAD
    )
    membership.refresh_from_db()
    assert (membership.status, membership.role) == ("accepted", "resident_lead")
    assert Notification.objects.filter(recipient=membership.user, kind=actions.TEAM).exists()


def test_accepting_in_the_back_office_is_refused_for_another_area(client):
    from accounts.tests.factories import sign_in_staff

    membership = MembershipFactory()
    other = area_manager()
    sign_in_staff(client, other)
    response = client.post(
        reverse("admin:participation_teammembership_changelist"),
        {"action": "accept", "_selected_action": [membership.pk], "apply": "1", "role": "resident"},
        follow=True,
    )
    # Another area's membership is not even in their list: the action is refused whole.
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        actor=other, outcome=AuditEntry.Outcome.REFUSED, target_id=str(membership.pk)
    ).exists()
    membership.refresh_from_db()
    assert membership.status == TeamMembership.Status.APPLIED


def test_resident_lead_writes_progress_a_plain_member_cannot(client):
    team = TaskTeamFactory()
    lead = MembershipFactory(team=team, status="accepted", role="resident_lead").user
    member = MembershipFactory(team=team, status="accepted", role="resident").user
    url = reverse("participation:team_log", args=[team.pk])
    client.force_login(member)
    assert client.post(url, {"text": "Ik schrijf ook"}).status_code == 403
    client.force_login(lead)
    assert client.post(url, {"text": "Twaalf plekken gevonden."}).status_code == 302
    assert client.post(url, {"text": ""}).status_code == 400
    assert list(TeamLogEntry.objects.values_list("text", flat=True)) == ["Twaalf plekken gevonden."]
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Twaalf plekken gevonden." in page


def test_team_page_shows_accepted_members_and_the_municipalitys_role(client):
    team = TaskTeamFactory(municipality_role=TaskTeam.MunicipalityRole.FACILITATOR)
    MembershipFactory(team=team, status="accepted", user=UserFactory(display_name="Ingrid"))
    MembershipFactory(team=team, user=UserFactory(display_name="Wachtende"))
    page = client.get(team.get_absolute_url()).content.decode()
    assert "Ingrid" in page
    assert "Wachtende" not in page
    assert "De gemeente faciliteert alleen" in page


def test_team_pages_query_counts_do_not_grow(client):
    team = TaskTeamFactory()
    MembershipFactory(team=team, status="accepted")
    one = count_queries(client, team.get_absolute_url())
    list_one = count_queries(client, reverse("participation:teams"))
    for _ in range(6):
        MembershipFactory(team=team, status="accepted")
        TeamLogEntry.objects.create(team=team, text="Voortgang")
        TaskTeamFactory()
    assert count_queries(client, team.get_absolute_url()) == one
    assert count_queries(client, reverse("participation:teams")) == list_one
