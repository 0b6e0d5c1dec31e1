"""What happens to a public-space report: it is sent, confirmed, routed, supported,
handled, forwarded, merged and closed. Each write is one transaction; emails and
notifications go out after the commit."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from common import workdays
from common.uploads import ProcessedUpload
from neighbourhoods.models import Buurt, street_of
from neighbourhoods.verification import Refusal
from notifications.service import notify_each
from reports import access, confirmation, tasks
from reports.models import (
    CLOSED,
    OPEN,
    STAFF_TRANSITIONS,
    Answer,
    Category,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    FeedbackSubject,
    Forward,
    Open311Client,
    Photo,
    Report,
    Status,
    StatusChange,
    Supporter,
    feedback_days,
    hash_token,
    reopen_days,
)

KIND = "report_status"
REOPENED_KIND = "report_reopened"
# The confirmation links are shared with questions (``reports.confirmation``).
CONFIRM_SALT = confirmation.CONFIRM_SALT
CONFIRM_DAYS = confirmation.CONFIRM_DAYS
confirmation_token = confirmation.confirmation_token
read_confirmation_token = confirmation.read_confirmation_token


class ReportError(Exception):
    """A step that is not possible for this report (said to the colleague)."""


class NotEntitledError(ReportError):
    """The reporter has not shown what the municipality asks for reports
    (``access.REPORT``); ``refusal`` says what is missing and where to show it."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal.message))
        self.refusal = refusal


@transaction.atomic
def submit_report(
    *,
    category: Category,
    description: str,
    latitude: Any = None,
    longitude: Any = None,
    address: str = "",
    photos: Iterable[ProcessedUpload] = (),
    reporter: User | None = None,
    email: str = "",
    language: str = "nl",
    client: Open311Client | None = None,
) -> Report:
    """A resident's report. Signed in, it goes in at once; a visitor's waits until the
    link in the email to ``email`` is followed.

    Sent by an app through Open311 (``client``), it goes in at once too: the app vouches
    for the reporter's email address (it is the app's own user, and the app answers for
    its key), so no confirmation link is sent. The address, if given, is kept as a
    confirmed one: the reporter hears of changes by email like any other.

    Only at the level the municipality set for reports (``access.REPORT``): a visitor's
    confirmed address and an app's user meet the level ``email`` only."""
    neighbourhood = access.neighbourhood_of(latitude, longitude)
    refused = access.refusal(reporter, neighbourhood)
    if refused is not None:
        raise NotEntitledError(refused)
    report = Report.objects.create(
        category=category,
        description=description.strip(),
        latitude=latitude,
        longitude=longitude,
        address=address.strip(),
        neighbourhood=neighbourhood,
        buurt=Buurt.objects.filter(neighbourhood=neighbourhood).containing(latitude, longitude)
        if neighbourhood
        else None,
        street=street_of(address),
        reporter=reporter,
        reporter_email="" if reporter else email.strip().lower(),
        reporter_language=(reporter.language if reporter else language) or "nl",
        status=Status.UNCONFIRMED if reporter is None and client is None else Status.RECEIVED,
        open311_client=client,
        email_confirmed_at=timezone.now() if client is not None and email.strip() else None,
    )
    for upload in photos:
        photo = Photo(
            report=report, token=upload.token, content_type=upload.content_type, size=upload.size
        )
        photo.file.save(f"{upload.token}.{upload.extension}", upload.content, save=False)
        photo.save()
    if reporter is not None or client is not None:
        _go_in(report)
    else:
        token = confirmation_token("r", report.pk)
        transaction.on_commit(lambda: tasks.send_confirmation.delay(report.pk, token))
    return report


