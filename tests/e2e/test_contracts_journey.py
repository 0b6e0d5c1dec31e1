"""From MVI criteria to social return, in Chromium, in Dutch and in English: an officer
adds MVI criteria and a 5% social-return obligation to a tender and awards it to a local
SME; the supplier's team member reports two activities with evidence; the coordinator
accepts one and asks for more on the other; the supplier sees obliged against realised.
The officer then fills a KPI checkpoint, the supplier's team member sees it and responds,
and the officer sees the response. Every portal page on the way is checked with axe."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from procurement.models import (
    Contract,
    KpiCheckpoint,
    MviCriterion,
    SocialReturnActivity,
    SocialReturnBlock,
    TenderCriterion,
)
from procurement.tests.factories import SupplierMemberFactory, TenderFactory, minimal_pdf
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _choose(page: Page, select: str, value: int, text: str) -> None:
    """An autocomplete select of the admin: the option is put in as select2 would."""
    page.evaluate(
        "([selector, id, text]) => { const s = document.querySelector(selector);"
        " s.add(new Option(text, id, true, true)); }",
        [select, str(value), text],
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_mvi_award_and_social_return_journey(
    page: Page, browser, live_server, sign_in, assert_accessible, tmp_path, language
):
    officer = StaffFactory(display_name="Noor", language=language)
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    tender = TenderFactory(title="Onderhoud wijkparken", status="published", codes=["77310000"])
    member = SupplierMemberFactory(
        supplier__name="Groenwerk Eemdal B.V.", supplier__postcode="3811 AB"
    )
    assert member.supplier.is_local
    assert member.supplier.is_sme
    climate = MviCriterion.objects.get(code="GRN-K1")
    circular = MviCriterion.objects.get(code="GRN-C1")

    # The officer adds two MVI criteria and 5% social return to the tender.
    staff_context = browser.new_context()
    staff = staff_context.new_page()
    sign_in_staff_in_browser(staff, live_server, officer)
    staff.goto(f"{live_server.url}/beheer/procurement/tender/{tender.pk}/change/")
    staff.locator("#id_social_return_percent").fill("5")
    _choose(staff, "#id_criteria-0-criterion", climate.pk, climate.code)
    staff.locator("#criteria-group .add-row a").click()
    _choose(staff, "#id_criteria-1-criterion", circular.pk, circular.code)
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    assert TenderCriterion.objects.filter(tender=tender).count() == 2

    # ... and awards it to the local SME, with an option to extend.
    staff.goto(f"{live_server.url}/beheer/procurement/contract/add/")
    _choose(staff, "#id_tender", tender.pk, tender.title)
    _choose(staff, "#id_supplier", member.supplier.pk, member.supplier.name)
    staff.locator("#id_value").fill("200000")
    staff.locator("#id_start_date").fill("2026-01-01")
    staff.locator("#id_end_date").fill("2027-12-31")
    staff.locator("#id_contract_manager").select_option(str(officer.pk))
    staff.locator("#id_options-0-extends_to").fill("2028-12-31")
    staff.locator("#id_options-0-decide_by").fill("2027-10-01")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    contract = Contract.objects.get()
    assert contract.social_return_obligation == 10_000

    # The tender page shows the criteria, the obligation and who won.
    sign_in(page, member.user)
    if language == "en":
        page.get_by_role("button", name="English").click()
    page.goto(live_server.url + tender.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Groenwerk Eemdal B.V.")
    expect(page.locator("main")).to_contain_text("GRN-K1")
    assert_accessible(page)

    # The supplier's team member reports two activities with evidence.
    page.goto(live_server.url + "/inkoop/leverancier/contracten/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.get_by_role("link", name="Onderhoud wijkparken").click()
    evidence = tmp_path / "arbeidsovereenkomst.pdf"
    evidence.write_bytes(minimal_pdf())
    wrong = tmp_path / "foto.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0 not a pdf")
    reports = [
        ("uitkering", "Werkzoekende uit de bijstand in dienst als hovenier", "0.5"),
        ("bbl", "BBL-leerling groenvoorziening", "1"),
    ]
    for index, (code, text, quantity) in enumerate(reports):
        block = page.locator("#id_block option", has_text="€")
        assert block.count() >= 6
        page.locator("#id_block").select_option(str(SocialReturnBlock.objects.get(code=code).pk))
        page.locator("#id_description").fill(text)
        page.locator("#id_quantity").fill(quantity)
        page.locator("#id_period_start").fill("2026-01-01")
        page.locator("#id_period_end").fill("2026-06-30")
        if index == 0:
            # Evidence of the wrong type: the error stands beside the field.
            page.locator("#id_evidence").set_input_files(str(wrong))
            page.locator("form.portal-form button[type=submit]").click()
            expect(page.locator("#id_evidence_error")).to_be_visible()
            assert_accessible(page)
            assert not SocialReturnActivity.objects.exists()
        page.locator("#id_evidence").set_input_files(str(evidence))
        page.locator("form.portal-form button[type=submit]").click()
        expect(page.locator(".portal-messages")).to_be_visible()
    assert SocialReturnActivity.objects.count() == 2
    assert_accessible(page)

    # The coordinator accepts the first and asks for more on the second.
    first, second = SocialReturnActivity.objects.order_by("pk")
    staff.goto(f"{live_server.url}/beheer/procurement/socialreturnactivity/{first.pk}/change/")
    staff.locator("#id_decision").select_option("accept")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff.goto(f"{live_server.url}/beheer/procurement/socialreturnactivity/{second.pk}/change/")
    staff.locator("#id_decision").select_option("more")
    staff.locator("#id_review_note").fill("Stuur de praktijkovereenkomst mee.")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "accepted"
    assert second.status == "more_asked"

    # The supplier sees obliged against realised and the coordinator's question.
    page.reload()
    expect(page.locator("main")).to_contain_text("17")  # € 17.500 / 17,500 accepted
    expect(page.locator("main")).to_contain_text("Stuur de praktijkovereenkomst mee.")
    assert_accessible(page)

    # The officer fills a KPI checkpoint on the contract in the back office.
    staff.goto(f"{live_server.url}/beheer/procurement/contract/{contract.pk}/change/")
    staff.locator("#id_kpi_checkpoints-0-period_start").fill("2026-01-01")
    staff.locator("#id_kpi_checkpoints-0-period_end").fill("2026-03-31")
    for field, score in [
        ("quality", "8"),
        ("on_time", "6"),
        ("communication", "7"),
        ("sustainability", "9"),
    ]:
        staff.locator(f"#id_kpi_checkpoints-0-{field}").fill(score)
    staff.locator("#id_kpi_checkpoints-0-remark").fill("Mooi werk, twee keer later dan gepland.")
    staff.locator("input[name=_continue]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    checkpoint = KpiCheckpoint.objects.get()
    assert checkpoint.mean == Decimal("7.5")

    # The supplier's team member sees the scores and responds, once.
    page.reload()
    expect(page.locator(f"#checkpoint-{checkpoint.pk}")).to_contain_text(
        "Mooi werk, twee keer later dan gepland."
    )
    assert_accessible(page)
    page.locator(f"#checkpoint-{checkpoint.pk} a").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.locator("#id_response").fill("We zetten een extra ploeg in bij drukte.")
    page.locator("form.portal-form button[type=submit]").click()
    expect(page.locator(".portal-messages")).to_be_visible()
    expect(page.locator(f"#checkpoint-{checkpoint.pk}")).to_contain_text(
        "We zetten een extra ploeg in bij drukte."
    )
    assert_accessible(page)
    checkpoint.refresh_from_db()
    assert checkpoint.responded_by == member.user

    # The officer sees the response on the contract.
    staff.reload()
    expect(staff.locator("#kpi_checkpoints-group")).to_contain_text(
        "We zetten een extra ploeg in bij drukte."
    )
    staff_context.close()
