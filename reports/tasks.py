"""Emails about public-space reports to people without an account: the confirmation
link, news of a status change, and a forwarding to an external party."""

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext_lazy

from notifications.emails import EmailRecipient, absolute_url, build_email
from notifications.tasks import EMAIL_TASK_OPTIONS
from reports.models import FeedbackRequest, Forward, Report, StatusChange, Supporter


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
        FeedbackRequest.objects.select_related("report__category", "report__reporter")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return False
    report = request.report
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
