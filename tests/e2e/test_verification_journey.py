"""Showing that you live here, end to end in Chromium, in Dutch and English and once
without JavaScript: an area manager imports 200 addresses (a file with an error first)
and prints the letters with their codes; a resident whose priority vote asks for
residence enters the code from a letter (a forged one first) and votes; another resident
shows their neighbourhood through DigiD at a real OpenID Connect broker on the loopback."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from neighbourhoods.models import ActionLevel, AddressList, Level, Residence
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
from tests.digid_broker import running_broker
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "import": "Importeren",
        "print": "Brieven om af te drukken",
        "issue": "De codes uitgeven",
        "vote": "Prioriteit geven",
        "only_residents": "Alleen bewoners van deze wijk kunnen dit doen",
        "code": "Code uit de brief",
        "use": "Code gebruiken",
        "unknown": "Deze code kennen we niet",
        "thanks": "je hebt laten zien dat je in de wijk Oosterpoort woont",
        "counted": "Je prioriteitsstem is geteld",
        "digid": "Inloggen met DigiD",
    },
    "en": {
        "import": "Import",
        "print": "Letters to print",
        "issue": "Issue the codes",
        "vote": "Give priority",
        "only_residents": "Only residents of this neighbourhood can do this",
        "code": "Code from the letter",
        "use": "Use the code",
        "unknown": "We do not know this code",
        "thanks": "you have shown that you live in the Oosterpoort neighbourhood",
        "counted": "Your priority vote is counted",
        "digid": "Log in with DigiD",
    },
}


@pytest.fixture(scope="module")
def broker(live_server):
    with running_broker(
        [f"{live_server.url}/mijn/woonplaats/digid/terug/"],
        {"999990019": {"wijkcode": "WK001401"}},
    ) as running:
        yield running


def address_file(tmp_path, neighbourhood, *, bad_line: bool = False):
    rows = ["postcode;house_number;addition;neighbourhood"]
    for number in range(1, 201):
        rows.append(f"9712{'CP' if number <= 100 else 'CR'};{number};;{neighbourhood.cbs_code}")
    if bad_line:
        rows[57] = f"9712CP;zevenenvijftig;;{neighbourhood.cbs_code}"
    path = tmp_path / ("fout.csv" if bad_line else "adressen.csv")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("language", "javascript"), [("nl", True), ("en", True), ("nl", False)])
def test_residents_show_where_they_live_with_a_letter_code_or_digid(
    browser: Browser,
    live_server,
    sign_in,
    assert_accessible,
    settings,
    broker,
    tmp_path,
    language,
    javascript,
):
    words = WORDS[language]
    broker.configure(settings)

    def new_page() -> Page:
        page = browser.new_context(java_script_enabled=javascript).new_page()
        page.set_default_timeout(10_000)
        return page

    def check(page: Page) -> None:
        if javascript:
            assert_accessible(page)

    manager = StaffFactory(display_name="Gebiedsmanager Noor", language=language)
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    area = NeighbourhoodFactory(name="Oosterpoort", cbs_code="WK001401", area_manager=manager)
    item = AgendaItemFactory(neighbourhood=area, title="Meer bankjes in het park")
    ActionLevel.objects.create(action="agenda_vote", level=Level.RESIDENT)

    # The area manager imports the addresses: a file with an error imports nothing.
    staff = new_page()
    sign_in_staff_in_browser(staff, live_server, manager)
    staff.goto(f"{live_server.url}/beheer/neighbourhoods/addresslist/add/")
    check(staff)
    staff.locator("#id_file").set_input_files(address_file(tmp_path, area, bad_line=True))
    staff.get_by_role("button", name=words["import"]).click()
    expect(staff.locator("#id_file_error")).to_contain_text("58")
    assert not AddressList.objects.exists()
    staff.locator("#id_file").set_input_files(address_file(tmp_path, area))
    staff.get_by_role("button", name=words["import"]).click()
    expect(staff).to_have_url(re.compile(r"/addresslist/\d+/codes/$"))
    check(staff)
    staff.get_by_label(words["print"]).check()
    staff.get_by_role("button", name=words["issue"]).click()
    expect(staff.locator("article.letter")).to_have_count(200)
    check(staff)
    code = staff.locator(".letter__code").first.inner_text()
    assert AddressList.objects.get().addresses == 200

    # A resident wants to vote; the municipality asks residence, so the code is asked.
    resident = UserFactory(display_name="Bewoner Sanne", language=language)
    page = new_page()
    sign_in(page, resident)
    page.goto(live_server.url + item.get_absolute_url())
    page.get_by_role("button", name=words["vote"]).click()
    expect(page).to_have_url(re.compile(r"/mijn/woonplaats/\?next="))
    expect(page.get_by_text(words["only_residents"])).to_be_visible()
    check(page)
    page.get_by_label(words["code"]).fill("ABCD-EFGH-JKMN")
    page.get_by_role("button", name=words["use"]).click()
    expect(page.locator("#id_code_error")).to_contain_text(words["unknown"])
    check(page)
    page.get_by_label(words["code"]).fill(code)
    page.get_by_role("button", name=words["use"]).click()
    expect(page).to_have_url(live_server.url + item.get_absolute_url())
    expect(page.get_by_text(words["thanks"])).to_be_visible()
    page.get_by_role("button", name=words["vote"]).click()
    expect(page.get_by_text(words["counted"])).to_be_visible()
    assert item.votes.filter(user=resident).exists()

    # Another resident shows their neighbourhood through DigiD at the broker.
    other = UserFactory(display_name="Bewoner Daan", language=language)
    page = new_page()
    sign_in(page, other)
    page.goto(f"{live_server.url}/mijn/woonplaats/")
    check(page)
    page.get_by_role("button", name=words["digid"]).click()
    expect(page).to_have_url(re.compile(re.escape(broker.issuer)))
    page.locator("input[name=login]").fill("999990019")
    page.locator("input[name=password]").fill("digid")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/mijn/woonplaats/")
    expect(page.get_by_text(words["thanks"]).first).to_be_visible()
    check(page)
    residence = Residence.objects.get(user=other)
    assert (residence.neighbourhood, residence.method) == (area, "digid")
