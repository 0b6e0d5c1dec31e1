"""What happens to a resident's question: it is asked (a visitor's after confirming
their email address), goes to the topic's department with a due date, is given an
owner, and is answered; the asker hears in their language and gets the same
satisfaction link as a reporter ("is your question answered?"). Each write is one
transaction; emails and notifications go out after the commit."""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from common import workdays
from notifications.service import notify_each
from reports import confirmation, tasks
from reports.models import (
    PUBLISHED,
    Feedback,
    FeedbackRequest,
    Question,
    QuestionStatus,
    Topic,
    feedback_days,
    hash_token,
)

ANSWERED_KIND = "question_answered"


class QuestionError(Exception):
    """A step that is not possible for this question (said to the colleague)."""


@transaction.atomic
def ask_question(
    *,
    topic: Topic,
    text: str,
    is_public: bool,
    asker: User | None = None,
    email: str = "",
    language: str = "nl",
) -> Question:
    """A resident's question. Signed in, it goes in at once; a visitor's waits until the
    link in the email to ``email`` is followed (the same confirmation as reports)."""
    question = Question.objects.create(
        topic=topic,
        text=text.strip(),
        is_public=is_public,
        asker=asker,
        asker_email="" if asker else email.strip().lower(),
        asker_language=(asker.language if asker else language) or "nl",
        status=QuestionStatus.UNCONFIRMED if asker is None else QuestionStatus.RECEIVED,
    )
    if asker is not None:
        _go_in(question)
    else:
        token = confirmation.confirmation_token(confirmation.QUESTION, question.pk)
        transaction.on_commit(lambda: tasks.send_question_confirmation.delay(question.pk, token))
    return question


def _go_in(question: Question) -> None:
    """The question is in: with the topic's department, due in the topic's term."""
    now = timezone.now()
    question.status = QuestionStatus.RECEIVED
    question.submitted_at = now
    question.department_id = question.topic.department_id
    question.due_date = workdays.add_working_days(
        timezone.localdate(now), question.topic.term_working_days
    )
    question.save(update_fields=["status", "submitted_at", "department", "due_date", "updated_at"])


@transaction.atomic
def confirm_question(*, pk: int) -> Question | None:
    """The visitor followed the link: the question goes in (once; the same link twice
    does nothing more). ``None`` when the question is gone."""
    question = Question.objects.select_for_update().select_related("topic").filter(pk=pk).first()
    if question is None:
        return None
    if question.status == QuestionStatus.UNCONFIRMED:
        question.email_confirmed_at = timezone.now()
        question.save(update_fields=["email_confirmed_at", "updated_at"])
        _go_in(question)
    return question


@transaction.atomic
def assign_questions(*, questions: Iterable[Question], to: User | None, by: User) -> int:
    """Make a colleague the owner of questions (or nobody): only of the questions of
    their own departments (an administrator may own any), so an owner can always see
    and answer what they own."""
    rows = Question.objects.filter(pk__in=[question.pk for question in questions])
    if to is not None and not to.is_superuser:
        rows = rows.filter(department__in=to.report_departments.all())
    return rows.update(assigned_to=to, updated_at=timezone.now())


@transaction.atomic
def answer_question(
    *, question: Question, answer: str, by: User, public_text: str = "", public_answer: str = ""
) -> Question:
    """A colleague answers: the question closes, the asker hears (an account through
    its notifications, a visitor by email in the language they asked in) and gets the
    satisfaction link. ``answer`` is the reply to the asker only. A public question
    also needs the question and the answer as they are published (nothing personal in
    them); a private one publishes nothing."""
    question = Question.objects.select_for_update().select_related("topic").get(pk=question.pk)
    if question.status != QuestionStatus.RECEIVED:
        raise QuestionError(
            gettext("Only a question that went in and is not answered yet can be answered.")
        )
    answer = answer.strip()
    if not answer:
        raise QuestionError(gettext("Write the answer."))
    public_text = public_text.strip() if question.is_public else ""
    public_answer = public_answer.strip() if question.is_public else ""
    if question.is_public and not public_text:
        raise QuestionError(
            gettext("The asker wants a public answer: give the question as it is published.")
        )
    if question.is_public and not public_answer:
        raise QuestionError(
            gettext("The asker wants a public answer: give the answer as it is published.")
        )
    now = timezone.now()
    question.status = QuestionStatus.ANSWERED
    question.answer = answer
    question.public_text = public_text
    question.public_answer = public_answer
    question.answered_at = now
    question.answered_by = by
    if question.assigned_to_id is None:
        question.assigned_to = by
    question.save(
        update_fields=[
            "status",
            "answer",
            "public_text",
            "public_answer",
            "answered_at",
            "answered_by",
            "assigned_to",
            "updated_at",
        ]
    )
    _tell_asker(question)
    ask_question_feedback(question)
    return question


