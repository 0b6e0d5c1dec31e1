"""Background work for initiatives. Thin and idempotent: the daily runs dedupe through
the notifications kernel (the key holds the date); the invitation is claimed first."""

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from initiatives.models import CoInitiatorInvitation
from notifications.emails import EmailRecipient, absolute_url, build_email
from notifications.tasks import EMAIL_TASK_OPTIONS


@shared_task(**EMAIL_TASK_OPTIONS)
def send_co_initiator_invitation(self, invitation_id: int) -> bool:
    """Email the invitation once: ``sent_at`` is claimed before sending and given back
    if the mail server fails, so the retry sends it."""
    claimed = CoInitiatorInvitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = CoInitiatorInvitation.objects.select_related("initiative", "invited_by").get(
        pk=invitation_id
    )
    inviter = invitation.invited_by
    try:
        build_email(
            recipient=EmailRecipient(email=invitation.email, language=inviter.language),
            subject=gettext_lazy("Invitation to help run an initiative"),
            template="co_initiator_invitation",
            context={
                "invitation": invitation,
                "inviter_name": inviter.public_name,
                "accept_url": absolute_url(
                    reverse("initiatives:invitation", args=[invitation.token()])
                ),
            },
        ).send()
    except Exception:
        CoInitiatorInvitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True