def _go_in(report: Report) -> None:
    """The report is in: routed to its department, due in its category's term."""
    now = timezone.now()
    department = report.category.department_for(report.neighbourhood)
    report.status = Status.RECEIVED
    report.submitted_at = now
    report.department = department
    report.due_date = workdays.add_working_days(
        timezone.localdate(now), report.category.term_working_days
    )
    report.save(update_fields=["status", "submitted_at", "department", "due_date", "updated_at"])
    StatusChange.objects.create(
        report=report, status=Status.RECEIVED, key="received", created_at=now
    )
    if department is not None:
        StatusChange.objects.create(
            report=report,
            status=Status.RECEIVED,
            key="routed",
            params={"department": department.name},
            created_at=now,
        )


@transaction.atomic
def confirm(*, token: str) -> Report | None:
    """Follow a confirmation link: the report goes in, or the "me too" counts. The same
    link twice does nothing more. ``None`` for a link that is forged or too old. A
    report whose level was raised above a confirmed email address since it was sent
    stays out (``NotEntitledError``): the visitor signs in and reports again."""
    read = read_confirmation_token(token)
    if read is None:
        return None
    kind, pk = read
    now = timezone.now()
    if kind not in (confirmation.REPORT, confirmation.SUPPORT):
        return None
    if kind == confirmation.REPORT:
        report = Report.objects.select_for_update().filter(pk=pk).first()
        if report is None:
            return None
        if report.status == Status.UNCONFIRMED:
            # The municipality may have asked more than an email address since it was sent.
            refused = access.refusal(None, report.neighbourhood)
            if refused is not None:
                raise NotEntitledError(refused)
            report.email_confirmed_at = now
            report.save(update_fields=["email_confirmed_at", "updated_at"])
            _go_in(report)
        return report
    supporter = Supporter.objects.select_for_update().filter(pk=pk).first()
    if supporter is None:
        return None
    if supporter.confirmed_at is None:
        supporter.confirmed_at = now
        supporter.save(update_fields=["confirmed_at"])
        Report.objects.filter(pk=supporter.report_id).update(
            supporter_count=F("supporter_count") + 1
        )
    return Report.objects.get(pk=supporter.report_id)


@transaction.atomic
def add_supporter(
    *, report: Report, user: User | None = None, email: str = "", language: str = "nl"
) -> tuple[Supporter, bool]:
    """ "Ik heb dit ook gezien": a signed-in resident counts at once; a visitor once they
    confirm their address. Returns the supporter and whether it is new. The reporter
    does not support their own report."""
    if not report.is_open:
        raise ReportError(gettext("This report is closed; you cannot add yourself anymore."))
    if user is not None:
        if report.reporter_id == user.pk:
            raise ReportError(gettext("You reported this yourself."))
        supporter, created = Supporter.objects.get_or_create(
            report=report,
            user=user,
            defaults={"language": user.language or "nl", "confirmed_at": timezone.now()},
        )
        if created:
            Report.objects.filter(pk=report.pk).update(supporter_count=F("supporter_count") + 1)
        return supporter, created
    email = email.strip().lower()
    supporter, created = Supporter.objects.get_or_create(
        report=report, email=email, defaults={"language": language}
    )
    if supporter.confirmed_at is None:
        token = confirmation_token("s", supporter.pk)
        transaction.on_commit(lambda: tasks.send_support_confirmation.delay(supporter.pk, token))
    return supporter, created


def _record(
    report: Report, *, status: str, key: str, by: User | None, message: str = "", **params: Any
) -> StatusChange:
    change = StatusChange.objects.create(
        report=report, status=status, key=key, params=params, message=message.strip(), by=by
    )
    _tell(report, change)
    return change


def _tell(report: Report, change: StatusChange) -> None:
    """The reporter and everyone who also saw it hear of the change, in their language:
    people with an account through their notifications, the others by email."""
    people = [report.reporter] if report.reporter_id else []
    people += [
        supporter.user
        for supporter in report.supporters.filter(user__isnull=False).select_related("user")
    ]
    number = report.pk

    def message() -> str:
        return gettext("Report %(number)s: %(text)s") % {"number": number, "text": change.text()}

    notify_each(
        people,
        kind=KIND,
        dedupe_key=f"report-change:{change.pk}",
        message=message,
        url=report.get_absolute_url(),
        subject=report,
        skip=change.by,
    )
    transaction.on_commit(lambda: tasks.send_status_emails.delay(change.pk))


