"""What residents and civil servants do with initiatives. Each action runs in one
transaction and tells the people concerned through the notifications kernel."""

from collections.abc import Iterable
from datetime import date
from functools import partial

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from common import public_cache, workdays
from common.signals import INITIATIVE_DECIDED, taking_part_ended
from common.uploads import ProcessedUpload
from initiatives import access
from initiatives.models import (
    Attachment,
    CoInitiatorInvitation,
    Comment,
    CommentReport,
    Follow,
    Initiative,
    MarketPitch,
    Status,
    StatusChange,
    Support,
    WorkflowError,
)
from initiatives.tasks import send_co_initiator_invitation
from neighbourhoods.models import Event
from notifications.service import notify_each

# Notification kinds (registered in InitiativesConfig.ready).
UPDATE = "initiative_update"
COMMENTS = "initiative_comment"
STAFF = "initiative_staff"

# A decision ends people's part in an initiative: they are asked how it went.
DECIDED = {Status.ACCEPTED, Status.REJECTED}
MODERATION = "comment_moderation"
HIDDEN = "comment_hidden"
RECEIPT = "initiative_receipt"

REMIND_WORKING_DAYS_BEFORE = 2


def add_attachments(
    *, initiative: Initiative, uploads: Iterable[ProcessedUpload]
) -> list[Attachment]:
    """Store checked uploads (see ``common.uploads``) with the initiative."""
    created = []
    for upload in uploads:
        attachment = Attachment(
            initiative=initiative,
            kind=upload.kind,
            token=upload.token,
            extension=upload.extension,
            content_type=upload.content_type,
            original_name=upload.original_name,
            size=upload.size,
        )
        attachment.file.save(f"{upload.token}.{upload.extension}", upload.content, save=False)
        attachment.save()
        created.append(attachment)
    return created


@transaction.atomic
def remove_attachments(*, initiative: Initiative, tokens: Iterable[str]) -> int:
    """Remove the initiative's attachments with these tokens; their files go only after
    commit (``Attachment.remove``)."""
    removed = 0
    for attachment in initiative.attachments.filter(token__in=set(tokens)):
        attachment.remove()
        removed += 1
    return removed


@transaction.atomic
def submit_initiative(*, initiative: Initiative, by: User) -> StatusChange:
    """The initiator hands the draft to the municipality; the answer term starts."""
    initiative = Initiative.objects.locked(initiative)
    change = initiative.change_status(to=Status.SUBMITTED, by=by, message="", as_staff=False)
    Follow.objects.get_or_create(initiative=initiative, user=by)
    area_manager = initiative.neighbourhood.area_manager
    notify_each(
        [area_manager],
        kind=STAFF,
        dedupe_key=f"initiative:{initiative.pk}:submitted",
        message=lambda: _("New initiative to handle: %(title)s") % {"title": initiative.title},
        url=initiative.get_admin_url(),
        subject=initiative,
    )
    notify_each(
        [by],
        kind=RECEIPT,
        dedupe_key=f"initiative:{initiative.pk}:receipt",
        message=partial(_receipt_message, initiative),
        url=initiative.get_absolute_url(),
        subject=initiative,
    )
    return change


def _receipt_message(initiative: Initiative) -> str:
    """The initiator's receipt: what was received, and by when the answer comes."""
    days = initiative.theme.response_days
    return translation.ngettext(
        "We received your initiative “%(title)s”. The municipality answers within "
        "%(days)d working day, by %(date)s at the latest.",
        "We received your initiative “%(title)s”. The municipality answers within "
        "%(days)d working days, by %(date)s at the latest.",
        days,
    ) % {"title": initiative.title, "days": days, "date": _due_date_words(initiative)}


def _due_date_words(initiative: Initiative) -> str:
    """The answer's due date as a person writes it (14 March 2027), in the reader's language."""
    if initiative.response_due is None:
        return ""
    return date_format(initiative.response_due, "j F Y")


