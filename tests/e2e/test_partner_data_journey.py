"""The inner city's data, end to end in Chromium, in Dutch and in English: the
entrepreneurs' association publishes a footfall series through the API with its token,
its member uploads a bad CSV file and is told row by row what is wrong (nothing is
stored), a researcher approves the dataset in the back office, and the series appears on
the inner-city dashboard with its source and licence, as a chart and a table. Every page
passes axe."""

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from citydata.actions import approve_datasets, publish_observations, refresh_dashboard
from citydata.dashboard import months_until
from citydata.models import Dataset, Observation
from citydata.tests.factories import DatasetFactory, PartnerFactory, make_token
from neighbourhoods.tests.factories import NeighbourhoodFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "file": "CSV-bestand",
        "upload": "Uploaden en controleren",
        "line": "Regel 3, street",
        "nothing": "Er is niets opgeslagen",
        "waiting": "Nog niet goedgekeurd",
        "source": "Bron: Binnenstadsondernemers. Licentie: CC BY 4.0.",
        "name": "Passanten per straat",
    },
    "en": {
        "file": "CSV file",
        "upload": "Upload and check",
        "line": "Line 3, street",
        "nothing": "Nothing was stored",
        "waiting": "Not yet approved",
        "source": "Source: Binnenstadsondernemers. Licence: CC BY 4.0.",
        "name": "Footfall per street",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_partner_publishes_footfall_and_it_appears_once_approved(
    language, page: Page, browser, live_server, sign_in, assert_accessible
):
    words = WORDS[language]
    NeighbourhoodFactory(name="Binnenstad", slug="binnenstad")
    member = UserFactory(display_name="Kees", language=language)
    partner = PartnerFactory(name="Binnenstadsondernemers", members=[member])
    dataset = DatasetFactory(
        partner=partner,
        slug="passanten-binnenstad",
        name_nl="Passanten per straat",
        name_en="Footfall per street",
    )
    _token, plain = make_token(partner)
    researcher = StaffFactory(display_name="Pieter", language=language)
    researcher.groups.add(Role.RESEARCHER.group())
    give_totp(researcher)

    # The association's counting system publishes two days of footfall.
    yesterday = timezone.localdate() - timedelta(days=1)
    rows = [
        {"period": (yesterday - timedelta(days=days)).isoformat(), "street": street, "value": n}
        for days in (0, 1)
        for street, n in (("Langestraat", 8412), ("Hof", 4107))
    ]
    request = urllib.request.Request(  # noqa: S310  the test's own server
        f"{live_server.url}/api/v1/partners/datasets/{dataset.slug}/observations",
        data=json.dumps(rows).encode(),
        headers={"Authorization": f"Bearer {plain}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:  # noqa: S310
        assert json.loads(answer.read()) == {"stored": 4, "dataset": dataset.slug}

    # Its member uploads a file with an unknown street: refused row by row.
    sign_in(page, member)
    page.goto(live_server.url + "/partners/")
    expect(page.locator("main")).to_contain_text(words["waiting"])
    assert_accessible(page)
    page.goto(live_server.url + "/partners/uploaden/")
    page.get_by_label("Dataset", exact=True).select_option(str(dataset.pk))
    bad = f"period,street,value\n{yesterday},Hof,10\n{yesterday},Kalverstraat,20\n"
    page.get_by_label(words["file"]).set_input_files(
        files=[{"name": "telling.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name=words["upload"]).click()
    expect(page.locator("main")).to_contain_text(words["line"])
    expect(page.locator("main")).to_contain_text(words["nothing"])
    expect(page.locator("main")).to_contain_text("Kalverstraat")
    assert_accessible(page)
    assert Observation.objects.filter(dataset=dataset).count() == 4

    # Not on the dashboard before a researcher approves it.
    page.goto(live_server.url + "/binnenstad/")
    expect(page.locator("main")).not_to_contain_text(words["name"])

    staff = browser.new_context(locale="nl-NL").new_page()
    sign_in_staff_in_browser(staff, live_server, researcher)
    staff.goto(live_server.url + "/beheer/citydata/dataset/")
    assert_accessible(staff)
    staff.locator(f"input[name=_selected_action][value='{dataset.pk}']").check()
    staff.locator("select[name=action]").select_option("approve_for_publication")
    staff.locator("button[name=index]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff.context.close()

    page.goto(live_server.url + "/binnenstad/")
    main = page.locator("main")
    expect(main).to_contain_text(words["name"])
    expect(main).to_contain_text(words["source"])
    expect(page.locator(f"#breakdown-{dataset.slug}")).to_be_visible()
    # The Langestraat's cell for yesterday's month: exactly its footfall in that month
    # (both days, unless yesterday began a month), written as the reader writes numbers.
    month = yesterday.replace(day=1)
    total = sum(
        8412 for days in (0, 1) if (yesterday - timedelta(days=days)).replace(day=1) == month
    )
    written = f"{total:,}".replace(",", "." if language == "nl" else ",")
    column = months_until(timezone.localdate()).index(month)
    street = (
        page.locator(f"#breakdown-{dataset.slug}")
        .locator("xpath=..")
        .locator("tr", has=page.locator("th", has_text="Langestraat"))
    )
    expect(street.locator("td").nth(column)).to_have_text(written)
    assert page.locator("svg.portal-chart__svg").count() >= 4  # partner's and portal's
    assert_accessible(page)


NARROW_PAGES = [
    "/binnenstad/",
    "/open-data/",
    "/partners/api/",
    "/partners/",
    "/partners/uploaden/",
]


def test_the_inner_city_pages_fit_a_narrow_screen(page: Page, live_server, sign_in):
    """At 375 px a wide table or code block scrolls in its own box; the page does not."""
    NeighbourhoodFactory(name="Binnenstad", slug="binnenstad")
    member = UserFactory(display_name="Kees", language="nl")
    partner = PartnerFactory(name="Binnenstadsondernemers", members=[member])
    dataset = DatasetFactory(partner=partner, slug="passanten-binnenstad", name_nl="Passanten")
    rows = [
        {"period": month.isoformat(), "street": street, "value": 55306}
        for month in months_until(timezone.localdate())
        for street in ("Langestraat", "Hof")
    ]
    publish_observations(dataset=dataset, rows=rows)
    approve_datasets(datasets=Dataset.objects.filter(pk=dataset.pk), by=None)
    refresh_dashboard()
    sign_in(page, member)
    page.set_viewport_size({"width": 375, "height": 800})
    for path in NARROW_PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide"
    # On a wide screen the content keeps its measure (72rem, centred), as on every page:
    # what lets a table scroll on a phone must not stretch the text over a wide window.
    page.set_viewport_size({"width": 1600, "height": 900})
    for path in NARROW_PAGES:
        page.goto(live_server.url + path)
        box = page.locator(".portal-main__content").bounding_box()
        assert box is not None, path
        assert box["width"] <= 72 * 16, f"{path}: {box}"
        assert abs(box["x"] - (1600 - box["x"] - box["width"])) <= 2, f"{path} not centred"
