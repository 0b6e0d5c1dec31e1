"""What suppliers and procurement officers do: registering, interest, the calendar's
changes and who hears of them, the invitation list of a private procedure."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.service import notify_each
from procurement.models import (
    MAX_SHORTLIST,
    MIN_SHORTLIST,
    Certificate,
    Contract,
    ContractOption,
    CpvCode,
    Interest,
    KpiCheckpoint,
    SocialReturnActivity,
    SocialReturnBlock,
    SocialReturnEvidence,
    Supplier,
    SupplierMember,
    TeamInvitation,
    Tender,
    TenderChange,
    TenderInvitation,
)
from procurement.tasks import (
    send_supplier_registration_invitation,
    send_team_invitation,
    send_tender_invitations,
)
from procurement.uploads import CheckedPdf

TENDER_NEWS = "tender_news"
CERTIFICATES = "certificate_expiry"
SUPPLIER_STATUS = "supplier_status"
CONTRACT_DEADLINES = "contract_deadlines"
SOCIAL_RETURN = "social_return"
SUPPLIER_PERFORMANCE = "supplier_performance"
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
    # A contract awarded before the company registered finds it by its KvK number.
    Contract.objects.filter(supplier=None, invited_kvk=supplier.kvk_number).update(
        supplier=supplier
    )
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


@dataclass(frozen=True)
class SupplierStatusChange:
    """How many suppliers changed status, how many of those had no one in their team to
    tell (a supplier registered by the municipality itself), and how many were left alone
    because they already had the status."""

    changed: int
    without_team: int = 0
    skipped: int = 0


@transaction.atomic
def set_supplier_status(*, suppliers: QuerySet[Supplier], status: str) -> SupplierStatusChange:
    """A procurement officer verifies or suspends suppliers; each changed supplier's team
    is told. Suppliers that already have the status are left alone (and not told
    again)."""
    if status not in {Supplier.Status.VERIFIED, Supplier.Status.SUSPENDED}:
        raise ValueError(status)
    chosen = list(
        Supplier.objects.filter(pk__in=suppliers.values("pk")).select_for_update().order_by("pk")
    )
    changing = [supplier for supplier in chosen if supplier.status != status]
    skipped = len(chosen) - len(changing)
    if not changing:
        return SupplierStatusChange(0, skipped=skipped)
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
    return SupplierStatusChange(len(changing), without_team, skipped)


# --- Contracts --------------------------------------------------------------------------


@transaction.atomic
def award_contract(*, contract: Contract, by: User | None) -> Contract:
    """Award (part of) a tender: the contract enters the register with the social return
    the tender's clause asks of its value, the tender is marked awarded and its change
    recorded. A company not yet registered is invited by email to register."""
    tender = contract.tender
    contract.department = tender.department
    contract.social_return_obligation = tender.social_return_for(contract.value)
    if contract.supplier_id is None and contract.invited_kvk:
        contract.supplier = Supplier.objects.filter(
            kvk_number=contract.invited_kvk, status=Supplier.Status.VERIFIED
        ).first()
    contract.save()
    if contract.supplier_id is None:
        send_supplier_registration_invitation.delay_on_commit(contract.pk)
    if tender.status != Tender.Status.AWARDED:
        Tender.objects.filter(pk=tender.pk).update(status=Tender.Status.AWARDED)
        tender.status = Tender.Status.AWARDED
        record_tender_change(
            tender=tender,
            by=by,
            kind=TenderChange.Kind.CHANGED,
            details={"fields": ["status"], "status": Tender.Status.AWARDED},
        )
    return contract


@transaction.atomic
def use_option(*, option: ContractOption, on: date | None = None) -> Contract:
    """Use an option to extend: the contract runs until the option's date."""
    on = on or timezone.localdate()
    contract = Contract.objects.select_for_update().get(pk=option.contract_id)
    if contract.status in {Contract.Status.ENDED, Contract.Status.TERMINATED}:
        raise ProcurementError(_("An ended or terminated contract cannot be extended."))
    if option.used_at:
        raise ProcurementError(_("This option is used already."))
    ContractOption.objects.filter(pk=option.pk).update(used_at=on)
    contract.end_date = max(contract.end_date, option.extends_to)
    contract.status = Contract.Status.EXTENDED
    contract.save(update_fields=["end_date", "status"])
    return contract


def _end_message(contract: Contract) -> str:
    return _("The contract %(contract)s ends on %(date)s. Decide on what comes after it.") % {
        "contract": str(contract),
        "date": contract.end_date.strftime("%d-%m-%Y"),
    }


def _option_message(option: ContractOption) -> str:
    return _("Decide by %(date)s whether to extend the contract %(contract)s until %(until)s.") % {
        "contract": str(option.contract),
        "date": option.decide_by.strftime("%d-%m-%Y"),
        "until": option.extends_to.strftime("%d-%m-%Y"),
    }