@transaction.atomic
def change_status(*, report: Report, to: str, by: User, message: str = "") -> StatusChange:
    """A colleague moves the report on; closing it sets the moment it closed, reopening
    gives it a new due date."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status == Status.UNCONFIRMED or report.status == Status.MERGED:
        raise ReportError(gettext("This report cannot change status."))
    if to == report.status:
        raise ReportError(gettext("The report already has this status."))
    reopened = report.status in CLOSED and to in OPEN
    report.status = to
    fields = ["status", "updated_at"]
    if to in CLOSED:
        report.closed_at = timezone.now()
        fields.append("closed_at")
    elif reopened:
        report.closed_at = None
        report.due_date = workdays.add_working_days(
            timezone.localdate(), report.category.term_working_days
        )
        fields += ["closed_at", "due_date"]
    report.save(update_fields=fields)
    key = "reopened" if reopened else str(to)
    change = _record(report, status=to, key=key, by=by, message=message)
    if to in (Status.SOLVED, Status.DECLINED):
        ask_feedback(report)
    return change


@dataclass
class BulkMove:
    """What a bulk status change did: how many reports moved, and the numbers of those
    it skipped, by the status that kept them where they were."""

    moved: int = 0
    skipped: dict[str, list[int]] = field(default_factory=dict)


@transaction.atomic
def move_reports(*, reports: Iterable[Report], to: str, by: User) -> BulkMove:
    """Set several reports to one status at once; a report whose status does not allow
    that step (already there, waiting for the reporter's confirmation, merged, or closed
    in a way that must be reopened first) is skipped and said, not changed."""
    result = BulkMove()
    for report in sorted(reports, key=lambda report: report.pk):
        if to in STAFF_TRANSITIONS.get(report.status, set()):
            change_status(report=report, to=to, by=by)
            result.moved += 1
        else:
            result.skipped.setdefault(report.status, []).append(report.pk)
    return result


@transaction.atomic
def assign(*, reports: Iterable[Report], to: User | None, by: User) -> int:
    """Give reports to a colleague (or to nobody). Not on the public timeline."""
    ids = [report.pk for report in reports]
    return Report.objects.filter(pk__in=ids).update(assigned_to=to, updated_at=timezone.now())


@transaction.atomic
def forward(
    *, report: Report, party: str, party_email: str = "", message: str = "", by: User
) -> Forward:
    """Hand the report to an external party; they get it by email when an address is
    given. The timeline names the party, never the colleague."""
    if not report.is_open:
        raise ReportError(gettext("Only an open report can be forwarded."))
    forwarding = Forward.objects.create(
        report=report, party=party.strip(), party_email=party_email.strip(), message=message, by=by
    )
    Report.objects.filter(pk=report.pk).update(status=Status.FORWARDED, updated_at=timezone.now())
    report.status = Status.FORWARDED
    _record(report, status=Status.FORWARDED, key="forwarded", by=by, party=forwarding.party)
    if forwarding.party_email:
        transaction.on_commit(lambda: tasks.send_forward.delay(forwarding.pk))
    return forwarding


@transaction.atomic
def record_reply(*, forwarding: Forward, reply: str, by: User) -> None:
    """The external party's reply, as the colleague received it."""
    first = forwarding.replied_at is None
    Forward.objects.filter(pk=forwarding.pk).update(reply=reply.strip(), replied_at=timezone.now())
    if first:
        report = forwarding.report
        _record(report, status=report.status, key="forward_replied", by=by, party=forwarding.party)


