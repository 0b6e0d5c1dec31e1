"""The ballot's rules while choosing, in Chromium, in Dutch and English: a resident ticks
plans past a theme's number of plans, past a theme's amount and past the round's maximum,
sees each warning appear (in words, in the live region) and disappear again, is refused by
the server on a submit over the limits with nothing saved, and casts a ballot within them.
A ranking ballot warns the same way for plans given a place."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from budgets.models import Ballot, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ThemeFactory, voter

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {
        "heading": "Je stembiljet",
        "cast": "Mijn stem uitbrengen",
        "saved": "Je stembiljet is opgeslagen",
        "none": "0 van hooguit 3 plannen gekozen",
        "one": "1 van hooguit 3 plannen gekozen",
        "three": "3 van hooguit 3 plannen gekozen",
        "four": "4 van hooguit 3 plannen gekozen",
        "too_few": "Kies minstens 2 plannen om je stem uit te brengen.",
        "green": "Te veel plannen van het thema Groen: kies hooguit 1 plan van dit thema.",
        "play": (
            "De plannen van het thema Spelen kosten samen €\xa05.500, "
            "meer dan de grens van €\xa05.000."
        ),
        "too_many": "Te veel plannen: laat plannen weg tot er hooguit 3 plannen gekozen zijn.",
        "refused": "Kies hooguit 3 plannen.",
    },
    "en": {
        "heading": "Your ballot",
        "cast": "Cast my ballot",
        "saved": "Your ballot is saved",
        "none": "0 of at most 3 plans chosen",
        "one": "1 of at most 3 plans chosen",
        "three": "3 of at most 3 plans chosen",
        "four": "4 of at most 3 plans chosen",
        "too_few": "Choose at least 2 plans to cast your ballot.",
        "green": "Too many plans of the theme Green: choose at most 1 plan of it.",
        "play": (
            "The plans of the theme Play cost €\xa05,500 together, "
            "more than its limit of €\xa05,000."
        ),
        "too_many": "Too many plans: leave out plans until at most 3 plans are chosen.",
        "refused": "Choose at most 3 plans.",
    },
}


def _round(ballot_form):
    round = RoundFactory(total=Decimal(20_000), ballot_form=ballot_form, min_plans=2, max_plans=3)
    green = ThemeFactory(round=round, name_nl="Groen", name_en="Green", max_plans=1)
    play = ThemeFactory(round=round, name_nl="Spelen", name_en="Play", max_amount=5_000)
    plans = {
        "trees": PlanFactory(round=round, title="Bomen", cost=Decimal(1_000), theme=green),
        "flowers": PlanFactory(round=round, title="Bloembakken", cost=Decimal(1_500), theme=green),
        "playground": PlanFactory(round=round, title="Speeltuin", cost=Decimal(3_000), theme=play),
        "skating": PlanFactory(round=round, title="Skatebaan", cost=Decimal(2_500), theme=play),
        "benches": PlanFactory(round=round, title="Bankjes", cost=Decimal(500)),
    }
    return round, green, play, plans


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_ballot_warns_of_every_rule_while_choosing(
    page: Page, live_server, sign_in, assert_accessible, language
):
    words = WORDS[language]
    round, green, play, plans = _round(Round.BallotForm.APPROVAL)
    resident = voter(round, user__language=language)
    sign_in(page, resident)
    page.goto(f"{live_server.url}/buurtbudget/{round.pk}/stemmen/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["heading"])
    status = page.locator("#ballot-status")
    expect(status).to_have_attribute("aria-live", "polite")
    count = page.locator("#ballot-count-line")
    too_few = page.locator("#ballot-too-few")
    too_many = page.locator("#ballot-too-many")
    green_plans = page.locator(f"#ballot-theme-{green.pk}-plans")
    play_amount = page.locator(f"#ballot-theme-{play.pk}-amount")
    expect(count).to_have_text(words["none"])
    expect(too_few).to_have_text(words["too_few"])
    for warning in (too_many, green_plans, play_amount):
        expect(warning).to_be_hidden()
    assert_accessible(page)

    # One plan: still below the minimum (keyboard: space ticks a box).
    page.get_by_label("Bomen").focus()
    page.keyboard.press("Space")
    expect(count).to_have_text(words["one"])
    expect(too_few).to_be_visible()

    # A second plan of the theme Green: past its number of plans, named in words.
    page.get_by_label("Bloembakken").check()
    expect(too_few).to_be_hidden()
    expect(green_plans).to_be_visible()
    expect(status).to_contain_text(words["green"])
    assert_accessible(page)
    page.get_by_label("Bloembakken").uncheck()
    expect(green_plans).to_be_hidden()

    # Two plans of the theme Play: past its amount, with the amount as the server writes it.
    page.get_by_label("Speeltuin").check()
    expect(play_amount).to_be_hidden()
    page.get_by_label("Skatebaan").check()
    expect(count).to_have_text(words["three"])
    expect(play_amount).to_have_text(words["play"])
    expect(too_many).to_be_hidden()

    # A fourth plan: past the round's maximum.
    page.get_by_label("Bankjes").check()
    expect(count).to_have_text(words["four"])
    expect(too_many).to_have_text(words["too_many"])
    assert_accessible(page)

    # The server refuses it all the same, and shows the same lines after the submit.
    page.get_by_role("button", name=words["cast"]).click()
    expect(page.get_by_text(words["refused"]).first).to_be_visible()
    expect(too_many).to_have_text(words["too_many"])
    expect(play_amount).to_have_text(words["play"])
    assert not Ballot.objects.exists()
    assert_accessible(page)

    # Leaving out one plan of Play settles both; the ballot is cast.
    page.get_by_label("Skatebaan").uncheck()
    expect(too_many).to_be_hidden()
    expect(play_amount).to_be_hidden()
    expect(count).to_have_text(words["three"])
    page.get_by_role("button", name=words["cast"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()
    mine = Ballot.objects.get(voter=resident)
    chosen = set(mine.choices.values_list("plan", flat=True))
    assert chosen == {plans["trees"].pk, plans["playground"].pk, plans["benches"].pk}
    expect(count).to_have_text(words["three"])
    assert_accessible(page)


def test_a_ranking_ballot_warns_for_plans_given_a_place(
    page: Page, live_server, sign_in, assert_accessible
):
    words = WORDS["nl"]
    round, green, _play, plans = _round(Round.BallotForm.RANKING)
    resident = voter(round, user__language="nl")
    sign_in(page, resident)
    page.goto(f"{live_server.url}/buurtbudget/{round.pk}/stemmen/")
    count = page.locator("#ballot-count-line")
    green_plans = page.locator(f"#ballot-theme-{green.pk}-plans")
    expect(count).to_have_text(words["none"])
    page.get_by_label("Bomen").select_option("1")
    page.get_by_label("Bloembakken").select_option("2")
    expect(green_plans).to_have_text(words["green"])
    assert_accessible(page)
    page.get_by_label("Bloembakken").select_option("")
    expect(green_plans).to_be_hidden()
    expect(page.locator("#ballot-too-few")).to_be_visible()
    page.get_by_label("Bankjes").select_option("2")
    expect(page.locator("#ballot-too-few")).to_be_hidden()
    page.get_by_role("button", name=words["cast"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()
    mine = Ballot.objects.get(voter=resident)
    ranked = list(mine.choices.order_by("rank").values_list("plan", flat=True))
    assert ranked == [plans["trees"].pk, plans["benches"].pk]
