"""The tender calendar as an OCDS 1.1 release package: one planning or tender release per
public calendar entry, its buyer the municipality, CPV as the classification (check digit
from the table), values excluding VAT in euros, and the Dutch procedure mapped to OCDS's
procurementMethod with the Dutch name in procurementMethodDetails. The only party is the
buyer: a private procedure's invitations are not published, and no supplier is called a
tenderer before it has bid (the portal records no bids). Each contract also has an
implementation release: payments as transactions, and milestones (options, the end
date, KPI checkpoints met or not met)."""

import hashlib
import json
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from notifications.emails import absolute_url
from procurement.models import Contract, MviCriterion, MviTheme, Tender

PROCUREMENT_METHOD = {
    Tender.Procedure.SINGLE: ("direct", "Enkelvoudig onderhands"),
    Tender.Procedure.MULTIPLE: ("limited", "Meervoudig onderhands"),
    Tender.Procedure.NATIONAL: ("open", "Nationaal openbaar"),
    Tender.Procedure.EUROPEAN: ("open", "Europees openbaar"),
}
CATEGORY = {
    Tender.Category.WORKS: "works",
    Tender.Category.GOODS: "goods",
    Tender.Category.SERVICES: "services",
    Tender.Category.SOCIAL: "services",
}
TENDER_STATUS = {
    Tender.Status.PLANNED: "planned",
    Tender.Status.PUBLISHED: "active",
    Tender.Status.AWARDED: "complete",
    Tender.Status.CANCELLED: "cancelled",
}


# The MVI themes as goals of OCDS's sustainability extension (an open codelist; a
# sub-code below an existing code where the list has none of its own).
SUSTAINABILITY_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_sustainability_extension/master/extension.json"
)
SUSTAINABILITY_GOAL = {
    MviTheme.CLIMATE: "environmental.carbonEmissionsReduction",
    MviTheme.CIRCULAR: "environmental.resourceReuse",
    MviTheme.ENVIRONMENT: "environmental",
    MviTheme.SOCIAL: "social",
    MviTheme.INTERNATIONAL: "social.laborRightsPromotion",
    MviTheme.DIVERSITY: "social.diversityInclusion",
}
# Social return (werk voor mensen met afstand tot de arbeidsmarkt) is a condition of
# carrying out the contract.
SOCIAL_RETURN_GOAL = "economic.formalEmploymentPromotion"
LEVEL_NL = {
    MviCriterion.Level.BASE: "basisniveau",
    MviCriterion.Level.SIGNIFICANT: "significant niveau",
    MviCriterion.Level.AMBITIOUS: "ambitieus niveau",
}
CONTRACT_STATUS = {
    Contract.Status.RUNNING: "active",
    Contract.Status.EXTENDED: "active",
    Contract.Status.ENDED: "terminated",
    Contract.Status.TERMINATED: "terminated",
}


def _sustainability(tender: Tender) -> tuple[list[dict], list[str]]:
    """The tender's MVI criteria and social return as the sustainability extension's
    entries, and the same in words (Dutch, as the release) for awardCriteriaDetails."""
    entries, words = [], []
    for chosen in tender.criteria.all():
        criterion = chosen.criterion
        entries.append(
            {"goal": SUSTAINABILITY_GOAL[chosen.theme], "strategies": ["technicalSpecifications"]}
        )
        words.append(f"{criterion.code} {criterion.title} ({LEVEL_NL[criterion.level]})")
    if tender.has_social_return:
        entries.append(
            {"goal": SOCIAL_RETURN_GOAL, "strategies": ["contractPerformanceConditions"]}
        )
        if tender.social_return_amount:
            words.append(f"Social return: € {tender.social_return_amount}")
        else:
            words.append(f"Social return: {tender.social_return_percent}% van de opdrachtwaarde")
    return entries, words


def _organisation(contract: Contract) -> dict:
    """The supplier as an OCDS organisation reference: a company by its KvK number."""
    supplier = contract.supplier
    kvk = supplier.kvk_number if supplier else contract.invited_kvk
    return {"id": f"NL-KVK-{kvk}", "name": contract.party_name}


def _period(contract: Contract) -> dict:
    return {"startDate": _start_of(contract.start_date), "endDate": _end_of(contract.end_date)}


