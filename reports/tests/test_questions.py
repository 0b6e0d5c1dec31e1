"""Questions to the municipality (webcare): asking (signed in, or as a visitor whose
email address is confirmed first), bad input, who may read a question and its answer,
the back office's queue and answering (another department sees nothing), the public
page and the portal search, the satisfaction link after the answer, personal data, and
query counts."""

import importlib
import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from common import workdays
from common.search import search_everything
from notifications.models import Notification
from privacy.registry import erase_person, export_personal_data
from reports import confirmation, question_actions
from reports.models import (
    Department,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    Question,
    QuestionStatus,
)
from reports.tests.factories import AnsweredQuestionFactory, QuestionFactory, topic

pytestmark = pytest.mark.django_db

ASK = "/openbare-ruimte/vragen/stellen/"
LIST = "/openbare-ruimte/vragen/"
CONFIRM = "/openbare-ruimte/bevestigen/"
FEEDBACK = "/openbare-ruimte/tevredenheid/"
QUEUE = "/beheer/reports/question/"
TEXT = "Mag ik een container voor bouwafval op straat zetten, en hoe lang?"


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def waste():
    return Department.objects.get(slug="afval")


def colleague_of(department: Department, name: str = "Wendy"):
    user = StaffFactory(display_name=name)
    user.groups.add(Role.AREA_MANAGER.group())
    department.members.add(user)
    return user


@pytest.fixture
def colleague(waste):
    return colleague_of(waste)


