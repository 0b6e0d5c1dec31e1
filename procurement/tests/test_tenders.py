"""The calendar: CPV matching, who hears of changes, fair shortlists, open data."""

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from accounts.tests.factories import StaffFactory
from notifications.models import Notification
from procurement import actions, tasks
from procurement.models import Certificate, Supplier, Tender, TenderInvitation, advised_procedure
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory, TenderFactory

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).parent / "schema"


def test_cpv_subtree_matching_works_both_ways():
    construction = SupplierFactory(codes=["45000000"])  # a whole division
    roads = SupplierFactory(codes=["45233000"])  # one specific kind of work
    gardens = SupplierFactory(codes=["77310000"])
    specific = TenderFactory(codes=["45233000"])
    broad = TenderFactory(codes=["45000000"])
    assert set(Supplier.objects.matching(specific)) == {construction, roads}
    assert set(Supplier.objects.matching(broad)) == {construction, roads}
    assert gardens not in Supplier.objects.matching(broad)


def test_calendar_filter_by_cpv_includes_the_subtree(client):
    TenderFactory(title="Wegen", codes=["45233000"])
    TenderFactory(title="Groen", codes=["77310000"])
    content = client.get(reverse("procurement:calendar"), {"cpv": "45000000"}).content.decode()
    assert "Wegen" in content
    assert "Groen" not in content


def test_matching_suppliers_hear_of_a_new_tender_and_its_changes():
    member = SupplierMemberFactory(supplier__codes=["45000000"])
    other = SupplierMemberFactory(supplier__codes=["77310000"])
    tender = TenderFactory(codes=["45233000"])
    actions.record_tender_change(tender=tender, by=None, summary="created", newly_public=True)
    actions.record_tender_change(tender=tender, by=None, summary="deadline moved")
    told = Notification.objects.filter(recipient=member.user, kind=actions.TENDER_NEWS)
    assert told.count() == 2
    assert not Notification.objects.filter(recipient=other.user).exists()
    tender.refresh_from_db()
    assert tender.sequence == 2


def test_draft_tenders_tell_nobody():
    member = SupplierMemberFactory(supplier__codes=["45000000"])
    tender = TenderFactory(codes=["45233000"], status="draft")
    actions.record_tender_change(tender=tender, by=None, summary="created")
    assert not Notification.objects.filter(recipient=member.user).exists()


def test_shortlist_rotates_and_favours_interest_and_local_smes():
    tender = TenderFactory(codes=["77310000"])
    local = [SupplierFactory(codes=["77310000"], postcode="3811 AB") for _ in range(4)]
    far = SupplierFactory(codes=["77310000"], postcode="3511 AA", staff_count=500, turnover="more")
    SupplierFactory(codes=["77310000"], status="pending")
    SupplierFactory(codes=["77310000"], wants_invitations=False)
    interested = SupplierFactory(codes=["77310000"], postcode="3511 AA")
    actions.express_interest(tender=tender, supplier=interested, note="")
    first = [c.supplier for c in tender.suggested_shortlist(size=3, seed=1)]
    assert first[0] == interested
    assert far not in first
    assert set(first[1:]) <= set(local)
    # Those invited now go to the back of the queue next time.
    for supplier in first:
        TenderInvitation.objects.create(tender=tender, supplier=supplier, reason="test")
    next_tender = TenderFactory(codes=["77310000"])
    second = [c.supplier for c in next_tender.suggested_shortlist(size=3, seed=2)]
    assert not set(second[:2]) & set(first)
    # Over repeated rounds every local SME is invited about equally often.
    for round_number in range(6):
        round_tender = TenderFactory(codes=["77310000"])
        for candidate in round_tender.suggested_shortlist(size=2, seed=round_number):
            TenderInvitation.objects.create(
                tender=round_tender, supplier=candidate.supplier, reason="t"
            )
    counts = [TenderInvitation.objects.filter(supplier=s).count() for s in local]
    assert max(counts) - min(counts) <= 1


