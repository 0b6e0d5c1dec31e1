"""A multi-select of the back office (select2 chips), in Chromium with JavaScript on:
the chosen values show as chips, a typed search adds one, the chip's remove button removes it, and
what is saved is exactly what the chips showed."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from procurement.tests.factories import TenderFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_cpv_chips_render_add_remove_and_save(page: Page, live_server):
    officer = StaffFactory(display_name="Noor")
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    give_totp(officer)
    tender = TenderFactory(title="Onderhoud wijkparken", codes=["77310000", "45233000"])
    sign_in_staff_in_browser(page, live_server, officer)
    page.goto(f"{live_server.url}/beheer/procurement/tender/{tender.pk}/change/")
    field = page.locator(".field-cpv_codes")
    chips = field.locator(".select2-selection__choice")
    chosen = page.locator("#id_cpv_codes option:checked")
    expect(chips).to_have_count(2)
    expect(field.locator(".select2-selection__rendered")).to_contain_text("77310000-6")

    # A third code through the search.
    field.locator(".select2-search__field").fill("45112")
    option = page.locator(".select2-results__option", has_text="45112000")
    expect(option.first).to_be_visible()
    option.first.click()
    expect(chips).to_have_count(3)
    expect(chosen).to_have_count(3)

    # Removing a chip removes the value, not only the chip.
    field.locator(".select2-selection__choice", has_text="77310000").locator(
        ".select2-selection__choice__remove"
    ).click()
    page.keyboard.press("Escape")
    expect(chips).to_have_count(2)
    expect(chosen).to_have_count(2)
    expect(field.locator(".select2-selection__rendered")).not_to_contain_text("77310000")

    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    saved = sorted(tender.cpv_codes.values_list("code", flat=True))
    assert [code[:8] for code in saved] == ["45112000", "45233000"]
