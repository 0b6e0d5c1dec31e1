"""Supplier performance: KPI checkpoints filled by the contract manager, seen and
answered (once) by the supplier's own team, counted in the fair shortlist; payments on a
contract; both in OCDS implementation releases."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from notifications.models import Notification
from procurement import actions
from procurement.models import (
    ContractOption,
    ContractPayment,
    KpiCheckpoint,
    OfficerDepartment,
    Supplier,
)
from procurement.ocds import _milestones
from procurement.tests.factories import (
    ContractFactory,
    SupplierFactory,
    SupplierMemberFactory,
    TenderFactory,
)
from procurement.tests.test_contracts import ocds_errors

pytestmark = pytest.mark.django_db


def _officer(client=None, **kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Role.PROCUREMENT_OFFICER.group())
    if client is not None:
        sign_in_staff(client, user)
    return user


def _checkpoint(contract, scores=(8, 7, 8, 6), days_ago=0, **kwargs) -> KpiCheckpoint:
    end = timezone.localdate() - timedelta(days=days_ago)
    quality, on_time, communication, sustainability = scores
    return KpiCheckpoint.objects.create(
        contract=contract,
        period_start=end - timedelta(days=90),
        period_end=end,
        quality=quality,
        on_time=on_time,
        communication=communication,
        sustainability=sustainability,
        remark=kwargs.pop("remark", "Netjes opgeleverd."),
        **kwargs,
    )


def _change_data(contract, **checkpoint) -> dict:
    """The contract's change form as the back office posts it, with one new checkpoint
    row (``checkpoint``) and an empty payment row unless given."""
    data = {
        "tender": contract.tender_id,
        "supplier": contract.supplier_id or "",
        "invited_name": contract.invited_name,
        "invited_kvk": contract.invited_kvk,
        "invited_email": contract.invited_email,
        "value": contract.value,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "status": contract.status,
        "contract_manager": contract.contract_manager_id or "",
        "options-TOTAL_FORMS": 0,
        "options-INITIAL_FORMS": 0,
        "documents-TOTAL_FORMS": 0,
        "documents-INITIAL_FORMS": 0,
        "kpi_checkpoints-TOTAL_FORMS": 0,
        "kpi_checkpoints-INITIAL_FORMS": 0,
        "payments-TOTAL_FORMS": 0,
        "payments-INITIAL_FORMS": 0,
    }
    existing = list(contract.kpi_checkpoints.order_by("pk"))
    for index, row in enumerate(existing):
        data[f"kpi_checkpoints-{index}-id"] = row.pk
        data[f"kpi_checkpoints-{index}-contract"] = contract.pk
    data["kpi_checkpoints-INITIAL_FORMS"] = len(existing)
    data["kpi_checkpoints-TOTAL_FORMS"] = len(existing)
    if checkpoint:
        index = len(existing)
        end = timezone.localdate()
        row = {
            "period_start": (end - timedelta(days=90)).isoformat(),
            "period_end": end.isoformat(),
            "quality": 8,
            "on_time": 6,
            "communication": 7,
            "sustainability": 9,
            "remark": "Goede kwaliteit, soms later dan gepland.",
            **checkpoint,
        }
        for key, value in row.items():
            data[f"kpi_checkpoints-{index}-{key}"] = value
        data["kpi_checkpoints-TOTAL_FORMS"] = index + 1
    return data


def _payment_data(data: dict, **payment) -> dict:
    data = dict(data)
    row = {"paid_on": timezone.localdate().isoformat(), "amount": "12500.00", **payment}
    for key, value in row.items():
        data[f"payments-0-{key}"] = value
    data["payments-TOTAL_FORMS"] = 1
    return data


# --- The officer fills a checkpoint; the supplier sees and responds ---------------------


def test_officer_fills_a_checkpoint_and_the_supplier_responds_once(client):
    member = SupplierMemberFactory()
    colleague = SupplierMemberFactory(supplier=member.supplier)
    staff = Client()
    officer = _officer(staff)
    contract = ContractFactory(supplier=member.supplier, contract_manager=officer)
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(url, _change_data(contract, quality=8))
    assert response.status_code == 302, response.content.decode()[:3000]
    checkpoint = KpiCheckpoint.objects.get()
    assert checkpoint.recorded_by == officer
    assert checkpoint.mean == Decimal("7.5")
    told = Notification.objects.filter(kind=actions.SUPPLIER_PERFORMANCE)
    assert set(told.values_list("recipient", flat=True)) == {member.user.pk, colleague.user.pk}
    message = told.filter(recipient=member.user).get().messages
    assert "7,5" in message["nl"]
    assert "7.5" in message["en"]

    client.force_login(member.user)
    page = client.get(reverse("procurement:supplier_contract", args=[contract.pk]))
    text = page.content.decode()
    assert "Goede kwaliteit, soms later dan gepland." in text
    assert "7,5" in text
    respond = reverse("procurement:kpi_response", args=[checkpoint.pk])
    assert client.get(respond).status_code == 200
    answer = client.post(respond, {"response": "We plannen de ploegen nu een week vooruit."})
    assert answer.status_code == 302
    checkpoint.refresh_from_db()
    assert checkpoint.response == "We plannen de ploegen nu een week vooruit."
    assert checkpoint.responded_by == member.user
    assert Notification.objects.filter(
        recipient=officer, kind=actions.SUPPLIER_PERFORMANCE
    ).exists()

    # Twice: a clear error, nothing changed.
    client.force_login(colleague.user)
    again = client.post(respond, {"response": "Nog een reactie"})
    assert again.status_code == 400
    assert "al gereageerd" in again.content.decode()
    checkpoint.refresh_from_db()
    assert checkpoint.response == "We plannen de ploegen nu een week vooruit."
    assert checkpoint.responded_by == member.user

    # The officer sees the response on the contract, and cannot change the scores.
    text = staff.get(url).content.decode()
    assert "We plannen de ploegen nu een week vooruit." in text
    assert 'name="kpi_checkpoints-0-quality"' not in text


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"quality": 0}, "quality"),
        ({"sustainability": 11}, "sustainability"),
        ({"period_end": "2000-01-01"}, "period_end"),
    ],
)
def test_bad_scores_are_refused_beside_the_field_and_nothing_is_saved(client, row, field):
    officer = _officer(client)
    contract = ContractFactory(contract_manager=officer)
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    response = client.post(url, _change_data(contract, **row))
    assert response.status_code == 200
    text = response.content.decode()
    assert "cijfer van 1 tot 10" in text or "einde kan niet voor het begin" in text
    assert not KpiCheckpoint.objects.exists()
    assert not Notification.objects.filter(kind=actions.SUPPLIER_PERFORMANCE).exists()


def test_an_empty_response_is_refused():
    member = SupplierMemberFactory()
    checkpoint = _checkpoint(ContractFactory(supplier=member.supplier))
    with pytest.raises(actions.ProcurementError):
        actions.respond_to_checkpoint(checkpoint=checkpoint, response="  ", by=member.user)
    checkpoint.refresh_from_db()
    assert checkpoint.responded_at is None


# --- Payments -------------------------------------------------------------------------


def test_officer_records_a_payment_and_a_negative_one_is_refused(client):
    officer = _officer(client)
    contract = ContractFactory(contract_manager=officer)
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    refused = client.post(url, _payment_data(_change_data(contract), amount="-10"))
    assert refused.status_code == 200
    assert "bedrag boven nul" in refused.content.decode()
    assert not ContractPayment.objects.exists()
    saved = client.post(url, _payment_data(_change_data(contract), invoice_number="F-1"))
    assert saved.status_code == 302
    payment = ContractPayment.objects.get()
    assert payment.amount == Decimal("12500.00")
    assert payment.contract == contract


# --- Who may see and respond ----------------------------------------------------------


def test_another_supplier_and_anonymous_visitors_get_nothing(client):
    member = SupplierMemberFactory()
    checkpoint = _checkpoint(ContractFactory(supplier=member.supplier))
    url = reverse("procurement:kpi_response", args=[checkpoint.pk])
    other = SupplierMemberFactory()
    client.force_login(other.user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"response": "Wij ook"}).status_code == 404
    client.force_login(UserFactory())  # a resident without a company
    assert client.get(url).status_code == 404
    client.logout()
    response = client.post(url, {"response": "Anoniem"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    checkpoint.refresh_from_db()
    assert checkpoint.response == ""
    assert checkpoint.responded_at is None


def test_an_officer_of_another_department_cannot_fill_checkpoints_where_limited(client, settings):
    settings.PROCUREMENT_LIMIT_TO_DEPARTMENTS = True
    contract = ContractFactory(department="Facilitair")
    officer = _officer(client)
    OfficerDepartment.objects.create(user=officer, department="Beheer openbare ruimte")
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    response = client.post(url, _payment_data(_change_data(contract, quality=3)))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert not KpiCheckpoint.objects.exists()
    assert not ContractPayment.objects.exists()
    OfficerDepartment.objects.create(user=officer, department="Facilitair")
    assert client.post(url, _change_data(contract, quality=3)).status_code == 302
    assert KpiCheckpoint.objects.count() == 1


def test_a_resident_and_a_supplier_cannot_open_the_contract_in_the_back_office(client):
    member = SupplierMemberFactory()
    contract = ContractFactory(supplier=member.supplier)
    client.force_login(member.user)
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    response = client.post(url, _change_data(contract, quality=9))
    assert response.status_code == 302
    assert not KpiCheckpoint.objects.exists()


# --- Query counts ---------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_supplier_contract_page_takes_the_same_queries_for_one_checkpoint_or_many(client):
    member = SupplierMemberFactory()
    contract = ContractFactory(supplier=member.supplier)
    _checkpoint(contract)
    client.force_login(member.user)
    url = reverse("procurement:supplier_contract", args=[contract.pk])
    response_url = reverse("procurement:kpi_response", args=[contract.kpi_checkpoints.get().pk])
    one = (_count_queries(client, url), _count_queries(client, response_url))
    responder = UserFactory()
    for number in range(1, 8):
        _checkpoint(
            contract,
            days_ago=number * 90,
            response="Dank",
            responded_by=responder,
            responded_at=timezone.now(),
        )
    many = (_count_queries(client, url), _count_queries(client, response_url))
    assert one == many


def test_the_ocds_feed_takes_the_same_queries_for_one_contract_or_many(client):
    tender = TenderFactory(status="awarded")
    contract = ContractFactory(tender=tender)
    _checkpoint(contract)
    ContractPayment.objects.create(contract=contract, paid_on=contract.start_date, amount=10)
    one = _count_queries(client, reverse("procurement:ocds"))
    for _ in range(4):
        more = ContractFactory(tender=TenderFactory(status="awarded"))
        _checkpoint(more)
        _checkpoint(more, days_ago=90)
        ContractPayment.objects.create(contract=more, paid_on=more.start_date, amount=10)
    assert _count_queries(client, reverse("procurement:ocds")) == one


# --- The fair shortlist ---------------------------------------------------------------


def test_a_supplier_below_the_performance_threshold_is_suggested_last_and_told_why(
    client, settings
):
    settings.PROCUREMENT_KPI_THRESHOLD = 5.5
    settings.PROCUREMENT_KPI_CHECKPOINTS = 2
    tender = TenderFactory(codes=["77310000"])
    weak = SupplierFactory(codes=["77310000"], name="Zwak B.V.")
    strong = SupplierFactory(codes=["77310000"], name="Sterk B.V.")
    others = [SupplierFactory(codes=["77310000"]) for _ in range(3)]
    weak_contract = ContractFactory(supplier=weak)
    _checkpoint(weak_contract, scores=(9, 9, 9, 9), days_ago=400)  # older than the last 2
    _checkpoint(weak_contract, scores=(5, 4, 5, 6), days_ago=100)
    _checkpoint(weak_contract, scores=(5, 5, 5, 5), days_ago=0)
    _checkpoint(ContractFactory(supplier=strong), scores=(8, 7, 8, 7))
    # The weak supplier is even interested: still last.
    actions.express_interest(tender=tender, supplier=weak, note="")
    candidates = tender.suggested_shortlist(size=6, seed=3)
    assert [c.supplier for c in candidates][-1] == weak
    assert {c.supplier for c in candidates[:-1]} == {strong, *others}
    flagged = candidates[-1]
    assert flagged.below_threshold
    assert flagged.performance.mean == Decimal("5.0")
    assert flagged.performance.checkpoints == 2
    assert "onder de drempel" in flagged.reason
    assert "5,0" in flagged.reason
    assert "5,5" in flagged.reason
    by_supplier = {c.supplier: c for c in candidates}
    assert "7,5" in by_supplier[strong].reason
    assert not by_supplier[strong].below_threshold
    assert "KPI" not in by_supplier[others[0]].reason  # no checkpoints: not held back
    # Enough others: the weak supplier is left off a list of four.
    assert weak not in [c.supplier for c in tender.suggested_shortlist(size=4, seed=3)]
    # In English for an English reader.
    with translation.override("en"):
        english = tender.suggested_shortlist(size=6, seed=3)[-1].reason
    assert "below the threshold" in english
    assert "5.0" in english


def test_recent_means_take_one_query_for_many_suppliers(django_assert_num_queries):
    suppliers = [SupplierFactory() for _ in range(3)]
    for supplier in suppliers:
        contract = ContractFactory(supplier=supplier)
        for days in (0, 100, 200, 300):
            _checkpoint(contract, scores=(6, 6, 6, 6), days_ago=days)
    with django_assert_num_queries(1):
        means = KpiCheckpoint.objects.recent_means([s.pk for s in suppliers], last=3)
    assert {m.checkpoints for m in means.values()} == {3}
    assert {m.mean for m in means.values()} == {Decimal("6.0")}


# --- OCDS implementation releases -------------------------------------------------------


def test_ocds_implementation_releases_validate_and_name_no_person(client, settings):
    settings.PROCUREMENT_KPI_THRESHOLD = 5.5
    manager = StaffFactory(email="beheerder@gemeente.example", display_name="Beheerder Bea")
    responder = UserFactory(email="reageer@leverancier.example")
    tender = TenderFactory(status="awarded")
    today = timezone.localdate()
    contract = ContractFactory(tender=tender, contract_manager=manager)
    used = ContractOption.objects.create(
        contract=contract,
        extends_to=contract.end_date + timedelta(days=365),
        decide_by=today - timedelta(days=5),
        used_at=today - timedelta(days=6),
    )
    lapsed = ContractOption.objects.create(
        contract=contract,
        extends_to=contract.end_date + timedelta(days=730),
        decide_by=today - timedelta(days=1),
    )
    good = _checkpoint(
        contract,
        scores=(8, 8, 7, 7),
        days_ago=90,
        recorded_by=manager,
        remark="Geheime opmerking",
        response="Persoonlijke reactie",
        responded_by=responder,
        responded_at=timezone.now(),
    )
    poor = _checkpoint(contract, scores=(5, 5, 6, 5), recorded_by=manager)
    ContractPayment.objects.create(contract=contract, paid_on=today, amount=Decimal("1250.50"))
    ContractPayment.objects.create(
        contract=contract, paid_on=today - timedelta(days=30), amount=Decimal("1000")
    )
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    assert ocds_errors(package) == []
    tags = [release["tag"] for release in package["releases"]]
    assert tags == [["tender"], ["award"], ["contract"], ["implementation"]]
    release = package["releases"][3]
    section = release["contracts"][0]
    assert section["id"] == section["awardID"] == str(contract.pk)
    transactions = section["implementation"]["transactions"]
    assert sorted(t["value"]["amount"] for t in transactions) == [1000.0, 1250.5]
    supplier_id = f"NL-KVK-{contract.supplier.kvk_number}"
    assert {t["payee"]["id"] for t in transactions} == {supplier_id}
    assert {t["payer"]["id"] for t in transactions} == {settings.OCDS_BUYER_ID}
    roles = {party["id"]: party["roles"] for party in release["parties"]}
    assert "payer" in roles[settings.OCDS_BUYER_ID]
    assert "payee" in roles[supplier_id]
    milestones = {m["id"]: m for m in section["implementation"]["milestones"]}
    assert milestones[f"option-{used.pk}"]["status"] == "met"
    assert milestones[f"option-{lapsed.pk}"]["status"] == "notMet"
    assert milestones["end"] == {
        **milestones["end"],
        "type": "delivery",
        "status": "scheduled",
    }
    assert milestones[f"kpi-{good.pk}"]["type"] == "reporting"
    assert milestones[f"kpi-{good.pk}"]["status"] == "met"
    assert milestones[f"kpi-{poor.pk}"]["status"] == "notMet"
    text = json.dumps(release)
    for personal in (
        "beheerder@gemeente.example",
        "Beheerder Bea",
        "reageer@leverancier.example",
        "Geheime opmerking",
        "Persoonlijke reactie",
    ):
        assert personal not in text


def test_ended_and_terminated_contracts_end_milestone():
    today = timezone.localdate()
    ended = ContractFactory(
        start_date=today - timedelta(days=400), end_date=today - timedelta(days=2), status="ended"
    )
    terminated = ContractFactory(status="terminated")
    assert _milestones(ended, today)[-1]["status"] == "met"
    assert _milestones(terminated, today)[-1]["status"] == "notMet"


def test_seed_demo_adds_checkpoints_responses_and_payments_deterministically():
    call_command("seed_demo", "--allow-production", "--quiet-logins")

    def snapshot():
        return (
            list(
                KpiCheckpoint.objects.order_by("contract__tender__title", "period_end").values_list(
                    "contract__tender__title", "quality", "on_time", "response"
                )
            ),
            list(
                ContractPayment.objects.order_by("contract__tender__title", "paid_on").values_list(
                    "contract__tender__title", "amount", "invoice_number"
                )
            ),
        )

    checkpoints, payments = snapshot()
    assert len(checkpoints) >= 5
    assert any(response for *_rest, response in checkpoints)
    assert any(not response for *_rest, response in checkpoints)
    assert len(payments) >= 5
    assert all(amount > 0 for _title, amount, _number in payments)
    cleaning = Supplier.objects.get(kvk_number="90000003")
    means = KpiCheckpoint.objects.recent_means([cleaning.pk])
    assert means[cleaning.pk].below_threshold
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    assert snapshot() == (checkpoints, payments)


def test_the_contract_in_the_back_office_takes_the_same_queries_for_one_checkpoint_or_many(
    client,
):
    officer = _officer(client)
    contract = ContractFactory(contract_manager=officer)
    _checkpoint(contract, response="Dank", responded_at=timezone.now())
    ContractPayment.objects.create(contract=contract, paid_on=contract.start_date, amount=10)
    url = reverse("admin:procurement_contract_change", args=[contract.pk])
    client.get(url)  # the first page of a session warms its caches
    one = _count_queries(client, url)
    for number in range(1, 6):
        _checkpoint(contract, days_ago=number * 90)
        ContractPayment.objects.create(contract=contract, paid_on=contract.start_date, amount=10)
    assert _count_queries(client, url) == one
