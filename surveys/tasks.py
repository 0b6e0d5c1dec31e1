"""Sending survey invitations and reminders in batches, and closing surveys on time.
Each invitation is claimed with a conditional UPDATE before its email goes out, so a
retried or redelivered batch never emails anyone twice; a failed email gives its claim
back. Nobody who completed the survey is reminded."""

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.emails import EmailRecipient, absolute_url, build_email
from notifications.kinds import unsubscribe_token
from notifications.tasks import EMAIL_TASK_OPTIONS
from surveys import results
from surveys.models import EVALUATION_NOTIFICATIONS, Invitation, PanelMember, SendRun, Survey


def _email(invitation: Invitation, *, reminder: bool) -> None:
    member = invitation.member
    # An address without panel membership may still be a person with an account (an
    # evaluation's participants): they read it in their language and can turn it off.
    user = (
        member.user
        if member
        else User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    )
    language = user.language if user is not None else settings.LANGUAGE_CODE
    leave_url = ""
    if member is not None:
        leave_url = absolute_url(
            reverse("surveys:panel_leave", args=[PanelMember.leave_token(member.user)])
        )
    evaluation = invitation.survey.kind == Survey.Kind.EVALUATION
    build_email(
        recipient=EmailRecipient(email=invitation.recipient_email, language=language),
        subject=gettext_lazy("Reminder: your opinion counts")
        if reminder
        else gettext_lazy("Invitation: tell us what you think"),
        template="survey_invitation",
        context={
            "survey": invitation.survey,
            "reminder": reminder,
            "link": absolute_url(invitation.get_absolute_url()),
            "leave_url": leave_url,
            "about": invitation.about,
        },
        unsubscribe_token=unsubscribe_token(user, EVALUATION_NOTIFICATIONS)
        if evaluation and user is not None
        else None,
    ).send()


@shared_task(**EMAIL_TASK_OPTIONS)
def send_invitation_batch(self, run_id: int, invitation_ids: list[int]) -> int:
    sent = 0
    for invitation_id in invitation_ids:
        claimed = Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("survey", "member__user").get(
            pk=invitation_id
        )
        if not invitation.recipient_email:
            continue  # left the panel in the meantime
        try:
            _email(invitation, reminder=False)
        except Exception:
            Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
            SendRun.objects.filter(pk=run_id).update(sent=F("sent") + sent)
            raise
        sent += 1
    SendRun.objects.filter(pk=run_id).update(sent=F("sent") + sent)
    return sent


@shared_task(**EMAIL_TASK_OPTIONS)
def send_reminder_batch(self, run_id: int, invitation_ids: list[int]) -> int:
    sent = 0
    today = timezone.localdate()
    for invitation in Invitation.objects.filter(pk__in=invitation_ids).select_related(
        "survey", "member__user"
    ):
        schedule = invitation.survey.reminder_schedule()
        number = invitation.reminders_sent
        if invitation.completed or number >= len(schedule) or invitation.sent_at is None:
            continue
        if (today - timezone.localdate(invitation.sent_at)).days < schedule[number]:
            continue
        claimed = Invitation.objects.filter(
            pk=invitation.pk, reminders_sent=number, completed=False
        ).update(reminders_sent=number + 1)
        if not claimed or not invitation.recipient_email:
            continue
        try:
            _email(invitation, reminder=True)
        except Exception:
            Invitation.objects.filter(pk=invitation.pk, reminders_sent=number + 1).update(
                reminders_sent=number
            )
            SendRun.objects.filter(pk=run_id).update(sent=F("sent") + sent)
            raise
        sent += 1
    SendRun.objects.filter(pk=run_id).update(sent=F("sent") + sent)
    return sent


@shared_task
def precompute_results(survey_id: int) -> bool:
    """Compute a closed survey's results in every language (see surveys.results)."""
    survey = Survey.objects.filter(pk=survey_id, closed_at__isnull=False).first()
    if survey is None:
        return False
    results.precompute(survey)
    return True