@transaction.atomic
def change_initiative_status(
    *, initiative: Initiative, to: str, by: User, message: str = "", message_key: str = ""
) -> StatusChange:
    """A civil servant moves the initiative along the workflow with a public message
    (or one of the portal's own, ``message_key``); the initiators and followers hear of
    it, each in their own language. A decision asks everyone who took part how it went."""
    initiative = Initiative.objects.locked(initiative)
    change = initiative.change_status(
        to=to, by=by, message=message, as_staff=True, message_key=message_key
    )
    notify_each(
        [*initiative.initiators(), *initiative.followers()],
        kind=UPDATE,
        dedupe_key=f"initiative:{initiative.pk}:status:{change.pk}",
        message=lambda: (
            _("“%(title)s” is now: %(status)s. %(message)s")
            % {
                "title": initiative.title,
                "status": Status(to).label,
                "message": change.public_message,
            }
        ),
        url=initiative.get_absolute_url(),
        subject=initiative,
        skip=by,
    )
    if to in DECIDED:
        taking_part_ended.send(
            sender=Initiative,
            moment=INITIATIVE_DECIDED,
            people=initiative.participants(),
            about=initiative.title,
        )
    return change


@transaction.atomic
def answer_question(*, initiative: Initiative, by: User, message: str) -> StatusChange:
    """The initiator answers the municipality's question; the initiative goes back to
    review and the assignee hears of it."""
    if not message.strip():
        raise WorkflowError(_("Write your answer."))
    initiative = Initiative.objects.locked(initiative)
    change = initiative.change_status(to=Status.IN_REVIEW, by=by, message=message, as_staff=False)
    notify_each(
        [initiative.assignee, *initiative.followers()],
        kind=UPDATE,
        dedupe_key=f"initiative:{initiative.pk}:status:{change.pk}",
        message=lambda: (
            _("The initiators of “%(title)s” answered the question.") % {"title": initiative.title}
        ),
        url=initiative.get_absolute_url(),
        subject=initiative,
        skip=by,
    )
    return change


@transaction.atomic
def withdraw_initiative(
    *, initiative: Initiative, by: User, message: str = "", message_key: str = ""
) -> StatusChange:
    """The initiators stop before a decision. Supporters and followers hear of it."""
    initiative = Initiative.objects.locked(initiative)
    change = initiative.change_status(
        to=Status.WITHDRAWN, by=by, message=message, as_staff=False, message_key=message_key
    )
    notify_each(
        [initiative.assignee, *initiative.initiators(), *initiative.followers()],
        kind=UPDATE,
        dedupe_key=f"initiative:{initiative.pk}:status:{change.pk}",
        message=lambda: (
            _("“%(title)s” was withdrawn by its initiators.") % {"title": initiative.title}
        ),
        url=initiative.get_absolute_url(),
        subject=initiative,
        skip=by,
    )
    return change


def support_initiative(*, initiative: Initiative, user: User) -> bool:
    """Add the resident's support; returns False when they supported it already. The
    unique constraint decides under concurrency; the counter moves in the same
    transaction. Only someone at the level the municipality set for support
    (``access.SUPPORT``) may."""
    access.check(user, access.SUPPORT, initiative)
    if not initiative.is_open_for_support:
        raise WorkflowError(_("This initiative cannot be supported now."))
    if Initiative.objects.of(user).filter(pk=initiative.pk).exists():
        raise WorkflowError(_("You run this initiative yourself; your neighbours can support it."))
    if initiative.is_handled_by(user):
        raise WorkflowError(
            _("You handle this initiative for the municipality; residents can support it.")
        )
    try:
        with transaction.atomic():
            Support.objects.create(initiative=initiative, user=user)
            with public_cache.changing():  # the support's own signal named what shows it
                Initiative.objects.filter(pk=initiative.pk).update(
                    supporter_count=F("supporter_count") + 1
                )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def withdraw_support(*, initiative: Initiative, user: User) -> bool:
    deleted, _rows = Support.objects.filter(initiative=initiative, user=user).delete()
    if deleted:
        with public_cache.changing():  # the support's own signal named what shows it
            Initiative.objects.filter(pk=initiative.pk, supporter_count__gt=0).update(
                supporter_count=F("supporter_count") - 1
            )
    return bool(deleted)


def follow_initiative(*, initiative: Initiative, user: User) -> None:
    Follow.objects.get_or_create(initiative=initiative, user=user)


def unfollow_initiative(*, initiative: Initiative, user: User) -> None:
    Follow.objects.filter(initiative=initiative, user=user).delete()


