"""Suppliers and the tender calendar end to end in Chromium: a supplier registers with KvK
and BTW and picks CPV codes, an officer verifies it, a matching tender appears and the
supplier is emailed and says it is interested; the officer builds a shortlist and sends
the invitations."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from procurement.models import Supplier, TenderInvitation
from procurement.tests.factories import SupplierFactory, TenderFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser
from tests.e2e.test_survey_journey import admin_action

pytestmark = pytest.mark.django_db(transaction=True)


def test_supplier_registers_is_verified_and_follows_a_matching_tender(
    page: Page, browser, live_server, sign_in, assert_accessible
):
    officer = StaffFactory(display_name="Noor")
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    owner = UserFactory(display_name="Kees")

    sign_in(page, owner)
    page.goto(live_server.url + "/inkoop/leverancier/aanmelden/")
    page.get_by_label("KvK-nummer").fill("69599084")
    page.get_by_label("Bedrijfsnaam").fill("Groenwerk Eemdal B.V.")
    page.get_by_label("Btw-id").fill("NL004495445B01")
    page.get_by_label("Straat en huisnummer").fill("Havenstraat 1")
    page.get_by_label("Postcode").fill("3811AB")
    page.get_by_label("Plaats").fill("Eemdal")
    page.get_by_label("Contactpersoon").fill("Kees")
    page.get_by_label("E-mailadres contact").fill("kees@groenwerk.example")
    page.get_by_label("Aantal medewerkers (fte)").fill("12")
    page.get_by_label("Jaaromzet").select_option("2m")
    # One input event, one htmx request: wait for the answer to "parks" itself, so a slow
    # machine cannot leave the test looking at the results of an earlier keystroke.
    with page.expect_response(
        lambda r: "/inkoop/cpv/" in r.url and "cpv_q=parks" in r.url
    ) as answer:
        page.get_by_label("Zoek een CPV-code of een woord").fill("parks")
    assert answer.value.ok
    assert answer.value.request.headers.get("hx-request") == "true"
    page.get_by_label(re.compile("77313000-7")).check(timeout=30_000)
    assert_accessible(page)
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.locator(".portal-messages")).to_contain_text("Je bedrijf is aangemeld")
    supplier = Supplier.objects.get()
    assert supplier.status == "pending"
    assert list(supplier.cpv_codes.values_list("code", flat=True)) == ["77313000"]
    assert_accessible(page)

    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in_staff_in_browser(staff, live_server, officer)
    staff.goto(live_server.url + "/beheer/procurement/supplier/")
    admin_action(staff, "Groenwerk Eemdal", "verify")
    supplier.refresh_from_db()
    assert supplier.status == "verified"

    # A matching tender appears on the calendar.
    staff.goto(live_server.url + "/beheer/procurement/tender/add/")
    for field, value in {
        "title": "Onderhoud parken 2027",
        "department": "Beheer openbare ruimte",
        "value_low": "60000",
        "value_high": "90000",
        "expected_publication": "2027-02-01",
        "contact_name": "Noor",
        "contact_email": "inkoop@eemdal.example",
    }.items():
        staff.locator(f"#id_{field}").fill(value)
    staff.locator("#id_category").select_option("services")
    staff.locator("#id_procedure").select_option("meervoudig")
    staff.locator("#id_status").select_option("planned")
    from procurement.models import CpvCode

    parks = CpvCode.objects.get(code="77313000")
    staff.evaluate(
        "([id, text]) => { const s = document.querySelector('#id_cpv_codes');"
        " s.add(new Option(text, id, true, true)); }",
        [str(parks.pk), parks.label],
    )
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff_context.close()
    # The team hears first that it was verified, then of the tender in its field.
    assert any(m.to == [owner.email] and "Onderhoud parken 2027" in m.body for m in mail.outbox)
    assert any(m.to == [owner.email] and "geverifieerd" in m.body for m in mail.outbox)

    page.goto(live_server.url + "/inkoop/")
    page.get_by_role("link", name="Onderhoud parken 2027").click()
    page.get_by_label("Een korte toelichting voor de inkoper").fill(
        "Wij onderhouden al drie parken."
    )
    page.get_by_role("button", name="Ik heb interesse").click()
    expect(page.locator(".portal-messages")).to_contain_text(
        "De inkoper weet dat je interesse hebt"
    )
    assert_accessible(page)


def test_officer_builds_a_shortlist_and_sends_invitations(page: Page, live_server):
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    tender = TenderFactory(title="Groenonderhoud wijkparken", codes=["77310000"])
    suppliers = [SupplierFactory(codes=["77310000"], name=f"Hovenier {n}") for n in range(4)]
    sign_in_staff_in_browser(page, live_server, officer)
    page.goto(live_server.url + "/beheer/procurement/tender/")
    page.get_by_role("checkbox", name=re.compile("Groenonderhoud wijkparken")).check()
    page.locator("select[name=action]").select_option("build_invitation_list")
    page.locator("button[name=index], input[name=index]").first.click()
    for supplier in suppliers[3:]:
        page.locator(f"#id_include_{supplier.pk}").uncheck()
    page.locator("input[name=apply]").click()
    expect(page.locator(".messagelist")).to_contain_text("worden verstuurd")
    assert TenderInvitation.objects.filter(tender=tender).count() == 3
    assert TenderInvitation.objects.filter(tender=tender, sent_at__isnull=False).count() == 3


@pytest.mark.parametrize("language", ["nl", "en"])
def test_procurement_pages_have_no_accessibility_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    from procurement.tests.factories import SupplierMemberFactory

    tender = TenderFactory(codes=["45233000"], mvi_criteria="CO2-arm werken")
    member = SupplierMemberFactory(supplier__codes=["45000000"])
    sign_in(page, member.user)
    if language == "en":
        page.get_by_role("button", name="English").click()
    for path in ["/inkoop/", tender.get_absolute_url(), "/inkoop/leverancier/"]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, UserFactory())
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.goto(live_server.url + "/inkoop/leverancier/aanmelden/")
    assert_accessible(page)


def test_registration_works_without_javascript(browser, live_server, sign_in):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, UserFactory())
    page.goto(live_server.url + "/inkoop/leverancier/aanmelden/")
    page.get_by_label("KvK-nummer").fill("69599084")
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    # Server-side errors beside the fields, the typed KvK number kept.
    expect(page.locator(".portal-error-summary")).to_be_visible()
    expect(page.get_by_label("KvK-nummer")).to_have_value("69599084")
    for label, value in {
        "Bedrijfsnaam": "Groenwerk Eemdal B.V.",
        "Btw-id": "NL000099998B57",
        "Straat en huisnummer": "Havenstraat 1",
        "Postcode": "3811 AB",
        "Plaats": "Eemdal",
        "Contactpersoon": "Kees",
        "E-mailadres contact": "kees@groenwerk.example",
        "Aantal medewerkers (fte)": "3",
    }.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Jaaromzet").select_option("2m")
    from procurement.models import CpvCode

    division = CpvCode.objects.get(code="77000000")
    page.get_by_label(re.compile(r"^Werkvelden \(CPV-afdelingen")).select_option(str(division.pk))
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.locator(".portal-messages")).to_contain_text("Je bedrijf is aangemeld")
    assert Supplier.objects.get().size == "micro"
    context.close()


def test_officer_finds_local_suppliers_for_a_tender(page: Page, live_server, assert_accessible):
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    SupplierFactory(name="Wegenbouw Eemdal", codes=["45233000"], postcode="3811 AB")
    SupplierFactory(name="Wegenbouw Elders", codes=["45233000"], postcode="1011 AB")
    SupplierFactory(name="Hoveniers Eemdal", codes=["77310000"], postcode="3811 AB")
    sign_in_staff_in_browser(page, live_server, officer)
    page.goto(live_server.url + "/beheer/procurement/supplier/")
    page.get_by_role("link", name="Leveranciers zoeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leveranciers zoeken")
    assert_accessible(page)

    # A wrong CPV code: the error stands beside the field, nothing is searched.
    page.get_by_label("CPV-code (en onderliggend)").fill("wegen")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator("#id_cpv_error")).to_contain_text("twee tot acht cijfers")
    expect(page.locator("#supplier-results")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("CPV-code (en onderliggend)").fill("4523")
    page.get_by_label("Grootte").select_option("sme")
    page.get_by_label("Alleen lokale leveranciers").check()
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator("#supplier-results")
    expect(results).to_contain_text("1 leverancier gevonden")
    expect(results).to_contain_text("Wegenbouw Eemdal")
    expect(results).not_to_contain_text("Wegenbouw Elders")
    expect(results).not_to_contain_text("Hoveniers Eemdal")
    # The filters stay as chosen, so the officer can refine the search.
    expect(page.get_by_label("CPV-code (en onderliggend)")).to_have_value("4523")
    expect(page.get_by_label("Alleen lokale leveranciers")).to_be_checked()
    expect(page.get_by_label("Status")).to_have_value("verified")
    assert_accessible(page)

    page.get_by_role("link", name="Wegenbouw Eemdal").click()
    expect(page.locator("#id_name")).to_have_value("Wegenbouw Eemdal")

    # In English too.
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.goto(live_server.url + "/beheer/procurement/supplier/zoeken/?cpv=45")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#supplier-results")).to_contain_text("2 suppliers found")
    assert_accessible(page)
