"""Personal data in the procurement app (see ``privacy.registry``). A supplier's company
data is not personal, except its contact person."""

from django.db.models import Q

from privacy.registry import PersonalData
from procurement.models import (
    Contract,
    KpiCheckpoint,
    OfficerDepartment,
    SocialReturnActivity,
    Supplier,
    SupplierMember,
    TeamInvitation,
    Tender,
    TenderChange,
    TenderInvitation,
)


def _forget_contact(user) -> None:
    """The person stops being anyone's named contact; officers see the gap."""
    Supplier.objects.filter(contact_email__iexact=user.email).update(
        contact_name="", contact_email=""
    )
    Tender.objects.filter(contact_email__iexact=user.email).update(
        contact_name="", contact_email=""
    )
    TeamInvitation.objects.filter(email__iexact=user.email).delete()
    Contract.objects.filter(invited_email__iexact=user.email).update(invited_email="")


PERSONAL_DATA = [
    PersonalData(
        model="procurement.SupplierMember",
        rows=lambda user: SupplierMember.objects.filter(user=user),
        exported=("supplier", "joined_at"),
        not_personal=("id", "user"),
        erase=_forget_contact,
    ),
    PersonalData(
        model="procurement.Supplier",
        rows=lambda user: Supplier.objects.filter(
            Q(members__user=user) | Q(contact_email__iexact=user.email)
        ).distinct(),
        exported=("name", "kvk_number", "contact_name", "contact_email", "created_at"),
        not_personal=(
            "id",
            "establishment_number",
            "vat_number",
            "street",
            "postcode",
            "city",
            "website",
            "staff_count",
            "turnover",
            "size",
            "is_local",
            "social_enterprise",
            "service_area",
            "wants_invitations",
            "status",
            "verified_at",
            "cpv_codes",
        ),
        withheld={"feed_token": "the secret in the supplier's personal calendar link"},
    ),
    PersonalData(
        model="procurement.TeamInvitation",
        rows=lambda user: TeamInvitation.objects.filter(
            Q(invited_by=user) | Q(email__iexact=user.email)
        ),
        exported=("supplier", "email", "created_at", "sent_at", "accepted_at"),
        not_personal=("id", "invited_by"),
    ),
    # Civil servants' work.
    PersonalData(
        model="procurement.Tender",
        rows=lambda user: Tender.objects.filter(contact_email__iexact=user.email),
        exported=("title", "contact_name", "contact_email"),
        not_personal=(
            "id",
            "description",
            "department",
            "category",
            "procedure",
            "value_low",
            "value_high",
            "expected_publication",
            "submission_deadline",
            "contract_start",
            "social_return_percent",
            "social_return_amount",
            "mvi_criteria",
            "tenderned_url",
            "status",
            "shortlist_reason",
            "sequence",
            "created_at",
            "updated_at",
            "cpv_codes",
            "project",
        ),
    ),
    PersonalData(
        model="procurement.TenderChange",
        rows=lambda user: TenderChange.objects.filter(actor=user),
        exported=("tender", "summary", "created_at"),
        not_personal=("id", "actor", "kind", "details"),
    ),
    PersonalData(
        model="procurement.TenderInvitation",
        rows=lambda user: TenderInvitation.objects.filter(created_by=user),
        exported=("tender", "supplier", "reason", "created_at", "sent_at"),
        not_personal=("id", "created_by"),
    ),
    PersonalData(
        model="procurement.Contract",
        rows=lambda user: Contract.objects.filter(
            Q(contract_manager=user) | Q(invited_email__iexact=user.email)
        ),
        exported=("tender", "invited_name", "invited_email", "start_date", "end_date"),
        not_personal=(
            "id",
            "supplier",
            "invited_kvk",
            "invited_at",
            "department",
            "value",
            "status",
            "contract_manager",
            "social_return_obligation",
            "awarded_at",
        ),
    ),
    PersonalData(
        model="procurement.OfficerDepartment",
        rows=lambda user: OfficerDepartment.objects.filter(user=user),
        exported=("department",),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="procurement.SocialReturnActivity",
        rows=lambda user: SocialReturnActivity.objects.filter(
            Q(reported_by=user) | Q(reviewed_by=user)
        ),
        exported=("contract", "description", "reported_at", "review_note", "reviewed_at"),
        not_personal=(
            "id",
            "block",
            "quantity",
            "period_start",
            "period_end",
            "value",
            "status",
            "reported_by",
            "reviewed_by",
        ),
    ),
    # A KPI checkpoint is about a company; the officer who scored it and the team member
    # who responded are people (set null when their account goes).
    PersonalData(
        model="procurement.KpiCheckpoint",
        rows=lambda user: KpiCheckpoint.objects.filter(Q(recorded_by=user) | Q(responded_by=user)),
        exported=("contract", "remark", "recorded_at", "response", "responded_at"),
        not_personal=(
            "id",
            "period_start",
            "period_end",
            "quality",
            "on_time",
            "communication",
            "sustainability",
            "recorded_by",
            "responded_by",
        ),
    ),
]
