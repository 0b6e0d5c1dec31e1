"""The buurtradar end to end in Chromium, in Dutch and English, with and without
JavaScript: a resident saves a 500 m circle (a click on the map, or the coordinates
typed in) and the next initiative inside it shows among their messages, one outside it
does not."""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from radar.models import SavedArea

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "save": "Gebied bewaren",
        "saved": "Je gebied is bewaard",
        "heading": "Mijn buurtradar",
        "link": "Mijn buurtradar: nieuws bij mij in de buurt",
    },
    "en": {
        "save": "Save area",
        "saved": "Your area is saved",
        "heading": "My neighbourhood radar",
        "link": "My neighbourhood radar: news near me",
    },
}


@pytest.mark.parametrize(("language", "javascript"), [("nl", True), ("en", True), ("nl", False)])
def test_a_resident_saves_500_metres_and_hears_of_the_initiative_inside_it_only(
    browser: Browser, live_server, sign_in, assert_accessible, language, javascript
):
    words = WORDS[language]
    resident = UserFactory(display_name="Fatima", language=language)
    page = browser.new_context(java_script_enabled=javascript).new_page()
    page.set_default_timeout(10_000)
    sign_in(page, resident)
    # From my page to the buurtradar.
    page.goto(f"{live_server.url}/mijn/")
    page.get_by_role("link", name=words["link"]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    if javascript:  # axe runs in the page's JavaScript; the markup is the same without
        assert_accessible(page)
    page.goto(f"{live_server.url}/buurtradar/nieuw/")
    page.locator("#id_name").fill("Thuis")
    page.locator("#id_shape_1").check()  # a circle around a point
    page.locator("#id_radius_1").check()  # 500 metres
    if javascript:
        # A click in the middle of the map chooses the centre and fills the coordinates.
        page.locator("[data-map]").click()
        expect(page.locator("#id_latitude")).not_to_have_value("")
        expect(page.locator("#location-status")).not_to_be_empty()
    else:
        page.locator("#id_latitude").fill("52.156100")
        page.locator("#id_longitude").fill("5.387800")
    page.locator("#id_kinds_0").check()  # initiatives
    page.locator("#id_frequency_0").check()  # immediately
    if javascript:  # axe runs in the page's JavaScript; the markup is the same without
        assert_accessible(page)
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".portal-messages")).to_contain_text(words["saved"])
    if javascript:  # axe runs in the page's JavaScript; the markup is the same without
        assert_accessible(page)
    area = SavedArea.objects.get(user=resident)
    assert area.radius == 500

    # The next initiatives: one 200 m north of the centre, one 3 km away.
    north = Decimal(200) / Decimal(111_195)
    InitiativeFactory(
        title="Bankjes bij de speeltuin",
        status=Status.SUBMITTED,
        latitude=(area.latitude + north).quantize(Decimal("0.000001")),
        longitude=area.longitude,
    )
    InitiativeFactory(
        title="Moestuin aan de rand van de stad",
        status=Status.SUBMITTED,
        latitude=(area.latitude + 15 * north).quantize(Decimal("0.000001")),
        longitude=area.longitude,
    )
    page.goto(f"{live_server.url}/berichten/")
    expect(page.locator("main")).to_contain_text("Bankjes bij de speeltuin")
    expect(page.locator("main")).not_to_contain_text("Moestuin aan de rand van de stad")
    if javascript:  # axe runs in the page's JavaScript; the markup is the same without
        assert_accessible(page)
    page.context.close()
