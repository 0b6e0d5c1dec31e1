"""Emails about public-space reports to people without an account: the confirmation
link, news of a status change, and a forwarding to an external party; for questions
the confirmation link and the answer; and the satisfaction link after either."""

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy

from notifications.emails import EmailRecipient, absolute_url, build_email
from notifications.tasks import EMAIL_TASK_OPTIONS
from reports.models import FeedbackRequest, Forward, Question, Report, StatusChange, Supporter


def _confirm_url(token: str) -> str:
    return absolute_url(reverse("reports:confirm_link", args=[token]))


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]  # celery ships no types
def send_confirmation(self, report_id: int, token: str) -> bool:
    """The link that sends a visitor's report in."""
    report = Report.objects.select_related("category").filter(pk=report_id).first()
    if report is None or not report.reporter_email or report.email_confirmed_at:
        return False
    build_email(
        recipient=EmailRecipient(email=report.reporter_email, language=report.reporter_language),
        subject=gettext_lazy("Confirm your report"),
        template="report_confirm",
        context={"report": report, "confirm_url": _confirm_url(token), "support": False},
    ).send()
    return True


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_support_confirmation(self, supporter_id: int, token: str) -> bool:
    """The link that makes a visitor's "I saw this too" count."""
    supporter = Supporter.objects.select_related("report__category").filter(pk=supporter_id).first()
    if supporter is None or not supporter.email or supporter.confirmed_at:
        return False
    build_email(
        recipient=EmailRecipient(email=supporter.email, language=supporter.language),
        subject=gettext_lazy("Confirm that you saw it too"),
        template="report_confirm",
        context={"report": supporter.report, "confirm_url": _confirm_url(token), "support": True},
    ).send()
    return True


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_status_emails(self, change_id: int) -> int:
    """A status change, to the reporter and supporters who have no account (those with
    one hear through their notifications)."""
    change = StatusChange.objects.select_related("report").filter(pk=change_id).first()
    if change is None:
        return 0
    report = change.report
    recipients = []
    if not report.reporter_id and report.reporter_email and report.email_confirmed_at:
        recipients.append(
            EmailRecipient(email=report.reporter_email, language=report.reporter_language)
        )
    recipients += [
        EmailRecipient(email=supporter.email, language=supporter.language)
        for supporter in report.supporters.filter(user__isnull=True, confirmed_at__isnull=False)
    ]
    for recipient in recipients:
        build_email(
            recipient=recipient,
            subject=gettext_lazy("News about your report"),
            template="report_status",
            context={
                "report": report,
                "change": change,
                "link": absolute_url(report.get_absolute_url()),
            },
        ).send()
    return len(recipients)


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_forward(self, forward_id: int) -> bool:
    """The report to the external party: what and where, never who reported it."""
    forwarding = Forward.objects.select_related("report__category").filter(pk=forward_id).first()
    if forwarding is None or not forwarding.party_email:
        return False
    build_email(
        recipient=EmailRecipient(email=forwarding.party_email),
        subject=gettext_lazy("A report about the public space for you"),
        template="report_forward",
        context={
            "report": forwarding.report,
            "forwarding": forwarding,
            "link": absolute_url(forwarding.report.get_absolute_url()),
        },
    ).send()
    return True


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_feedback_request(self, request_id: int, token: str) -> bool:
    """After closing: "is it solved?", one email to the reporter in their language, with
    the single-use link."""
    request = (
        FeedbackRequest.objects.select_related(
            "report__category", "report__reporter", "question__topic", "question__asker"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return False
    if request.question_id:
        return _send_question_feedback(request, token)
    report = request.report
    if report is None:
        return False
    if report.reporter is not None:
        recipient = EmailRecipient(
            email=report.reporter.email, language=report.reporter.language or "nl"
        )
    elif report.reporter_email:
        recipient = EmailRecipient(email=report.reporter_email, language=report.reporter_language)
    else:
        return False
    build_email(
        recipient=recipient,
        subject=gettext_lazy("Is your report solved?"),
        template="report_feedback",
        context={
            "report": report,
            "feedback_url": absolute_url(reverse("reports:feedback_link", args=[token])),
            "days": max(1, (request.expires_at - request.created_at).days),
        },
    ).send()
    return True


def _asker(question: Question) -> EmailRecipient | None:
    """Where the asker is written to: their account's address and language, or the
    confirmed address and the language they asked in."""
    if question.asker is not None:
        return EmailRecipient(email=question.asker.email, language=question.asker.language or "nl")
    if question.asker_email and question.email_confirmed_at:
        return EmailRecipient(email=question.asker_email, language=question.asker_language)
    return None


def _send_question_feedback(request: FeedbackRequest, token: str) -> bool:
    question = request.question
    recipient = _asker(question) if question is not None else None
    if recipient is None:
        return False
    build_email(
        recipient=recipient,
        subject=gettext_lazy("Is your question answered?"),
        template="question_feedback",
        context={
            "question": question,
            "feedback_url": absolute_url(reverse("reports:feedback_link", args=[token])),
            "days": max(1, (request.expires_at - request.created_at).days),
        },
    ).send()
    return True


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_question_confirmation(self, question_id: int, token: str) -> bool:
    """The link that sends a visitor's question in."""
    question = Question.objects.select_related("topic").filter(pk=question_id).first()
    if question is None or not question.asker_email or question.email_confirmed_at:
        return False
    build_email(
        recipient=EmailRecipient(email=question.asker_email, language=question.asker_language),
        subject=gettext_lazy("Confirm your question"),
        template="question_confirm",
        context={"question": question, "confirm_url": _confirm_url(token)},
    ).send()
    return True


@shared_task(**EMAIL_TASK_OPTIONS)  # type: ignore[untyped-decorator]
def send_question_answer(self, question_id: int) -> bool:
    """The answer, to a visitor who asked (in the language they asked in); someone with
    an account hears through their notifications."""
    question = Question.objects.select_related("topic").filter(pk=question_id).first()
    if question is None or question.asker_id or not question.answer:
        return False
    recipient = _asker(question)
    if recipient is None:
        return False
    link = absolute_url(question.get_absolute_url()) if question.is_published else ""
    build_email(
        recipient=recipient,
        subject=gettext_lazy("The answer to your question"),
        template="question_answered",
        context={"question": question, "link": link},
    ).send()
    return True