@transaction.atomic
def post_comment(
    *, initiative: Initiative, author: User, text: str, parent: Comment | None = None
) -> Comment:
    """A public comment, or a reply to a top-level comment (replies stay one level).
    Only someone at the level the municipality set for comments (``access.COMMENT``)."""
    access.check(author, access.COMMENT, initiative)
    if not initiative.is_open_for_comments:
        raise WorkflowError(_("This initiative is closed for comments."))
    if parent is not None:
        if parent.initiative_id != initiative.pk or parent.is_hidden:
            raise WorkflowError(_("You cannot reply to this comment."))
        parent = parent.parent or parent
    comment = Comment.objects.create(initiative=initiative, author=author, text=text, parent=parent)
    recipients = initiative.initiators()
    if parent is not None:
        recipients.append(parent.author)
    notify_each(
        recipients,
        kind=COMMENTS,
        dedupe_key=f"comment:{comment.pk}",
        message=lambda: (
            _("%(name)s commented on “%(title)s”.")
            % {"name": author.public_name, "title": initiative.title}
        ),
        url=f"{initiative.get_absolute_url()}#comment-{comment.pk}",
        subject=initiative,
        skip=author,
    )
    return comment


def report_comment(*, comment: Comment, reporter: User, reason: str) -> bool:
    """Returns False when this person reported the comment already. Nobody reports
    their own comment to the moderators."""
    if comment.author_id == reporter.pk:
        raise WorkflowError(_("This is your own comment; you cannot report it."))
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def hide_comment(*, comment: Comment, by: User, reason: str) -> None:
    """A moderator hides a comment. The author sees the reason; the reports are done."""
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Give the reason the author will see."))
    now = timezone.now()
    with public_cache.changing(f"initiative:{comment.initiative_id}"):
        Comment.objects.filter(pk=comment.pk).update(
            hidden_at=now, hidden_reason=reason, hidden_by=by
        )
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=now)
    initiative = comment.initiative
    notify_each(
        [comment.author],
        kind=HIDDEN,
        dedupe_key=f"comment:{comment.pk}:hidden",
        message=lambda: (
            _("Your comment on “%(title)s” was hidden. Reason: %(reason)s")
            % {"title": initiative.title, "reason": reason}
        ),
        url=f"{initiative.get_absolute_url()}#comment-{comment.pk}",
        subject=initiative,
    )


def dismiss_reports(*, comment: Comment) -> int:
    """A moderator finds the comment acceptable: it stays, the reports are done."""
    return comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


def _assigned_message(by: User, initiative: Initiative) -> str:
    return _("%(name)s assigned “%(title)s” to you.") % {
        "name": by.public_name,
        "title": initiative.title,
    }


@transaction.atomic
def assign_initiatives(*, initiatives: Iterable[Initiative], assignee: User, by: User) -> int:
    """Make a civil servant responsible for answering; they hear of it unless they
    took it themselves."""
    initiatives = list(initiatives)
    # The contact person shows on the initiatives' own pages only.
    with public_cache.changing(*(f"initiative:{i.pk}" for i in initiatives)):
        Initiative.objects.filter(pk__in=[i.pk for i in initiatives]).update(assignee=assignee)
    for initiative in initiatives:
        notify_each(
            [assignee],
            kind=STAFF,
            dedupe_key=f"initiative:{initiative.pk}:assigned:{assignee.pk}:{timezone.now():%Y%m%d%H%M%S}",
            message=partial(_assigned_message, by, initiative),
            url=initiative.get_admin_url(),
            subject=initiative,
            skip=by,
        )
    return len(initiatives)


@transaction.atomic
def invite_co_initiator(
    *, initiative: Initiative, email: str, by: User
) -> CoInitiatorInvitation | None:
    """Invite someone by email; returns None when they were invited already."""
    email = email.strip().lower()
    invitation, created = CoInitiatorInvitation.objects.get_or_create(
        initiative=initiative, email=email, defaults={"invited_by": by}
    )
    if not created:
        return None
    send_co_initiator_invitation.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: CoInitiatorInvitation, user: User) -> None:
    """The invited person, signed in with the invited address, joins the initiative."""
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise WorkflowError(_("Sign in with the email address this invitation was sent to."))
    updated = CoInitiatorInvitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True
    ).update(accepted_at=timezone.now())
    if updated and user.pk != invitation.initiative.initiator_id:
        invitation.initiative.co_initiators.add(user)
        Follow.objects.get_or_create(initiative=invitation.initiative, user=user)


def sign_up_for_market(*, initiative: Initiative, event: Event, by: User) -> bool:
    """An initiator signs the initiative up to pitch at an upcoming market."""
    if not event.is_market or event.ends_at < timezone.now():
        raise WorkflowError(_("You can only sign up for an upcoming initiative market."))
    if not initiative.is_public or initiative.status in {Status.REJECTED, Status.WITHDRAWN}:
        raise WorkflowError(_("Only a submitted initiative can pitch at a market."))
    try:
        with transaction.atomic():
            MarketPitch.objects.create(event=event, initiative=initiative, signed_up_by=by)
    except IntegrityError:
        return False
    return True


