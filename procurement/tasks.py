"""Emails of the supplier database, each claimed before sending (sent once)."""

from urllib.parse import urlencode

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.emails import EmailRecipient, absolute_url, build_email
from notifications.tasks import EMAIL_TASK_OPTIONS
from procurement.models import Contract, SupplierMember, TeamInvitation, TenderInvitation

TEAM_SALT = "procurement.team-invitation"


def team_token(invitation: TeamInvitation) -> str:
    return signing.dumps(invitation.pk, salt=TEAM_SALT)


@shared_task(**EMAIL_TASK_OPTIONS)
def send_team_invitation(self, invitation_id: int) -> bool:
    """Claimed by ``sent_at`` first, so a retry or redelivery never emails twice; the
    claim is given back if the mail server fails."""
    claimed = TeamInvitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, accepted_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = TeamInvitation.objects.select_related("supplier", "invited_by").get(
        pk=invitation_id
    )
    # In the language of the person invited when they have an account, else Dutch; never
    # in the inviter's.
    account = User.objects.filter(email__iexact=invitation.email).only("language").first()
    language = (account.language if account else "") or settings.LANGUAGE_CODE
    accept_path = reverse("procurement:team_accept", args=[team_token(invitation)])
    try:
        build_email(
            recipient=EmailRecipient(email=invitation.email, language=language),
            subject=gettext_lazy("Join your company's team on the supplier database"),
            template="team_invitation",
            context={
                "invitation": invitation,
                # The name they show, else the address they sign in with: the colleague
                # should know who asks.
                "inviter_name": invitation.invited_by.display_name or invitation.invited_by.email,
                "accept_url": absolute_url(accept_path),
                "signup_url": absolute_url(
                    f"{reverse('account_signup')}?{urlencode({'next': accept_path})}"
                ),
                "has_account": account is not None,
            },
        ).send()
    except Exception:
        TeamInvitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


@shared_task(**EMAIL_TASK_OPTIONS)
def send_tender_invitations(self, tender_id: int) -> int:
    """Email every not yet emailed supplier on the tender's invitation list."""
    sent = 0
    for invitation in TenderInvitation.objects.filter(
        tender_id=tender_id, sent_at__isnull=True
    ).select_related("tender", "supplier"):
        claimed = TenderInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            continue
        recipients = [invitation.supplier.contact_email] + [
            member.user.email
            for member in SupplierMember.objects.filter(
                supplier=invitation.supplier
            ).select_related("user")
        ]
        try:
            for email in dict.fromkeys(recipients):
                build_email(
                    recipient=EmailRecipient(email=email),
                    subject=gettext_lazy("Invitation to tender: %(title)s")
                    % {"title": invitation.tender.title},
                    template="tender_invitation",
                    context={
                        "invitation": invitation,
                        "link": absolute_url(invitation.tender.get_absolute_url()),
                    },
                ).send()
        except Exception:
            TenderInvitation.objects.filter(pk=invitation.pk).update(sent_at=None)
            raise
        sent += 1
    return sent


@shared_task(**EMAIL_TASK_OPTIONS)
def send_supplier_registration_invitation(self, contract_id: int) -> bool:
    """Invite a company that won a contract before it registered: claimed by
    ``invited_at`` first, so it is emailed once; the claim is given back on failure."""
    claimed = Contract.objects.filter(
        pk=contract_id, invited_at__isnull=True, supplier__isnull=True
    ).update(invited_at=timezone.now())
    if not claimed:
        return False
    contract = Contract.objects.select_related("tender").get(pk=contract_id)
    try:
        build_email(
            recipient=EmailRecipient(email=contract.invited_email),
            subject=gettext_lazy("Register to follow your contract with the municipality"),
            template="supplier_registration",
            context={
                "contract": contract,
                "register_url": absolute_url(reverse("procurement:register")),
            },
        ).send()
    except Exception:
        Contract.objects.filter(pk=contract_id).update(invited_at=None)
        raise
    return True
