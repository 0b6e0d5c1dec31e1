"""The neighbourhood budget end to end in Chromium, in Dutch and English and once
without JavaScript: a verified resident votes within the budget (the running total
shows what is left); a choice over the budget is refused with a clear message and
nothing is saved; the round closes and the Equal Shares outcome and its explanation
appear. The city dashboard shows the rounds counted and the turnout."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from budgets.models import Ballot, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter
from neighbourhoods.models import CbsFigure, CbsImport
from neighbourhoods.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "heading": "Je stembiljet",
        "cast": "Mijn stem uitbrengen",
        "recount": "Totaal uitrekenen",
        "saved": "Je stembiljet is opgeslagen",
        "over_by": "€\xa02.000 boven het budget",
        "left": "1.000",
        "over": "Je keuze kost €\xa012.000, meer dan het budget van €\xa010.000.",
        "change": "Mijn stembiljet wijzigen",
        "shares": "De stemmers konden de kosten van €\xa04.000 samen betalen",
        "completion": "Na de telling met Gelijke Delen paste het",
        "results": "Resultaten",
    },
    "en": {
        "heading": "Your ballot",
        "cast": "Cast my ballot",
        "recount": "Work out the total",
        "saved": "Your ballot is saved",
        "over_by": "€\xa02,000 over the budget",
        "left": "1,000",
        "over": "Your choice costs €\xa012,000, more than the budget of €\xa010,000.",
        "change": "Change my ballot",
        "shares": "Its voters could pay its cost of €\xa04,000 together",
        "completion": "After the Equal Shares count it fit",
        "results": "Results",
    },
}


@pytest.fixture(autouse=True)
def tally_published(settings):
    """Six ballots: publish the tally, so the Equal Shares reasons show (a round below
    ``SURVEY_MIN_GROUP_SIZE`` says only who won; tested in budgets/tests)."""
    settings.SURVEY_MIN_GROUP_SIZE = 1


@pytest.fixture
def no_js_page(browser: Browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _round():
    round = RoundFactory(
        title_nl="Buurtbudget Weidehof",
        title_en="Neighbourhood budget Weidehof",
        total=Decimal(10_000),
        ballot_form=Round.BallotForm.BUDGET,
        winner_rule=Round.WinnerRule.EQUAL_SHARES,
    )
    plans = [
        PlanFactory(round=round, title="Bankjes langs de sloot", cost=Decimal(4_000)),
        PlanFactory(round=round, title="Moestuin", cost=Decimal(5_000)),
        PlanFactory(round=round, title="Speeltuin", cost=Decimal(3_000)),
    ]
    return round, plans


def _journey(page: Page, live_server, sign_in, check, language: str, javascript: bool):
    words = WORDS[language]
    round, (benches, garden, playground) = _round()
    resident = voter(round, user__language=language)
    sign_in(page, resident)
    url = f"{live_server.url}/buurtbudget/{round.pk}/stemmen/"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    check(page)

    # Within the budget: two plans, 9,000 of 10,000 (keyboard: space ticks a box).
    page.get_by_label("Bankjes langs de sloot").focus()
    page.keyboard.press("Space")
    page.get_by_label("Moestuin").check()
    if javascript:
        expect(page.locator("#ballot-left")).to_contain_text(words["left"])
    else:
        page.get_by_role("button", name=words["recount"]).click()
        expect(page.locator("#ballot-left")).to_contain_text(words["left"])
        assert not Ballot.objects.exists()
    page.get_by_role("button", name=words["cast"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()
    mine = Ballot.objects.get(voter=resident)
    assert set(mine.choices.values_list("plan", flat=True)) == {benches.pk, garden.pk}

    # Over the budget: refused beside the field, the ballot as it was.
    page.get_by_label("Speeltuin").check()
    if javascript:
        expect(page.locator("#ballot-over")).to_be_visible()
        expect(page.locator("#ballot-over-line")).to_have_text(words["over_by"])
    page.get_by_role("button", name=words["change"]).click()
    expect(page.get_by_text(words["over"]).first).to_be_visible()
    # The same words from the server after the submit as from the script before it.
    expect(page.locator("#ballot-over-line")).to_have_text(words["over_by"])
    check(page)
    assert set(mine.choices.values_list("plan", flat=True)) == {benches.pk, garden.pk}

    # The round closes: the others voted too, and the Equal Shares count explains itself.
    for _n in range(3):
        ballot(round, [benches], voter=voter(round))
    for _n in range(2):
        ballot(round, [playground, garden], voter=voter(round))
    close(round)
    page.goto(f"{live_server.url}/buurtbudget/{round.pk}/")
    page.locator("main a[href$='/uitslag/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["results"])
    expect(page.get_by_text(words["shares"]).first).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Speeltuin")
    check(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_resident_votes_within_the_budget_and_sees_why_plans_won(
    page: Page, live_server, sign_in, assert_accessible, language
):
    _journey(page, live_server, sign_in, assert_accessible, language, javascript=True)


def test_the_ballot_works_without_javascript(no_js_page, live_server, sign_in):
    _journey(no_js_page, live_server, sign_in, lambda page: None, "nl", javascript=False)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_dashboard_shows_rounds_and_turnout(
    browser: Browser, live_server, assert_accessible, language
):
    """The city dashboard's budget part: the turnout chart with its table, the ballots
    and residents with thousands separators, and "no figure" for a wijk without CBS
    figure; no axe violations."""
    west = NeighbourhoodFactory(name="Westwijk", cbs_code="WK034401")
    east = NeighbourhoodFactory(name="Oostwijk", cbs_code="WK034402")
    for neighbourhood, ballots in [(west, 1_250), (east, 40)]:
        counted = RoundFactory(neighbourhood=neighbourhood)
        Round.objects.filter(pk=counted.pk).update(
            results_computed_at=timezone.now() - timedelta(days=3), ballots_counted=ballots
        )
    imported = CbsImport.objects.create(year=2024, source="CBS 2024")
    CbsFigure.objects.create(
        cbs_import=imported, code="WK034401", name="Westwijk", level="wijk",
        key="population", value=Decimal(12_500),
    )  # fmt: skip
    page = browser.new_page(locale=language)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/cijfers/")
    section = page.locator("section[aria-labelledby='budget-turnout-title']")
    expect(section.locator("svg")).to_be_visible()
    expect(section).to_contain_text("12.500" if language == "nl" else "12,500")
    expect(section).to_contain_text("1.250" if language == "nl" else "1,250")
    expect(section).to_contain_text("geen cijfer" if language == "nl" else "no figure")
    assert_accessible(page)
    page.close()


def test_the_ballot_fits_a_phone_with_real_checkboxes(browser: Browser, live_server, sign_in):
    """At 375 px the ballot has no sideways scrolling and every plan is a checkbox of
    checkbox size beside its whole label (not a text box above a cut-off label)."""
    round, _plans = _round()
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    sign_in(page, voter(round))
    page.goto(f"{live_server.url}/buurtbudget/{round.pk}/stemmen/")
    box = page.get_by_label("Bankjes langs de sloot")
    expect(box).to_have_attribute("type", "checkbox")
    size = box.bounding_box()
    assert size is not None
    assert size["width"] <= 32
    assert size["height"] <= 32
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    label = page.locator(f"label:has(#{box.get_attribute('id')})")
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth")
    context.close()
