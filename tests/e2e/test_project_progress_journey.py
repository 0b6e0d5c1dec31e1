"""From winner to done in Chromium (issue 23 part 5): a colleague publishes an update
with a photo in the back office; a voter of the round, who follows every winner since
the count, finds the message and sees the update on the project page (with the photo's
description) and on the round's progress page, in Dutch and English; following works
without JavaScript."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from budgets import actions as budget_actions
from budgets.models import Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter
from neighbourhoods.models import ProjectFollower
from neighbourhoods.tests.factories import NeighbourhoodFactory, ProgrammeProjectFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {"news": "Nieuws over het project “Bankjes langs de sloot”: het is voor 70% klaar."},
    "en": {"news": "News on the project “Bankjes langs de sloot”: it is 70% done."},
}


def _winner(language: str):
    manager = StaffFactory(is_superuser=False)
    manager.groups.add(Role.AREA_MANAGER.group())
    give_totp(manager)
    round = RoundFactory(
        neighbourhood=NeighbourhoodFactory(name="Weidehof", area_manager=manager),
        total=Decimal(10_000),
        ballot_form=Round.BallotForm.APPROVAL,
    )
    benches = PlanFactory(round=round, title="Bankjes langs de sloot", cost=Decimal(4_000))
    garden = PlanFactory(round=round, title="Moestuin", cost=Decimal(5_000))
    resident = voter(round, user__language=language)
    ballot(round, [garden], voter=resident)
    ballot(round, [benches, garden], voter=voter(round))
    budget_actions.compute_results(round=close(round))
    benches.refresh_from_db()
    programme = benches.project.programme
    programme.published_at = timezone.now()
    programme.save()
    return manager, resident, round, benches.project


def _photo(tmp_path):
    path = tmp_path / "plein.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (80, 130, 80)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_publish_an_update_and_a_voter_follows_it(
    page: Page, browser: Browser, live_server, sign_in, assert_accessible, tmp_path, language
):
    manager, resident, round, project = _winner(language)
    # Following every winner: the resident chose only the garden, yet follows the benches.
    assert ProjectFollower.objects.filter(user=resident, project=project).exists()

    sign_in_staff_in_browser(page, live_server, manager)
    page.goto(f"{live_server.url}/beheer/neighbourhoods/programmeproject/{project.pk}/change/")
    page.locator("[name='updates-0-text_nl']").fill("De bankjes staan er. Nu nog de verf.")
    page.locator("[name='updates-0-text_en']").fill("The benches are in. Now the paint.")
    page.locator("[name='updates-0-progress']").fill("70")
    page.locator("[name='updates-0-image']").set_input_files(_photo(tmp_path))
    page.locator("[name='updates-0-photo_alt_nl']").fill("Drie nieuwe bankjes langs de sloot")
    page.locator("[name='updates-0-photo_alt_en']").fill("Three new benches along the ditch")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    context = browser.new_context()
    follower = context.new_page()
    sign_in(follower, resident)
    follower.goto(f"{live_server.url}/berichten/")
    news = follower.get_by_role("link", name=WORDS[language]["news"])
    expect(news).to_be_visible()
    assert_accessible(follower)
    news.click()
    expect(follower.get_by_role("heading", level=1)).to_have_text("Bankjes langs de sloot")
    alt = (
        "Drie nieuwe bankjes langs de sloot"
        if language == "nl"
        else ("Three new benches along the ditch")
    )
    expect(follower.get_by_role("img", name=alt)).to_be_visible()
    expect(follower.locator("main")).to_contain_text("70%")
    assert_accessible(follower)
    follower.goto(f"{live_server.url}/buurtbudget/{round.pk}/voortgang/")
    expect(follower.locator("main")).to_contain_text("70%")
    expect(follower.locator("main")).to_contain_text(
        "De bankjes staan er" if language == "nl" else "The benches are in"
    )
    assert_accessible(follower)
    context.close()


def test_following_a_project_works_without_javascript(browser: Browser, live_server, sign_in):
    project = ProgrammeProjectFactory(
        programme__published_at=timezone.now(), title="Speeltuin Weidehof"
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_role("link", name="Log in om dit project te volgen")).to_be_visible()
    person = UserFactory()
    sign_in(page, person)
    page.goto(live_server.url + project.get_absolute_url())
    page.get_by_role("button", name="Volg dit project").click()
    expect(page.get_by_text("Je volgt dit project.")).to_be_visible()
    assert ProjectFollower.objects.filter(project=project, user=person).exists()
    page.get_by_role("button", name="Niet meer volgen").click()
    expect(page.get_by_role("button", name="Volg dit project")).to_be_visible()
    assert not ProjectFollower.objects.filter(project=project, user=person).exists()
    context.close()
