"""The back office of public-space reports: the queue (overdue first, days left,
filters), the workflow on the change page, forwarding with a reply, merging, bulk
actions, and who sees what (another department, another area)."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from privacy.models import AuditEntry
from reports import actions
from reports.models import Category, Department, Forward, InternalNote, Report, Status
from reports.tests.factories import QuestionFactory, ReportFactory

pytestmark = pytest.mark.django_db

QUEUE = "/beheer/reports/report/"


@pytest.fixture
def area(db):
    return NeighbourhoodFactory(name="Havenkwartier")


@pytest.fixture
def manager(client, area):
    """The area manager of the Havenkwartier, in the roads department."""
    user = StaffFactory(display_name="Ruud")
    user.groups.add(Role.AREA_MANAGER.group())
    area.area_manager = user
    area.save()
    Department.objects.get(slug="wegen").members.add(user)
    sign_in_staff(client, user)
    return user


def change_url(report: Report) -> str:
    return f"{QUEUE}{report.pk}/change/"


def _formset(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def admin_post(report: Report, **data) -> dict:
    note = data.pop("note", "")
    forwards = data.pop("forwards", [])
    post = {
        "assigned_to": data.pop("assigned_to", ""),
        "department": str(report.department_id or ""),
        "new_status": data.pop("new_status", ""),
        "public_message": data.pop("public_message", ""),
        **_formset("photos"),
        **_formset("changes"),
        **_formset("feedback"),
        **_formset("forwards", len(forwards), len(forwards)),
        **_formset("notes", 1),
        "notes-0-text": note,
        "notes-0-report": str(report.pk),
    }
    for index, (forwarding, reply) in enumerate(forwards):
        post[f"forwards-{index}-id"] = str(forwarding.pk)
        post[f"forwards-{index}-report"] = str(report.pk)
        post[f"forwards-{index}-reply"] = reply
    post.update(data)
    return post


def test_queue_shows_overdue_first_with_days_left_and_filters(client, manager, area):
    on_time = ReportFactory(neighbourhood=area, description="Op tijd")
    late = ReportFactory(neighbourhood=area, description="Te laat")
    Report.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=10))
    solved = ReportFactory(neighbourhood=area, status=Status.SOLVED, closed_at=timezone.now())
    page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    positions = [page.index(f"#{report.pk}<") for report in (late, on_time, solved)]
    assert positions == sorted(positions), "overdue first, then by due date, closed last"
    assert "werkdagen te laat" in page
    overdue = client.get(QUEUE, {"term": "overdue"}).content.decode()
    assert f"#{late.pk}<" in overdue
    assert f"#{on_time.pk}<" not in overdue


def test_a_colleague_sees_only_their_department_and_area(client, manager, area):
    mine = ReportFactory(neighbourhood=area)
    other_department = ReportFactory(neighbourhood=area, category=Category.objects.get(slug="boom"))
    other_area = ReportFactory(neighbourhood=NeighbourhoodFactory())
    page = client.get(QUEUE).content.decode()
    assert f"#{mine.pk}<" in page
    assert f"#{other_department.pk}<" not in page
    assert f"#{other_area.pk}<" not in page
    # Not "… doesn't exist. Perhaps it was deleted?" (issue 28, walk 69): told why,
    # nothing of the report shown.
    for report, why in (
        (other_department, "Deze melding is voor een andere afdeling"),
        (other_area, "hoort bij een wijk die je niet beheert"),
    ):
        response = client.get(change_url(report))
        assert response.status_code == 302
        assert response["Location"] == "/beheer/"
        told = client.get("/beheer/").content.decode()
        assert why in told
        assert "verwijderd" not in told
        client.post(change_url(report), admin_post(report, new_status=Status.SOLVED))
        report.refresh_from_db()
        assert report.status == Status.RECEIVED
    # A bulk action on another department's report is not carried out.
    client.post(QUEUE, {"action": "mark_solved", ACTION_CHECKBOX_NAME: [str(other_department.pk)]})
    other_department.refresh_from_db()
    assert other_department.status == Status.RECEIVED


def test_a_resident_never_reaches_the_queue(client):
    client.force_login(UserFactory())
    assert client.get(QUEUE).status_code == 302


def test_solving_on_the_change_page_tells_the_reporter_and_keeps_a_note(client, manager, area):
    report = ReportFactory(neighbourhood=area)
    response = client.post(
        change_url(report),
        admin_post(
            report,
            new_status=Status.SOLVED,
            public_message="De tegels liggen weer vast.",
            note="Stratenmaker ingezet",
            assigned_to=str(manager.pk),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.status == Status.SOLVED
    assert report.closed_at is not None
    assert report.assigned_to == manager
    assert InternalNote.objects.get(report=report).author == manager
    assert report.changes.last().message == "De tegels liggen weer vast."
    assert Notification.objects.filter(recipient=report.reporter, kind=actions.KIND).exists()


def test_declining_needs_a_reason(client, manager, area):
    report = ReportFactory(neighbourhood=area)
    response = client.post(change_url(report), admin_post(report, new_status=Status.DECLINED))
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_forward_and_record_the_reply(client, manager, area, django_capture_on_commit_callbacks):
    report = ReportFactory(neighbourhood=area)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            change_url(report),
            admin_post(
                report,
                forward_to="Netbeheerder Eemnet",
                forward_email="storing@eemnet.example",
                forward_message="Kabelkast open",
            ),
        )
    forwarding = Forward.objects.get(report=report)
    report.refresh_from_db()
    assert report.status == Status.FORWARDED
    assert [m.to for m in mail.outbox if m.to == ["storing@eemnet.example"]]
    assert report.reporter.email not in mail.outbox[-1].body  # never who reported it
    client.post(change_url(report), admin_post(report, forwards=[(forwarding, "Morgen hersteld")]))
    forwarding.refresh_from_db()
    assert forwarding.reply == "Morgen hersteld"
    assert forwarding.replied_at is not None
    assert [c.key for c in report.changes.all()][-2:] == ["forwarded", "forward_replied"]


def test_merge_duplicates_moves_reporters_to_the_report_that_goes_on(client, manager, area):
    first = ReportFactory(neighbourhood=area)
    Report.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - timedelta(days=2))
    second = ReportFactory(neighbourhood=area)
    neighbour = UserFactory()
    actions.add_supporter(report=second, user=neighbour)
    client.post(
        QUEUE,
        {"action": "merge_into_oldest", ACTION_CHECKBOX_NAME: [str(first.pk), str(second.pk)]},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (Status.MERGED, first)
    assert first.supporter_count == 2  # the second's reporter and its supporter
    assert set(first.supporters.values_list("user", flat=True)) == {
        second.reporter_id,
        neighbour.pk,
    }


def test_merge_on_the_change_page_refuses_a_report_you_do_not_handle(client, manager, area):
    report = ReportFactory(neighbourhood=area)
    elsewhere = ReportFactory(neighbourhood=NeighbourhoodFactory())
    response = client.post(change_url(report), admin_post(report, merge_into=str(elsewhere.pk)))
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_bulk_assign_and_solve(client, manager, area):
    reports = [ReportFactory(neighbourhood=area) for _ in range(3)]
    ids = [str(report.pk) for report in reports]
    client.post(QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: ids})
    client.post(QUEUE, {"action": "mark_solved", ACTION_CHECKBOX_NAME: ids})
    assert set(Report.objects.filter(pk__in=ids).values_list("status", "assigned_to")) == {
        (Status.SOLVED, manager.pk)
    }


def test_queue_query_count_is_constant(client, manager, area):
    ReportFactory(neighbourhood=area)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    one = count()
    for _ in range(30):
        ReportFactory(neighbourhood=area, assigned_to=manager, supporter_count=2)
    assert count() == one


def test_opening_and_changing_a_report_is_audited(client, manager, area):
    """Staff reading a resident's report leave a trace in the audit log (who, what),
    and so does changing it."""
    report = ReportFactory(neighbourhood=area)
    assert client.get(change_url(report)).status_code == 200
    (viewed,) = AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED)
    assert (viewed.actor, viewed.target_id) == (manager, str(report.pk))
    assert viewed.target_type.model == "report"
    response = client.post(change_url(report), admin_post(report, note="Ploeg is onderweg."))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGED, actor=manager, target_id=str(report.pk)
    ).exists()


def test_opening_and_changing_a_question_is_audited(client, db):
    waste = Department.objects.get(slug="afval")
    colleague = StaffFactory(display_name="Wendy")
    colleague.groups.add(Role.AREA_MANAGER.group())
    waste.members.add(colleague)
    sign_in_staff(client, colleague)
    question = QuestionFactory()
    url = f"/beheer/reports/question/{question.pk}/change/"
    assert client.get(url).status_code == 200
    (viewed,) = AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED)
    assert (viewed.actor, viewed.target_id) == (colleague, str(question.pk))
    assert viewed.target_type.model == "question"
    post = {
        "assigned_to": str(colleague.pk),
        "answer": "",
        **_formset("feedback"),
    }
    assert client.post(url, post).status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGED, actor=colleague, target_id=str(question.pk)
    ).exists()


def test_the_queue_heads_its_number_column_as_a_number_and_offers_the_colleagues(
    client, manager, area
):
    """Walk findings: the column said "getal"; the assignee filter lists the department's
    colleagues (without reading every report for who is assigned)."""
    ReportFactory(neighbourhood=area)
    page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert ">Getal<" not in page
    assert ">getal<" not in page
    assert "Nr." in page or "nr." in page
    assert "Ruud" in page  # the filter offers the colleague, though nothing is assigned


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_bulk_in_progress_names_the_status_and_says_what_it_skipped(client, manager, area):
    """The message uses the status's own name ("In uitvoering"), and every report the
    action left alone is counted, numbered and explained."""
    received = [ReportFactory(neighbourhood=area) for _ in range(2)]
    busy = ReportFactory(neighbourhood=area, status=Status.IN_PROGRESS)
    target = ReportFactory(neighbourhood=area)
    merged = ReportFactory(neighbourhood=area)
    actions.merge(duplicate=merged, into=target, by=manager)
    ids = [str(report.pk) for report in [*received, busy, merged]]
    response = client.post(
        QUEUE, {"action": "mark_in_progress", ACTION_CHECKBOX_NAME: ids}, follow=True
    )
    said = _messages(response)
    assert "2 meldingen op “In uitvoering” gezet." in said
    assert f"1 melding overgeslagen (#{busy.pk}): die heeft de status “In uitvoering” al." in said
    assert (
        f"1 melding overgeslagen (#{merged.pk}): die is samengevoegd met een andere melding;"
        " wijzig de melding waarmee hij is samengevoegd." in said
    )
    assert not any("in behandeling" in message for message in said)
    assert Report.objects.filter(status=Status.IN_PROGRESS).count() == 3


def test_bulk_solve_explains_a_declined_report_must_be_reopened_first(client, manager, area):
    declined = [ReportFactory(neighbourhood=area, status=Status.DECLINED) for _ in range(2)]
    ids = [str(report.pk) for report in declined]
    response = client.post(QUEUE, {"action": "mark_solved", ACTION_CHECKBOX_NAME: ids}, follow=True)
    numbers = ", ".join(f"#{report.pk}" for report in sorted(declined, key=lambda r: r.pk))
    assert (
        f"2 meldingen overgeslagen ({numbers}): een melding met de status “Niet opgepakt”"
        " kan niet direct op “Opgelost” worden gezet; zet ze eerst op “In uitvoering”."
    ) in _messages(response)
    assert not any("gezet." in message for message in _messages(response))
    assert set(Report.objects.values_list("status", flat=True)) == {Status.DECLINED}


def test_the_bulk_actions_are_named_after_the_statuses_they_set(client, manager, area):
    ReportFactory(neighbourhood=area)
    content = client.get(QUEUE).content.decode()
    assert '<option value="mark_in_progress">Op “In uitvoering” zetten</option>' in content
    assert '<option value="mark_solved">Op “Opgelost” zetten</option>' in content
    assert "in behandeling" not in content


def test_the_queue_is_named_for_what_is_on_it(client, manager):
    """The work list's heading and window title say what it holds, not Django's
    "Selecteer … om te wijzigen"."""
    page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Meldingen openbare ruimte</h1>" in page
    assert "<title>Meldingen openbare ruimte |" in page
    assert "om te wijzigen" not in page


def test_the_department_filter_offers_only_the_colleagues_own(client, manager):
    """A colleague filters on their own departments only (their queue holds no other;
    with one department there is nothing to choose); an administrator is offered every
    department and "none"."""
    roads = Department.objects.get(slug="wegen")
    green = Department.objects.exclude(pk=roads.pk).first()
    others = Department.objects.exclude(pk__in=[roads.pk, green.pk])
    assert others.exists()
    for url in (QUEUE, "/beheer/reports/question/"):
        page = client.get(url).content.decode().replace("&amp;", "&")
        assert "department__id__exact=" not in page, url  # one department: no filter
    green.members.add(manager)
    for url in (QUEUE, "/beheer/reports/question/"):
        page = client.get(url).content.decode().replace("&amp;", "&")
        assert f"department__id__exact={roads.pk}" in page, url
        assert f"department__id__exact={green.pk}" in page, url
        for other in others:
            assert f"department__id__exact={other.pk}&" not in page, (url, other)
            assert f'department__id__exact={other.pk}"' not in page, (url, other)
        assert "department__isnull=True" not in page, url
    admin_client = Client()
    sign_in_staff(admin_client, StaffFactory(is_superuser=True))
    page = admin_client.get(QUEUE).content.decode().replace("&amp;", "&")
    for department in Department.objects.all():
        assert f"department__id__exact={department.pk}" in page
    assert "department__isnull=True" in page
