"""Writes of the community app: joining a network, approving ambassadors, offers and
requests, volunteer calls and the messages between residents."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from community.models import (
    Block,
    CoachRequest,
    Conversation,
    Membership,
    Message,
    MessageReport,
    Network,
    NetworkTheme,
    Post,
    VolunteerCall,
    VolunteerResponse,
)
from initiatives.models import Initiative
from initiatives.models import Status as InitiativeStatus
from neighbourhoods.models import Neighbourhood
from notifications.service import notify_each

MESSAGES = "community_message"
AMBASSADOR = "community_ambassador"
STAFF = "community_staff"
HIDDEN = "community_hidden"
COACH_ASKED = "community_coach_asked"
COACH = "community_coach"


class CommunityError(Exception):
    """A write refused for a reason the resident can read (and act on)."""


def _check(record: Model, exclude: list[str] | None = None) -> None:
    """The model's own checks (plain text, no contact details in public), whichever
    form or script the write came from."""
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise CommunityError(" ".join(error.messages)) from None


def _deciders(neighbourhood: Neighbourhood | None) -> list[User]:
    """The area manager of a neighbourhood; without one, the administrators."""
    if neighbourhood is not None and neighbourhood.area_manager is not None:
        return [neighbourhood.area_manager]
    return list(User.objects.filter(is_superuser=True, is_active=True))


def _moment(membership: Membership) -> str:
    """When the ambassador request was made, for the keys against double notices."""
    moment = membership.requested_at or membership.created_at
    return moment.isoformat()


@transaction.atomic
def join_network(
    *,
    user: User,
    neighbourhood: Neighbourhood,
    theme: NetworkTheme,
    as_ambassador: bool,
    public_name: str = "",
    can_help_with: str = "",
) -> Membership:
    """A resident joins the theme's network of a neighbourhood, as a member at once or
    asking to be an ambassador, which the area manager of that neighbourhood approves."""
    network, _created = Network.objects.get_or_create(theme=theme, neighbourhood=neighbourhood)
    membership = Membership.objects.filter(network=network, user=user).first()
    if membership is None:
        membership = Membership(network=network, user=user)
    elif membership.role == Membership.Role.AMBASSADOR and as_ambassador:
        raise CommunityError(_("You already asked to be an ambassador in this network."))
    if as_ambassador:
        if not public_name.strip():
            raise CommunityError(_("Give the name your profile shows."))
        membership.role = Membership.Role.AMBASSADOR
        membership.status = Membership.Status.WAITING
        membership.public_name = public_name.strip()
        membership.can_help_with = can_help_with.strip()
        membership.requested_at = timezone.now()
        membership.decided_at = None
    _check(membership, exclude=["network", "user"])
    membership.save()
    if as_ambassador:
        # Without an area manager the administrators decide, so they hear of it.
        notify_each(
            _deciders(neighbourhood),
            kind=STAFF,
            dedupe_key=f"community:ambassador:{membership.pk}:asked:{_moment(membership)}",
            message=lambda: (
                _("%(name)s asks to be the %(theme)s ambassador of %(neighbourhood)s.")
                % {
                    "name": membership.public_name,
                    "theme": theme.name,
                    "neighbourhood": neighbourhood.name,
                }
            ),
            url=reverse("admin:community_membership_change", args=[membership.pk]),
            subject=membership,
        )
    return membership


@transaction.atomic
def decide_ambassador(*, membership: Membership, by: User, approve: bool) -> None:
    """Only the area manager of the network's neighbourhood approves an ambassador; a
    declined request leaves the resident a member of the network."""
    if not membership.may_be_decided_by(by):
        raise PermissionDenied
    # The moment of the request this decision answers: a later request is told anew.
    asked = _moment(membership)
    if approve:
        membership.status = Membership.Status.APPROVED
    else:
        membership.role = Membership.Role.MEMBER
        membership.status = Membership.Status.APPROVED
    membership.decided_at = timezone.now()
    membership.save(update_fields=["role", "status", "decided_at"])
    theme = membership.network.theme
    notify_each(
        [membership.user],
        kind=AMBASSADOR,
        dedupe_key=(
            f"community:ambassador:{membership.pk}:{asked}:{'approved' if approve else 'declined'}"
        ),
        message=lambda: (
            (
                _("You are now the %(theme)s ambassador of %(neighbourhood)s.")
                if approve
                else _(
                    "The area manager did not make you an ambassador now; "
                    "you stay a member of the %(theme)s network of %(neighbourhood)s."
                )
            )
            % {"theme": theme.name, "neighbourhood": membership.network.neighbourhood.name}
        ),
        url=membership.network.neighbourhood.get_absolute_url(),
        subject=membership,
    )


def save_post(*, post: Post) -> Post:
    """An offer or request is written by its owner; a new one cannot end in the past."""
    if post.ends_on < timezone.localdate():
        raise CommunityError(_("Choose a date from today on."))
    post.save()
    return post


def create_call(
    *,
    by: User,
    initiative: Initiative,
    title: str,
    wanted: int,
    ends_on: date,
    description: str = "",
) -> VolunteerCall:
    """The initiators of an initiative ask for volunteers in its neighbourhood (agenda
    items and programme projects ask in the back office, ``VolunteerCallAdmin``). The
    model checks the call; the end date is checked again here, as the day may have
    turned since the form was checked."""
    if ends_on < timezone.localdate():
        raise CommunityError(_("Choose a date from today on."))
    call = VolunteerCall(
        created_by=by,
        initiative=initiative,
        neighbourhood=initiative.neighbourhood,
        title=title,
        wanted=wanted,
        ends_on=ends_on,
        description=description,
    )
    _check(call)
    call.save()
    return call


def _partner_of(about: Model) -> User | None:
    if isinstance(about, Post):
        return about.owner
    if isinstance(about, VolunteerCall):
        return about.created_by
    if isinstance(about, Membership):
        return about.user if about.is_ambassador else None
    raise TypeError(about)


@transaction.atomic
def write_to(*, about: Post | VolunteerCall | Membership, author: User, text: str) -> Conversation:
    """A resident writes about an offer or request, a volunteer call or an ambassador's
    profile: the first message starts a conversation with its owner, later ones go on
    in it."""
    partner = _partner_of(about)
    if partner is None:
        raise CommunityError(_("This person can no longer be reached through the portal."))
    if partner.pk == author.pk:
        raise CommunityError(_("This is your own; you cannot write to yourself."))
    field = {Post: "post", VolunteerCall: "call", Membership: "ambassador"}[type(about)]
    lookup: dict[str, Any] = {"starter": author, "other": partner, field: about}
    # The unique constraints make a second, simultaneous first message (a double click)
    # fail to insert; it then goes on in the conversation the first one started.
    conversation = Conversation.objects.filter(**lookup).first()
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(**lookup)
        except IntegrityError:
            conversation = Conversation.objects.get(**lookup)
    write_message(conversation=conversation, author=author, text=text)
    return conversation


@transaction.atomic
def respond_to_call(*, call: VolunteerCall, user: User, text: str) -> Conversation:
    """A resident volunteers: they count towards the call at once, and their message goes
    to whoever asked (``write_to`` refuses one's own call and a blocked person, and all of
    it is undone). A call closes when enough people responded or at its end date."""
    call = VolunteerCall.objects.select_for_update().get(pk=call.pk)
    if call.ends_on < timezone.localdate():
        raise CommunityError(_("This call has closed."))
    if call.responses.count() >= call.wanted:
        raise CommunityError(_("Enough volunteers responded already; this call has closed."))
    try:
        with transaction.atomic():
            VolunteerResponse.objects.create(call=call, user=user)
    except IntegrityError:
        raise CommunityError(_("You responded to this call already.")) from None
    return write_to(about=call, author=user, text=text)


@transaction.atomic
def write_message(*, conversation: Conversation, author: User, text: str) -> Message:
    """A message in a conversation; the other person hears of it by email (without the
    author's address); a message to someone who blocked the author is refused (in a
    new conversation, the conversation goes with it: the callers are atomic)."""
    if not conversation.is_between(author):
        raise PermissionDenied
    partner = conversation.partner_of(author)
    if Block.objects.filter(blocker=partner, blocked=author).exists():
        raise CommunityError(
            _("This person does not want to receive messages from you. Your message was not sent.")
        )
    message = Message(conversation=conversation, author=author, text=text.strip())
    _check(message, exclude=["conversation", "author"])
    message.save()
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=message.created_at)
    name = author.public_name
    notify_each(
        [partner],
        kind=MESSAGES,
        dedupe_key=f"community:message:{message.pk}",
        message=lambda: (
            _("%(name)s wrote to you about “%(title)s”. Read and answer on the portal.")
            % {"name": name, "title": conversation.subject_title}
        ),
        url=conversation.get_absolute_url(),
        subject=conversation,
    )
    return message


def share_email(*, conversation: Conversation, user: User, share: bool) -> None:
    """One person's consent to show their email address in this conversation; it shows
    only when both gave it."""
    if not conversation.is_between(user):
        raise PermissionDenied
    field = "starter_shares_email" if user.pk == conversation.starter_id else "other_shares_email"
    setattr(conversation, field, share)
    conversation.save(update_fields=[field])


def block(*, blocker: User, blocked: User) -> None:
    if blocker.pk == blocked.pk:
        raise CommunityError(_("You cannot block yourself."))
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)


def unblock(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def report_message(*, message: Message, reporter: User, reason: str) -> bool:
    """Returns False when this person reported the message already. Only the person it
    was written to reports it."""
    if message.author_id == reporter.pk or not message.conversation.is_between(reporter):
        raise CommunityError(_("You can only report messages written to you."))
    try:
        with transaction.atomic():
            MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def hide_message(*, message: Message, reason: str) -> None:
    """A moderator hides a reported message; its author reads the reason."""
    reason = reason.strip()
    if not reason:
        raise CommunityError(_("Give the reason the author will see."))
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(hidden_at=now, hidden_reason=reason)
    message.reports.open().update(resolved_at=now)
    conversation = message.conversation
    notify_each(
        [message.author],
        kind=HIDDEN,
        dedupe_key=f"community:message:{message.pk}:hidden",
        message=lambda: _("Your message was hidden. Reason: %(reason)s") % {"reason": reason},
        url=conversation.get_absolute_url(),
        subject=conversation,
    )


def dismiss_message_reports(*, message: Message) -> int:
    return message.reports.open().update(resolved_at=timezone.now())


def apply_retention(*, today: date | None = None) -> tuple[int, int]:
    """Retention (daily): conversations whose last message is older than
    ``PORTAL_CONVERSATION_RETENTION_DAYS`` go with their messages and notices, and so do
    offers and requests, and volunteer calls with their responses, that ended that long
    ago (their conversations go with them: the foreign keys cascade). Returns how many
    conversations (by age) and offers or requests went."""
    today = today or timezone.localdate()
    days = timedelta(days=settings.PORTAL_CONVERSATION_RETENTION_DAYS)
    cutoff = timezone.make_aware(datetime.combine(today - days, time.min))
    _total, by_table = Conversation.objects.filter(updated_at__lt=cutoff).delete()
    conversations = by_table.get(Conversation._meta.label, 0)
    _total, by_table = Post.objects.filter(ends_on__lt=today - days).delete()
    posts = by_table.get(Post._meta.label, 0)
    VolunteerCall.objects.filter(ends_on__lt=today - days).delete()
    return conversations, posts


# --- coaches for initiators ------------------------------------------------------------------


@transaction.atomic
def ask_for_coach(*, initiative: Initiative, by: User, wish: str, question: str) -> CoachRequest:
    """An initiator of a public initiative asks for a coach (an ambassador of the
    neighbourhood or an initiative broker); the area manager of its neighbourhood hears
    of it and assigns one in the back office. One request per initiative: asking again
    before a coach is assigned changes its wish and question (nobody is told again);
    after the ambassador declined it asks anew; while a coach is assigned or coaching
    it is refused. Not for a withdrawn or rejected initiative."""
    if not initiative.is_public or not Initiative.objects.of(by).filter(pk=initiative.pk).exists():
        raise PermissionDenied
    if initiative.status in (InitiativeStatus.WITHDRAWN, InitiativeStatus.REJECTED):
        raise CommunityError(_("A withdrawn or rejected initiative cannot ask for a coach."))
    found = CoachRequest.objects.select_for_update().filter(initiative=initiative).first()
    if found is not None and found.status == CoachRequest.Status.ACCEPTED:
        raise CommunityError(_("Your initiative has a coach already."))
    if found is not None and found.status == CoachRequest.Status.ASSIGNED:
        raise CommunityError(_("A coach has been asked already; you hear when they answer."))
    coaching = found or CoachRequest(initiative=initiative)
    # The area manager hears of a first ask and of asking again after a decline, not of
    # every change to the wish or question.
    tell = found is None or found.status == CoachRequest.Status.DECLINED
    if found is not None and found.status == CoachRequest.Status.DECLINED:
        coaching.status = CoachRequest.Status.ASKED
        coaching.ambassador = None
        coaching.assigned_at = None
        coaching.answered_at = None
    coaching.wish = wish
    coaching.question = question.strip()
    coaching.asked_by = by
    if tell:
        coaching.asked_at = timezone.now()
    _check(coaching, exclude=["initiative", "asked_by", "ambassador", "broker"])
    coaching.save()
    if not tell:
        return coaching
    notify_each(
        _deciders(initiative.neighbourhood),
        kind=COACH_ASKED,
        dedupe_key=f"community:coach:{coaching.pk}:asked:{coaching.asked_at.isoformat()}",
        message=lambda: (
            _("The initiators of “%(title)s” ask for a coach.") % {"title": initiative.title}
        ),
        url=reverse("admin:community_coachrequest_change", args=[coaching.pk]),
        subject=coaching,
    )
    return coaching


def coach_problems(
    *,
    coaching: CoachRequest,
    ambassador: Membership | None,
    broker: User | None,
    broker_name: str,
) -> dict[str | None, str]:
    """Why a coach cannot be assigned, per field of the back office's form (None: the
    form as a whole); empty when it can. One place for the action and the form."""
    if (ambassador is None) == (broker is None):
        return {None: _("Choose one coach: an ambassador or an initiative broker.")}
    if ambassador is not None and (
        not ambassador.is_ambassador
        or ambassador.network.neighbourhood_id != coaching.initiative.neighbourhood_id
    ):
        return {"ambassador": _("Choose an ambassador of the initiative's neighbourhood.")}
    if broker is not None:
        if not (broker.is_active and broker.groups.filter(name=Role.INITIATIVE_BROKER).exists()):
            return {"broker": _("Choose a colleague who is an initiative broker.")}
        if not broker_name.strip():
            return {
                "broker_name": _(
                    "Give the name shown on the initiative's page for the initiative broker."
                )
            }
    return {}


def _stored_coach(coaching: CoachRequest) -> User | None:
    """The coach as stored before a change (the back office's form has already put the
    new choice on the instance): the ambassador asked or coaching, or the initiative
    broker; None when nobody was, or the ambassador declined (they know already)."""
    stored = (
        CoachRequest.objects.select_for_update(of=("self",))
        .filter(pk=coaching.pk)
        .exclude(status=CoachRequest.Status.DECLINED)
        .values("ambassador__user", "broker")
        .first()
    )
    if stored is None:
        return None
    person = stored["ambassador__user"] or stored["broker"]
    return User.objects.filter(pk=person).first() if person else None


@transaction.atomic
def assign_coach(
    *,
    coaching: CoachRequest,
    by: User,
    ambassador: Membership | None = None,
    broker: User | None = None,
    broker_name: str = "",
) -> None:
    """The area manager of the initiative's neighbourhood (or the triage) assigns a
    coach: an approved ambassador of that neighbourhood, who then accepts or declines,
    or an initiative broker, who coaches at once. The initiators and the coach hear of it."""
    if not coaching.may_be_assigned_by(by):
        raise PermissionDenied
    problems = coach_problems(
        coaching=coaching, ambassador=ambassador, broker=broker, broker_name=broker_name
    )
    if problems:
        raise CommunityError(" ".join(problems.values()))
    initiative = coaching.initiative
    replaced = _stored_coach(coaching)
    coaching.ambassador = ambassador
    coaching.broker = broker
    coaching.assigned_by = by
    coaching.broker_name = broker_name.strip() if broker is not None else ""
    coaching.status = (
        CoachRequest.Status.ACCEPTED if broker is not None else CoachRequest.Status.ASSIGNED
    )
    coaching.assigned_at = timezone.now()
    coaching.answered_at = None
    _check(coaching, exclude=["initiative", "asked_by", "ambassador", "broker"])
    coaching.save()
    coach = ambassador.user if ambassador is not None else broker
    moment = coaching.assigned_at.isoformat()
    name = coaching.coach_name
    if replaced is not None and replaced != coach:
        notify_each(
            [replaced],
            kind=COACH,
            dedupe_key=f"community:coach:{coaching.pk}:replaced:{moment}",
            message=lambda: (
                _("Another coach was chosen for “%(title)s”; you no longer coach it.")
                % {"title": initiative.title}
            ),
            url=initiative.get_absolute_url(),
            subject=coaching,
        )
    notify_each(
        initiative.initiators(),
        kind=COACH,
        dedupe_key=f"community:coach:{coaching.pk}:assigned:{moment}",
        message=lambda: (
            (
                _("%(name)s, ambassador, is asked to coach “%(title)s”; you hear when they accept.")
                if ambassador is not None
                else _("%(name)s, initiative broker of the municipality, coaches “%(title)s”.")
            )
            % {"name": name, "title": initiative.title}
        ),
        url=initiative.get_absolute_url(),
        subject=coaching,
        skip=coach,
    )
    notify_each(
        [coach],
        kind=COACH,
        dedupe_key=f"community:coach:{coaching.pk}:coach:{moment}",
        message=lambda: (
            (
                _(
                    "You are asked to coach the initiative “%(title)s”. "
                    "Accept or decline on the portal."
                )
                if ambassador is not None
                else _("You coach the initiative “%(title)s” as initiative broker.")
            )
            % {"title": initiative.title}
        ),
        # The initiative broker finds the initiators' email addresses on the request's
        # page in the back office (audited), to get in touch about their question.
        url=(
            reverse("community:coaching", args=[coaching.pk])
            if ambassador is not None
            else reverse("admin:community_coachrequest_change", args=[coaching.pk])
        ),
        subject=coaching,
    )


@transaction.atomic
def answer_coaching(*, coaching: CoachRequest, user: User, accept: bool) -> None:
    """The ambassador asked to coach accepts (and is shown on the initiative) or
    declines (the area manager then chooses someone else)."""
    # Only the request's own row is locked: PostgreSQL refuses FOR UPDATE through the
    # nullable outer joins of for_page().
    coaching = CoachRequest.objects.select_for_update(of=("self",)).for_page().get(pk=coaching.pk)
    if coaching.ambassador is None or coaching.ambassador.user_id != user.pk:
        raise PermissionDenied
    if coaching.status != CoachRequest.Status.ASSIGNED:
        raise CommunityError(_("You answered this request already."))
    coaching.status = CoachRequest.Status.ACCEPTED if accept else CoachRequest.Status.DECLINED
    coaching.answered_at = timezone.now()
    coaching.save(update_fields=["status", "answered_at"])
    initiative = coaching.initiative
    name = coaching.coach_name
    key = f"community:coach:{coaching.pk}:{coaching.status}:{coaching.assigned_at}"
    if accept:
        notify_each(
            initiative.initiators(),
            kind=COACH,
            dedupe_key=key,
            message=lambda: (
                _("%(name)s, ambassador, coaches “%(title)s”. Write to them on the portal.")
                % {"name": name, "title": initiative.title}
            ),
            url=initiative.get_absolute_url(),
            subject=coaching,
            skip=user,
        )
    else:
        # The area manager, and the initiative broker who chose this ambassador (the
        # triage) when that was someone else.
        told = _deciders(initiative.neighbourhood)
        chooser = coaching.assigned_by
        if (
            chooser is not None
            and chooser not in told
            and chooser.is_active
            and chooser.groups.filter(name=Role.INITIATIVE_BROKER).exists()
        ):
            told.append(chooser)
        notify_each(
            told,
            kind=COACH_ASKED,
            dedupe_key=key,
            message=lambda: (
                _("%(name)s declined to coach “%(title)s”; choose another coach.")
                % {"name": name, "title": initiative.title}
            ),
            url=reverse("admin:community_coachrequest_change", args=[coaching.pk]),
            subject=coaching,
        )
