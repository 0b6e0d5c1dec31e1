"""Personal data in the participation app (see ``privacy.registry``)."""

from participation.models import (
    CouncilQuestion,
    DecisionFollow,
    ProcessFollow,
    TeamLogEntry,
    TeamMembership,
)
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="participation.ProcessFollow",
        rows=lambda user: ProcessFollow.objects.filter(user=user),
        exported=("process", "created_at"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="participation.TeamMembership",
        rows=lambda user: TeamMembership.objects.filter(user=user),
        exported=("team", "role", "status", "motivation", "created_at", "decided_at"),
        not_personal=("id", "user"),
    ),
    # Progress notes are public contributions: kept, without the name.
    PersonalData(
        model="participation.TeamLogEntry",
        rows=lambda user: TeamLogEntry.objects.filter(author=user),
        exported=("team", "text", "created_at"),
        not_personal=("id", "author"),
    ),
    # A council member's questions are public once answered; kept, without the name.
    PersonalData(
        model="participation.CouncilQuestion",
        rows=lambda user: CouncilQuestion.objects.filter(asked_by=user),
        exported=(
            "question",
            "context",
            "status",
            "researcher_message",
            "created_at",
            "answered_at",
        ),
        not_personal=("id", "asked_by", "survey"),
    ),
    PersonalData(
        model="participation.DecisionFollow",
        rows=lambda user: DecisionFollow.objects.filter(user=user),
        exported=("topic", "neighbourhood", "created_at"),
        not_personal=("id", "user"),
    ),
]
