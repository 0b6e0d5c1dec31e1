"""The tender calendar as an OCDS 1.1 release package: one planning or tender release per
public calendar entry, its buyer the municipality, CPV as the classification (check digit
from the table), values excluding VAT in euros, and the Dutch procedure mapped to OCDS's
procurementMethod with the Dutch name in procurementMethodDetails. The only party is the
buyer: a private procedure's invitations are not published, and no supplier is called a
tenderer before it has bid (the portal records no bids)."""

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from notifications.emails import absolute_url
from procurement.models import Tender

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


def release_package(tenders) -> dict:
    return {
        "uri": absolute_url("/inkoop/ocds.json"),
        "version": "1.1",
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": settings.PORTAL_MUNICIPALITY_NAME},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": absolute_url("/pagina/privacy/"),
        "releases": [_release(tender) for tender in tenders],
    }