def _shortfall_message(contract: Contract) -> str:
    return _(
        "The contract %(contract)s has ended with social return still owed. Take it up "
        "with the supplier."
    ) % {"contract": str(contract)}


def remind_contract_deadlines(*, today: date | None = None) -> int:
    """Daily: a contract's manager hears, once each, that the contract ends within the
    warning period, that an option must be decided on soon, and (escalation) that an
    ended contract still owes social return. Contracts past their end date are marked
    ended."""
    today = today or timezone.localdate()
    Contract.objects.filter(
        status__in=[Contract.Status.RUNNING, Contract.Status.EXTENDED], end_date__lt=today
    ).update(status=Contract.Status.ENDED)
    told = 0
    ending = Contract.objects.filter(
        status__in=[Contract.Status.RUNNING, Contract.Status.EXTENDED],
        end_date__gte=today,
        end_date__lte=today + timedelta(days=settings.PROCUREMENT_CONTRACT_END_WARNING_DAYS),
        contract_manager__isnull=False,
    ).select_related("tender", "supplier", "contract_manager")
    for contract in ending:
        told += notify_each(
            [contract.contract_manager],
            kind=CONTRACT_DEADLINES,
            dedupe_key=f"contract:{contract.pk}:end:{contract.end_date.isoformat()}",
            message=partial(_end_message, contract),
            url=reverse("admin:procurement_contract_change", args=[contract.pk]),
            subject=contract,
        )
    options = ContractOption.objects.filter(
        used_at=None,
        decide_by__gte=today,
        decide_by__lte=today + timedelta(days=settings.PROCUREMENT_OPTION_WARNING_DAYS),
        contract__status__in=[Contract.Status.RUNNING, Contract.Status.EXTENDED],
        contract__contract_manager__isnull=False,
    ).select_related("contract__tender", "contract__supplier", "contract__contract_manager")
    for option in options:
        told += notify_each(
            [option.contract.contract_manager],
            kind=CONTRACT_DEADLINES,
            dedupe_key=f"contract-option:{option.pk}:{option.decide_by.isoformat()}",
            message=partial(_option_message, option),
            url=reverse("admin:procurement_contract_change", args=[option.contract_id]),
            subject=option.contract,
        )
    short = (
        Contract.objects.filter(
            status=Contract.Status.ENDED,
            social_return_obligation__gt=0,
            contract_manager__isnull=False,
        )
        .with_realised()
        .filter(realised_value__lt=F("social_return_obligation"))  # type: ignore[misc]
        .select_related("tender", "supplier", "contract_manager")
    )
    for contract in short:
        told += notify_each(
            [contract.contract_manager],
            kind=SOCIAL_RETURN,
            dedupe_key=f"contract:{contract.pk}:social-return-owed",
            message=partial(_shortfall_message, contract),
            url=reverse("admin:procurement_contract_change", args=[contract.pk]),
            subject=contract,
        )
    return told


# --- Social return ----------------------------------------------------------------------


@transaction.atomic
def report_activity(
    *,
    contract: Contract,
    block: SocialReturnBlock,
    description: str,
    quantity: Decimal,
    period_start: date,
    period_end: date,
    evidence: list[CheckedPdf],
    by: User,
) -> SocialReturnActivity:
    """The supplier's team reports what it did, valued by the building block, with its
    evidence (checked PDFs); the contract's manager hears of it."""
    activity = SocialReturnActivity.objects.create(
        contract=contract,
        block=block,
        description=description,
        quantity=quantity,
        period_start=period_start,
        period_end=period_end,
        value=(quantity * block.value_per_unit).quantize(Decimal("0.01")),
        reported_by=by,
    )
    for upload in evidence:
        SocialReturnEvidence.objects.create(
            activity=activity,
            file=ContentFile(upload.content, name="evidence.pdf"),
            original_name=upload.name,
        )
    if contract.contract_manager_id:
        notify_each(
            [contract.contract_manager],
            kind=SOCIAL_RETURN,
            dedupe_key=f"social-return:{activity.pk}:reported",
            message=partial(_reported_message, activity),
            url=reverse("admin:procurement_socialreturnactivity_change", args=[activity.pk]),
            subject=contract,
        )
    return activity


@transaction.atomic
def add_evidence(*, activity: SocialReturnActivity, evidence: list[CheckedPdf], note: str) -> None:
    """The supplier answers a request for more: new evidence and a note; the activity
    waits for review again."""
    if activity.status != SocialReturnActivity.Status.MORE_ASKED:
        raise ProcurementError(_("The coordinator has not asked for more on this activity."))
    for upload in evidence:
        SocialReturnEvidence.objects.create(
            activity=activity,
            file=ContentFile(upload.content, name="evidence.pdf"),
            original_name=upload.name,
        )
    activity.description = (
        f"{activity.description}\n\n{note}".strip() if note else activity.description
    )
    activity.status = SocialReturnActivity.Status.SUBMITTED
    activity.save(update_fields=["description", "status"])


