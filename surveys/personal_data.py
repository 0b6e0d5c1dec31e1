"""Personal data in the surveys app (see ``privacy.registry``). Answers to anonymous
surveys are not here: nothing links them to anyone."""

from django.db.models import Q

from privacy.registry import PersonalData
from surveys.actions import leave_panel
from surveys.models import Answer, Invitation, PanelMember, Response


def _forget_invitations(user) -> None:
    leave_panel(user=user)
    Invitation.objects.filter(email__iexact=user.email).update(email="", about="")


PERSONAL_DATA = [
    PersonalData(
        model="surveys.PanelMember",
        rows=lambda user: PanelMember.objects.filter(user=user),
        exported=("neighbourhood", "age_band", "consent_at"),
        not_personal=("id", "user"),
        erase=_forget_invitations,
    ),
    PersonalData(
        model="surveys.Invitation",
        rows=lambda user: Invitation.objects.filter(
            Q(member__user=user) | Q(email__iexact=user.email)
        ),
        exported=(
            "survey",
            "email",
            "about",
            "created_at",
            "sent_at",
            "reminders_sent",
            "opened",
            "started",
            "completed",
            "released",
        ),
        not_personal=("id", "member", "neighbourhood", "age_band"),
        withheld={"token_hash": "a one-way hash of the link's secret"},
    ),
    # Only surveys that were not anonymous keep a respondent; erasure cuts the link.
    PersonalData(
        model="surveys.Response",
        rows=lambda user: Response.objects.filter(respondent=user),
        exported=("survey", "neighbourhood", "age_band", "submitted_on"),
        not_personal=("id", "respondent"),
    ),
    PersonalData(
        model="surveys.Answer",
        rows=lambda user: Answer.objects.filter(response__respondent=user),
        exported=("question", "value_number", "choice", "value_text"),
        not_personal=("id", "response"),
    ),
]
