"""Personal data in the community app (see ``privacy.registry``). Erasing a person
deletes their memberships, offers and requests, responses, blocks and reports, and every
conversation they took part in with its messages (the foreign keys cascade); their
volunteer calls stay for the initiative, without them."""

from django.db.models import Q

from community.models import (
    Block,
    Conversation,
    Membership,
    Message,
    MessageReport,
    Post,
    VolunteerCall,
    VolunteerResponse,
)
from privacy.registry import PersonalData

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
    ),
    PersonalData(
        model="community.VolunteerResponse",
        rows=lambda user: VolunteerResponse.objects.filter(user=user),
        exported=("call", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="community.Conversation",
        rows=lambda user: Conversation.objects.filter(Q(starter=user) | Q(other=user)),
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
]
