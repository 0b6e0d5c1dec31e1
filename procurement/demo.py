"""Demo suppliers (local SMEs, one pending) with a login for the first, a tender
calendar with planned, published, awarded and cancelled entries, and contracts with MVI
criteria, social return reported and reviewed, and options to extend."""

import re
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import DemoLogin
from accounts.models import Role
from procurement import actions
from procurement.models import (
    Contract,
    ContractOption,
    ContractPayment,
    CpvCode,
    KpiCheckpoint,
    MviCriterion,
    OfficerDepartment,
    SocialReturnActivity,
    SocialReturnBlock,
    Supplier,
    SupplierMember,
    Tender,
    TenderChange,
    TenderCriterion,
)

SUPPLIERS = [
    # kvk, name, vat, postcode, city, staff, turnover, cpv codes, status
    (
        "90000001",
        "Groenwerk Eemdal B.V.",
        "NL004495445B01",
        "3811 AB",
        "Eemdal",
        12,
        "2m",
        ["77310000", "45112700"],
        "verified",
    ),
    (
        "90000002",
        "Bouwbedrijf De Kade",
        "NL000099998B57",
        "3812 CD",
        "Eemdal",
        45,
        "10m",
        ["45000000"],
        "verified",
    ),
    (
        "90000003",
        "Schoonmaak Samen (sociale onderneming)",
        "NL004495445B01",
        "3813 EF",
        "Eemdal",
        30,
        "2m",
        ["90910000"],
        "verified",
    ),
    (
        "90000005",
        "Landelijk Facilitair Bedrijf N.V.",
        "NL000099998B57",
        "1011 AB",
        "Amsterdam",
        900,
        "more",
        ["90910000", "45000000"],
        "verified",
    ),
    (
        "90000004",
        "Digitaal Advies Utrecht",
        "NL000099998B57",
        "3511 AA",
        "Utrecht",
        8,
        "2m",
        ["72000000"],
        "pending",
    ),
]

TENDERS = [
    (
        "Onderhoud openbaar groen 2027-2030",
        "services",
        "europees",
        400_000,
        650_000,
        60,
        ["77310000"],
        "planned",
        "Beheer openbare ruimte",
    ),
    (
        "Herinrichting Havenplein",
        "works",
        "meervoudig",
        180_000,
        250_000,
        30,
        ["45233000"],
        "published",
        "Projecten",
    ),
    (
        "Schoonmaak gemeentelijke gebouwen",
        "services",
        "nationaal",
        150_000,
        200_000,
        120,
        ["90910000"],
        "planned",
        "Facilitair",
    ),
    (
        "Vervanging speeltoestellen",
        "goods",
        "meervoudig",
        60_000,
        90_000,
        -330,  # published eleven months ago; its contract started eight months ago
        ["37535200"],
        "awarded",
        "Beheer openbare ruimte",
    ),
    (
        "Verkenning datawarehouse",
        "services",
        "enkelvoudig",
        20_000,
        40_000,
        20,
        ["72000000"],
        "cancelled",
        "Informatievoorziening",
    ),
]


