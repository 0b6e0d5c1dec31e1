"""The workflow, deadlines and who hears what."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from initiatives import actions
from initiatives.models import Initiative, Status, StatusChange, WorkflowError
from initiatives.tests.factories import InitiativeFactory, ThemeFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

RATIONALE = "Het plan past in de wijk en we steunen het met het gevraagde bedrag."


def submitted(**kwargs) -> Initiative:
    initiative = InitiativeFactory(**kwargs)
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative.refresh_from_db()
    return initiative


def test_submitting_sets_the_deadline_in_working_days_of_the_theme(monkeypatch):
    theme = ThemeFactory(response_days=3)
    initiative = InitiativeFactory(theme=theme)
    friday = timezone.make_aware(timezone.datetime(2026, 12, 18, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: friday)
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED
    # Mon 21, Tue 22, Wed 23 December.
    assert initiative.response_due == date(2026, 12, 23)
    change = initiative.status_changes.get()
    assert (change.from_status, change.to_status, change.by_staff) == ("draft", "submitted", False)


def test_initiator_follows_own_initiative_after_submitting():
    initiative = submitted()
    assert initiative.follows.filter(user=initiative.initiator).exists()


def test_staff_cannot_skip_review():
    initiative = submitted()
    with pytest.raises(WorkflowError):
        actions.change_initiative_status(
            initiative=initiative, to=Status.ACCEPTED, by=StaffFactory(), message=RATIONALE
        )
    assert Initiative.objects.get(pk=initiative.pk).status == Status.SUBMITTED


def test_decision_requires_a_public_rationale():
    initiative = submitted()
    staff = StaffFactory()
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
    )
    with pytest.raises(WorkflowError, match="20"):
        actions.change_initiative_status(
            initiative=initiative, to=Status.REJECTED, by=staff, message="Nee."
        )
    assert StatusChange.objects.filter(initiative=initiative).count() == 2


def test_staff_step_requires_a_message():
    initiative = submitted()
    with pytest.raises(WorkflowError):
        actions.change_initiative_status(
            initiative=initiative, to=Status.IN_REVIEW, by=StaffFactory(), message="  "
        )


def test_full_path_records_timeline_and_response_time():
    initiative = submitted()
    staff = StaffFactory()
    for step, message in [
        (Status.IN_REVIEW, "We bekijken het plan."),
        (Status.NEEDS_INFO, "Kun je een begroting sturen?"),
    ]:
        actions.change_initiative_status(initiative=initiative, to=step, by=staff, message=message)
    initiative.refresh_from_db()
    assert initiative.responded_at is not None  # a question is an answer in time
    actions.answer_question(
        initiative=initiative, by=initiative.initiator, message="Begroting: 500 euro."
    )
    for step in [Status.ACCEPTED, Status.IN_PROGRESS, Status.REALISED]:
        actions.change_initiative_status(
            initiative=initiative, to=step, by=staff, message=RATIONALE
        )
    initiative.refresh_from_db()
    assert initiative.status == Status.REALISED
    assert initiative.decided_at is not None
    assert list(initiative.status_changes.values_list("to_status", flat=True)) == [
        "submitted",
        "in_review",
        "needs_info",
        "in_review",
        "accepted",
        "in_progress",
        "realised",
    ]


def test_withdraw_only_before_a_decision():
    initiative = submitted()
    staff = StaffFactory()
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken."
    )
    actions.change_initiative_status(
        initiative=initiative, to=Status.ACCEPTED, by=staff, message=RATIONALE
    )
    with pytest.raises(WorkflowError):
        actions.withdraw_initiative(initiative=initiative, by=initiative.initiator, message="")


def test_followers_and_initiator_are_notified_of_a_decision_by_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        initiative = submitted()  # the initiator's receipt is sent after this commit
    follower = UserFactory(language="en")
    actions.follow_initiative(initiative=initiative, user=follower)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_initiative_status(
            initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
        )
        actions.change_initiative_status(
            initiative=initiative, to=Status.ACCEPTED, by=staff, message=RATIONALE
        )
    to_initiator = Notification.objects.filter(
        recipient=initiative.initiator, kind=actions.UPDATE
    ).order_by("pk")
    assert to_initiator.count() == 2
    assert "Geaccepteerd" in to_initiator.last().message_in("nl")
    english = Notification.objects.filter(recipient=follower).order_by("pk").last()
    assert "is now: Accepted" in english.message_in("en")
    recipients = {message.to[0] for message in mailoutbox}
    assert {initiative.initiator.email, follower.email} <= recipients
    assert not Notification.objects.filter(recipient=staff).exists()


def test_database_refuses_submitted_initiative_without_date():
    initiative = InitiativeFactory()
    with pytest.raises(IntegrityError):
        Initiative.objects.filter(pk=initiative.pk).update(status=Status.SUBMITTED)


def test_database_refuses_half_a_location():
    with pytest.raises(IntegrityError):
        InitiativeFactory(latitude=52.1)


def test_database_refuses_negative_amount():
    with pytest.raises(IntegrityError):
        InitiativeFactory(amount_requested=-5)


def test_days_waited_and_overdue():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    initiative.submitted_at = timezone.now() - timedelta(days=20)
    initiative.response_due = timezone.localdate() - timedelta(days=3)
    initiative.save()
    assert initiative.days_waited() == 20
    assert initiative.is_overdue()
    assert initiative.working_days_left() < 0
    assert Initiative.objects.overdue().filter(pk=initiative.pk).exists()


def test_hidden_comment_notifies_author_with_reason(django_capture_on_commit_callbacks):
    initiative = submitted()
    author = UserFactory()
    comment = actions.post_comment(initiative=initiative, author=author, text="Onzin!")
    actions.report_comment(comment=comment, reporter=UserFactory(), reason="Grof")
    actions.hide_comment(comment=comment, by=StaffFactory(), reason="Niet respectvol")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert not comment.reports.filter(resolved_at__isnull=True).exists()
    notice = Notification.objects.get(recipient=author, kind=actions.HIDDEN)
    assert "Niet respectvol" in notice.message


def test_replies_stay_one_level_deep():
    initiative = submitted()
    top = actions.post_comment(initiative=initiative, author=UserFactory(), text="Eerste")
    reply = actions.post_comment(
        initiative=initiative, author=UserFactory(), text="Antwoord", parent=top
    )
    deeper = actions.post_comment(
        initiative=initiative, author=UserFactory(), text="Nog dieper", parent=reply
    )
    assert reply.parent == top
    assert deeper.parent == top


def test_initiator_hears_of_comments_but_not_of_their_own():
    initiative = submitted()
    actions.post_comment(initiative=initiative, author=initiative.initiator, text="Update")
    assert not Notification.objects.filter(kind=actions.COMMENTS).exists()
    actions.post_comment(initiative=initiative, author=UserFactory(), text="Leuk!")
    assert Notification.objects.filter(
        kind=actions.COMMENTS, recipient=initiative.initiator
    ).exists()


def test_support_is_counted_once():
    initiative = submitted()
    supporter = UserFactory()
    assert actions.support_initiative(initiative=initiative, user=supporter)
    assert not actions.support_initiative(initiative=initiative, user=supporter)
    initiative.refresh_from_db()
    assert initiative.supporter_count == 1
    assert actions.withdraw_support(initiative=initiative, user=supporter)
    initiative.refresh_from_db()
    assert initiative.supporter_count == 0


def test_draft_cannot_be_supported():
    with pytest.raises(WorkflowError):
        actions.support_initiative(initiative=InitiativeFactory(), user=UserFactory())