def _due_date(initiative: Initiative) -> str:
    return initiative.response_due.strftime("%d-%m-%Y") if initiative.response_due else ""


def _due_soon_message(initiative: Initiative) -> str:
    return _("The answer to “%(title)s” is due on %(date)s.") % {
        "title": initiative.title,
        "date": _due_date(initiative),
    }


def _overdue_message(initiative: Initiative) -> str:
    return _("Overdue: the answer to “%(title)s” was due on %(date)s.") % {
        "title": initiative.title,
        "date": _due_date(initiative),
    }


def remind_about_deadlines(*, today: date | None = None) -> int:
    """Daily: the assignee hears of answers due in two working days; overdue initiatives
    go to the theme's team lead (or the area manager). At most once per person per day
    per initiative, however often this runs (the dedupe key holds the date)."""
    today = today or timezone.localdate()
    due_soon = workdays.add_working_days(today, REMIND_WORKING_DAYS_BEFORE)
    sent = 0
    soon = Initiative.objects.filter(
        status__in=[Status.SUBMITTED, Status.IN_REVIEW],
        responded_at__isnull=True,
        response_due__gt=today,
        response_due__lte=due_soon,
        assignee__isnull=False,
    ).select_related("assignee")
    for initiative in soon:
        notify_each(
            [initiative.assignee],
            kind=STAFF,
            dedupe_key=f"initiative:{initiative.pk}:due-soon:{today.isoformat()}",
            message=partial(_due_soon_message, initiative),
            url=initiative.get_admin_url(),
            subject=initiative,
        )
        sent += 1
    overdue = Initiative.objects.overdue(today).select_related(
        "theme__team_lead", "neighbourhood__area_manager", "assignee"
    )
    for initiative in overdue:
        lead = initiative.theme.team_lead or initiative.neighbourhood.area_manager
        notify_each(
            [lead, initiative.assignee],
            kind=STAFF,
            dedupe_key=f"initiative:{initiative.pk}:overdue:{today.isoformat()}",
            message=partial(_overdue_message, initiative),
            url=initiative.get_admin_url(),
            subject=initiative,
        )
        sent += 1
    return sent


def summarise_moderation_queue(*, today: date | None = None) -> int:
    """Daily: moderators hear how many reported comments wait. Nothing waits, no message."""
    today = today or timezone.localdate()
    waiting = Comment.objects.awaiting_moderation().count()
    if not waiting:
        return 0
    people = Comment.moderators()
    notify_each(
        people,
        kind=MODERATION,
        dedupe_key=f"moderation-summary:{today.isoformat()}",
        message=lambda: (
            translation.ngettext(
                "%(count)d reported comment waits for moderation.",
                "%(count)d reported comments wait for moderation.",
                waiting,
            )
            % {"count": waiting}
        ),
        url=reverse("admin:initiatives_comment_changelist") + "?moderation=waiting",
    )
    return len(people)


@transaction.atomic
def withdraw_all_open(*, user: User) -> int:
    """When a resident closes their account and asks to take back what is still open:
    drafts they started disappear, and initiatives awaiting a decision are withdrawn
    with a public message (supporters and followers hear of it)."""
    mine = Initiative.objects.filter(initiator=user)
    count, _rows = mine.filter(status=Status.DRAFT).delete()
    for initiative in mine.exclude(status=Status.DRAFT):
        if initiative.can_be_withdrawn:
            withdraw_initiative(
                initiative=initiative,
                by=user,
                message_key="account_closed",
            )
            count += 1
    return count


@transaction.atomic
def forget_resident(*, user: User) -> None:
    """Before an account is erased: its supports stop counting, and drafts nobody else
    can reach any more are deleted. Public contributions stay, without the name."""
    Initiative.objects.filter(
        pk__in=Support.objects.filter(user=user).values("initiative"), supporter_count__gt=0
    ).update(supporter_count=F("supporter_count") - 1)
    Support.objects.filter(user=user).delete()
    Initiative.objects.filter(
        initiator=user, status=Status.DRAFT, co_initiators__isnull=True
    ).delete()
    Initiative.co_initiators.through.objects.filter(user=user).delete()
    CoInitiatorInvitation.objects.filter(email__iexact=user.email).delete()