@transaction.atomic
def merge(*, duplicate: Report, into: Report, by: User) -> None:
    """The same thing reported twice: the duplicate closes and points to the report that
    goes on; its reporter and supporters become supporters of that one."""
    if duplicate.pk == into.pk or into.merged_into_id or into.status == Status.UNCONFIRMED:
        raise ReportError(gettext("Choose another report to merge into."))
    if duplicate.status in CLOSED:
        raise ReportError(gettext("A closed report cannot be merged."))
    people = []
    if duplicate.reporter_id:
        people.append((duplicate.reporter, "", duplicate.reporter_language))
    elif duplicate.reporter_email:
        people.append((None, duplicate.reporter_email, duplicate.reporter_language))
    for supporter in duplicate.supporters.filter(confirmed_at__isnull=False).select_related("user"):
        people.append((supporter.user, supporter.email, supporter.language))
    added = 0
    for user, email, language in people:
        if user is not None and user.pk == into.reporter_id:
            continue
        if user is None and email == into.reporter_email:
            continue
        lookup = {"user": user} if user is not None else {"email": email}
        _supporter, created = Supporter.objects.get_or_create(
            report=into, **lookup, defaults={"language": language, "confirmed_at": timezone.now()}
        )
        added += created
    Report.objects.filter(pk=into.pk).update(supporter_count=F("supporter_count") + added)
    now = timezone.now()
    Report.objects.filter(pk=duplicate.pk).update(
        status=Status.MERGED, merged_into=into, closed_at=now, updated_at=now
    )
    duplicate.status, duplicate.merged_into, duplicate.closed_at = Status.MERGED, into, now
    _record(duplicate, status=Status.MERGED, key="merged", by=by, number=into.pk)


@transaction.atomic
def check_photos(*, reports: Iterable[Report], by: User) -> int:
    """A colleague looked at the photos: they may be shown on the portal."""
    return Report.objects.filter(pk__in=[report.pk for report in reports]).update(
        photos_checked=True
    )


@transaction.atomic
def forget_reporter(*, user: User) -> None:
    """Erasure: the person's reports stay, with nobody behind them any more (the
    account and the email address are gone; whoever also saw it still hears). The
    remarks they wrote after closing go; their answers and grades stay, unsigned."""
    theirs = Report.objects.filter(
        models.Q(reporter=user) | models.Q(reporter_email__iexact=user.email)
    )
    Feedback.objects.filter(report__in=theirs).exclude(remark="").update(remark="")
    # Links not yet used can no longer reach anyone; they go.
    FeedbackRequest.objects.filter(report__in=theirs, feedback__isnull=True).delete()
    theirs.filter(status=Status.UNCONFIRMED).delete()  # never went in
    theirs.update(reporter=None, reporter_email="")


@transaction.atomic
def forget_supporter(*, user: User) -> None:
    """Erasure: "I saw this too" given with the person's email address (without their
    account) goes; the counts stay as they were."""
    Supporter.objects.filter(user__isnull=True, email__iexact=user.email).delete()


# --- "Is it solved?": the reporter's feedback after closing, and reopening -------------


def ask_feedback(report: Report) -> FeedbackRequest | None:
    """The report was solved or declined: its reporter gets one email with a single-use
    link to say whether it is solved. Only the hash of the link's token is kept. Nothing
    when nobody is behind the report any more."""
    if not report.reporter_id and not (report.reporter_email and report.email_confirmed_at):
        return None
    if report.reporter is not None and not report.reporter.is_active:
        return None  # an account closed or blocked is not written to
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    request = FeedbackRequest.objects.create(
        report=report,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=feedback_days()),
    )
    transaction.on_commit(lambda: tasks.send_feedback_request.delay(request.pk, token))
    return request


def feedback_link_is_for_question(token: str) -> bool:
    """Whether a satisfaction link, working or not (used, expired), was sent about a
    question: the page saying it no longer works then speaks of the question."""
    if not token or len(token) > 100:
        return False
    return FeedbackRequest.objects.filter(
        token_hash=hash_token(token), question__isnull=False
    ).exists()


