""" "Is it solved?" after a report closed: the one email with a single-use link (token
into the session, then a clean address), the form (answer, grade, reasons that go with
the answer, remark), bad input (forged or expired link, twice, reasons of another
answer, grades out of range, a remark too long), reopening by an unhappy reporter
within the category's rule, and the back office."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from neighbourhoods.models import Neighbourhood
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification
from privacy.registry import erase_person, export_personal_data
from reports import actions
from reports.models import (
    Answer,
    Category,
    Department,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    Report,
    Status,
    StatusChange,
)
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

FORM = "/openbare-ruimte/tevredenheid/"
THANKS = "/openbare-ruimte/tevredenheid/bedankt/"
REOPEN = "/openbare-ruimte/tevredenheid/heropenen/"
QUEUE = "/beheer/reports/report/"
SUBJECTS = {"en": "Is your report solved?", "nl": "Is je melding opgelost?"}


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def roads():
    return Department.objects.get(slug="wegen")


@pytest.fixture
def area(db):
    return NeighbourhoodFactory(name="Havenkwartier")


@pytest.fixture
def colleague(roads, area):
    """The area manager of the Havenkwartier, in the roads department."""
    user = StaffFactory(display_name="Ruud")
    user.groups.add(Role.AREA_MANAGER.group())
    area.area_manager = user
    area.save()
    roads.members.add(user)
    return user


def in_area(**fields) -> Report:
    """A report in the colleague's area, handled by their department."""
    return ReportFactory(neighbourhood=Neighbourhood.objects.get(name="Havenkwartier"), **fields)


