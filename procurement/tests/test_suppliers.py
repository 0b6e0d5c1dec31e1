"""Registering and keeping a supplier profile: validation, duplicates, who sees what."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from procurement.models import (
    Certificate,
    CpvCode,
    Supplier,
    SupplierMember,
    is_local_postcode,
    size_class,
    validate_postcode,
    validate_vat,
)
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory, TenderFactory
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "kvk_number": "69599084",
        "establishment_number": "000038509504",
        "name": "Groenwerk Eemdal B.V.",
        "vat_number": "NL004495445B01",
        "street": "Havenstraat 1",
        "postcode": "3811ab",
        "city": "Eemdal",
        "website": "https://groenwerk.example",
        "contact_name": "Kees",
        "contact_email": "kees@groenwerk.example",
        "staff_count": "12",
        "turnover": "2m",
        "service_area": "region",
        "wants_invitations": "on",
        "divisions": [str(CpvCode.objects.get(code="77000000").pk)],
        "certificates-TOTAL_FORMS": "1",
        "certificates-INITIAL_FORMS": "0",
        "certificates-0-kind": "vca",
        "certificates-0-level": "VCA*",
        "certificates-0-valid_until": "2027-06-30",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("vat", ["NL004495445B01", "NL000099998B57", "nl 0044.95.445.b01"])
def test_valid_vat_numbers_both_forms(vat):
    validate_vat(vat)


@pytest.mark.parametrize(
    "vat", ["NL004495446B01", "NL123456789B01", "DE123456789", "NL004495445B00"]
)
def test_invalid_vat_numbers(vat):
    with pytest.raises(ValidationError):
        validate_vat(vat)


@pytest.mark.parametrize("vat", ["NL123456789B01", "NL004495446B01"])
def test_the_vat_error_gives_a_valid_example_not_the_refused_value(vat):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_vat(vat)
    (message,) = refused.value.messages
    examples = re.findall(r"NL[0-9]{9}B[0-9]{2}", message)
    assert examples, message
    for example in examples:
        assert example != vat
        validate_vat(example)  # the example itself is accepted


@pytest.mark.parametrize(
    ("value", "valid"),
    [("3811 AB", True), ("3811AB", True), ("0811 AB", False), ("3811 SS", False), ("38111", False)],
)
def test_postcodes(value, valid):
    if valid:
        validate_postcode(value)
    else:
        with pytest.raises(ValidationError):
            validate_postcode(value)


@pytest.mark.parametrize(
    ("staff", "turnover", "size"),
    [
        (5, "2m", "micro"),
        (9, "10m", "small"),
        (40, "10m", "small"),
        (49, "50m", "medium"),
        (200, "50m", "medium"),
        (250, "2m", "large"),
        (10, "more", "large"),
    ],
)
def test_eu_size_class(staff, turnover, size):
    assert size_class(staff, turnover) == size


def test_local_postcode_ranges(settings):
    settings.PROCUREMENT_LOCAL_POSTCODES = [(3800, 3829)]
    assert is_local_postcode("3811 AB")
    assert not is_local_postcode("3511 AA")


def test_supplier_registers_and_becomes_first_team_member(client, resident):
    client.force_login(resident)
    response = client.post(reverse("procurement:register"), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    supplier = Supplier.objects.get()
    assert supplier.postcode == "3811 AB"
    assert supplier.vat_number == "NL004495445B01"
    assert (supplier.size, supplier.status) == ("small", "pending")
    assert supplier.is_local
    assert list(supplier.members.values_list("user", flat=True)) == [resident.pk]
    assert supplier.certificates.get().kind == "vca"
    assert list(supplier.cpv_codes.values_list("code", flat=True)) == ["77000000"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kvk_number", "1234567"),
        ("kvk_number", "1234567a"),
        ("establishment_number", "12345"),
        ("vat_number", "NL123456789B01"),
        ("postcode", "ABCD 12"),
        ("staff_count", "-1"),
        ("contact_email", "geen-adres"),
        ("name", "<script>alert(1)</script>"),
        ("divisions", []),
    ],
)
def test_bad_registration_input_is_refused_and_nothing_saved(client, resident, field, value):
    client.force_login(resident)
    response = client.post(reverse("procurement:register"), form_data(**{field: value}))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Supplier.objects.exists()
    assert not SupplierMember.objects.exists()


def test_expired_certificate_date_must_be_a_date(client, resident):
    client.force_login(resident)
    response = client.post(
        reverse("procurement:register"), form_data(**{"certificates-0-valid_until": "morgen"})
    )
    assert response.status_code == 400
    assert not Supplier.objects.exists()


def test_kvk_number_registers_once(client, resident, other_resident):
    SupplierFactory(kvk_number="69599084")
    client.force_login(other_resident)
    response = client.post(reverse("procurement:register"), form_data())
    assert response.status_code == 400
    assert "team" in response.content.decode()
    assert Supplier.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_kvk_number_registers_once_under_concurrent_requests():
    users = UserFactory.create_batch(6)
    url = reverse("procurement:register")

    def post(user):
        client = Client()
        client.force_login(user)
        return lambda: client.post(url, form_data()).status_code

    statuses = run_together([post(user) for user in users])
    assert sorted(statuses) == [302] + [400] * 5
    assert Supplier.objects.count() == 1
    assert SupplierMember.objects.count() == 1


def test_supplier_sees_and_changes_only_its_own_profile(client):
    mine = SupplierMemberFactory()
    other = SupplierFactory(name="Concurrent B.V.")
    client.force_login(mine.user)
    page = client.get(reverse("procurement:profile")).content.decode()
    assert mine.supplier.name in page
    assert "Concurrent B.V." not in page
    # Posting someone else's KvK number does not move the profile (the field is fixed).
    client.post(
        reverse("procurement:profile"), form_data(kvk_number=other.kvk_number, name="Nieuw")
    )
    mine.supplier.refresh_from_db()
    other.refresh_from_db()
    assert other.name == "Concurrent B.V."
    assert mine.supplier.kvk_number != other.kvk_number


def test_supplier_cannot_register_a_second_company(client):
    member = SupplierMemberFactory()
    client.force_login(member.user)
    assert client.get(reverse("procurement:register")).url == reverse("procurement:profile")


def test_anonymous_visitors_see_only_the_public_calendar(client):
    public = TenderFactory(title="Openbaar")
    draft = TenderFactory(title="Nog geheim", status="draft")
    assert "Openbaar" in client.get(reverse("procurement:calendar")).content.decode()
    assert "Nog geheim" not in client.get(reverse("procurement:calendar")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(reverse("procurement:profile")).status_code == 302
    response = client.post(reverse("procurement:interest", args=[public.pk]), {"note": "x"})
    assert response.status_code == 302
    assert not public.interests.exists()


def test_cpv_search_by_code_and_word(client):
    assert (
        "45233000"
        in client.get(reverse("procurement:cpv_search"), {"cpv_q": "4523300"}).content.decode()
    )
    content = client.get(
        reverse("procurement:cpv_search"), {"cpv_q": "cleaning services"}
    ).content.decode()
    assert "90910000" in content


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_calendar_and_tender_query_counts_are_constant(client):
    tender = TenderFactory(codes=["45000000", "45233000"])
    list_one = count_queries(client, reverse("procurement:calendar"))
    detail_one = count_queries(client, tender.get_absolute_url())
    for _number in range(20):
        TenderFactory(codes=["77310000", "45000000"])
    assert count_queries(client, reverse("procurement:calendar")) == list_one
    assert count_queries(client, tender.get_absolute_url()) == detail_one


def test_colleague_is_invited_once_and_joins_with_the_invited_address(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from procurement import tasks
    from procurement.models import TeamInvitation

    member = SupplierMemberFactory()
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("procurement:team_invite"), {"email": "Collega@Groenwerk.example"})
        client.post(reverse("procurement:team_invite"), {"email": "collega@groenwerk.example"})
    assert len(mailoutbox) == 1
    invitation = TeamInvitation.objects.get()
    assert tasks.send_team_invitation(invitation.pk) is False  # a retry sends nothing
    path = mailoutbox[0].body.split("http://testserver", 1)[1].split()[0]

    stranger = UserFactory(email="iemand@example.nl")
    client.force_login(stranger)
    client.post(path)
    assert not SupplierMember.objects.filter(user=stranger).exists()

    colleague = UserFactory(email="collega@groenwerk.example")
    client.force_login(colleague)
    assert client.get(path).status_code == 200
    client.post(path)
    assert SupplierMember.objects.get(user=colleague).supplier == member.supplier


def test_bad_colleague_address_and_forged_link(client):
    member = SupplierMemberFactory()
    client.force_login(member.user)
    client.post(reverse("procurement:team_invite"), {"email": "geen-adres"})
    from procurement.models import TeamInvitation

    assert not TeamInvitation.objects.exists()
    assert client.get(reverse("procurement:team_accept", args=["nep"])).status_code == 404


def test_resident_without_supplier_cannot_invite(client, resident):
    client.force_login(resident)
    assert client.post(reverse("procurement:team_invite"), {"email": "a@b.nl"}).status_code == 404


def test_the_empty_certificate_row_has_no_delete_box(client):
    member = SupplierMemberFactory()
    client.force_login(member.user)
    page = client.get(reverse("procurement:profile")).content.decode()
    assert 'name="certificates-0-kind"' in page  # a row to add one
    assert "certificates-0-DELETE" not in page
    Certificate.objects.create(supplier=member.supplier, kind="vca", valid_until="2030-01-01")
    page = client.get(reverse("procurement:profile")).content.decode()
    assert 'name="certificates-0-DELETE"' in page  # a saved certificate can go
    assert 'name="certificates-1-kind"' in page
    assert "certificates-1-DELETE" not in page


def test_the_back_office_shows_no_empty_certificate_row(client):
    from accounts.models import Role
    from accounts.tests.factories import signed_in_colleague

    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    supplier = SupplierFactory()
    page = client.get(f"/beheer/procurement/supplier/{supplier.pk}/change/").content.decode()
    assert 'name="certificates-TOTAL_FORMS" value="0"' in page
    assert 'name="certificates-0-kind"' not in page


@pytest.mark.parametrize("invitee_language", [None, "en", "nl"])
def test_team_invitation_names_the_inviter_links_to_sign_up_and_speaks_the_invitees_language(
    client, django_capture_on_commit_callbacks, mailoutbox, invitee_language
):
    """Review walk 64: the email named nobody, had no way in for someone without an
    account, and was in the inviter's language."""
    member = SupplierMemberFactory(
        user=UserFactory(display_name="Fatima de Wit", language="en"),
        supplier__name="Groenwerk BV",
    )
    if invitee_language:
        UserFactory(email="collega@groenwerk.example", language=invitee_language)
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("procurement:team_invite"), {"email": "collega@groenwerk.example"})
    (mail,) = mailoutbox
    body = mail.body
    assert "Fatima de Wit" in body
    assert "Groenwerk BV" in body
    if invitee_language == "en":
        assert mail.subject.endswith("Join your company's team on the supplier database")
    else:  # Dutch, not the inviter's English
        assert "Sluit je aan bij het team van je bedrijf" in mail.subject
    signup = reverse("account_signup")
    if invitee_language is None:
        assert signup in body
        assert "next=%2F" in body.split(signup, 1)[1].split()[0]
    else:
        assert signup not in body