def test_invitation_list_needs_3_to_5_or_a_reason_and_emails_once(
    django_capture_on_commit_callbacks, mailoutbox
):
    officer = StaffFactory()
    tender = TenderFactory(codes=["77310000"])
    suppliers = SupplierFactory.create_batch(3, codes=["77310000"])
    with pytest.raises(actions.ProcurementError):
        actions.save_invitation_list(
            tender=tender, entries=[(s, "past") for s in suppliers[:2]], by=officer
        )
    with pytest.raises(actions.ProcurementError):
        actions.save_invitation_list(
            tender=tender, entries=[(s, "") for s in suppliers], by=officer
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_invitation_list(
            tender=tender, entries=[(s, "lokaal mkb") for s in suppliers], by=officer
        )
    assert len(mailoutbox) == 3
    assert tasks.send_tender_invitations(tender.pk) == 0  # never twice
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_invitation_list(
            tender=TenderFactory(codes=["77310000"]),
            entries=[(suppliers[0], "enige specialist")],
            by=officer,
            list_reason="Er is maar één gecertificeerde partij in de regio.",
        )
    assert len(mailoutbox) == 4


def test_procedure_advice_follows_the_dated_thresholds():
    assert advised_procedure("services", 30_000) == "enkelvoudig"
    assert advised_procedure("services", 100_000) == "meervoudig"
    assert advised_procedure("services", 216_000) == "europees"
    assert advised_procedure("works", 5_403_999) == "nationaal"
    assert advised_procedure("works", 5_404_000) == "europees"
    assert advised_procedure("social", 750_000) == "europees"


def ocds_schema_errors(package: dict) -> list:
    release_schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    package_schema = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    # The package refers to the release schema by its id URL: resolve it locally.
    registry = Registry().with_resource(
        release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    validator = Draft4Validator(package_schema, registry=registry)
    return sorted(validator.iter_errors(package), key=str)


def test_ocds_package_is_valid_against_the_schema(client):
    supplier = SupplierFactory(codes=["77310000"], kvk_number="69599084")
    planned = TenderFactory(codes=["77310000"], title="Groenonderhoud")
    published = TenderFactory(
        codes=["45233000"],
        status="published",
        procedure="europees",
        submission_deadline=timezone.now() + timedelta(days=40),
        contract_start=timezone.localdate() + timedelta(days=90),
        tenderned_url="https://www.tenderned.nl/aankondigingen/overzicht/1",
    )
    TenderFactory(status="draft", title="Geheim")
    TenderInvitation.objects.create(tender=planned, supplier=supplier, reason="lokaal")
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    errors = ocds_schema_errors(package)
    assert not errors, errors[:3]
    releases = {r["tender"]["title"]: r for r in package["releases"]}
    assert "Geheim" not in releases
    groen = releases["Groenonderhoud"]
    assert groen["tag"] == ["planning"]
    assert groen["tender"]["procurementMethod"] == "limited"
    assert groen["tender"]["procurementMethodDetails"] == "Meervoudig onderhands"
    assert groen["tender"]["items"][0]["classification"]["id"] == "77310000-6"
    assert [party["roles"] for party in groen["parties"]] == [["buyer", "procuringEntity"]]
    assert releases[published.title]["tender"]["value"]["currency"] == "EUR"


@pytest.mark.parametrize("status", ["planned", "published", "awarded"])
def test_ocds_publishes_no_invited_supplier_of_a_private_procedure(client, status):
    """Invitations to a meervoudig onderhandse procedure are not public, and an invited
    firm that has not bid is no "tenderer": the feed names no supplier at all."""
    invited = [
        SupplierFactory(codes=["77310000"], kvk_number=kvk, name=f"Hovenier {kvk}")
        for kvk in ["69599084", "17155428", "30127380"]
    ]
    tender = TenderFactory(
        codes=["77310000"], procedure="meervoudig", status=status, title="Groen in de wijk"
    )
    for supplier in invited:
        TenderInvitation.objects.create(tender=tender, supplier=supplier, reason="lokaal mkb")
    response = client.get(reverse("procurement:ocds"))
    package = json.loads(response.content)
    errors = ocds_schema_errors(package)
    assert not errors, errors[:3]
    (release,) = package["releases"]
    text = response.content.decode()
    for supplier in invited:
        assert supplier.kvk_number not in text
        assert supplier.name not in text
    roles = {role for party in release["parties"] for role in party["roles"]}
    assert roles == {"buyer", "procuringEntity"}
    assert "tenderers" not in release["tender"]
    assert "numberOfTenderers" not in release["tender"]
    assert "awards" not in release


def test_ocds_buyer_is_the_municipality_in_the_settings(client, settings):
    settings.PORTAL_MUNICIPALITY_NAME = "Gemeente Rivierstad"
    settings.OCDS_BUYER_ID = "NL-OIN-00000001234567890000"
    TenderFactory(codes=["77310000"])
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    assert not ocds_schema_errors(package)
    buyer = {"id": "NL-OIN-00000001234567890000", "name": "Gemeente Rivierstad"}
    (release,) = package["releases"]
    assert release["buyer"] == buyer
    assert release["tender"]["procuringEntity"] == buyer
    assert buyer.items() <= release["parties"][0].items()
    assert package["publisher"]["name"] == "Gemeente Rivierstad"


@pytest.mark.parametrize(
    ("contract_start", "start_date"),
    [
        (date(2026, 1, 15), "2026-01-15T00:00:00+01:00"),  # winter time (CET)
        (date(2026, 7, 1), "2026-07-01T00:00:00+02:00"),  # summer time (CEST)
        (date(2026, 3, 29), "2026-03-29T00:00:00+01:00"),  # clocks go forward at 02:00
    ],
)
def test_ocds_contract_start_is_the_local_midnight(client, contract_start, start_date):
    TenderFactory(
        codes=["45233000"],
        status="published",
        submission_deadline=timezone.now() + timedelta(days=40),
        contract_start=contract_start,
    )
    package = json.loads(client.get(reverse("procurement:ocds")).content)
    assert not ocds_schema_errors(package)
    (release,) = package["releases"]
    assert release["tender"]["contractPeriod"]["startDate"] == start_date


def test_icalendar_has_stable_uids_sequence_and_cancelled_status(client):
    tender = TenderFactory(
        submission_deadline=timezone.now() + timedelta(days=40),
        contract_start=timezone.localdate() + timedelta(days=90),
    )

    def events():
        body = client.get(reverse("procurement:calendar_ics")).content
        return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    first = events()
    assert len(first) == 3  # publication, deadline, contract start
    actions.record_tender_change(tender=tender, by=None, summary="uitgesteld")
    Tender.objects.filter(pk=tender.pk).update(status="cancelled")
    second = events()
    assert set(second) == set(first)
    assert all(int(e["SEQUENCE"]) == 1 for e in second.values())
    assert all(str(e["STATUS"]) == "CANCELLED" for e in second.values())


def test_personal_feed_has_only_matching_tenders_and_needs_the_token(client):
    supplier = SupplierFactory(codes=["77000000"])
    TenderFactory(title="Groen", codes=["77310000"])
    TenderFactory(title="Wegen", codes=["45233000"])
    body = client.get(reverse("procurement:supplier_ics", args=[supplier.feed_token])).content
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]
    assert any("Groen" in s for s in summaries)
    assert not any("Wegen" in s for s in summaries)
    assert client.get(reverse("procurement:supplier_ics", args=["raden"])).status_code == 404


def test_supplier_says_interested_once_and_withdraws(client):
    member = SupplierMemberFactory()
    tender = TenderFactory()
    client.force_login(member.user)
    url = reverse("procurement:interest", args=[tender.pk])
    client.post(url, {"note": "Wij doen dit graag."})
    client.post(url, {"note": "Nog een keer."})
    assert tender.interests.get().note == "Wij doen dit graag."
    client.post(url, {"withdraw": "1"})
    assert not tender.interests.exists()


def test_interest_note_too_long_is_refused(client):
    member = SupplierMemberFactory()
    tender = TenderFactory()
    client.force_login(member.user)
    response = client.post(reverse("procurement:interest", args=[tender.pk]), {"note": "x" * 501})
    assert response.status_code == 400
    assert 'id="id_note_error"' in response.content.decode()
    assert not tender.interests.exists()


def test_certificate_expiry_is_told_once(resident):
    member = SupplierMemberFactory(user=resident)
    Certificate.objects.create(
        supplier=member.supplier, kind="vca", valid_until=timezone.localdate() + timedelta(days=20)
    )
    Certificate.objects.create(
        supplier=member.supplier,
        kind="iso9001",
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    actions.remind_expiring_certificates()
    actions.remind_expiring_certificates()
    reminders = Notification.objects.filter(recipient=resident, kind=actions.CERTIFICATES)
    assert reminders.count() == 1
    assert "VCA" in reminders.get().message


def test_officer_verifies_and_searches_by_cpv_subtree(client, officer):
    pending = SupplierFactory(status="pending", codes=["45233000"], name="Wegenbouw")
    SupplierFactory(codes=["77310000"], name="Hoveniers")
    client.post(
        "/beheer/procurement/supplier/",
        {"action": "verify", ACTION_CHECKBOX_NAME: [str(pending.pk)]},
    )
    pending.refresh_from_db()
    assert pending.status == Supplier.Status.VERIFIED
    content = client.get("/beheer/procurement/supplier/", {"cpv": "45"}).content.decode()
    assert "Wegenbouw" in content
    assert "Hoveniers" not in content


def test_supplier_export_neutralises_formulas_in_supplier_text(client, officer):
    supplier = SupplierFactory(name="=cmd|' /C calc'!A0", city="@Eemdal", codes=["45233000"])
    export = client.post(
        "/beheer/procurement/supplier/",
        {"action": "export_csv", ACTION_CHECKBOX_NAME: [str(supplier.pk)]},
    )
    assert export["Content-Type"] == "text/csv"
    _header, row = csv.reader(io.StringIO(export.content.decode()))
    assert row[0] == supplier.kvk_number
    assert row[1] == "'=cmd|' /C calc'!A0"
    assert row[7] == "'@Eemdal"


def test_officer_builds_the_invitation_list_in_the_admin(
    client, officer, django_capture_on_commit_callbacks, mailoutbox
):
    tender = TenderFactory(codes=["77310000"])
    suppliers = SupplierFactory.create_batch(4, codes=["77310000"])
    data = {"action": "build_invitation_list", ACTION_CHECKBOX_NAME: [str(tender.pk)]}
    page = client.post("/beheer/procurement/tender/", data)
    assert page.status_code == 200
    fields = {f"include_{s.pk}": "on" for s in suppliers[:3]}
    fields.update({f"reason_{s.pk}": "lokaal mkb, wil uitgenodigd worden" for s in suppliers})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/beheer/procurement/tender/", {**data, **fields, "apply": "1"})
    assert tender.invitations.count() == 3
    assert len(mailoutbox) >= 3


def test_a_wrong_count_keeps_the_form_with_the_error_beside_the_field(client, officer):
    """Two suppliers and no reason: the list is not saved, the same form comes back with
    the error beside the reason field (not on the tender list)."""
    tender = TenderFactory(codes=["77310000"], procedure="meervoudig")
    suppliers = SupplierFactory.create_batch(4, codes=["77310000"])
    data = {"action": "build_invitation_list", ACTION_CHECKBOX_NAME: [str(tender.pk)]}
    client.post("/taal/", {"language": "en", "next": "/"})
    page = client.post("/beheer/procurement/tender/", data)
    suggested = page.context["form"]["suggested"].value()
    fields = {f"include_{s.pk}": "on" for s in suppliers[:2]}
    fields.update({f"reason_{s.pk}": "lokaal mkb" for s in suppliers})
    response = client.post(
        "/beheer/procurement/tender/", {**data, **fields, "suggested": suggested, "apply": "1"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["list_reason"] == [
        "2 suppliers chosen: invite 3 to 5, or give the reason for another number."
    ]
    content = response.content.decode()
    assert "2 suppliers chosen: invite 3 to 5" in content
    assert 'name="apply"' in content
    assert content.count('type="checkbox"') >= 4  # the same rows, ticks kept
    assert not tender.invitations.exists()
    missing = client.post(
        "/beheer/procurement/tender/",
        {
            **data,
            **{f"include_{s.pk}": "on" for s in suppliers[:3]},
            f"reason_{suppliers[0].pk}": "lokaal mkb",
            "suggested": suggested,
            "apply": "1",
        },
    )
    assert missing.status_code == 200
    assert f"reason_{suppliers[1].pk}" in missing.context["form"].errors
    assert not tender.invitations.exists()


def test_the_officer_adds_a_verified_supplier_the_portal_did_not_suggest(
    client, officer, django_capture_on_commit_callbacks
):
    tender = TenderFactory(codes=["77310000"], procedure="meervoudig")
    suggested = SupplierFactory.create_batch(2, codes=["77310000"])
    elsewhere = SupplierFactory(codes=["45000000"], kvk_number="69599084")  # other CPV
    pending = SupplierFactory(
        codes=["77310000"], kvk_number="17155428", status=Supplier.Status.PENDING
    )
    data = {"action": "build_invitation_list", ACTION_CHECKBOX_NAME: [str(tender.pk)]}
    client.post("/taal/", {"language": "en", "next": "/"})
    page = client.post("/beheer/procurement/tender/", data)
    assert 'name="added_kvk_1"' in page.content.decode()
    rows = {f"include_{s.pk}": "on" for s in suggested}
    rows.update({f"reason_{s.pk}": "lokaal mkb" for s in suggested})
    rows["suggested"] = page.context["form"]["suggested"].value()
    refused = client.post(
        "/beheer/procurement/tender/",
        {
            **data,
            **rows,
            "added_kvk_1": pending.kvk_number,
            "added_reason_1": "kent het terrein",
            "added_kvk_2": "69599084",
            "apply": "1",
        },
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert errors["added_kvk_1"] == ["No verified supplier has the KvK number 17155428."]
    assert errors["added_reason_2"] == ["Give the reason this supplier was added."]
    assert not tender.invitations.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/beheer/procurement/tender/",
            {
                **data,
                **rows,
                "added_kvk_1": "6959 9084",
                "added_reason_1": "deed dit werk vorig jaar naar tevredenheid",
                "apply": "1",
            },
        )
    assert done.status_code == 302
    invited = dict(tender.invitations.values_list("supplier_id", "reason"))
    assert invited[elsewhere.pk] == "deed dit werk vorig jaar naar tevredenheid"
    assert set(invited) == {elsewhere.pk, *(s.pk for s in suggested)}


def test_a_supplier_hears_when_verified_or_suspended(
    client, officer, mailoutbox, django_capture_on_commit_callbacks
):
    first = SupplierMemberFactory(supplier__status=Supplier.Status.PENDING)
    supplier = first.supplier
    second = SupplierMemberFactory(supplier=supplier)
    changelist = "/beheer/procurement/supplier/"
    chosen = {ACTION_CHECKBOX_NAME: [str(supplier.pk)]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "verify", **chosen})
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.VERIFIED

    def told():
        return Notification.objects.filter(kind=actions.SUPPLIER_STATUS)

    assert {n.recipient_id for n in told()} == {first.user_id, second.user_id}
    assert all(supplier.name in n.message and ":verified:" in n.dedupe_key for n in told())
    assert {tuple(m.to) for m in mailoutbox} >= {(first.user.email,), (second.user.email,)}
    # Verifying again tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "verify", **chosen})
    assert told().count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "suspend", **chosen})
    supplier.refresh_from_db()
    assert supplier.status == Supplier.Status.SUSPENDED
    assert told().count() == 4
    suspended = told().filter(dedupe_key__contains=":suspended:")
    assert {n.recipient_id for n in suspended} == {first.user_id, second.user_id}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "suspend", **chosen})
    assert told().count() == 4