def _award_releases(tender: Tender, ocid: str, buyer_party: dict) -> list[dict]:
    """One award release and one contract release for a tender with contracts: the
    suppliers are parties by company (no persons), each contract its own award."""
    contracts = list(tender.contracts.all())
    if not contracts:
        return []
    parties = [buyer_party]
    for contract in contracts:
        organisation = _organisation(contract)
        if all(party["id"] != organisation["id"] for party in parties):
            scheme_id = organisation["id"].removeprefix("NL-KVK-")
            parties.append(
                {
                    **organisation,
                    "identifier": {
                        "scheme": "NL-KVK",
                        "id": scheme_id,
                        "legalName": organisation["name"],
                    },
                    "roles": ["supplier"],
                }
            )
    latest = max(contract.awarded_at for contract in contracts).isoformat()
    awards = [
        {
            "id": str(contract.pk),
            "title": tender.title,
            "status": "active",
            "date": contract.awarded_at.isoformat(),
            "value": {"amount": float(contract.value), "currency": "EUR"},
            "suppliers": [_organisation(contract)],
            "contractPeriod": _period(contract),
        }
        for contract in contracts
    ]
    contract_sections = [
        {
            "id": str(contract.pk),
            "awardID": str(contract.pk),
            "title": tender.title,
            "status": CONTRACT_STATUS[contract.status],
            "period": _period(contract),
            "value": {"amount": float(contract.value), "currency": "EUR"},
            "dateSigned": contract.awarded_at.isoformat(),
        }
        for contract in contracts
    ]
    common = {
        "ocid": ocid,
        "date": latest,
        "initiationType": "tender",
        "language": "nl",
        "buyer": _buyer(),
        "parties": parties,
    }
    implementation = [
        _implementation_release(contract, ocid, buyer_party) for contract in contracts
    ]
    return [
        {**common, "id": f"{ocid}-award-{len(contracts)}", "tag": ["award"], "awards": awards},
        {
            **common,
            "id": f"{ocid}-contract-{len(contracts)}",
            "tag": ["contract"],
            "awards": awards,
            "contracts": contract_sections,
        },
        *implementation,
    ]


def _end_of(day: date) -> str:
    end = datetime.combine(day, time.max.replace(microsecond=0))
    return end.replace(tzinfo=timezone.get_default_timezone()).isoformat()


def _milestones(contract: Contract, today: date) -> list[dict]:
    """The contract's milestones by OCDS's codelists (milestoneType open, status
    closed): each option's decision date (approval: met when the option was used,
    notMet when its date passed unused), the end date (delivery: met once ended,
    notMet when terminated) and each KPI checkpoint (reporting: met when its mean
    score reaches the threshold). Scores only: no remark, response or person."""
    milestones = []
    for option in contract.options.all():
        if option.used_at:
            status, met = "met", _start_of(option.used_at)
        else:
            status, met = ("scheduled" if option.decide_by >= today else "notMet"), None
        milestones.append(
            {
                "id": f"option-{option.pk}",
                "title": f"Besluit over de optie tot verlenging tot {option.extends_to:%d-%m-%Y}",
                "type": "approval",
                "code": "optionToExtend",
                "dueDate": _end_of(option.decide_by),
                "status": status,
                **({"dateMet": met} if met else {}),
            }
        )
    if contract.status == Contract.Status.TERMINATED:
        end_status = "notMet"
    elif contract.status == Contract.Status.ENDED or contract.end_date < today:
        end_status = "met"
    else:
        end_status = "scheduled"
    milestones.append(
        {
            "id": "end",
            "title": "Einde van het contract",
            "type": "delivery",
            "code": "contractEnd",
            "dueDate": _end_of(contract.end_date),
            "status": end_status,
            **({"dateMet": _end_of(contract.end_date)} if end_status == "met" else {}),
        }
    )
    for checkpoint in contract.kpi_checkpoints.all():
        milestones.append(
            {
                "id": f"kpi-{checkpoint.pk}",
                "title": (
                    f"Prestatiemeting {checkpoint.period_start:%d-%m-%Y} tot "
                    f"{checkpoint.period_end:%d-%m-%Y}"
                ),
                "type": "reporting",
                "code": "kpiCheckpoint",
                "description": (
                    f"Gemiddelde score {checkpoint.mean} (kwaliteit {checkpoint.quality}, "
                    f"op tijd {checkpoint.on_time}, communicatie {checkpoint.communication}, "
                    f"duurzaamheid {checkpoint.sustainability}; drempel "
                    f"{settings.PROCUREMENT_KPI_THRESHOLD})"
                ),
                "dueDate": _end_of(checkpoint.period_end),
                "dateModified": checkpoint.recorded_at.isoformat(),
                "status": "met" if checkpoint.met else "notMet",
                **({"dateMet": checkpoint.recorded_at.isoformat()} if checkpoint.met else {}),
            }
        )
    return milestones


