import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What Chromium says when the page axe runs in is replaced by the next one.
_NAVIGATED = re.compile(r"reading 'documentElement'|Execution context was destroyed|navigat")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def assert_accessible():
    axe = Axe()

    def check(page) -> None:
        # A click that navigates returns before the next page has loaded; axe run on a page
        # being replaced finds no document. Wait for the page to load, and if the page was
        # swapped under axe all the same, check the page that is there now (once more).
        for attempt in range(3):
            page.wait_for_load_state("load")
            try:
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            except PlaywrightError as error:
                if attempt == 2 or not _NAVIGATED.search(str(error)):
                    raise
                continue
            assert results.violations_count == 0, results.generate_report()
            return

    return check


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _short_timeouts(page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


@pytest.fixture
def sign_in(live_server):
    """Sign a factory user in through the real login form (Dutch labels)."""
    from accounts.tests.factories import PASSWORD

    def _sign_in(page, user) -> None:
        page.goto(live_server.url + "/account/login/")
        page.get_by_label("E-mailadres").fill(user.email)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()

    return _sign_in