def test_the_back_office_names_supplier_fields_for_the_officer_the_profile_for_the_company(
    client,
):
    """Walk finding 11: the back office's supplier form spoke as the supplier ("Waar werk
    je?", "Wat we leveren (CPV)") and its list header was English."""
    from accounts.models import Role
    from accounts.tests.factories import StaffFactory, sign_in_staff

    mine = SupplierMemberFactory()
    client.force_login(mine.user)
    profile = client.get(reverse("procurement:profile")).content.decode()
    assert "Waar werk je?" in profile
    assert "Ik wil uitgenodigd worden voor onderhandse aanbestedingen" in profile
    client.logout()
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    change = client.get(
        reverse("admin:procurement_supplier_change", args=[mine.supplier.pk])
    ).content.decode()
    changelist = client.get(reverse("admin:procurement_supplier_changelist")).content.decode()
    for page in (change, changelist):
        for spoken_as_the_supplier in ("Waar werk je", "Ik wil", "Wat we leveren", "I want"):
            assert spoken_as_the_supplier not in page
    assert "Werkgebied" in change, change[change.index("service_area") - 300 :][:600]
    assert "CPV-codes van wat de leverancier levert" in change
    assert "Wil uitnodigingen voor onderhandse aanbestedingen" in changelist


def test_the_cpv_fields_are_not_called_optional_when_one_of_them_is_needed(client):
    """Walk finding 10: "Werkvelden (CPV-afdelingen, niet verplicht)" above the hint
    "Kies hier minstens één werkveld, of hieronder een precieze code"."""
    mine = SupplierMemberFactory()
    client.force_login(mine.user)
    page = client.get(reverse("procurement:profile")).content.decode()
    assert "Kies hier minstens één werkveld" in page
    label = page[page.index('for="id_divisions"') :][:200]
    assert "niet verplicht" not in label, label
    # Another optional field still says so.
    assert "niet verplicht" in page


def test_the_back_office_cpv_autocomplete_has_no_clear_all_cross_inside_its_list(client):
    """Walk finding 10: select2's "clear all" cross sat in the list of chosen codes (a <span>
    in a <ul>: axe's `list` rule) on top of the first code."""
    from accounts.models import Role
    from accounts.tests.factories import StaffFactory, sign_in_staff

    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    supplier = SupplierFactory()
    page = client.get(
        reverse("admin:procurement_supplier_change", args=[supplier.pk])
    ).content.decode()
    select = page[page.index('name="cpv_codes"') - 600 :][:1200]
    assert 'data-allow-clear="false"' in select, select