def _reported_message(activity: SocialReturnActivity) -> str:
    return _("%(supplier)s reported social return on %(contract)s: %(block)s.") % {
        "supplier": activity.contract.party_name,
        "contract": activity.contract.tender.title,
        "block": activity.block.localized_name,
    }


def _review_message(activity: SocialReturnActivity) -> str:
    if activity.status == SocialReturnActivity.Status.ACCEPTED:
        return _("Your social-return activity on %(contract)s is accepted: € %(value)s.") % {
            "contract": activity.contract.tender.title,
            "value": activity.value,
        }
    return _(
        "The coordinator asks for more on your social-return activity on %(contract)s: %(note)s"
    ) % {"contract": activity.contract.tender.title, "note": activity.review_note}


@transaction.atomic
def review_activity(
    *, activity: SocialReturnActivity, accept: bool, note: str, by: User
) -> SocialReturnActivity:
    """The social-return coordinator accepts an activity, or asks for more (with a note
    saying what); the supplier's team is told."""
    if not accept and not note.strip():
        raise ProcurementError(_("Say what more you need."))
    activity.status = (
        SocialReturnActivity.Status.ACCEPTED if accept else SocialReturnActivity.Status.MORE_ASKED
    )
    activity.review_note = note.strip()
    activity.reviewed_by = by
    activity.reviewed_at = timezone.now()
    activity.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    supplier = activity.contract.supplier
    if supplier is not None:
        notify_each(
            supplier.team_members(),
            kind=SOCIAL_RETURN,
            dedupe_key=f"social-return:{activity.pk}:{activity.status}:{activity.reviewed_at:%Y%m%d%H%M%S%f}",
            message=partial(_review_message, activity),
            url=reverse("procurement:supplier_contract", args=[activity.contract_id]),
            subject=activity.contract,
        )
    return activity


# --- Supplier performance ---------------------------------------------------------------


def _checkpoint_message(checkpoint: KpiCheckpoint) -> str:
    return _(
        "The municipality scored your work on %(contract)s from %(start)s to %(end)s: "
        "%(mean)s on average. You can respond."
    ) % {
        "contract": checkpoint.contract.tender.title,
        "start": checkpoint.period_start.strftime("%d-%m-%Y"),
        "end": checkpoint.period_end.strftime("%d-%m-%Y"),
        "mean": number_format(checkpoint.mean, 1),
    }


def _response_message(checkpoint: KpiCheckpoint) -> str:
    return _("%(supplier)s responded to the KPI checkpoint of %(end)s on %(contract)s.") % {
        "supplier": checkpoint.contract.party_name,
        "end": checkpoint.period_end.strftime("%d-%m-%Y"),
        "contract": checkpoint.contract.tender.title,
    }


@transaction.atomic
def record_checkpoint(*, checkpoint: KpiCheckpoint, by: User | None) -> KpiCheckpoint:
    """A contract manager records a KPI checkpoint; the supplier's team is told it can
    see the scores and respond."""
    checkpoint.recorded_by = by
    checkpoint.full_clean(exclude=["contract"])
    checkpoint.save()
    supplier = checkpoint.contract.supplier
    if supplier is not None:
        notify_each(
            supplier.team_members(),
            kind=SUPPLIER_PERFORMANCE,
            dedupe_key=f"kpi-checkpoint:{checkpoint.pk}:recorded",
            message=partial(_checkpoint_message, checkpoint),
            url=reverse("procurement:kpi_response", args=[checkpoint.pk]),
            subject=checkpoint.contract,
        )
    return checkpoint


@transaction.atomic
def respond_to_checkpoint(*, checkpoint: KpiCheckpoint, response: str, by: User) -> KpiCheckpoint:
    """The supplier's team responds to a checkpoint, once: a second response is refused
    (the conditional update decides when two team members respond at once). The
    contract manager and whoever recorded it are told."""
    text = response.strip()
    if not text:
        raise ProcurementError(_("Write your response."))
    now = timezone.now()
    updated = KpiCheckpoint.objects.filter(pk=checkpoint.pk, responded_at__isnull=True).update(
        response=text, responded_by=by, responded_at=now
    )
    if not updated:
        raise ProcurementError(_("Your company has responded to this checkpoint already."))
    checkpoint.response, checkpoint.responded_by, checkpoint.responded_at = text, by, now
    contract = checkpoint.contract
    notify_each(
        [contract.contract_manager, checkpoint.recorded_by],
        kind=SUPPLIER_PERFORMANCE,
        dedupe_key=f"kpi-checkpoint:{checkpoint.pk}:response",
        message=partial(_response_message, checkpoint),
        url=reverse("admin:procurement_contract_change", args=[contract.pk]),
        subject=contract,
    )
    return checkpoint
