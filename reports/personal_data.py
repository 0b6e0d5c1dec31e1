"""Personal data in public-space reports (see ``privacy.registry``): who reported, who
also saw it, and the colleagues' work on reports."""

from django.db.models import Q

from privacy.registry import PersonalData
from reports.actions import forget_reporter, forget_supporter
from reports.models import (
    Department,
    Feedback,
    Forward,
    InternalNote,
    Photo,
    Question,
    Report,
    StatusChange,
    Supporter,
)
from reports.question_actions import forget_asker


def _reported(user):
    return Report.objects.filter(Q(reporter=user) | Q(reporter_email__iexact=user.email))


def _asked(user):
    return Question.objects.filter(Q(asker=user) | Q(asker_email__iexact=user.email))


PERSONAL_DATA = [
    PersonalData(
        model="reports.Report",
        rows=_reported,
        exported=(
            "category",
            "description",
            "latitude",
            "longitude",
            "address",
            "neighbourhood",
            "buurt",
            "street",
            "status",
            "reporter_email",
            "reporter_language",
            "email_confirmed_at",
            "created_at",
            "submitted_at",
            "closed_at",
        ),
        not_personal=(
            "id",
            "reporter",
            "department",
            "assigned_to",
            "updated_at",
            "due_date",
            "merged_into",
            "supporter_count",
            "photos_checked",
            "open311_client",
        ),
        # The report stays (the street still needs fixing) without anyone behind it.
        erase=lambda user: forget_reporter(user=user),
    ),
    # Questions to the municipality: the asker's own words and address are personal. The
    # question and answer as published (``public_text``, ``public_answer``) are checked
    # by a colleague to hold nothing personal; they stay after erasure (the public Q&A),
    # without anyone behind it; the reply to the asker (``answer``) goes. A private
    # question keeps only its topic and dates; one not answered yet goes. Retention: a
    # visitor's address goes PORTAL_QUESTION_RETENTION_DAYS after the answer
    # (``question_actions.apply_retention``, daily), and a question never confirmed
    # after CONFIRM_DAYS.
    PersonalData(
        model="reports.Question",
        rows=_asked,
        exported=(
            "topic",
            "text",
            "is_public",
            "public_text",
            "status",
            "asker_email",
            "asker_language",
            "email_confirmed_at",
            "created_at",
            "submitted_at",
            "answer",
            "public_answer",
            "answered_at",
        ),
        not_personal=(
            "id",
            "asker",
            "department",
            "assigned_to",
            "answered_by",
            "updated_at",
            "due_date",
        ),
        erase=lambda user: forget_asker(user=user),
    ),
    PersonalData(
        model="reports.Photo",
        rows=lambda user: Photo.objects.filter(report__in=_reported(user)),
        exported=("report", "file", "size"),
        not_personal=("id", "token", "content_type"),
    ),
    # What the reporter said after closing: nothing on it says who, but it hangs on their
    # report and the remark is their own words. Erasure empties the remark (in
    # forget_reporter); the answer and grade stay for the figures.
    PersonalData(
        model="reports.Feedback",
        rows=lambda user: Feedback.objects.filter(
            Q(report__in=_reported(user)) | Q(question__in=_asked(user))
        ),
        exported=(
            "report",
            "question",
            "solved",
            "grade",
            "reasons",
            "remark",
            "created_at",
            "reopened_at",
        ),
        not_personal=("id", "request"),
    ),
    PersonalData(
        model="reports.Supporter",
        rows=lambda user: Supporter.objects.filter(Q(user=user) | Q(email__iexact=user.email)),
        exported=("report", "email", "language", "confirmed_at", "created_at"),
        not_personal=("id", "user"),
        erase=lambda user: forget_supporter(user=user),
    ),
    PersonalData(
        model="reports.StatusChange",
        rows=lambda user: StatusChange.objects.filter(by=user),
        exported=("report", "status", "message", "created_at"),
        not_personal=("id", "by", "key", "params"),
    ),
    PersonalData(
        model="reports.InternalNote",
        rows=lambda user: InternalNote.objects.filter(author=user),
        exported=("report", "text", "created_at"),
        not_personal=("id", "author"),
    ),
    PersonalData(
        model="reports.Forward",
        rows=lambda user: Forward.objects.filter(by=user),
        exported=("report", "party", "party_email", "message", "sent_at", "reply", "replied_at"),
        not_personal=("id", "by"),
    ),
    PersonalData(
        model="reports.Department",
        rows=lambda user: Department.objects.filter(members=user),
        exported=("name",),
        not_personal=("id", "slug", "members"),
    ),
]
