"""Personal data in the community app (see ``privacy.registry``). Erasing a person
deletes their memberships, offers and requests, responses, blocks and reports, and every
conversation they took part in with its messages (the foreign keys cascade); their
volunteer calls stay for the initiative, without them, and close: nobody receives the
volunteers' messages any more."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from community.models import (
    Block,
    CoachRequest,
    Conversation,
    Membership,
    Message,
    MessageReport,
    Post,
    VolunteerCall,
    VolunteerResponse,
)
from privacy.registry import PersonalData


def _forget_coach(user) -> None:
    """A coach whose account goes leaves the request waiting for a new coach (the
    foreign keys then forget them), without the name shown for them."""
    CoachRequest.objects.filter(Q(broker=user) | Q(ambassador__user=user)).update(
        status=CoachRequest.Status.ASKED, broker_name="", answered_at=None
    )


def _close_calls_of(user) -> None:
    """Open calls of a person whose account goes end yesterday (the foreign key then
    sets the asker to nobody)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    VolunteerCall.objects.filter(created_by=user, ends_on__gt=yesterday).update(ends_on=yesterday)


PERSONAL_DATA = [
    PersonalData(
        model="community.Membership",
        rows=lambda user: Membership.objects.filter(user=user),
        exported=(
            "network",
            "role",
            "status",
            "public_name",
            "can_help_with",
            "created_at",
            "requested_at",
            "decided_at",
        ),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="community.Post",
        rows=lambda user: Post.objects.filter(owner=user),
        exported=(
            "kind",
            "what",
            "description",
            "neighbourhood",
            "theme",
            "ends_on",
            "created_at",
            "hidden_at",
        ),
        not_personal=("id", "owner"),
    ),
    PersonalData(
        model="community.VolunteerCall",
        rows=lambda user: VolunteerCall.objects.filter(created_by=user),
        exported=("title", "description", "wanted", "ends_on", "created_at"),
        not_personal=("id", "created_by", "neighbourhood", "initiative", "agenda_item", "project"),
        erase=lambda user: _close_calls_of(user),
    ),
    PersonalData(
        model="community.VolunteerResponse",
        rows=lambda user: VolunteerResponse.objects.filter(user=user),
        exported=("call", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="community.Conversation",
        rows=lambda user: Conversation.objects.of(user),
        exported=(
            "post",
            "call",
            "ambassador",
            "starter_shares_email",
            "other_shares_email",
            "created_at",
            "updated_at",
        ),
        not_personal=("id", "starter", "other"),
    ),
    # The person's own messages; messages written to them are in the other's export.
    PersonalData(
        model="community.Message",
        rows=lambda user: Message.objects.filter(author=user),
        exported=("conversation", "text", "created_at", "hidden_at", "hidden_reason"),
        not_personal=("id", "author"),
    ),
    PersonalData(
        model="community.Block",
        rows=lambda user: Block.objects.filter(blocker=user),
        exported=("created_at",),
        not_personal=("id", "blocker", "blocked"),
    ),
    PersonalData(
        model="community.MessageReport",
        rows=lambda user: MessageReport.objects.filter(reporter=user),
        exported=("message", "reason", "created_at", "resolved_at"),
        not_personal=("id", "reporter"),
    ),
    # A coach request is the initiative's: it stays when the initiator who asked goes
    # (the foreign key forgets them), and so does an ambassador's or broker's coaching
    # (the coach is forgotten; the request waits for a new coach again), and a colleague
    # who assigned a coach is forgotten by the foreign key.
    PersonalData(
        model="community.CoachRequest",
        rows=lambda user: CoachRequest.objects.filter(asked_by=user),
        exported=("initiative", "wish", "question", "asked_at", "status"),
        not_personal=(
            "id",
            "asked_by",
            "ambassador",
            "broker",
            "broker_name",
            "assigned_by",
            "assigned_at",
            "answered_at",
        ),
        erase=_forget_coach,
    ),
]
