"""The abuse guards as a resident meets them in Chromium: over a rate limit the page
says so (swapped in by htmx, or as a whole page without JavaScript) and stays
accessible; the honeypot is never seen nor reached with the keyboard."""

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from initiatives.models import Comment, Status, Support
from initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def one_a_minute(settings):
    """Once per action, and no more within the test. django-ratelimit counts in fixed
    windows whose edge falls anywhere in the period (a jitter per key): with "1/m" the
    edge fell between a test's two requests about once in thirty runs, and the second
    request was allowed. A day's window makes that practically impossible; the page
    still says to wait a minute."""
    settings.PORTAL_RATE_LIMITS = {action: "1/d" for action in settings.PORTAL_RATE_LIMITS}


def test_second_support_in_a_minute_is_explained_in_the_page(
    page: Page, live_server, sign_in, assert_accessible, one_a_minute
):
    first, second = (InitiativeFactory(status=Status.SUBMITTED) for _n in range(2))
    resident = UserFactory()
    sign_in(page, resident)
    page.goto(live_server.url + first.get_absolute_url())
    page.get_by_role("button", name="Steun dit initiatief").click()
    expect(page.locator("#support")).to_contain_text("Bedankt voor je steun!")

    page.goto(live_server.url + second.get_absolute_url())
    page.get_by_role("button", name="Steun dit initiatief").click()
    main = page.locator("#main")
    expect(main.get_by_role("heading", name="Te veel verzoeken")).to_be_visible()
    expect(main).to_contain_text("Wacht een minuut en probeer het opnieuw.")
    assert_accessible(page)
    assert list(Support.objects.filter(user=resident).values_list("initiative", flat=True)) == [
        first.pk
    ]


def test_without_javascript_the_limit_is_a_whole_page(
    browser, page: Page, live_server, sign_in, assert_accessible, one_a_minute
):
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    sign_in(plain, UserFactory())
    for text in ("Mooi plan", "Nog een keer"):
        plain.goto(live_server.url + initiative.get_absolute_url())
        plain.get_by_label("Je reactie").fill(text)
        plain.get_by_role("button", name="Reactie plaatsen").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text("Te veel verzoeken")
    refused = plain.content()
    context.close()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Mooi plan"]
    # axe needs JavaScript: the same page, as it was sent, checked in a normal tab.
    url = f"{live_server.url}/te-veel/"
    page.route(url, lambda route: route.fulfill(status=429, body=refused))
    page.goto(url)
    assert_accessible(page)


def test_honeypot_is_off_screen_and_out_of_the_tab_order(page: Page, live_server, sign_in):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    sign_in(page, UserFactory())
    page.goto(live_server.url + initiative.get_absolute_url())
    honeypot = page.locator("input[name=homepage]")
    box = honeypot.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 0  # left of the page, never on screen
    page.get_by_label("Je reactie").focus()
    for _step in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") != "homepage"
