"""Daily reminders, escalations, the moderation summary and co-initiator invitations."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory
from initiatives import actions, periodic, tasks
from initiatives.models import CoInitiatorInvitation, Initiative, Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory, ThemeFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)


def staff_messages(user) -> list[str]:
    return [
        notification.message_in(user.language)
        for notification in Notification.objects.filter(recipient=user, kind=actions.STAFF)
    ]


def test_assignee_is_reminded_two_working_days_before_once_per_day():
    assignee = StaffFactory()
    initiative = InitiativeFactory(status=Status.IN_REVIEW, assignee=assignee)
    Initiative.objects.filter(pk=initiative.pk).update(response_due=date(2026, 11, 25))
    actions.remind_about_deadlines(today=MONDAY)
    actions.remind_about_deadlines(today=MONDAY)  # a second run the same day
    assert len(staff_messages(assignee)) == 1
    actions.remind_about_deadlines(today=date(2026, 11, 24))  # next day: again
    assert len(staff_messages(assignee)) == 2


def test_reminder_counts_working_days_over_the_weekend():
    assignee = StaffFactory()
    initiative = InitiativeFactory(status=Status.SUBMITTED, assignee=assignee)
    # Friday: two working days later is Tuesday.
    Initiative.objects.filter(pk=initiative.pk).update(response_due=date(2026, 11, 24))
    actions.remind_about_deadlines(today=date(2026, 11, 20))
    assert len(staff_messages(assignee)) == 1


def test_overdue_initiative_is_escalated_to_the_team_lead_once_per_day():
    lead = StaffFactory()
    assignee = StaffFactory()
    theme = ThemeFactory(team_lead=lead)
    initiative = InitiativeFactory(status=Status.SUBMITTED, theme=theme, assignee=assignee)
    Initiative.objects.filter(pk=initiative.pk).update(response_due=date(2026, 11, 20))
    for _run in range(3):
        actions.remind_about_deadlines(today=MONDAY)
    assert len(staff_messages(lead)) == 1
    assert "Overdue" in staff_messages(lead)[0] or "Te laat" in staff_messages(lead)[0]
    assert len(staff_messages(assignee)) == 1


def test_answered_or_decided_initiatives_are_not_chased():
    lead = StaffFactory()
    initiative = InitiativeFactory(status=Status.ACCEPTED, theme=ThemeFactory(team_lead=lead))
    Initiative.objects.filter(pk=initiative.pk).update(response_due=date(2026, 11, 1))
    actions.remind_about_deadlines(today=MONDAY)
    assert not staff_messages(lead)


def test_task_runs_the_daily_reminders():
    assert periodic.remind_about_deadlines.delay().get() == 0


def test_moderators_get_a_daily_summary_only_when_something_waits():
    moderator = StaffFactory()
    moderator.groups.add(Role.INITIATIVE_BROKER.group())
    resident_user = UserFactory()
    assert actions.summarise_moderation_queue(today=MONDAY) == 0
    comment = CommentFactory()
    actions.report_comment(comment=comment, reporter=resident_user, reason="Spam")
    actions.summarise_moderation_queue(today=MONDAY)
    actions.summarise_moderation_queue(today=MONDAY)
    summaries = Notification.objects.filter(recipient=moderator, kind=actions.MODERATION)
    assert summaries.count() == 1
    assert "1" in summaries.get().message
    assert not Notification.objects.filter(recipient=resident_user, kind=actions.MODERATION)


def test_co_initiator_invitation_is_emailed_once_and_accepted(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_co_initiator(
            initiative=initiative, email="Buurman@Example.nl", by=initiative.initiator
        )
        actions.invite_co_initiator(
            initiative=initiative, email="buurman@example.nl", by=initiative.initiator
        )
    assert len(mailoutbox) == 1
    invitation = CoInitiatorInvitation.objects.get()
    assert tasks.send_co_initiator_invitation(invitation.pk) is False  # never twice
    link = next(line for line in mailoutbox[0].body.splitlines() if "/uitnodiging/" in line)
    path = link[link.index("/initiatieven/") :].strip()

    stranger = UserFactory(email="iemand@example.nl")
    client.force_login(stranger)
    client.post(path)
    assert not initiative.co_initiators.exists()  # wrong address

    neighbour = UserFactory(email="buurman@example.nl")
    client.force_login(neighbour)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.url == initiative.get_absolute_url()
    assert list(initiative.co_initiators.all()) == [neighbour]


def test_co_initiator_may_edit_when_information_is_needed(client):
    initiative = InitiativeFactory(status=Status.NEEDS_INFO)
    co = UserFactory()
    initiative.co_initiators.add(co)
    client.force_login(co)
    assert client.get(reverse("initiatives:edit", args=[initiative.pk])).status_code == 200


def test_tampered_invitation_link_is_404(client, resident):
    client.force_login(resident)
    assert client.get("/initiatieven/uitnodiging/nep-token/").status_code == 404