def _implementation_release(contract: Contract, ocid: str, buyer_party: dict) -> dict:
    """One implementation release per contract: its payments as transactions from the
    buyer to the supplier, and its milestones."""
    supplier = _organisation(contract)
    buyer = _buyer()
    payments = list(contract.payments.all())
    checkpoints = list(contract.kpi_checkpoints.all())
    transactions = [
        {
            "id": str(payment.pk),
            "date": _start_of(payment.paid_on),
            "value": {"amount": float(payment.amount), "currency": "EUR"},
            "payer": buyer,
            "payee": supplier,
        }
        for payment in payments
    ]
    moments = [contract.awarded_at]
    moments += [payment.recorded_at for payment in payments]
    moments += [checkpoint.recorded_at for checkpoint in checkpoints]
    release = {
        "ocid": ocid,
        "date": max(moments).isoformat(),
        "tag": ["implementation"],
        "initiationType": "tender",
        "language": "nl",
        "buyer": buyer,
        "parties": [
            {**buyer_party, "roles": [*buyer_party["roles"], "payer"]},
            {
                **supplier,
                "identifier": {
                    "scheme": "NL-KVK",
                    "id": supplier["id"].removeprefix("NL-KVK-"),
                    "legalName": supplier["name"],
                },
                "roles": ["supplier", "payee"],
            },
        ],
        "contracts": [
            {
                "id": str(contract.pk),
                "awardID": str(contract.pk),
                "status": CONTRACT_STATUS[contract.status],
                "implementation": {
                    "transactions": transactions,
                    "milestones": _milestones(contract, timezone.localdate()),
                },
            }
        ],
    }
    # OCDS: a release id names one content. Payments may be corrected and milestones
    # change status with the calendar, so the id comes from the content itself.
    content = json.dumps(release, sort_keys=True, default=str).encode()
    digest = hashlib.sha256(content).hexdigest()[:16]
    return {"id": f"{ocid}-implementation-{contract.pk}-{digest}", **release}


def _buyer() -> dict:
    # Read per request, not at import: both are settings of the municipality running it.
    return {"id": settings.OCDS_BUYER_ID, "name": settings.PORTAL_MUNICIPALITY_NAME}


def _start_of(day: date) -> str:
    """The instant a local calendar day begins, with the offset it has then (+01:00 in
    winter, +02:00 in summer): OCDS wants a date-time, and midnight UTC would be an hour
    or two after the day began here."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _release(tender: Tender) -> dict:
    ocid = f"{settings.OCDS_PREFIX}-{tender.pk}"
    method, details = PROCUREMENT_METHOD[tender.procedure]
    codes = list(tender.cpv_codes.all())
    value = {"amount": float(tender.value_high), "currency": "EUR"}
    tag = "planning" if tender.status == Tender.Status.PLANNED else "tender"
    # The release's language is Dutch, so the CPV descriptions are too.
    item_classification = [
        {"scheme": "CPV", "id": code.full_code, "description": code.label_nl or code.label}
        for code in codes
    ]
    tender_section = {
        "id": str(tender.pk),
        "title": tender.title,
        "description": tender.description,
        "status": TENDER_STATUS[tender.status],
        "procuringEntity": _buyer(),
        "value": value,
        "minValue": {"amount": float(tender.value_low), "currency": "EUR"},
        "procurementMethod": method,
        "procurementMethodDetails": details,
        "mainProcurementCategory": CATEGORY[tender.category],
        "items": [
            {"id": str(index), "classification": classification}
            for index, classification in enumerate(item_classification, start=1)
        ],
    }
    sustainability, criteria_words = _sustainability(tender)
    tender_section["hasSustainability"] = bool(sustainability)
    if sustainability:
        tender_section["sustainability"] = sustainability
        tender_section["awardCriteriaDetails"] = "; ".join(criteria_words)
    if tender.submission_deadline:
        tender_section["tenderPeriod"] = {"endDate": tender.submission_deadline.isoformat()}
    if tender.contract_start:
        tender_section["contractPeriod"] = {"startDate": _start_of(tender.contract_start)}
    # Only the buyer is a party. Who was invited to a private procedure is not public,
    # and OCDS's "tenderer" is a firm that submitted a bid, which the portal does not
    # record: no supplier is named here, whatever the procedure or status.
    parties = [
        {
            **_buyer(),
            "roles": ["buyer", "procuringEntity"],
            "contactPoint": {"name": tender.contact_name, "email": tender.contact_email},
        }
    ]
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{tender.sequence}",
        "date": tender.updated_at.isoformat(),
        "tag": [tag],
        "initiationType": "tender",
        "language": "nl",
        "buyer": _buyer(),
        "parties": parties,
        "planning": {
            "rationale": tender.mvi_criteria or "",
            "budget": {"amount": value, "description": tender.department},
        },
        "tender": tender_section,
    }
    if tender.tenderned_url:
        tender_section["documents"] = [
            {"id": "tenderned", "documentType": "tenderNotice", "url": tender.tenderned_url}
        ]
    return release


def _releases(tender: Tender) -> list[dict]:
    release = _release(tender)
    # The award and contract releases name no person: the buyer without its contact.
    buyer_party = {**_buyer(), "roles": ["buyer", "procuringEntity"]}
    return [release, *_award_releases(tender, release["ocid"], buyer_party)]


def release_package(tenders) -> dict:
    return {
        "uri": absolute_url("/inkoop/ocds.json"),
        "version": "1.1",
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": settings.PORTAL_MUNICIPALITY_NAME},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": absolute_url("/pagina/privacy/"),
        "extensions": [SUSTAINABILITY_EXTENSION],
        "releases": [release for tender in tenders for release in _releases(tender)],
    }
