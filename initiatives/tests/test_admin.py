"""The civil servants' back office: triage queue, workflow, notes, moderation."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from initiatives import actions
from initiatives.models import Comment, Initiative, InternalNote, Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

QUEUE = "/beheer/initiatives/initiative/"
RATIONALE = "Dit plan past goed bij de wijk en we steunen het met de gevraagde middelen."


@pytest.fixture
def broker(client):
    user = StaffFactory(display_name="Eva")
    user.groups.add(Role.INITIATIVE_BROKER.group())
    sign_in_staff(client, user)
    return user


def change_url(initiative: Initiative) -> str:
    return f"{QUEUE}{initiative.pk}/change/"


def admin_post(initiative: Initiative, **data) -> dict:
    return {
        "assignee": data.pop("assignee", ""),
        "new_status": data.pop("new_status", ""),
        "public_message": data.pop("public_message", ""),
        "internal_notes-TOTAL_FORMS": "1",
        "internal_notes-INITIAL_FORMS": "0",
        "internal_notes-MIN_NUM_FORMS": "0",
        "internal_notes-MAX_NUM_FORMS": "1000",
        "internal_notes-0-text": data.pop("note", ""),
        "internal_notes-0-initiative": str(initiative.pk),
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "status_changes-MIN_NUM_FORMS": "0",
        "status_changes-MAX_NUM_FORMS": "1000",
        **data,
    }


def test_triage_queue_shows_days_left_and_filters_overdue(client, broker):
    late = InitiativeFactory(status=Status.SUBMITTED, title="Te laat")
    Initiative.objects.filter(pk=late.pk).update(
        response_due=timezone.localdate() - timedelta(days=5)
    )
    InitiativeFactory(status=Status.SUBMITTED, title="Op tijd")
    InitiativeFactory(title="Concept van bewoner")
    content = client.get(QUEUE).content.decode()
    assert "Te laat" in content
    assert "Op tijd" in content
    assert "Concept van bewoner" not in content  # drafts are the resident's own
    assert "werkdagen" in content or "working days" in content
    overdue = client.get(QUEUE, {"deadline": "overdue"}).content.decode()
    assert "Te laat" in overdue
    assert "Op tijd" not in overdue


def test_triage_queue_query_count_is_constant(client, broker):
    InitiativeFactory(status=Status.SUBMITTED, support=["money"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    one = count()
    for _number in range(40):
        InitiativeFactory(status=Status.IN_REVIEW, assignee=broker, support=["money"])
    assert count() == one


def test_accept_with_rationale_through_the_change_page(client, broker):
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    response = client.post(
        change_url(initiative),
        admin_post(initiative, new_status="accepted", public_message=RATIONALE, note="Budget ok"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED
    change = initiative.status_changes.get()
    assert (change.actor, change.message, change.by_staff) == (broker, RATIONALE, True)
    note = InternalNote.objects.get()
    assert (note.author, note.text) == (broker, "Budget ok")
    assert Notification.objects.filter(recipient=initiative.initiator).exists()


def test_decision_without_rationale_is_refused_and_nothing_changes(client, broker):
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    response = client.post(
        change_url(initiative),
        admin_post(initiative, new_status="rejected", public_message="Nee"),
    )
    assert response.status_code == 200
    assert "20" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.IN_REVIEW
    assert not initiative.status_changes.exists()


def test_only_workflow_steps_are_offered(client, broker):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    response = client.post(
        change_url(initiative),
        admin_post(initiative, new_status="accepted", public_message=RATIONALE),
    )
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


def test_bulk_assign_to_me_and_move_to_review(client, broker):
    first = InitiativeFactory(status=Status.SUBMITTED)
    second = InitiativeFactory(status=Status.SUBMITTED)
    ids = [str(first.pk), str(second.pk)]
    client.post(QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: ids})
    assert set(Initiative.objects.values_list("assignee", flat=True)) == {broker.pk}
    client.post(QUEUE, {"action": "move_to_review", ACTION_CHECKBOX_NAME: ids})
    assert set(Initiative.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}
    assert all(i.status_changes.count() == 1 for i in Initiative.objects.all())


def _numbers_in_messages(response) -> list[str]:
    return [
        number
        for message in response.context["messages"]
        for number in re.findall(r"-?\d+", str(message))
    ]


def test_move_to_review_counts_what_was_skipped_before_the_move(client, broker):
    """In the list filtered on "submitted", what moved no longer matches the filter:
    counting afterwards said "1 moved; -1 skipped"."""
    submitted = InitiativeFactory(status=Status.SUBMITTED)
    response = client.post(
        QUEUE + "?status__exact=submitted",
        {"action": "move_to_review", ACTION_CHECKBOX_NAME: [str(submitted.pk)]},
        follow=True,
    )
    assert _numbers_in_messages(response) == ["1"]
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW


def test_move_to_review_names_how_many_were_skipped(client, broker):
    submitted = InitiativeFactory(status=Status.SUBMITTED)
    in_review = InitiativeFactory(status=Status.IN_REVIEW)
    accepted = InitiativeFactory(status=Status.ACCEPTED)
    ids = [str(submitted.pk), str(in_review.pk), str(accepted.pk)]
    response = client.post(
        QUEUE, {"action": "move_to_review", ACTION_CHECKBOX_NAME: ids}, follow=True
    )
    assert _numbers_in_messages(response) == ["1", "2"]
    assert Initiative.objects.filter(status=Status.IN_REVIEW).count() == 2


def test_assign_to_colleague_asks_whom_then_tells_them(client, broker):
    colleague = StaffFactory(display_name="Ruud")
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    data = {"action": "assign_to_colleague", ACTION_CHECKBOX_NAME: [str(initiative.pk)]}
    response = client.post(QUEUE, data)
    assert response.status_code == 200
    assert "Ruud" in response.content.decode()
    client.post(QUEUE, {**data, "apply": "1", "assignee": str(colleague.pk)})
    initiative.refresh_from_db()
    assert initiative.assignee == colleague
    assert Notification.objects.filter(recipient=colleague, kind=actions.STAFF).exists()


def test_internal_notes_never_reach_the_public_page(client, broker):
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    InternalNote.objects.create(initiative=initiative, author=broker, text="Geheime afweging")
    client.logout()
    assert "Geheime afweging" not in client.get(initiative.get_absolute_url()).content.decode()


def test_resident_cannot_reach_staff_notes_or_queue(client, resident):
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    InternalNote.objects.create(initiative=initiative, text="Geheime afweging")
    client.force_login(resident)
    for url in [QUEUE, change_url(initiative), "/beheer/initiatives/internalnote/"]:
        response = client.get(url)
        assert response.status_code in {302, 403}
        assert "Geheime afweging" not in response.content.decode()


def test_moderator_hides_a_reported_comment_with_a_reason(client, broker):
    comment = CommentFactory(text="Grove taal")
    actions.report_comment(comment=comment, reporter=StaffFactory(), reason="Grof")
    queue = client.get("/beheer/initiatives/comment/", {"moderation": "waiting"})
    assert "Grove taal" in queue.content.decode()
    ids = [str(comment.pk)]
    form = client.post(
        "/beheer/initiatives/comment/", {"action": "hide_comments", ACTION_CHECKBOX_NAME: ids}
    )
    assert form.status_code == 200
    client.post(
        "/beheer/initiatives/comment/",
        {"action": "hide_comments", ACTION_CHECKBOX_NAME: ids, "apply": "1", "reason": "Grof"},
    )
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Grof"
    assert not Comment.objects.awaiting_moderation().exists()


def test_moderation_queue_holds_only_comments_with_an_open_report(client, broker):
    """A comment nobody reported, or whose reports are all handled, waits for no one."""
    never_reported = CommentFactory(text="Nooit gemeld")
    handled = CommentFactory(text="Al afgehandeld")
    actions.report_comment(comment=handled, reporter=StaffFactory(), reason="Grof")
    handled.reports.update(resolved_at=timezone.now())
    waiting = CommentFactory(text="Wacht op moderatie")
    actions.report_comment(comment=waiting, reporter=StaffFactory(), reason="Grof")
    actions.report_comment(comment=waiting, reporter=StaffFactory(), reason="Beledigend")
    assert list(Comment.objects.awaiting_moderation()) == [waiting]
    queue = client.get("/beheer/initiatives/comment/", {"moderation": "waiting"})
    assert list(queue.context["cl"].result_list) == [waiting]
    assert never_reported.text not in queue.content.decode()


def test_area_manager_cannot_moderate(client):
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    sign_in_staff(client, manager)
    comment = CommentFactory()
    client.post(
        "/beheer/initiatives/comment/",
        {
            "action": "hide_comments",
            ACTION_CHECKBOX_NAME: [str(comment.pk)],
            "apply": "1",
            "reason": "Weg ermee",
        },
    )
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_broker_creates_an_initiative_market(client, broker):
    response = client.post(
        "/beheer/neighbourhoods/event/add/",
        {
            "kind": "market",
            "title": "Initiatievenmarkt voorjaar",
            "location": "Stadhuis",
            "starts_at_0": "2027-03-10",
            "starts_at_1": "19:30",
            "ends_at_0": "2027-03-10",
            "ends_at_1": "22:00",
            "rsvps-TOTAL_FORMS": "0",
            "rsvps-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from neighbourhoods.models import Event

    assert Event.objects.get().is_market


def test_market_that_ends_before_it_starts_is_refused(client, broker):
    from neighbourhoods.models import Event

    response = client.post(
        "/beheer/neighbourhoods/event/add/",
        {
            "kind": "market",
            "title": "Omgekeerd",
            "location": "Stadhuis",
            "starts_at_0": "2027-03-10",
            "starts_at_1": "22:00",
            "ends_at_0": "2027-03-10",
            "ends_at_1": "19:00",
            "rsvps-TOTAL_FORMS": "0",
            "rsvps-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_area_manager_opening_another_areas_initiative_is_told_why_not_that_it_is_gone(client):
    """Review walk 69: Django said "… doesn't exist. Perhaps it was deleted?" about an
    initiative of another neighbourhood. Say the truth, show nothing of it, no 200."""
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    own = InitiativeFactory(status=Status.SUBMITTED)
    own.neighbourhood.area_manager = manager
    own.neighbourhood.save(update_fields=["area_manager"])
    other = InitiativeFactory(status=Status.SUBMITTED, title="Geheim plan aan de haven")
    sign_in_staff(client, manager)
    response = client.get(change_url(other), follow=True)
    assert response.redirect_chain[0][1] == 302
    page = response.content.decode()
    assert "hoort bij een wijk die je niet beheert" in page
    assert "Perhaps it was deleted" not in page
    assert "verwijderd" not in page
    assert "Geheim plan" not in page
    assert client.get(change_url(own)).status_code == 200
    # Something that really is not there keeps Django's message.
    missing = client.get(f"{QUEUE}987654/change/", follow=True).content.decode()
    assert "belongs to a neighbourhood" not in missing


def test_the_assignee_filter_offers_the_staff_and_reads_no_initiative(client, broker):
    """Whom to filter on comes from the staff (only they can be assigned), not from
    reading every initiative for its assignee; a resident is never offered."""
    colleague = StaffFactory(display_name="Joost")
    UserFactory(display_name="Bewoner Bram")
    InitiativeFactory(status=Status.SUBMITTED, assignee=colleague)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(QUEUE).content.decode()
    assert "Joost" in page
    assert "Eva" in page
    assert "Bewoner Bram" not in page
    distinct_assignees = [
        q["sql"]
        for q in captured.captured_queries
        if "DISTINCT" in q["sql"] and "assignee" in q["sql"]
    ]
    assert distinct_assignees == []
    assert "?assignee__isnull=True" in page.replace("&amp;", "&") or "assignee__isnull" in page