def test_a_tenders_created_at_is_read_only(client, officer):
    tender = TenderFactory()
    page = client.get(f"/beheer/procurement/tender/{tender.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "created_at" not in form.fields
    assert 'name="created_at' not in page.content.decode()
    assert "created_at" in page.context["adminform"].readonly_fields


@pytest.mark.parametrize("quarter", ["2027-Q5", "volgend jaar", "2027Q1"])
def test_a_bad_quarter_leaves_the_calendar_whole_and_says_why(client, quarter):
    """Review walk 66: a bad ``quarter`` emptied the calendar without a word."""
    TenderFactory(title="Groenonderhoud Eemdal")
    response = client.get(reverse("procurement:calendar"), {"quarter": quarter})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Groenonderhoud Eemdal" in page
    assert "De kalender toont nu alle kwartalen." in page
    assert 'id="id_quarter_error"' in page


@pytest.mark.parametrize("status", ["awarded", "cancelled"])
def test_an_awarded_or_cancelled_tender_offers_no_interest(client, status):
    """Walk finding 9: "Meld je aan als leverancier om interesse te tonen" and an
    "Interesse?" box on a tender that was already awarded or cancelled."""
    tender = TenderFactory(status=status)
    url = reverse("procurement:tender", args=[tender.pk])
    page = client.get(url).content.decode()
    assert "Interesse?" not in page
    assert "interesse te tonen" not in page
    member = SupplierMemberFactory()
    client.force_login(member.user)
    page = client.get(url).content.decode()
    assert "Interesse?" not in page
    open_tender = TenderFactory(status="published")
    page = client.get(reverse("procurement:tender", args=[open_tender.pk])).content.decode()
    assert "Interesse?" in page


def test_the_change_log_says_the_new_status():
    """Walk finding 9: "gewijzigd: status" without the status it became."""
    from django.utils import translation

    from procurement.models import TenderChange

    tender = TenderFactory(status="published")
    change = TenderChange(
        tender=tender,
        kind=TenderChange.Kind.CHANGED,
        details={"fields": ["status"], "status": "awarded"},
    )
    with translation.override("nl"):
        assert change.description() == "gewijzigd: status (nieuwe status: Gegund)"


def test_the_demo_calendar_is_believable():
    """Walk finding 9: every calendar tender was awarded or cancelled, and a tender to be
    published in 2027 had a contract from 2025."""
    from django.core.management import call_command

    from procurement.models import Contract

    call_command("seed_demo", "--allow-production", "--quiet-logins")
    today = timezone.localdate()
    to_come = Tender.objects.filter(status__in=["planned", "published"])
    assert to_come.filter(expected_publication__gt=today).exists()
    for contract in Contract.objects.select_related("tender"):
        assert contract.tender.expected_publication < contract.start_date, contract.tender
    for tender in Tender.objects.filter(status="awarded"):
        assert tender.expected_publication <= today, tender