def seed(demo) -> None:
    codes = {code.code: code for code in CpvCode.objects.all()}
    user = demo.residents[-1] if demo.residents else None
    for index, (kvk, name, vat, postcode, city, staff, turnover, cpv, status) in enumerate(
        SUPPLIERS
    ):
        supplier, created = Supplier.objects.get_or_create(
            kvk_number=kvk,
            defaults={
                "name": name,
                "vat_number": vat,
                "street": "Havenstraat 1",
                "postcode": postcode,
                "city": city,
                "contact_name": "Contactpersoon",
                "contact_email": f"info{index}@leverancier.example",
                "staff_count": staff,
                "turnover": turnover,
                "social_enterprise": "sociale" in name,
                "status": status,
                "verified_at": timezone.now() if status == "verified" else None,
            },
        )
        if created:
            supplier.cpv_codes.set([codes[code] for code in cpv if code in codes])
    if user is not None and not SupplierMember.objects.filter(user=user).exists():
        SupplierMember.objects.create(
            supplier=Supplier.objects.get(kvk_number="90000001"), user=user
        )
        demo.logins.append(DemoLogin(user.email, "Supplier team member (Groenwerk Eemdal)"))
    officer = demo.staff.get(Role.PROCUREMENT_OFFICER)
    today = timezone.localdate()
    for title, category, procedure, low, high, days, cpv, status, department in TENDERS:
        if Tender.objects.filter(title=title).exists():
            continue
        publication = today + timedelta(days=days)
        tender = Tender.objects.create(
            title=title,
            description=f"{title}. De gemeente zoekt een betrouwbare partner.",
            department=department,
            category=category,
            procedure=procedure,
            value_low=low,
            value_high=high,
            expected_publication=publication,
            submission_deadline=timezone.make_aware(
                timezone.datetime.combine(
                    publication + timedelta(days=35), timezone.datetime.min.time()
                )
            )
            + timedelta(hours=12),
            contract_start=publication + timedelta(days=90),
            social_return_percent=5 if high > 100_000 else 0,
            mvi_criteria="CO2-reductie en inzet van mensen met afstand tot de arbeidsmarkt.",
            contact_name="Inkoper Noor",
            contact_email="inkoop@eemdal.example",
            status=status,
        )
        tender.cpv_codes.set([codes[code] for code in cpv if code in codes])
        actions.record_tender_change(
            tender=tender,
            by=officer,
            kind=TenderChange.Kind.CREATED,
            details={"status": status},
            newly_public=True,
        )
    published = Tender.objects.filter(title="Herinrichting Havenplein").first()
    # Once awarded (below, on the first run) the tender takes no more interest.
    if published is not None and not published.interests.exists():
        actions.express_interest(
            tender=published,
            supplier=Supplier.objects.get(kvk_number="90000002"),
            note="Wij hebben ervaring met pleinen in de binnenstad.",
        )

    _seed_contracts(officer, user)
    _seed_history(officer, user)


# Contracts of the awarded demo tenders: (tender title, supplier kvk, value, months run
# so far, months in all, criteria).
CONTRACTS = [
    ("Vervanging speeltoestellen", "90000001", 82_000, 8, 24, ["SPL-C1", "GRN-S1"]),
    ("Onderhoud openbaar groen 2027-2030", "90000001", 520_000, 14, 36, ["GRN-K2", "GRN-M2"]),
    ("Schoonmaak gemeentelijke gebouwen", "90000003", 180_000, 20, 24, ["SCH-M1", "SCH-I1"]),
    ("Herinrichting Havenplein", "90000002", 240_000, 3, 12, ["GWW-K1", "GWW-C1"]),
]


def _earlier_round(tender: Tender, start, officer) -> Tender:
    """The tender of the same work in an earlier round, published four months before the
    contract started (a believable calendar: awarded ones in the past, their contracts
    after their publication)."""
    title = re.sub(r"\s\d{4}-\d{4}$", "", tender.title) + " (vorige ronde)"
    earlier = Tender.objects.filter(title=title).first()
    if earlier is not None:
        return earlier
    publication = start - timedelta(days=120)
    earlier = Tender.objects.create(
        title=title,
        description=tender.description,
        department=tender.department,
        category=tender.category,
        procedure=tender.procedure,
        value_low=tender.value_low,
        value_high=tender.value_high,
        expected_publication=publication,
        submission_deadline=timezone.make_aware(
            timezone.datetime.combine(publication + timedelta(days=35), time(12))
        ),
        contract_start=start,
        mvi_criteria=tender.mvi_criteria,
        contact_name=tender.contact_name,
        contact_email=tender.contact_email,
        status=Tender.Status.PUBLISHED,
    )
    earlier.cpv_codes.set(tender.cpv_codes.all())
    actions.record_tender_change(
        tender=earlier,
        by=officer,
        kind=TenderChange.Kind.CREATED,
        details={"status": Tender.Status.PUBLISHED},
        newly_public=True,
    )
    return earlier


