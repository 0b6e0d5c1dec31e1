"""MVI criteria on tenders, the contract register with its reminders and open data, and
social return reported by the supplier and reviewed by the coordinator."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from notifications.models import Notification
from procurement import actions
from procurement.apps import _create_mvi_defaults
from procurement.models import (
    Contract,
    ContractOption,
    MviCriterion,
    SocialReturnActivity,
    SocialReturnBlock,
    Tender,
    TenderCriterion,
)
from procurement.tests.factories import (
    ContractFactory,
    SupplierFactory,
    SupplierMemberFactory,
    TenderFactory,
    block,
    minimal_pdf,
)

pytestmark = pytest.mark.django_db
SCHEMA_DIR = Path(__file__).parent / "schema"


def _merge(base: dict, patch: dict) -> dict:
    """JSON Merge Patch (RFC 7386), as OCDS applies an extension to the schema."""
    result = dict(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result


def ocds_errors(package: dict) -> list:
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    extension = json.loads((SCHEMA_DIR / "sustainability-extension.json").read_text())
    release = _merge(release, extension)
    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return sorted(Draft4Validator(package_schema, registry=registry).iter_errors(package), key=str)


def _criterion(code: str) -> MviCriterion:
    return MviCriterion.objects.get(code=code)


def _officer(client, **kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, user)
    return user


def _pdf(name="bewijs.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


# --- 1. MVI criteria ---------------------------------------------------------------------


def test_reference_criteria_and_blocks_are_put_back_where_missing():
    assert MviCriterion.objects.filter(theme="climate").exists()
    assert set(MviCriterion.objects.values_list("theme", flat=True)) == {
        "climate",
        "circular",
        "environment",
        "social",
        "international",
        "diversity",
    }
    _criterion("GRN-K1").delete()
    changed = block("stage")
    changed.value_per_unit = Decimal("3000.00")
    changed.save()
    _create_mvi_defaults(global_apps)
    assert _criterion("GRN-K1").level == MviCriterion.Level.BASE
    assert block("stage").value_per_unit == Decimal("3000.00")  # an officer's value stays


def test_criteria_and_social_return_show_on_the_calendar_tender_page_and_ocds(client):
    tender = TenderFactory(title="Groenonderhoud", social_return_percent=5)
    TenderCriterion.objects.create(tender=tender, criterion=_criterion("GRN-K2"))
    TenderCriterion.objects.create(tender=tender, criterion=_criterion("GRN-S1"))
    page = client.get(reverse("procurement:tender", args=[tender.pk])).content.decode()
    assert "Volledig emissievrij materieel" in page
    assert "Ambitieus niveau" in page
    assert "5% van de contractwaarde" in page
    calendar = client.get(reverse("procurement:calendar")).content.decode()
    assert "Klimaat (ambitieus niveau)" in calendar
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("procurement:tender", args=[tender.pk])).content.decode()
    assert "Fully zero-emission equipment" in english
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    assert ocds_errors(package) == []
    section = package["releases"][0]["tender"]
    assert section["hasSustainability"] is True
    assert section["sustainability"] == [
        {
            "goal": "environmental.carbonEmissionsReduction",
            "strategies": ["technicalSpecifications"],
        },
        {"goal": "social", "strategies": ["technicalSpecifications"]},
        {
            "goal": "economic.formalEmploymentPromotion",
            "strategies": ["contractPerformanceConditions"],
        },
    ]
    assert "GRN-K2" in section["awardCriteriaDetails"]
    assert package["extensions"]


def test_one_criterion_per_theme_and_social_return_one_way(client):
    _officer(client)
    tender = TenderFactory()
    data = {
        "title": tender.title,
        "department": tender.department,
        "category": tender.category,
        "procedure": tender.procedure,
        "value_low": 60_000,
        "value_high": 90_000,
        "expected_publication": tender.expected_publication.isoformat(),
        "cpv_codes": [],
        "social_return_percent": 5,
        "social_return_amount": 10_000,
        "contact_name": "Inkoper",
        "contact_email": "inkoop@gemeente.example",
        "status": "planned",
        "criteria-TOTAL_FORMS": 2,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-criterion": _criterion("GRN-K1").pk,
        "criteria-1-criterion": _criterion("GRN-K2").pk,
        **{
            f"{name}-TOTAL_FORMS": 0
            for name in ("interests", "invitations", "changes", "contracts")
        },
        **{
            f"{name}-INITIAL_FORMS": 0
            for name in ("interests", "invitations", "changes", "contracts")
        },
    }
    response = client.post(reverse("admin:procurement_tender_change", args=[tender.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is twee keer gekozen" in page
    assert "als percentage of als vast bedrag" in page
    assert not TenderCriterion.objects.exists()
    tender.refresh_from_db()
    assert tender.social_return_amount == 0


# --- 2. Award and contract register ------------------------------------------------------


def _award_data(tender, **overrides):
    start = timezone.localdate()
    data = {
        "tender": tender.pk,
        "supplier": "",
        "invited_name": "",
        "invited_kvk": "",
        "invited_email": "",
        "value": 200_000,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=730)).isoformat(),
        "status": "running",
        "contract_manager": "",
        "options-TOTAL_FORMS": 1,
        "options-INITIAL_FORMS": 0,
        "options-0-extends_to": (start + timedelta(days=1095)).isoformat(),
        "options-0-decide_by": (start + timedelta(days=640)).isoformat(),
        "documents-TOTAL_FORMS": 1,
        "documents-INITIAL_FORMS": 0,
        "documents-0-title": "Overeenkomst",
        "documents-0-file": _pdf("overeenkomst.pdf"),
    }
    data.update(overrides)
    return data


def test_officer_awards_to_a_local_sme_with_social_return(client):
    officer = _officer(client)
    tender = TenderFactory(social_return_percent=5, status="published")
    supplier = SupplierFactory(postcode="3811 AB")
    assert supplier.is_local
    assert supplier.is_sme
    response = client.post(
        reverse("admin:procurement_contract_add"),
        _award_data(tender, supplier=supplier.pk, contract_manager=officer.pk),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get()
    assert contract.supplier == supplier
    assert contract.social_return_obligation == 10_000  # 5% of € 200,000
    assert contract.department == tender.department
    assert contract.options.count() == 1
    assert contract.documents.count() == 1
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED
    page = client.get(reverse("procurement:tender", args=[tender.pk])).content.decode()
    assert supplier.name in page


def test_the_admin_contract_list_writes_amounts_as_the_public_pages(client):
    """Walk finding 17: the list showed "240000"."""
    _officer(client)
    ContractFactory(value=240_000)
    content = client.get(reverse("admin:procurement_contract_changelist")).content.decode()
    assert "€ 240.000" in content
    assert ">240000<" not in content


def test_an_unregistered_winner_is_invited_and_found_when_it_registers(
    client, django_capture_on_commit_callbacks
):
    _officer(client)
    tender = TenderFactory(status="published")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:procurement_contract_add"),
            _award_data(
                tender,
                invited_name="Nieuw Groen B.V.",
                invited_kvk="87654321",
                invited_email="info@nieuwgroen.example",
            ),
        )
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert contract.supplier is None
    assert contract.invited_at is not None
    invitations = [m for m in mail.outbox if m.to == ["info@nieuwgroen.example"]]
    assert len(invitations) == 1
    assert "87654321" in invitations[0].body
    supplier = SupplierFactory.build(kvk_number="87654321")
    actions.register_supplier(user=UserFactory(), supplier=supplier, cpv_codes=[])
    contract.refresh_from_db()
    assert contract.supplier == supplier


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"value": -5}, "value", "nul of meer"),
        ({"end_date": "2020-01-01"}, "end_date", "einde kan niet voor het begin"),
        ({"documents-0-file": None}, "documents-0-file", "geen PDF-document"),
    ],
)
def test_bad_award_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, overrides, field, message
):
    _officer(client)
    tender = TenderFactory(status="published")
    supplier = SupplierFactory()
    if field == "documents-0-file":
        overrides = {
            "documents-0-file": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf", "application/pdf")
        }
    response = client.post(
        reverse("admin:procurement_contract_add"),
        _award_data(tender, supplier=supplier.pk, **overrides),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contract.objects.exists()
    tender.refresh_from_db()
    assert tender.status == "published"


def test_reminders_before_the_end_and_the_option_deadline_are_sent_once(settings):
    manager = StaffFactory()
    today = timezone.localdate()
    contract = ContractFactory(contract_manager=manager, end_date=today + timedelta(days=60))
    ContractOption.objects.create(
        contract=contract,
        extends_to=today + timedelta(days=400),
        decide_by=today + timedelta(days=20),
    )
    ContractFactory(contract_manager=manager, end_date=today + timedelta(days=300))  # not yet
    actions.remind_contract_deadlines(today=today)
    actions.remind_contract_deadlines(today=today)
    kinds = list(Notification.objects.filter(recipient=manager).values_list("kind", flat=True))
    assert kinds == [actions.CONTRACT_DEADLINES, actions.CONTRACT_DEADLINES]


def test_using_an_option_extends_the_contract_and_ended_ones_are_marked():
    today = timezone.localdate()
    contract = ContractFactory(end_date=today + timedelta(days=10))
    option = ContractOption.objects.create(
        contract=contract, extends_to=today + timedelta(days=375), decide_by=today
    )
    actions.use_option(option=option)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.EXTENDED
    assert contract.end_date == today + timedelta(days=375)
    with pytest.raises(actions.ProcurementError):
        actions.use_option(option=ContractOption.objects.get(pk=option.pk))
    old = ContractFactory(
        start_date=today - timedelta(days=400), end_date=today - timedelta(days=1)
    )
    actions.remind_contract_deadlines(today=today)
    old.refresh_from_db()
    assert old.status == Contract.Status.ENDED


def test_ocds_award_and_contract_releases_validate_and_name_no_person(client):
    manager = StaffFactory(email="beheerder@gemeente.example")
    tender = TenderFactory(status="awarded", social_return_percent=5)
    first = ContractFactory(tender=tender, contract_manager=manager, value=120_000)
    second = ContractFactory(
        tender=tender,
        supplier=None,
        invited_name="Nieuw B.V.",
        invited_kvk="87654321",
        invited_email="persoon@nieuw.example",
    )
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    assert ocds_errors(package) == []
    tags = [release["tag"] for release in package["releases"]]
    assert tags == [["tender"], ["award"], ["contract"], ["implementation"], ["implementation"]]
    award, contract = package["releases"][1], package["releases"][2]
    assert [a["suppliers"][0]["id"] for a in award["awards"]] == [
        f"NL-KVK-{first.supplier.kvk_number}",
        "NL-KVK-87654321",
    ]
    assert {c["id"] for c in contract["contracts"]} == {str(first.pk), str(second.pk)}
    assert contract["contracts"][0]["value"] == {"amount": 120000.0, "currency": "EUR"}
    text = json.dumps(package["releases"][1:])
    for personal in ("beheerder@gemeente.example", "persoon@nieuw.example", "Inkoper"):
        assert personal not in text


def test_contracts_csv_parses_and_is_spreadsheet_safe(client):
    supplier = SupplierFactory(name="=HYPERLINK(1)")
    ContractFactory(supplier=supplier, contract_manager=StaffFactory(email="m@gemeente.example"))
    response = client.get(reverse("procurement:contracts_csv"))
    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 1
    assert rows[0]["supplier_name"].startswith("'=")
    assert rows[0]["value_eur"] == "100000"
    assert "m@gemeente.example" not in body


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_register_pages_take_the_same_queries_for_one_contract_or_many(client):
    member = SupplierMemberFactory()
    client.force_login(member.user)
    ContractFactory(supplier=member.supplier)
    one = (
        _count_queries(client, reverse("procurement:contracts")),
        _count_queries(client, reverse("procurement:supplier_contracts")),
        _count_queries(client, reverse("procurement:calendar")),
    )
    for _ in range(6):
        contract = ContractFactory(supplier=member.supplier)
        TenderCriterion.objects.create(tender=contract.tender, criterion=_criterion("GRN-K1"))
    many = (
        _count_queries(client, reverse("procurement:contracts")),
        _count_queries(client, reverse("procurement:supplier_contracts")),
        _count_queries(client, reverse("procurement:calendar")),
    )
    assert one == many


# --- 3. Social return ----------------------------------------------------------------------


def _review(activity, decision: str, note: str = "") -> dict:
    """The review form as the admin posts it, with its read-only evidence rows."""
    rows = list(activity.evidence.all())
    data = {
        "decision": decision,
        "review_note": note,
        "evidence-TOTAL_FORMS": len(rows),
        "evidence-INITIAL_FORMS": len(rows),
    }
    for index, row in enumerate(rows):
        data[f"evidence-{index}-id"] = row.pk
        data[f"evidence-{index}-activity"] = activity.pk
    return data


def _report(client, contract, **overrides):
    data = {
        "block": block("bbl").pk,
        "description": "Een BBL-leerling hovenier op de opdracht",
        "quantity": "0.5",
        "period_start": contract.start_date.isoformat(),
        "period_end": (contract.start_date + timedelta(days=180)).isoformat(),
        "evidence": [_pdf()],
    }
    data.update(overrides)
    return client.post(reverse("procurement:supplier_contract", args=[contract.pk]), data)


def test_supplier_reports_and_the_coordinator_accepts_or_asks_more(client):
    member = SupplierMemberFactory()
    manager = StaffFactory()
    manager.groups.add(Role.PROCUREMENT_OFFICER.group())
    contract = ContractFactory(supplier=member.supplier, contract_manager=manager)
    client.force_login(member.user)
    assert _report(client, contract).status_code == 302
    assert _report(client, contract, quantity="1", block=block("uitkering").pk).status_code == 302
    first, second = SocialReturnActivity.objects.order_by("pk")
    assert first.value == Decimal("12500.00")  # half a year at € 25,000
    assert first.evidence.count() == 1
    assert Notification.objects.filter(recipient=manager, kind=actions.SOCIAL_RETURN).count() == 2
    client.logout()
    sign_in_staff(client, manager)
    url = reverse("admin:procurement_socialreturnactivity_change", args=[first.pk])
    assert client.post(url, _review(first, "accept")).status_code == 302
    url = reverse("admin:procurement_socialreturnactivity_change", args=[second.pk])
    refused = client.post(url, _review(second, "more"))
    assert "Zeg wat je nog meer nodig hebt" in refused.content.decode()
    client.post(url, _review(second, "more", "Stuur de arbeidsovereenkomst."))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SocialReturnActivity.Status.ACCEPTED
    assert second.status == SocialReturnActivity.Status.MORE_ASKED
    assert (
        Notification.objects.filter(recipient=member.user, kind=actions.SOCIAL_RETURN).count() == 2
    )
    client.logout()
    client.force_login(member.user)
    page = client.get(reverse("procurement:supplier_contract", args=[contract.pk]))
    text = page.content.decode()
    assert "12.500,00" in text  # realised (accepted only)
    assert "Stuur de arbeidsovereenkomst." in text
    # 100 of 365 days gone with € 12,500: € 45,625 forecast against € 5,000 obliged.
    assert "45.625" in text
    assert "op schema" in text
    answer = client.post(
        reverse("procurement:activity_answer", args=[second.pk]),
        {"note": "Hierbij de overeenkomst.", "evidence": [_pdf("overeenkomst.pdf")]},
    )
    assert answer.status_code == 302
    second.refresh_from_db()
    assert second.status == SocialReturnActivity.Status.SUBMITTED
    assert second.evidence.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": "-1"}, "nul of meer"),
        ({"evidence": [SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff", "image/jpeg")]}, "geen PDF"),
        ({"period_end": "2000-01-01"}, "einde kan niet voor het begin"),
    ],
)
def test_bad_reports_are_refused_beside_the_field_and_nothing_is_saved(client, overrides, message):
    member = SupplierMemberFactory()
    contract = ContractFactory(supplier=member.supplier)
    client.force_login(member.user)
    response = _report(client, contract, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SocialReturnActivity.objects.exists()


def test_another_supplier_cannot_see_or_report_on_a_contract(client):
    contract = ContractFactory(supplier=SupplierMemberFactory().supplier)
    activity = SocialReturnActivity.objects.create(
        contract=contract,
        block=block(),
        description="x",
        quantity=1,
        period_start=contract.start_date,
        period_end=contract.start_date,
        value=35_000,
        status=SocialReturnActivity.Status.MORE_ASKED,
    )
    evidence = activity.evidence.create(
        file=SimpleUploadedFile("e.pdf", minimal_pdf()), original_name="e.pdf"
    )
    other = SupplierMemberFactory()
    client.force_login(other.user)
    assert (
        client.get(reverse("procurement:supplier_contract", args=[contract.pk])).status_code == 404
    )
    assert _report(client, contract).status_code == 404
    assert client.get(reverse("procurement:evidence", args=[evidence.pk])).status_code == 404
    answer = client.post(
        reverse("procurement:activity_answer", args=[activity.pk]), {"note": "ik ook"}
    )
    assert answer.status_code == 404
    assert SocialReturnActivity.objects.count() == 1
    client.logout()
    response = client.get(reverse("procurement:supplier_contract", args=[contract.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_officer_of_another_department_cannot_review_where_limited(client, settings):
    from procurement.models import OfficerDepartment

    settings.PROCUREMENT_LIMIT_TO_DEPARTMENTS = True
    contract = ContractFactory(department="Facilitair")
    activity = SocialReturnActivity.objects.create(
        contract=contract,
        block=block(),
        description="x",
        quantity=1,
        period_start=contract.start_date,
        period_end=contract.start_date,
        value=35_000,
    )
    officer = _officer(client)
    OfficerDepartment.objects.create(user=officer, department="Beheer openbare ruimte")
    url = reverse("admin:procurement_socialreturnactivity_change", args=[activity.pk])
    response = client.post(url, _review(activity, "accept"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    activity.refresh_from_db()
    assert activity.status == SocialReturnActivity.Status.SUBMITTED
    changelist = client.get(reverse("admin:procurement_contract_changelist"))
    assert "Facilitair" not in changelist.content.decode()
    OfficerDepartment.objects.create(user=officer, department="Facilitair")
    assert client.post(url, _review(activity, "accept")).status_code == 302
    activity.refresh_from_db()
    assert activity.status == SocialReturnActivity.Status.ACCEPTED


def test_ended_contracts_with_social_return_owed_are_escalated_once():
    manager = StaffFactory()
    today = timezone.localdate()
    ContractFactory(
        contract_manager=manager,
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=2),
        social_return_obligation=5_000,
    )
    actions.remind_contract_deadlines(today=today)
    actions.remind_contract_deadlines(today=today)
    assert Notification.objects.filter(recipient=manager, kind=actions.SOCIAL_RETURN).count() == 1
    assert SocialReturnBlock.objects.filter(active=True).count() >= 6
