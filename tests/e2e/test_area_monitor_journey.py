"""The monitor per buurt, end to end in Chromium, in Dutch and in English: a researcher
uploads a CBS file with errors and is told line by line, nothing imported; uploads the
demo's CBS sample (fictional, in the real format); then the public monitor shows a
figure per buurt on a coloured map with its legend and the table beside it, and the
source line. Every page passes axe."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from neighbourhoods import demo
from neighbourhoods.models import CbsFigure, CbsImport, Neighbourhood
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "import": "Importeren",
        "line": "Regel 3",
        "level": "Niveau",
        "figure": "Cijfer",
        "buurt": "Buurt",
        "households": "Huishoudens",
        "show": "Tonen",
        "legend": "Legenda",
        "class": "Klasse 1:",
        "source": "Bron: Fictieve demodata",
    },
    "en": {
        "import": "Import",
        "line": "Line 3",
        "level": "Level",
        "figure": "Figure",
        "buurt": "Neighbourhood",
        "households": "Households",
        "show": "Show",
        "legend": "Legend",
        "class": "Class 1:",
        "source": "Source: Fictieve demodata",
    },
}
BAD = (
    "code,name,level,parent_code,year,population\n"
    "GM9999,Eemdal,gemeente,,2024,100\n"
    "WK99,Kapot,wijk,GM9999,2024,veel\n"
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_import_the_cbs_sample_and_the_monitor_shows_it_per_buurt(
    language, page: Page, live_server, assert_accessible, tmp_path
):
    wijken = []
    for index, (name, slug, population, postcodes) in enumerate(demo.NEIGHBOURHOODS[:3]):
        wijken.append(
            Neighbourhood.objects.create(
                name=name,
                slug=slug,
                cbs_code=f"WK9999{index + 1:02d}",
                population=population,
                postcodes=postcodes,
                boundary=demo._block(index),
            )
        )
    demo.seed_buurten(wijken)
    researcher = StaffFactory(display_name="Pieter", language=language)
    researcher.groups.add(Role.RESEARCHER.group())
    give_totp(researcher)
    words = WORDS[language]

    sign_in_staff_in_browser(page, live_server, researcher)
    page.goto(live_server.url + "/beheer/neighbourhoods/cbsimport/add/")
    assert_accessible(page)
    bad = tmp_path / "kwb-fout.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.locator("input[name=file]").set_input_files(str(bad))
    page.get_by_role("button", name=words["import"]).click()
    expect(page.locator("#id_file_error")).to_contain_text(words["line"])
    expect(page.locator("#id_file_error")).to_contain_text("WK99")
    assert not CbsImport.objects.exists()
    assert_accessible(page)

    page.locator("input[name=file]").set_input_files(str(demo.CBS_SAMPLE))
    page.locator("input[name=source]").fill(demo.CBS_SAMPLE_SOURCE)
    page.get_by_role("button", name=words["import"]).click()
    expect(page.locator(".messagelist")).to_contain_text("2024")
    assert CbsFigure.objects.filter(code="BU99990101", key="households").exists()
    assert_accessible(page)

    page.goto(live_server.url + "/wijken/monitor/")
    page.get_by_label(words["level"], exact=True).select_option("buurt")
    page.get_by_role("button", name=words["show"]).click()
    page.get_by_label(words["figure"], exact=True).select_option("cbs_households")
    page.get_by_role("button", name=words["show"]).click()
    expect(page.get_by_role("heading", name=words["legend"])).to_be_visible()
    expect(page.locator(".portal-legend")).to_contain_text(words["class"])
    table = page.locator("table.utrecht-table")
    households = CbsFigure.objects.get(code="BU99990101", key="households").value
    expect(table).to_contain_text("Centrum")
    expect(table).to_contain_text(
        f"{int(households):,}".replace(",", "." if language == "nl" else ",")
    )
    expect(page.locator(".portal-map.leaflet-container")).to_be_visible()
    expect(page.locator(".portal-map path.leaflet-interactive")).to_have_count(7)
    expect(page.locator(".portal-source")).to_contain_text(words["source"])
    assert_accessible(page)


def binnenstad() -> Neighbourhood:
    """A wijk with a boundary of the demo's own, for the pages drawn per area."""
    return Neighbourhood.objects.create(
        name="Binnenstad",
        slug="binnenstad",
        cbs_code="WK999901",
        population=11_840,
        boundary=demo._block(0),
    )


def test_without_javascript_the_table_and_legend_carry_the_figures(browser, live_server):
    demo.seed_buurten([binnenstad()])
    demo.seed_cbs_sample()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/wijken/monitor/")
    page.get_by_label("Cijfer", exact=True).select_option("cbs_population")
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator(".portal-map")).to_be_hidden()  # the map needs JavaScript
    expect(page.locator(".portal-legend")).to_contain_text("Klasse 1:")
    population = CbsFigure.objects.get(code="BU99990101", key="population").value
    expect(page.locator("table.utrecht-table")).to_contain_text(
        f"{int(population):,}".replace(",", ".")
    )
    context.close()


def test_the_monitor_fits_a_narrow_screen(page, live_server):
    """At 375 px the table scrolls in its own labelled box; the page does not."""
    demo.seed_buurten([binnenstad()])
    demo.seed_cbs_sample()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/wijken/monitor/?level=buurt&figure=cbs_population")
    expect(page.get_by_role("region", name="per gebied", exact=False)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the monitor is {width} px wide"