def _seed_contracts(officer, member) -> None:
    """Award some demo tenders with MVI criteria and 5% social return, with an option to
    extend, reported activities (accepted, waiting and asked for more) so the contract
    page shows obliged against realised."""

    if Contract.objects.exists():
        return
    today = timezone.localdate()
    if officer is not None:
        OfficerDepartment.objects.get_or_create(user=officer, department="Beheer openbare ruimte")
    blocks = {block.code: block for block in SocialReturnBlock.objects.all()}
    for title, kvk, value, months_run, months, codes in CONTRACTS:
        tender = Tender.objects.filter(title=title).first()
        supplier = Supplier.objects.filter(kvk_number=kvk).first()
        if tender is None or supplier is None:
            continue
        start = today - timedelta(days=30 * months_run)
        if tender.expected_publication >= start - timedelta(days=60):
            # A contract running now came from an earlier round; the calendar's tender
            # still to come stays planned or published.
            tender = _earlier_round(tender, start, officer)
        Tender.objects.filter(pk=tender.pk).update(social_return_percent=5)
        tender.refresh_from_db()
        for criterion in MviCriterion.objects.filter(code__in=codes):
            TenderCriterion.objects.get_or_create(tender=tender, criterion=criterion)
        contract = actions.award_contract(
            contract=Contract(
                tender=tender,
                supplier=supplier,
                value=value,
                start_date=start,
                end_date=start + timedelta(days=30 * months),
                contract_manager=officer,
            ),
            by=officer,
        )
        ContractOption.objects.create(
            contract=contract,
            extends_to=contract.end_date + timedelta(days=365),
            decide_by=contract.end_date - timedelta(days=60),
        )
        reports = [
            ("bbl", Decimal("0.5"), "BBL-leerling hovenier, eerste half jaar", "accepted"),
            ("uitkering", Decimal("0.25"), "Werkzoekende uit de bijstand in dienst", "submitted"),
            (
                "sociale-onderneming",
                Decimal("8000"),
                "Inkoop bij de sociale werkplaats",
                "more_asked",
            ),
        ]
        for code, quantity, text, status in reports[: 1 + months_run // 8]:
            block = blocks.get(code)
            if block is None:
                continue
            SocialReturnActivity.objects.create(
                contract=contract,
                block=block,
                description=text,
                quantity=quantity,
                period_start=start,
                period_end=min(today, start + timedelta(days=180)),
                value=(quantity * block.value_per_unit).quantize(Decimal("0.01")),
                status=status,
                reported_by=member,
                reviewed_by=officer if status != "submitted" else None,
                reviewed_at=timezone.now() if status != "submitted" else None,
                review_note="Stuur de facturen mee." if status == "more_asked" else "",
            )
        # A KPI checkpoint every four months so far (the cleaning contract scored low, so
        # its supplier is suggested last on shortlists), the older ones answered.
        for number in range(months_run // 4):
            end = start + timedelta(days=120 * (number + 1) - 1)
            scores = KPI_SCORES[kvk][number % len(KPI_SCORES[kvk])]
            responded = number < months_run // 4 - 1
            KpiCheckpoint.objects.create(
                contract=contract,
                period_start=start + timedelta(days=120 * number),
                period_end=end,
                quality=scores[0],
                on_time=scores[1],
                communication=scores[2],
                sustainability=scores[3],
                remark=KPI_REMARKS[scores[0] >= 6],
                recorded_by=officer,
                recorded_at=min(
                    timezone.make_aware(
                        timezone.datetime.combine(end + timedelta(days=7), time(10))
                    ),
                    timezone.now(),
                ),
                response=KPI_RESPONSE if responded else "",
                responded_by=member if responded else None,
                responded_at=(
                    timezone.make_aware(
                        timezone.datetime.combine(end + timedelta(days=12), time(15))
                    )
                    if responded
                    else None
                ),
            )
        # An invoice paid every quarter so far, the value spread over the contract's term.
        quarters = max(1, months // 3)
        for number in range(months_run // 3):
            ContractPayment.objects.create(
                contract=contract,
                paid_on=start + timedelta(days=91 * (number + 1)),
                amount=(Decimal(value) / quarters).quantize(Decimal("0.01")),
                invoice_number=f"F{contract.pk:04d}-{number + 1:02d}",
            )


# Scores (quality, on time, communication, sustainability) per supplier, in turn.
KPI_SCORES = {
    "90000001": [(8, 7, 8, 7), (8, 8, 7, 8), (7, 8, 8, 8)],
    "90000002": [(7, 6, 7, 8)],
    "90000003": [(5, 4, 6, 5), (4, 5, 5, 6), (5, 5, 4, 5)],
}
KPI_REMARKS = {
    True: "Werk volgens afspraak opgeleverd; rapportages op tijd.",
    False: "Meerdere locaties niet of te laat schoongemaakt; klachten van gebruikers.",
}
KPI_RESPONSE = "Dank voor de terugkoppeling. We hebben de planning en de bezetting aangepast."


# Earlier contracts, so the procurement figures have years, departments, local and
# non-local, SME and large suppliers to compare: (title, department, category, CPV
# code, supplier kvk, value, days since the start, months in all, social return %,
# MVI criteria, share of the obligation realised and accepted).
HISTORY = [
    ("Maaien bermen 2024-2025", "Beheer openbare ruimte", "services", "77310000",
     "90000001", 145_000, 900, 24, 5, ["GRN-K1"], Decimal("1.1")),
    ("Schoonmaak stadhuis 2024-2026", "Facilitair", "services", "90910000",
     "90000005", 310_000, 850, 30, 5, [], Decimal("0.4")),
    ("Asfaltonderhoud Kade", "Projecten", "works", "45233000",
     "90000002", 420_000, 700, 14, 5, ["GWW-K1", "GWW-C1"], Decimal("0.9")),
    ("Schoonmaak wijkcentra", "Facilitair", "services", "90910000",
     "90000003", 95_000, 420, 12, 5, ["SCH-M1", "SCH-I1"], Decimal("1.0")),
    ("Groenonderhoud sportparken", "Sport en welzijn", "services", "77310000",
     "90000001", 120_000, 300, 15, 0, ["GRN-C1"], Decimal("0")),
    ("Renovatie gymzaal Molenweg", "Sport en welzijn", "works", "45000000",
     "90000005", 680_000, 200, 10, 5, [], Decimal("0.2")),
    ("Herstel kademuur fase 1", "Projecten", "works", "45000000",
     "90000002", 260_000, 120, 9, 5, ["GWW-K1"], Decimal("0.3")),
]  # fmt: skip


def _seed_history(officer, member) -> None:
    """Awarded tenders and contracts of the past two years (some ended, some ending in
    the next months), with accepted social return, once."""

    if Tender.objects.filter(title=HISTORY[0][0]).exists():
        return
    today = timezone.localdate()
    codes = {code.code: code for code in CpvCode.objects.filter(code__in=[h[3] for h in HISTORY])}
    block = SocialReturnBlock.objects.filter(code="sociale-onderneming").first()
    for title, department, category, cpv, kvk, value, days, months, percent, mvi, done in HISTORY:
        supplier = Supplier.objects.filter(kvk_number=kvk).first()
        if supplier is None:
            continue
        start = today - timedelta(days=days)
        tender = Tender.objects.create(
            title=title,
            description=f"{title}. De gemeente zocht een betrouwbare partner.",
            department=department,
            category=category,
            procedure="meervoudig" if value < 300_000 else "europees",
            value_low=value * 8 // 10,
            value_high=value * 12 // 10,
            expected_publication=start - timedelta(days=120),
            contract_start=start,
            social_return_percent=percent,
            contact_name="Inkoper Noor",
            contact_email="inkoop@eemdal.example",
            status=Tender.Status.PUBLISHED,
        )
        if cpv in codes:
            tender.cpv_codes.set([codes[cpv]])
        for criterion in MviCriterion.objects.filter(code__in=mvi):
            TenderCriterion.objects.get_or_create(tender=tender, criterion=criterion)
        end = start + timedelta(days=30 * months)
        contract = actions.award_contract(
            contract=Contract(
                tender=tender,
                supplier=supplier,
                value=value,
                start_date=start,
                end_date=end,
                status=Contract.Status.ENDED if end < today else Contract.Status.RUNNING,
                contract_manager=officer,
            ),
            by=officer,
        )
        realised = (contract.social_return_obligation * done).quantize(Decimal("1"))
        if block is not None and realised > 0 and block.value_per_unit:
            SocialReturnActivity.objects.create(
                contract=contract,
                block=block,
                description="Inkoop bij de sociale werkplaats",
                quantity=(realised / block.value_per_unit).quantize(Decimal("0.01")),
                period_start=start,
                period_end=min(today, end),
                value=realised,
                status=SocialReturnActivity.Status.ACCEPTED,
                reported_by=member,
                reviewed_by=officer,
                reviewed_at=timezone.now(),
            )