def ask_data(**changes) -> dict:
    data = {
        "topic": str(topic().pk),
        "text": TEXT,
        "visibility": "public",
        "email": "Vrager@Example.nl",
        "homepage": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def confirm_link_in(message) -> str:
    return re.search(r"http://testserver(/openbare-ruimte/bevestigen/[^/\s]+/)", message.body)[1]


def feedback_link_in(messages) -> str:
    found = [m for m in messages if "/tevredenheid/" in m.body]
    assert len(found) == 1, [m.subject for m in messages]
    return re.search(r"http://testserver(/openbare-ruimte/tevredenheid/[^/\s]+/)", found[0].body)[1]


def answer_post(question: Question, **data) -> dict:
    post = {
        "assigned_to": "",
        "public_text": question.public_text or question.text,
        "public_answer": question.public_answer,
        "answer": "",
        "feedback-TOTAL_FORMS": "0",
        "feedback-INITIAL_FORMS": "0",
        "feedback-MIN_NUM_FORMS": "0",
        "feedback-MAX_NUM_FORMS": "1000",
    }
    post.update(data)
    return post


def change_url(question: Question) -> str:
    return f"{QUEUE}{question.pk}/change/"


# --- asking -----------------------------------------------------------------------------


def test_a_visitors_question_waits_for_the_email_and_then_goes_in(
    client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, ask_data())
    assert response.status_code == 200
    assert b"Check your email" in response.content
    question = Question.objects.get()
    assert question.status == QuestionStatus.UNCONFIRMED
    assert question.asker_email == "vrager@example.nl"
    assert question.asker_language == "en"
    assert question.is_public
    assert question.department is None
    (message,) = mail.outbox
    assert message.to == ["vrager@example.nl"]
    assert "Confirm your question" in message.subject
    # Not yet anywhere: not on the portal, not in the queue.
    assert client.get(question.get_absolute_url()).status_code == 404

    link = confirm_link_in(message)
    response = client.get(link)
    assert response.status_code == 303
    assert response["Location"] == CONFIRM
    page = client.get(CONFIRM)
    assert b"your question goes to the municipality" in page.content
    response = client.post(CONFIRM)
    assert response.status_code == 303
    assert response["Location"] == LIST
    question.refresh_from_db()
    assert question.status == QuestionStatus.RECEIVED
    assert question.department == topic().department
    assert question.due_date == workdays.add_working_days(timezone.localdate(), 5)
    assert question.email_confirmed_at is not None
    # The same link again changes nothing.
    client.get(link)
    client.post(CONFIRM)
    assert Question.objects.get().submitted_at == question.submitted_at


def test_a_signed_in_resident_asks_at_once_and_reads_their_own_question(client):
    resident = UserFactory(language="nl")
    client.force_login(resident)
    response = client.post(ASK, ask_data(email=None, visibility="private"))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == question.get_absolute_url()
    assert question.asker == resident
    assert question.asker_email == ""
    assert question.status == QuestionStatus.RECEIVED
    assert not question.is_public
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    assert TEXT in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "Waarom?"}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"topic": ""}, "topic"),
        ({"topic": "999999"}, "topic"),
        ({"visibility": "everyone"}, "visibility"),
        ({"email": ""}, "email"),
        ({"email": "geen-adres"}, "email"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_saves_nothing(client, changes, field):
    mail.outbox.clear()
    response = client.post(ASK, ask_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Question.objects.exists()
    assert mail.outbox == []


def test_an_inactive_topic_cannot_be_chosen(client):
    chosen = topic()
    chosen.is_active = False
    chosen.save()
    response = client.post(ASK, ask_data())
    assert response.status_code == 400
    assert "topic" in response.context["form"].errors


def test_forged_or_unknown_confirmation_links_confirm_nothing(client):
    client.get(f"{CONFIRM}niet-echt/")
    assert client.post(CONFIRM).status_code == 400
    token = confirmation.confirmation_token(confirmation.QUESTION, 987654)
    client.get(f"{CONFIRM}{token}/")
    assert client.post(CONFIRM).status_code == 400


EXPIRED_CONFIRM = {
    "en": ("Ask your question again", "Make your report again"),
    "nl": ("Stel je vraag opnieuw", "Doe je melding opnieuw"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_expired_confirmation_link_for_a_question_speaks_of_the_question(
    client, settings, monkeypatch, language
):
    """A link that is too old (or whose question is gone) says so about the question,
    in the reader's language; a report's link still speaks of the report."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    question_says, report_says = EXPIRED_CONFIRM[language]
    question = QuestionFactory(status="unconfirmed", asker=None, asker_email="a@example.nl")
    monkeypatch.setattr(confirmation, "CONFIRM_DAYS", -1)  # every link is too old
    client.get(f"{CONFIRM}{confirmation.confirmation_token(confirmation.QUESTION, question.pk)}/")
    page = client.get(CONFIRM)
    assert page.status_code == 400
    assert question_says in page.content.decode()
    assert report_says not in page.content.decode()
    assert "/openbare-ruimte/vragen/stellen/" in page.content.decode()
    client.get(f"{CONFIRM}{confirmation.confirmation_token(confirmation.REPORT, 1)}/")
    assert report_says in client.get(CONFIRM).content.decode()
    monkeypatch.setattr(confirmation, "CONFIRM_DAYS", 7)
    # The question went (never confirmed): the same wording after the button.
    token = confirmation.confirmation_token(confirmation.QUESTION, question.pk)
    question.delete()
    client.get(f"{CONFIRM}{token}/")
    refused = client.post(CONFIRM)
    assert refused.status_code == 400
    assert question_says in refused.content.decode()


EXPIRED_FEEDBACK = {
    "en": ("whether your question is answered", "whether your report is solved"),
    "nl": ("of je vraag is beantwoord", "of je melding is opgelost"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_expired_feedback_link_for_a_question_speaks_of_the_question(
    client, settings, colleague, django_capture_on_commit_callbacks, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    question_says, report_says = EXPIRED_FEEDBACK[language]
    _question, link = _answered_with_link(colleague, django_capture_on_commit_callbacks)
    FeedbackRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.get(link)
    page = client.get(FEEDBACK)
    assert page.status_code == 404
    assert question_says in page.content.decode()
    assert report_says not in page.content.decode()
    # A forged link cannot say what it was for: the report's wording, as before.
    client.get(f"{FEEDBACK}{'x' * 43}/")
    assert report_says in client.get(FEEDBACK).content.decode()


def test_asking_is_rate_limited(client, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "public_space_question": "2/h"}
    for _ in range(2):
        client.post(ASK, ask_data())
    response = client.post(ASK, ask_data())
    assert response.status_code == 429
    assert Question.objects.count() == 2


# --- who may read what -----------------------------------------------------------------


def test_a_private_question_and_its_answer_are_for_the_asker_only(client):
    question = QuestionFactory(status="answered", answer="Ja, dat mag.", is_public=False)
    url = question.get_absolute_url()
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # another resident
    client.force_login(question.asker)
    page = client.get(url)
    assert page.status_code == 200
    assert "Ja, dat mag." in page.content.decode()


def test_a_public_question_is_published_only_once_answered_and_without_the_asker(client):
    asker = UserFactory(display_name="Henk de Vrager", email="henk@example.nl")
    question = QuestionFactory(is_public=True, asker=asker, text="Ik ben Henk, Dorpsstraat 3.")
    assert client.get(question.get_absolute_url()).status_code == 404
    question_actions.answer_question(
        question=question,
        answer="Beste Henk, ja, dat mag tot twee weken.",
        public_text="Mag ik een bouwcontainer op straat zetten?",
        public_answer="Ja, dat mag tot twee weken.",
        by=StaffFactory(),
    )
    for viewer in (None, UserFactory()):
        if viewer is not None:
            client.force_login(viewer)
        page = client.get(question.get_absolute_url()).content.decode()
        assert "Mag ik een bouwcontainer op straat zetten?" in page
        assert "Ja, dat mag tot twee weken." in page
        for personal in ("Henk", "Dorpsstraat", "henk@example.nl", "Beste"):
            assert personal not in page
        listing = client.get(LIST).content.decode()
        assert "Mag ik een bouwcontainer op straat zetten?" in listing
        assert "Dorpsstraat" not in listing


def test_the_public_list_and_the_search_show_published_answers_only(client):
    AnsweredQuestionFactory(public_text="Wanneer komt de kerstbomeninzameling?")
    AnsweredQuestionFactory(is_public=False, public_text="", text="Geheime kerstbomenvraag")
    QuestionFactory(is_public=True, text="Open kerstbomenvraag nog zonder antwoord")
    listing = client.get(LIST).content.decode()
    assert "Wanneer komt de kerstbomeninzameling?" in listing
    assert "Geheime" not in listing
    assert "Open kerstbomenvraag" not in listing
    groups = {group.kind.key: group.hits for group in search_everything("kerstbomeninzameling")}
    assert [hit.title for hit in groups["questions"]] == ["Wanneer komt de kerstbomeninzameling?"]
    assert "questions" not in {group.kind.key for group in search_everything("Geheime")}
    page = client.get("/zoeken/", {"q": "kerstbomeninzameling"})
    if page.status_code == 200:
        assert "Wanneer komt de kerstbomeninzameling?" in page.content.decode()


def test_the_public_list_filters_by_topic(client):
    AnsweredQuestionFactory(public_text="Vraag over afval", topic=topic("afval"))
    AnsweredQuestionFactory(public_text="Vraag over parkeren", topic=topic("parkeren"))
    page = client.get(LIST, {"onderwerp": "parkeren"}).content.decode()
    assert "Vraag over parkeren" in page
    assert "Vraag over afval" not in page
    assert client.get(LIST, {"onderwerp": "bestaat-niet"}).status_code == 200


# --- the back office -------------------------------------------------------------------


def test_the_queue_shows_days_left_overdue_first_and_only_the_own_department(client, colleague):
    today = timezone.localdate()
    late = QuestionFactory(due_date=today - timedelta(days=7), text="Te laat beantwoord")
    soon = QuestionFactory(due_date=today + timedelta(days=3), text="Bijna aan de beurt")
    QuestionFactory(topic=topic("parkeren"), text="Vraag voor wegen en verkeer")
    QuestionFactory(
        status="unconfirmed", asker=None, asker_email="a@example.nl", text="Onbevestigd"
    )
    sign_in_staff(client, colleague)
    page = client.get(QUEUE)
    content = page.content.decode()
    assert page.status_code == 200
    assert content.index("Te laat beantwoord") < content.index("Bijna aan de beurt")
    assert "portal-overdue" in content
    assert "wegen en verkeer" not in content
    assert "Onbevestigd" not in content
    overdue = client.get(QUEUE, {"term": "overdue"}).content.decode()
    assert "Te laat beantwoord" in overdue
    assert "Bijna aan de beurt" not in overdue
    late.assigned_to = colleague
    late.save()
    mine = client.get(QUEUE, {"owner": "mine"}).content.decode()
    assert "Te laat beantwoord" in mine
    assert "Bijna aan de beurt" not in mine
    nobody = client.get(QUEUE, {"owner": "nobody"}).content.decode()
    assert "Bijna aan de beurt" in nobody
    assert "Te laat beantwoord" not in nobody
    public = client.get(QUEUE, {"is_public__exact": "1"}).content.decode()
    assert "Bijna aan de beurt" not in public
    assert soon.pk


def test_a_colleague_answers_a_visitors_public_question(
    client, colleague, django_capture_on_commit_callbacks
):
    question = QuestionFactory(
        asker=None,
        asker_email="vrager@example.nl",
        asker_language="en",
        email_confirmed_at=timezone.now(),
        is_public=True,
    )
    sign_in_staff(client, colleague)
    page = client.get(change_url(question))
    assert page.status_code == 200
    assert "vrager@example.nl" not in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(question),
            answer_post(
                question,
                assigned_to=str(colleague.pk),
                public_text="Wanneer wordt de papiercontainer geleegd?",
                public_answer="De papiercontainers worden elke dinsdag geleegd.",
                answer="Elke dinsdag.",
            ),
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answer == "Elke dinsdag."
    assert question.answered_by == colleague
    assert question.public_text == "Wanneer wordt de papiercontainer geleegd?"
    assert question.public_answer == "De papiercontainers worden elke dinsdag geleegd."
    subjects = [m.subject for m in mail.outbox]
    assert any("The answer to your question" in s for s in subjects), subjects
    answer_mail = next(m for m in mail.outbox if "Elke dinsdag." in m.body)
    assert answer_mail.to == ["vrager@example.nl"]
    assert '<html lang="en">' in answer_mail.alternatives[0][0]
    assert feedback_link_in(mail.outbox)
    # Answered once; the answer can no longer be changed through the form.
    client.post(change_url(question), answer_post(question, answer="Iets anders."))
    question.refresh_from_db()
    assert question.answer == "Elke dinsdag."


def test_an_account_asker_hears_through_their_notifications(colleague):
    question = QuestionFactory()
    question_actions.answer_question(question=question, answer="Elke dinsdag.", by=colleague)
    (notification,) = Notification.objects.filter(recipient=question.asker)
    assert notification.url == question.get_absolute_url()


def test_a_public_answer_needs_the_text_to_publish(client, colleague):
    question = QuestionFactory(is_public=True)
    sign_in_staff(client, colleague)
    response = client.post(
        change_url(question), answer_post(question, public_text="", answer="Ja.")
    )
    assert response.status_code == 200
    assert "public_text" in response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.status == QuestionStatus.RECEIVED
    assert question.answer == ""


def test_publishing_needs_a_public_answer_apart_from_the_reply(client, colleague):
    """The reply to the asker is not what the portal shows: a public question is only
    answered with the answer as published, and the action refuses it without."""
    question = QuestionFactory(is_public=True)
    sign_in_staff(client, colleague)
    response = client.post(
        change_url(question),
        answer_post(question, public_text="Mag een container op straat?", answer="Ja, Henk."),
    )
    assert response.status_code == 200
    assert "public_answer" in response.context["adminform"].form.errors
    question.refresh_from_db()
    assert (question.status, question.answer, question.public_answer) == ("received", "", "")
    with pytest.raises(question_actions.QuestionError):
        question_actions.answer_question(
            question=question, answer="Ja, Henk.", public_text="Mag dat?", by=colleague
        )


def test_a_private_question_shows_no_fields_for_the_portal(client, colleague):
    question = QuestionFactory(is_public=False)
    sign_in_staff(client, colleague)
    form = client.get(change_url(question)).context["adminform"].form
    assert "answer" in form.fields
    assert "public_answer" not in form.fields
    assert "public_text" not in form.fields


def test_the_public_pages_and_the_search_show_the_public_answer_never_the_reply(client):
    question = AnsweredQuestionFactory(
        public_text="Wanneer wordt het snoeiafval opgehaald?",
        public_answer="Snoeiafval halen we elke eerste maandag van de maand op.",
        answer="Beste Henk, bij jou op Dorpsstraat 3 komen we maandag langs.",
    )
    for url in (LIST, question.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "elke eerste maandag" in page
        assert "Dorpsstraat" not in page
    (group,) = [g for g in search_everything("snoeiafval") if g.kind.key == "questions"]
    assert [hit.url for hit in group.hits] == [question.get_absolute_url()]
    assert "questions" not in {g.kind.key for g in search_everything("Dorpsstraat")}
    # The asker, signed in, reads the reply meant for them.
    client.force_login(question.asker)
    assert "Dorpsstraat 3" in client.get(question.get_absolute_url()).content.decode()


def test_a_public_question_without_a_public_answer_is_not_published(client):
    question = AnsweredQuestionFactory(public_answer="", answer="Beste Henk, het mag.")
    assert not question.is_published
    assert not Question.objects.published().exists()
    assert client.get(question.get_absolute_url()).status_code == 404


def test_the_migration_copies_the_answer_of_questions_already_public():
    from django.apps import apps

    name = "reports.migrations.0007_question_public_answer_category_description_en"
    migration = importlib.import_module(name)
    public = AnsweredQuestionFactory(public_answer="", answer="Elke dinsdag.")
    private = AnsweredQuestionFactory(is_public=False, public_answer="", answer="Alleen voor jou.")
    waiting = QuestionFactory(is_public=True)
    migration.copy_published_answers(apps, None)
    for row in (public, private, waiting):
        row.refresh_from_db()
    assert public.public_answer == "Elke dinsdag."
    assert public.is_published
    assert (private.public_answer, waiting.public_answer) == ("", "")


def test_only_colleagues_of_the_department_can_become_owner(client, colleague):
    question = QuestionFactory()
    stranger = colleague_of(Department.objects.get(slug="wegen"), "Wim")
    sign_in_staff(client, colleague)
    form = client.get(change_url(question)).context["adminform"].form
    assert list(form.fields["assigned_to"].queryset) == [colleague]
    response = client.post(
        change_url(question), answer_post(question, assigned_to=str(stranger.pk))
    )
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.assigned_to is None


def test_the_bulk_action_cannot_give_a_question_to_another_departments_colleague(colleague):
    question = QuestionFactory()
    stranger = colleague_of(Department.objects.get(slug="wegen"), "Wim")
    assert question_actions.assign_questions(questions=[question], to=stranger, by=colleague) == 0
    question.refresh_from_db()
    assert question.assigned_to is None
    assert question_actions.assign_questions(questions=[question], to=colleague, by=colleague) == 1


def test_the_published_question_is_never_filled_in_with_the_askers_own_words(client, colleague):
    """A colleague writes what is published: the form does not offer the asker's text,
    the reply's help says it is never published and the published answer's help says it
    is shown on the portal."""
    question = QuestionFactory(is_public=True, text=TEXT)
    sign_in_staff(client, colleague)
    form = client.get(change_url(question)).context["adminform"].form
    assert not form.initial.get("public_text")
    assert not form.initial.get("public_answer")
    assert TEXT not in str(form["public_text"])
    with translation.override("en"):
        assert "never published" in str(form.fields["answer"].help_text)
        assert "shown on the portal" in str(form.fields["public_answer"].help_text)


def test_another_departments_colleague_cannot_see_or_answer(client, waste):
    question = QuestionFactory()
    stranger = colleague_of(Department.objects.get(slug="wegen"), "Wim")
    sign_in_staff(client, stranger)
    assert question.text not in client.get(QUEUE).content.decode()
    page = client.get(change_url(question))
    assert page.status_code in (302, 404)
    client.post(change_url(question), answer_post(question, answer="Ik antwoord toch."))
    client.post(
        QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [str(question.pk)], "index": "0"}
    )
    question.refresh_from_db()
    assert question.status == QuestionStatus.RECEIVED
    assert question.answer == ""
    assert question.assigned_to is None


def test_a_resident_cannot_open_the_queue(client):
    client.force_login(UserFactory())
    assert client.get(QUEUE).status_code == 302


def test_assign_to_me_from_the_queue(client, colleague):
    question = QuestionFactory()
    sign_in_staff(client, colleague)
    client.post(
        QUEUE, {"action": "assign_to_me", ACTION_CHECKBOX_NAME: [str(question.pk)], "index": "0"}
    )
    question.refresh_from_db()
    assert question.assigned_to == colleague


# --- "is your question answered?" ------------------------------------------------------


def _answered_with_link(colleague, django_capture_on_commit_callbacks, **fields) -> tuple:
    question = QuestionFactory(**fields)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question_actions.answer_question(
            question=question,
            answer="Elke dinsdag.",
            public_text="Wanneer wordt de papiercontainer geleegd?",
            public_answer="Elke dinsdag.",
            by=colleague,
        )
    return question, feedback_link_in(mail.outbox)


def test_the_asker_says_whether_the_question_is_answered(
    client, colleague, django_capture_on_commit_callbacks
):
    question, link = _answered_with_link(colleague, django_capture_on_commit_callbacks)
    response = client.get(link)
    assert response.status_code == 303
    assert response["Location"] == FEEDBACK
    page = client.get(FEEDBACK).content.decode()
    assert "Is your question answered?" in page
    ours = FeedbackReason.objects.filter(applies_to="question", answer="partly").first()
    theirs = FeedbackReason.objects.filter(applies_to="report", answer="partly").first()
    assert ours.text_en in page
    assert theirs.text_en not in page
    # A reason for reports is refused.
    response = client.post(
        FEEDBACK, {"solved": "partly", "grade": "6", "reasons": [str(theirs.pk)], "remark": ""}
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()
    response = client.post(
        FEEDBACK,
        {"solved": "partly", "grade": "6", "reasons": [str(ours.pk)], "remark": "Half antwoord."},
    )
    assert response.status_code == 303
    given = Feedback.objects.get()
    assert given.question == question
    assert given.report is None
    assert (given.solved, given.grade, list(given.reasons.all())) == ("partly", 6, [ours])
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert b"Reopen" not in thanks.content
    # No reopening for questions.
    assert client.post("/openbare-ruimte/tevredenheid/heropenen/").status_code in (303, 404)
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    # Twice: refused, nothing more saved.
    client.get(link)
    again = client.post(FEEDBACK, {"solved": "yes", "grade": "9"})
    assert again.status_code in (404, 409)
    assert Feedback.objects.count() == 1


def test_a_forged_feedback_link_saves_nothing(
    client, colleague, django_capture_on_commit_callbacks
):
    _answered_with_link(colleague, django_capture_on_commit_callbacks)
    client.get(f"{FEEDBACK}niet-echt/")
    assert client.get(FEEDBACK).status_code == 404
    assert client.post(FEEDBACK, {"solved": "yes", "grade": "9"}).status_code == 404
    assert not Feedback.objects.exists()


def test_the_feedback_email_goes_in_the_language_the_visitor_asked_in(
    colleague, django_capture_on_commit_callbacks
):
    _answered_with_link(
        colleague,
        django_capture_on_commit_callbacks,
        asker=None,
        asker_email="vrager@example.nl",
        asker_language="nl",
        email_confirmed_at=timezone.now(),
    )
    feedback_mail = next(m for m in mail.outbox if "/tevredenheid/" in m.body)
    assert feedback_mail.to == ["vrager@example.nl"]
    assert '<html lang="nl">' in feedback_mail.alternatives[0][0]


# --- personal data ---------------------------------------------------------------------


def test_export_and_erasure_keep_only_the_published_question_and_answer(colleague):
    asker = UserFactory(email="vrager@example.nl")
    published = AnsweredQuestionFactory(asker=asker, text="Ik ben Henk van nummer 3.")
    private = AnsweredQuestionFactory(asker=asker, is_public=False, public_text="")
    waiting = QuestionFactory(asker=None, asker_email="vrager@example.nl")
    request = FeedbackRequest.objects.create(
        question=private, token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=1)
    )
    Feedback.objects.create(question=private, request=request, solved="yes", grade=8, remark="Top")
    exported = export_personal_data(asker)
    assert "Ik ben Henk van nummer 3." in str(exported)
    erase_person(user=asker)
    published.refresh_from_db()
    private.refresh_from_db()
    assert not Question.objects.filter(pk=waiting.pk).exists()
    assert (published.asker, published.text) == (None, "")
    assert published.public_text
    assert published.public_answer
    assert published.answer == ""  # the reply to the asker was theirs
    assert published.is_published
    assert (private.asker_email, private.text, private.answer) == ("", "", "")
    feedback = Feedback.objects.get()
    assert feedback.grade == 8
    assert feedback.remark == ""


def test_retention_empties_a_visitors_address_and_drops_unconfirmed_questions():
    long_ago = timezone.now() - timedelta(days=200)
    old = AnsweredQuestionFactory(asker=None, asker_email="oud@example.nl", answered_at=long_ago)
    recent = AnsweredQuestionFactory(asker=None, asker_email="nieuw@example.nl")
    unconfirmed = QuestionFactory(
        asker=None, asker_email="x@example.nl", status="unconfirmed", created_at=long_ago
    )
    assert question_actions.apply_retention() == (1, 1)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.asker_email == ""
    assert recent.asker_email == "nieuw@example.nl"
    assert not Question.objects.filter(pk=unconfirmed.pk).exists()


# --- query counts ----------------------------------------------------------------------


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_public_list_costs_the_same_for_1_and_many(client):
    AnsweredQuestionFactory()
    one = _count(client, LIST)
    for number in range(30):
        AnsweredQuestionFactory(topic=topic(["afval", "groen", "parkeren"][number % 3]))
    assert _count(client, LIST) == one


def test_a_question_page_costs_the_same_with_1_and_many_questions(client):
    question = AnsweredQuestionFactory()
    one = _count(client, question.get_absolute_url())
    AnsweredQuestionFactory.create_batch(20)
    assert _count(client, question.get_absolute_url()) == one
    asker_page = QuestionFactory()
    client.force_login(asker_page.asker)
    mine = _count(client, asker_page.get_absolute_url())
    QuestionFactory.create_batch(10, asker=asker_page.asker)
    assert _count(client, asker_page.get_absolute_url()) == mine


def test_the_queue_costs_the_same_for_1_and_many(client, colleague):
    QuestionFactory()
    sign_in_staff(client, colleague)
    one = _count(client, QUEUE)
    for number in range(25):
        QuestionFactory(assigned_to=colleague if number % 2 else None, is_public=bool(number % 3))
    assert _count(client, QUEUE) == one


def test_an_area_manager_in_no_department_is_told_why_the_queue_is_empty(client, settings):
    """Questions have no area: an area manager without a department sees an empty queue
    and is told that questions come through a department, and whom to ask."""
    QuestionFactory(text="Een vraag voor de afdeling afval")
    manager = StaffFactory(display_name="Ruud")
    manager.groups.add(Role.AREA_MANAGER.group())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    sign_in_staff(client, manager)
    content = client.get(QUEUE).content.decode()
    assert "Een vraag voor de afdeling afval" not in content
    assert "Je bent lid van geen enkele afdeling, dus deze lijst is leeg." in content
    assert "Vragen horen niet bij een wijk" in content
    assert "Vraag de functioneel beheerder" in content


def test_a_colleague_in_a_department_gets_no_note_about_departments(client, settings, waste):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    sign_in_staff(client, colleague_of(waste))
    content = client.get(QUEUE).content.decode()
    assert 'id="queue-scope"' not in content
