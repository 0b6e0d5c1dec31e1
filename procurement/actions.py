"""What suppliers and procurement officers do: registering, interest, the calendar's
changes and who hears of them, the invitation list of a private procedure."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.service import notify_each
from procurement.models import (
    MAX_SHORTLIST,
    MIN_SHORTLIST,
    Certificate,
    CpvCode,
    Interest,
    Supplier,
    SupplierMember,
    TeamInvitation,
    Tender,
    TenderChange,
    TenderInvitation,
)
from procurement.tasks import send_team_invitation, send_tender_invitations

TENDER_NEWS = "tender_news"
CERTIFICATES = "certificate_expiry"
SUPPLIER_STATUS = "supplier_status"
CERTIFICATE_WARNING_DAYS = 30


class ProcurementError(Exception):
    """A step the rules do not allow; the message says why."""


class DuplicateKvK(ProcurementError):
    """This KvK number is registered already."""


@transaction.atomic
def register_supplier(*, user: User, supplier: Supplier, cpv_codes: Iterable[CpvCode]) -> Supplier:
    """The person registering becomes the first team member. The KvK number's unique
    constraint decides when two people register the same company at once."""
    if SupplierMember.objects.filter(user=user).exists():
        raise ProcurementError(_("You already manage a supplier."))
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        raise DuplicateKvK(
            _("This KvK number is registered already. Ask that company's team to invite you.")
        ) from None
    supplier.cpv_codes.set(cpv_codes)
    SupplierMember.objects.create(supplier=supplier, user=user)
    return supplier


def invite_colleague(*, supplier: Supplier, email: str, by: User) -> TeamInvitation | None:
    invitation, created = TeamInvitation.objects.get_or_create(
        supplier=supplier, email=email.strip().lower(), defaults={"invited_by": by}
    )
    if not created:
        return None
    send_team_invitation.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def accept_team_invitation(*, invitation: TeamInvitation, user: User) -> None:
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise ProcurementError(_("Sign in with the email address this invitation was sent to."))
    if SupplierMember.objects.filter(user=user).exists():
        raise ProcurementError(_("You already manage a supplier."))
    updated = TeamInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if updated:
        SupplierMember.objects.create(supplier=invitation.supplier, user=user)


def express_interest(*, tender: Tender, supplier: Supplier, note: str) -> bool:
    if tender.status not in {Tender.Status.PLANNED, Tender.Status.PUBLISHED}:
        raise ProcurementError(_("This tender no longer takes expressions of interest."))
    try:
        with transaction.atomic():
            Interest.objects.create(tender=tender, supplier=supplier, note=note)
    except IntegrityError:
        return False
    return True


def withdraw_interest(*, tender: Tender, supplier: Supplier) -> bool:
    deleted, _rows = Interest.objects.filter(tender=tender, supplier=supplier).delete()
    return bool(deleted)


@transaction.atomic
def record_tender_change(
    *,
    tender: Tender,
    by: User | None,
    summary: str = "",
    kind: str = TenderChange.Kind.WRITTEN,
    details: dict[str, Any] | None = None,
    newly_public: bool = False,
) -> TenderChange:
    """Keep who changed what, raise the calendar version (iCalendar SEQUENCE), and tell
    the suppliers whose CPV codes match when the entry is on the public calendar. What
    the portal notes itself goes in ``kind`` and ``details`` (see ``TenderChange``), so
    every reader sees it in their own language."""
    Tender.objects.filter(pk=tender.pk).update(sequence=F("sequence") + 1)
    tender.refresh_from_db(fields=["sequence", "status"])
    change = TenderChange.objects.create(
        tender=tender, actor=by, summary=summary, kind=kind, details=details or {}
    )
    if tender.is_public:
        notify_each(
            Supplier.objects.matching(tender).team_members(),
            kind=TENDER_NEWS,
            dedupe_key=f"tender:{tender.pk}:change:{change.pk}",
            message=lambda: (
                (
                    _("New on the tender calendar: %(title)s")
                    if newly_public
                    else _("Tender changed: %(title)s (%(status)s)")
                )
                % {"title": tender.title, "status": tender.get_status_display()}
            ),
            url=tender.get_absolute_url(),
            subject=tender,
        )
    return change


@transaction.atomic
def save_invitation_list(
    *, tender: Tender, entries: list[tuple[Supplier, str]], by: User, list_reason: str = ""
) -> list[TenderInvitation]:
    """Record who is invited and why, then email them (Celery). Fewer than 3 or more
    than 5 needs a reason; every supplier needs its own."""
    if tender.procedure != Tender.Procedure.MULTIPLE:
        raise ProcurementError(_("Invitation lists are for multiple private procedures."))
    if not MIN_SHORTLIST <= len(entries) <= MAX_SHORTLIST and not list_reason.strip():
        raise ProcurementError(_("Invite 3 to 5 suppliers, or give the reason for another number."))
    if any(not reason.strip() for _supplier, reason in entries):
        raise ProcurementError(_("Give the reason each supplier was chosen."))
    if list_reason.strip():
        Tender.objects.filter(pk=tender.pk).update(shortlist_reason=list_reason.strip())
    created = []
    for supplier, reason in entries:
        invitation, new = TenderInvitation.objects.get_or_create(
            tender=tender, supplier=supplier, defaults={"reason": reason, "created_by": by}
        )
        if new:
            created.append(invitation)

    send_tender_invitations.delay_on_commit(tender.pk)
    return created


def _expiry_message(certificate: Certificate) -> str:
    return _(
        "Your certificate %(kind)s expires on %(date)s. Upload the new one in your profile."
    ) % {
        "kind": certificate.get_kind_display(),
        "date": certificate.valid_until.strftime("%d-%m-%Y"),
    }


def remind_expiring_certificates(*, today: date | None = None) -> int:
    """Daily: a supplier's team hears, once per certificate and expiry date, that a
    certificate expires within 30 days."""
    today = today or timezone.localdate()
    soon = Certificate.objects.filter(
        valid_until__gte=today, valid_until__lte=today + timedelta(days=CERTIFICATE_WARNING_DAYS)
    ).select_related("supplier")
    told = 0
    for certificate in soon:
        told += notify_each(
            certificate.supplier.team_members(),
            kind=CERTIFICATES,
            dedupe_key=f"certificate:{certificate.pk}:{certificate.valid_until.isoformat()}",
            message=partial(_expiry_message, certificate),
            url="/inkoop/leverancier/",
            subject=certificate.supplier,
        )
    return told


def _status_message(supplier: Supplier, status: str) -> str:
    if status == Supplier.Status.VERIFIED:
        return _(
            "%(name)s is verified: your company can now be invited to private tenders "
            "that match your fields of work."
        ) % {"name": supplier.name}
    return _(
        "%(name)s is suspended: for now your company is not invited to private tenders. "
        "Ask the municipality's procurement team why, and what is needed to lift it."
    ) % {"name": supplier.name}


@transaction.atomic
@dataclass(frozen=True)
class SupplierStatusChange:
    """How many suppliers changed status, and how many of those had no one in their
    team to tell (a supplier registered by the municipality itself)."""

    changed: int
    without_team: int = 0


def set_supplier_status(*, suppliers: QuerySet[Supplier], status: str) -> SupplierStatusChange:
    """A procurement officer verifies or suspends suppliers; each changed supplier's team
    is told. Suppliers that already have the status are left alone (and not told
    again)."""
    if status not in {Supplier.Status.VERIFIED, Supplier.Status.SUSPENDED}:
        raise ValueError(status)
    changing = list(
        Supplier.objects.filter(pk__in=suppliers.values("pk"))
        .exclude(status=status)
        .select_for_update()
    )
    if not changing:
        return SupplierStatusChange(0)
    now = timezone.now()
    fields: dict[str, object] = {"status": status}
    if status == Supplier.Status.VERIFIED:
        fields["verified_at"] = now
    Supplier.objects.filter(pk__in=[supplier.pk for supplier in changing]).update(**fields)
    without_team = 0
    for supplier in changing:
        team = supplier.team_members()
        without_team += not team
        notify_each(
            team,
            kind=SUPPLIER_STATUS,
            dedupe_key=f"supplier:{supplier.pk}:{status}:{now:%Y%m%d%H%M%S%f}",
            message=partial(_status_message, supplier, status),
            url="/inkoop/leverancier/",
            subject=supplier,
        )
    return SupplierStatusChange(len(changing), without_team)