def close(report: Report, by, django_capture_on_commit_callbacks, to=Status.SOLVED) -> str:
    """Solve the report as a colleague; returns the link from the feedback email."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(report=report, to=to, by=by, message="Gerepareerd.")
    found = [message for message in mail.outbox if "/tevredenheid/" in message.body]
    assert len(found) == 1, [message.subject for message in mail.outbox]
    return re.search(r"http://testserver(/openbare-ruimte/tevredenheid/[^/\s]+/)", found[0].body)[1]


def reasons(answer: str) -> list[FeedbackReason]:
    return list(FeedbackReason.objects.filter(answer=answer, is_active=True, applies_to="report"))


def answer(client, link: str | None = None, **data):
    if link is not None:
        client.get(link)
    post = {"solved": "no", "grade": "3", "remark": "Er is niets veranderd."}
    post.update(data)
    return client.post(FORM, {key: value for key, value in post.items() if value is not None})


def test_default_reasons_exist_for_every_answer():
    for value in Answer.values:
        assert reasons(value), value


@pytest.mark.parametrize("language", ["en", "nl"])
def test_closing_sends_the_reporter_one_email_in_their_language(
    language, colleague, django_capture_on_commit_callbacks
):
    reporter = UserFactory(language=language)
    report = in_area(reporter=reporter)
    link = close(report, colleague, django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if "/tevredenheid/" in m.body]
    assert message.to == [reporter.email]
    html = message.alternatives[0][0]
    assert f'<html lang="{language}">' in html
    if language == "en":
        assert message.subject.endswith(SUBJECTS["en"])
    else:
        # The Dutch text comes with the catalogue (briefs/nl_i22k.py); then the subject
        # is Dutch.
        assert message.subject.endswith((SUBJECTS["nl"], SUBJECTS["en"]))
    token = link.rstrip("/").rsplit("/", 1)[1]
    request = FeedbackRequest.objects.get(report=report)
    assert request.token_hash != token
    assert token not in request.token_hash
    assert request.expires_at - request.created_at == timedelta(days=14)


def test_a_visitor_gets_the_email_in_the_language_they_reported_in(
    colleague, django_capture_on_commit_callbacks
):
    report = in_area(
        reporter=None,
        reporter_email="bezoeker@example.nl",
        reporter_language="nl",
        email_confirmed_at=timezone.now(),
    )
    close(report, colleague, django_capture_on_commit_callbacks, to=Status.DECLINED)
    (message,) = [m for m in mail.outbox if "/tevredenheid/" in m.body]
    assert message.to == ["bezoeker@example.nl"]
    assert '<html lang="nl">' in message.alternatives[0][0]


def test_nobody_behind_the_report_means_no_request(colleague):
    report = in_area(reporter=None, reporter_email="")
    actions.change_status(report=report, to=Status.SOLVED, by=colleague)
    assert not FeedbackRequest.objects.exists()
    closed_account = in_area(reporter=UserFactory(is_active=False))
    actions.change_status(report=closed_account, to=Status.SOLVED, by=colleague)
    assert not FeedbackRequest.objects.exists()


def test_the_reporter_answers_no_and_reopens(client, colleague, django_capture_on_commit_callbacks):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    response = client.get(link)
    assert response.status_code == 303
    assert response["Location"] == FORM  # the token is gone from the address
    page = client.get(FORM)
    assert page.status_code == 200
    content = page.content.decode()
    assert "1 = very bad, 10 = excellent" in content
    for value in Answer.values:  # every reason shown, grouped by answer (no JavaScript)
        for reason in reasons(value):
            assert reason.text_en in content
    chosen = reasons("no")[0]
    response = answer(client, reasons=[str(chosen.pk)])
    assert response.status_code == 303
    assert response["Location"] == THANKS
    feedback = Feedback.objects.get()
    assert (feedback.solved, feedback.grade, feedback.report) == ("no", 3, report)
    assert list(feedback.reasons.all()) == [chosen]
    thanks = client.get(THANKS).content.decode()
    assert "Reopen this report" in thanks
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REOPEN)
    assert response.status_code == 303
    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.closed_at is None
    assert report.due_date >= timezone.localdate()
    assert report.changes.filter(key="reopened").count() == 1
    feedback.refresh_from_db()
    assert feedback.reopened_at is not None
    # The department hears; the timeline says so in the reader's language.
    assert Notification.objects.filter(recipient=colleague, kind=actions.REOPENED_KIND).exists()
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "The report was reopened." in detail
    # The same button twice does nothing more.
    assert client.post(REOPEN).status_code == 404
    assert report.changes.filter(key="reopened").count() == 1


def test_staff_see_the_feedback_and_filter_reopened(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    answer(client, link, remark="Tegels liggen nog los.")
    client.post(REOPEN)
    other = in_area()
    staff = client.__class__()
    sign_in_staff(staff, colleague)
    page = staff.get(f"{QUEUE}{report.pk}/change/").content.decode()
    assert "Tegels liggen nog los." in page
    assert "feedback from the reporter after closing" in page.lower() or "feedback" in page
    listed = staff.get(QUEUE, {"reopened": "yes"}).content.decode()
    assert f"#{report.pk}<" in listed
    assert f"#{other.pk}<" not in listed
    by_reporter = staff.get(QUEUE, {"reopened": "by_reporter"}).content.decode()
    assert f"#{report.pk}<" in by_reporter


def test_staff_of_another_department_do_not_see_the_feedback(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    answer(client, link, remark="Tegels liggen nog los.")
    outsider = StaffFactory()
    outsider.groups.add(Role.AREA_MANAGER.group())
    Department.objects.get(slug="groen").members.add(outsider)
    staff = client.__class__()
    sign_in_staff(staff, outsider)
    response = staff.get(f"{QUEUE}{report.pk}/change/")
    assert response.status_code == 302
    assert "Tegels liggen nog los." not in staff.get(QUEUE, {"reopened": "no"}).content.decode()


def test_forged_and_expired_links_save_nothing(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    forged = "/openbare-ruimte/tevredenheid/" + "x" * 43 + "/"
    assert client.get(forged).status_code == 303
    response = client.get(FORM)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert answer(client).status_code == 404
    FeedbackRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert answer(client, link).status_code == 404
    assert not Feedback.objects.exists()


def test_without_the_link_another_resident_gets_nowhere(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    close(report, colleague, django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    assert client.get(FORM).status_code == 404
    assert answer(client).status_code == 404
    assert client.get(THANKS).status_code == 404
    assert client.post(REOPEN).status_code == 404
    assert not Feedback.objects.exists()
    report.refresh_from_db()
    assert report.status == Status.SOLVED


def test_answering_twice_is_refused_and_saves_nothing(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    assert answer(client, link, solved="yes", grade="9").status_code == 303
    again = answer(client, link, solved="no", grade="1")
    assert again.status_code == 409
    assert "You already answered" in again.content.decode()
    assert Feedback.objects.get().grade == 9
    # And as a domain action (two tabs sent at once).
    with pytest.raises(actions.ReportError):
        actions.give_feedback(request=FeedbackRequest.objects.get(), solved="no", grade=1)
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reasons": "WRONG"}, "reasons", "Choose only reasons that go with your answer"),
        ({"grade": "0"}, "grade", "Select a valid choice"),
        ({"grade": "11"}, "grade", "Select a valid choice"),
        ({"grade": None}, "grade", "This field is required"),
        ({"solved": "maybe"}, "solved", "Select a valid choice"),
        ({"remark": "x" * 1001}, "remark", "at most 1000 characters"),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    data, field, message, client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    if data.get("reasons") == "WRONG":
        data = {"reasons": [str(reasons("yes")[0].pk)]}  # a "solved" reason with "no"
    response = answer(client, link, **data)
    assert response.status_code == 400
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content
    assert message in content
    assert "Please correct the following" in content
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("setup", "solved"),
    [
        ("not_allowed", "no"),
        ("too_late", "no"),
        ("happy", "yes"),
        ("partly", "partly"),
    ],
)
def test_the_reopen_rule(
    setup, solved, client, colleague, settings, django_capture_on_commit_callbacks
):
    """Only "no", only when the category allows it, only within the days after closing."""
    report = in_area()
    if setup == "not_allowed":
        Category.objects.filter(pk=report.category_id).update(reopen_allowed=False)
    link = close(report, colleague, django_capture_on_commit_callbacks)
    if setup == "too_late":
        Report.objects.filter(pk=report.pk).update(
            closed_at=timezone.now() - timedelta(days=settings.PORTAL_REPORT_REOPEN_DAYS + 1)
        )
        FeedbackRequest.objects.update(created_at=timezone.now() - timedelta(days=15))
    grade = "8" if solved == "yes" else "5"
    assert answer(client, link, solved=solved, grade=grade).status_code == 303
    thanks = client.get(THANKS).content.decode()
    assert "Reopen this report" not in thanks
    response = client.post(REOPEN)
    assert response.status_code == 303
    report.refresh_from_db()
    assert report.status == Status.SOLVED
    assert not report.changes.filter(key="reopened").exists()


def test_a_reopened_report_closed_again_asks_again(
    client, colleague, django_capture_on_commit_callbacks
):
    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    answer(client, link)
    client.post(REOPEN)
    report.refresh_from_db()
    second = close(report, colleague, django_capture_on_commit_callbacks)
    assert second != link
    assert answer(client, second, solved="yes", grade="8").status_code == 303
    assert Feedback.objects.filter(report=report).count() == 2
    # The first answer cannot reopen the report closed again.
    first = Feedback.objects.filter(report=report).order_by("pk").first()
    report.refresh_from_db()
    first.report = report
    assert not actions.can_reopen(first)


def test_the_queue_query_count_is_constant_with_feedback(
    client, colleague, django_capture_on_commit_callbacks
):
    sign_in_staff(client, colleague)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE, {"reopened": "yes"}).status_code == 200
        return len(queries)

    def reopened_report() -> None:
        report = in_area(status=Status.SOLVED, closed_at=timezone.now())
        StatusChange.objects.create(report=report, status=Status.IN_PROGRESS, key="reopened")

    reopened_report()
    one = count()
    for _ in range(20):
        reopened_report()
    assert count() == one


def test_the_change_page_query_count_does_not_grow_with_feedback(client, colleague):
    report = in_area(status=Status.SOLVED, closed_at=timezone.now())
    sign_in_staff(client, colleague)

    def give(number: int) -> None:
        request = FeedbackRequest.objects.create(
            report=report,
            token_hash=f"{number:064d}",
            expires_at=timezone.now() + timedelta(days=14),
        )
        feedback = Feedback.objects.create(report=report, request=request, solved="no", grade=2)
        feedback.reasons.set(reasons("no")[:2])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{QUEUE}{report.pk}/change/").status_code == 200
        return len(queries)

    give(1)
    one = count()
    for number in range(2, 8):
        give(number)
    assert count() == one


def test_the_feedback_is_exported_with_the_report_and_the_remark_erased(
    client, colleague, django_capture_on_commit_callbacks
):
    reporter = UserFactory()
    report = in_area(reporter=reporter)
    link = close(report, colleague, django_capture_on_commit_callbacks)
    answer(client, link, remark="Mijn buurman struikelde.")
    export = export_personal_data(reporter)
    (section,) = [s for s in export["sections"] if s["table"] == "reports.Feedback"]
    assert section["rows"][0]["remark"] == "Mijn buurman struikelde."
    erase_person(user=reporter)
    feedback = Feedback.objects.get()
    assert feedback.remark == ""
    assert feedback.grade == 3  # the figures stay, unsigned


def test_no_reporter_identity_on_the_feedback():
    names = {field.name for field in Feedback._meta.get_fields()}
    assert not names & {"user", "email", "reporter", "reporter_email", "language"}


def test_the_pages_are_valid_html(client, colleague, django_capture_on_commit_callbacks, tmp_path):
    from tests.test_valid_html import validate

    report = in_area()
    link = close(report, colleague, django_capture_on_commit_callbacks)
    client.get(link)
    pages = {
        "form": client.get(FORM),
        "errors": answer(client, grade="0", reasons=[str(reasons("yes")[0].pk)]),
    }
    answer(client)
    pages["thanks"] = client.get(THANKS)
    pages["twice"] = answer(client, link)
    other = client.__class__()
    pages["invalid"] = other.get(FORM)
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    messages = [m for m in validate(tmp_path) if m["type"] == "error" or m.get("subType")]
    assert not messages, messages


def test_an_unanswered_link_stops_working_once_the_report_is_reopened_or_asked_anew(
    client, colleague, django_capture_on_commit_callbacks
):
    """One closing, one answer: a colleague reopening the report takes the question back,
    and closing it again asks with a new link only."""
    report = in_area()
    first = close(report, colleague, django_capture_on_commit_callbacks)
    actions.change_status(report=report, to=Status.IN_PROGRESS, by=colleague)
    assert answer(client, first).status_code == 404
    report.refresh_from_db()
    second = close(report, colleague, django_capture_on_commit_callbacks)
    assert answer(client, first).status_code == 404
    assert not Feedback.objects.exists()
    assert answer(client, second, solved="yes", grade="8").status_code == 303
    assert Feedback.objects.filter(report=report).count() == 1


def test_a_colleague_who_reported_and_reopens_is_not_told_of_it(
    client, colleague, roads, django_capture_on_commit_callbacks
):
    """A civil servant of the department who reported a broken light themselves and
    reopens it hears nothing of their own reopening; the other colleagues do."""
    other = StaffFactory(display_name="Sanne")
    roads.members.add(other)
    report = in_area(reporter=colleague)
    client.force_login(colleague)
    link = close(report, other, django_capture_on_commit_callbacks)
    client.get(link)
    assert answer(client).status_code == 303
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REOPEN).status_code == 303
    told = set(
        Notification.objects.filter(kind=actions.REOPENED_KIND).values_list("recipient", flat=True)
    )
    assert told == {other.pk}
