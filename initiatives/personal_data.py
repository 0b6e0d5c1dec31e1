"""Personal data in the initiatives app (see ``privacy.registry``)."""

from django.db.models import Q

from initiatives.actions import forget_resident
from initiatives.models import (
    Attachment,
    CoInitiatorInvitation,
    Comment,
    CommentReport,
    Follow,
    Initiative,
    InternalNote,
    MarketPitch,
    StatusChange,
    Support,
    Theme,
)
from privacy.registry import PersonalData


def _mine(user):
    return Initiative.objects.filter(Q(initiator=user) | Q(co_initiators=user)).distinct()


PERSONAL_DATA = [
    PersonalData(
        model="initiatives.Initiative",
        rows=_mine,
        exported=(
            "title",
            "summary",
            "description",
            "neighbourhood",
            "theme",
            "address",
            "latitude",
            "longitude",
            "amount_requested",
            "support_kinds",
            "status",
            "created_at",
            "submitted_at",
            "decided_at",
        ),
        not_personal=(
            "id",
            "initiator",
            "co_initiators",
            "assignee",
            "updated_at",
            "response_due",
            "responded_at",
            "supporter_count",
            "form_token",
        ),
        # Kept as a public contribution of "a former resident"; the foreign key empties.
        erase=lambda user: forget_resident(user=user),
    ),
    PersonalData(
        model="initiatives.Attachment",
        rows=lambda user: Attachment.objects.filter(initiative__in=_mine(user)),
        exported=("initiative", "kind", "original_name", "file", "size", "created_at"),
        not_personal=("id", "token", "extension", "content_type"),
    ),
    PersonalData(
        model="initiatives.StatusChange",
        rows=lambda user: StatusChange.objects.filter(actor=user),
        exported=("initiative", "from_status", "to_status", "message", "created_at"),
        not_personal=("id", "actor", "by_staff", "message_key"),
    ),
    PersonalData(
        model="initiatives.InternalNote",
        rows=lambda user: InternalNote.objects.filter(author=user),
        exported=("initiative", "text", "created_at"),
        not_personal=("id", "author"),
    ),
    PersonalData(
        model="initiatives.Support",
        rows=lambda user: Support.objects.filter(user=user),
        exported=("initiative", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="initiatives.Follow",
        rows=lambda user: Follow.objects.filter(user=user),
        exported=("initiative", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="initiatives.Comment",
        rows=lambda user: Comment.objects.filter(author=user),
        exported=("initiative", "text", "created_at", "hidden_at", "hidden_reason"),
        not_personal=("id", "author", "parent", "hidden_by"),
    ),
    PersonalData(
        model="initiatives.CommentReport",
        rows=lambda user: CommentReport.objects.filter(reporter=user),
        exported=("comment", "reason", "created_at", "resolved_at"),
        not_personal=("id", "reporter"),
    ),
    PersonalData(
        model="initiatives.CoInitiatorInvitation",
        rows=lambda user: CoInitiatorInvitation.objects.filter(
            Q(invited_by=user) | Q(email__iexact=user.email)
        ),
        exported=("initiative", "email", "created_at", "sent_at", "accepted_at"),
        not_personal=("id", "invited_by"),
    ),
    PersonalData(
        model="initiatives.MarketPitch",
        rows=lambda user: MarketPitch.objects.filter(signed_up_by=user),
        exported=("event", "initiative", "created_at"),
        not_personal=("id", "signed_up_by"),
    ),
    PersonalData(
        model="initiatives.Theme",
        rows=lambda user: Theme.objects.filter(team_lead=user),
        exported=("name_nl", "name_en"),
        not_personal=("id", "slug", "response_days", "team_lead"),
    ),
]
