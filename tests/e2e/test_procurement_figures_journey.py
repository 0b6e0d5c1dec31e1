"""Procurement in figures, in Chromium, in Dutch and in English: a visitor opens the
figures page, chooses a department, and reads social return obliged against realised
in its table. Every page on the way is checked with axe."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procurement.models import SocialReturnActivity, Tender
from procurement.tests.factories import ContractFactory, SupplierFactory, TenderFactory, block

pytestmark = pytest.mark.django_db(transaction=True)


def _contracts() -> None:
    year = timezone.localdate().year
    for department, obliged, realised in [("Facilitair", 9_000, "4500"), ("Projecten", 2_000, "0")]:
        contract = ContractFactory(
            tender=TenderFactory(department=department, status=Tender.Status.AWARDED),
            supplier=SupplierFactory(postcode="3811 AB"),
            department=department,
            start_date=date(year, 1, 15),
            end_date=timezone.localdate() + timedelta(days=60),
            social_return_obligation=obliged,
        )
        if realised != "0":
            SocialReturnActivity.objects.create(
                contract=contract,
                block=block(),
                description="Werkzoekende in dienst",
                quantity=1,
                period_start=contract.start_date,
                period_end=contract.start_date,
                value=Decimal(realised),
                status=SocialReturnActivity.Status.ACCEPTED,
            )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_figures_page_filter_and_social_return_table(
    browser, live_server, assert_accessible, language
):
    _contracts()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/inkoop/cijfers/")
    if language == "en":
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    heading = "Inkoop in cijfers" if language == "nl" else "Procurement in figures"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)

    page.locator("#id_department").select_option("Facilitair")
    show = "Toon deze cijfers" if language == "nl" else "Show these figures"
    page.get_by_role("button", name=show).click()
    expect(page).to_have_url(f"{live_server.url}/inkoop/cijfers/?department=Facilitair&year=")
    assert_accessible(page)

    table = page.locator("#social-return-table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Facilitair")
    # Obliged and realised, written as the reader writes numbers.
    expect(rows.first).to_contain_text("€ 9.000" if language == "nl" else "€ 9,000")
    expect(rows.first).to_contain_text("€ 4.500" if language == "nl" else "€ 4,500")
    expect(rows.first).to_contain_text("50,0%" if language == "nl" else "50.0%")
    expect(table).not_to_contain_text("Projecten")
    context.close()