def feedback_request_for(token: str) -> FeedbackRequest | None:
    """The request a link's token belongs to, while it works; ``None`` for a forged or
    expired token, or one whose report was reopened or asked about anew since."""
    if not token or len(token) > 100:
        return None
    request = (
        FeedbackRequest.objects.select_related("report__category", "question__topic")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if request is None or not request.is_current():
        return None
    return request


@transaction.atomic
def give_feedback(
    *,
    request: FeedbackRequest,
    solved: str,
    grade: int,
    reasons: Iterable[FeedbackReason] = (),
    remark: str = "",
) -> Feedback:
    """The reporter's (or asker's) answer to one request; a second answer is refused and
    saves nothing. Reasons must belong to the chosen answer and to what was asked
    about (a report or a question)."""
    request = FeedbackRequest.objects.select_for_update().get(pk=request.pk)
    if Feedback.objects.filter(request=request).exists():
        raise ReportError(gettext("You already answered this question. Thank you."))
    if not request.is_current():
        raise ReportError(gettext("This link does not work any more."))
    reasons = list(reasons)
    if solved not in Answer.values or not 1 <= int(grade) <= 10:
        raise ReportError(gettext("This answer is not possible."))
    about = FeedbackSubject.QUESTION if request.question_id else FeedbackSubject.REPORT
    if any(
        reason.answer != solved or not reason.is_active or reason.applies_to != about
        for reason in reasons
    ):
        raise ReportError(gettext("Choose only reasons that go with your answer."))
    feedback = Feedback.objects.create(
        report_id=request.report_id,
        question_id=request.question_id,
        request=request,
        solved=solved,
        grade=int(grade),
        remark=remark.strip(),
    )
    feedback.reasons.set(reasons)
    return feedback


def can_reopen(feedback: Feedback, now: datetime | None = None) -> bool:
    """An unhappy reporter (answer "no") may reopen the report once, when its category
    allows it, within ``reopen_days()`` after it closed, for the latest closing only."""
    report = feedback.report
    if report is None or feedback.solved != Answer.NO or feedback.reopened_at is not None:
        return False
    if not report.category.reopen_allowed or report.status not in (
        Status.SOLVED,
        Status.DECLINED,
    ):
        return False
    if report.closed_at is None or feedback.request.created_at < report.closed_at:
        return False
    moment: datetime = now or timezone.now()
    return bool(moment <= report.closed_at + timedelta(days=reopen_days()))


@transaction.atomic
def reopen_by_reporter(*, feedback: Feedback) -> StatusChange:
    """The reporter says it is not solved and reopens the report: it is in progress again
    with a new due date, the timeline says so, and the department's colleagues hear."""
    feedback = Feedback.objects.select_for_update().select_related("request").get(pk=feedback.pk)
    if feedback.report_id is None:
        raise ReportError(gettext("This report cannot be reopened."))
    report = (
        Report.objects.select_for_update().select_related("category").get(pk=feedback.report_id)
    )
    feedback.report = report
    if not can_reopen(feedback):
        raise ReportError(gettext("This report cannot be reopened."))
    now = timezone.now()
    report.status = Status.IN_PROGRESS
    report.closed_at = None
    report.due_date = workdays.add_working_days(
        timezone.localdate(now), report.category.term_working_days
    )
    report.save(update_fields=["status", "closed_at", "due_date", "updated_at"])
    Feedback.objects.filter(pk=feedback.pk).update(reopened_at=now)
    change = _record(report, status=Status.IN_PROGRESS, key="reopened", by=None)
    if report.department_id:
        number = report.pk
        notify_each(
            report.department.members.filter(is_active=True) if report.department else [],
            kind=REOPENED_KIND,
            dedupe_key=f"report-reopened:{change.pk}",
            message=lambda: (
                gettext("Report %(number)s was reopened by the reporter: not solved.")
                % {"number": number}
            ),
            url=reverse("admin:reports_report_change", args=[number]),
            subject=report,
            skip=report.reporter,  # a colleague who reported it knows they reopened it
        )
    return change