def _tell_asker(question: Question) -> None:
    if question.asker_id is not None:
        number = question.pk
        notify_each(
            [question.asker],
            kind=ANSWERED_KIND,
            dedupe_key=f"question-answered:{question.pk}",
            message=lambda: gettext("Your question %(number)s was answered.") % {"number": number},
            url=question.get_absolute_url(),
            subject=question,
        )
    elif question.asker_email and question.email_confirmed_at:
        pk = question.pk
        transaction.on_commit(lambda: tasks.send_question_answer.delay(pk))


def ask_question_feedback(question: Question) -> FeedbackRequest | None:
    """The question was answered: the asker gets one email with a single-use link ("is
    your question answered?"), as a reporter does after closing."""
    if not question.asker_id and not (question.asker_email and question.email_confirmed_at):
        return None
    if question.asker is not None and not question.asker.is_active:
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    request = FeedbackRequest.objects.create(
        question=question,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=feedback_days()),
    )
    transaction.on_commit(lambda: tasks.send_feedback_request.delay(request.pk, token))
    return request


@transaction.atomic
def forget_asker(*, user: User) -> None:
    """Erasure: the person's questions lose the link to them (account and address). A
    question not answered yet goes entirely. An answered private question keeps only its
    topic and dates (the text and the answer to it go); a published one keeps the
    question and answer as published (checked by a colleague to hold nothing personal),
    without anyone behind it; the reply to the asker goes. Their remarks in the
    satisfaction answers go; the answers and grades stay, unsigned."""
    theirs = Question.objects.filter(
        models.Q(asker=user) | models.Q(asker_email__iexact=user.email)
    )
    Feedback.objects.filter(question__in=theirs).exclude(remark="").update(remark="")
    FeedbackRequest.objects.filter(question__in=theirs, feedback__isnull=True).delete()
    # Not answered yet: nobody can be answered any more, and the text is theirs.
    theirs.exclude(status=QuestionStatus.ANSWERED).delete()
    theirs.filter(PUBLISHED).update(asker=None, asker_email="", text="", answer="")
    theirs.exclude(PUBLISHED).update(
        asker=None, asker_email="", text="", answer="", public_text="", public_answer=""
    )


def retention_days() -> int:
    """How long after the answer a visitor's email address is kept (for the
    satisfaction link and a question back)."""
    return int(getattr(settings, "PORTAL_QUESTION_RETENTION_DAYS", 90))


@transaction.atomic
def apply_retention(now: datetime | None = None) -> tuple[int, int]:
    """The daily retention run for questions: visitors' questions never confirmed go
    after the confirmation link's term; a visitor's address is emptied
    ``retention_days()`` after the answer (askers with an account are covered by the
    accounts' own retention). Returns (deleted, addresses emptied)."""
    now = now or timezone.now()
    deleted, _rows = Question.objects.filter(
        status=QuestionStatus.UNCONFIRMED,
        created_at__lt=now - timedelta(days=confirmation.CONFIRM_DAYS),
    ).delete()
    emptied = (
        Question.objects.filter(
            asker__isnull=True,
            status=QuestionStatus.ANSWERED,
            answered_at__lt=now - timedelta(days=retention_days()),
        )
        .exclude(asker_email="")
        .update(asker_email="")
    )
    return deleted, emptied
