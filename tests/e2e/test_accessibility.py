import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/account/login/",
    "/account/signup/",
    "/bestaat-niet/",
    "/wijken/",
    "/pagina/privacy/",
]


def _choose_language(page: Page, live_server, language: str) -> None:
    page.goto(live_server.url + "/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pages_have_no_axe_violations(page: Page, live_server, assert_accessible, language):
    _choose_language(page, live_server, language)
    for path in PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == (404 if path == "/bestaat-niet/" else 200), path
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de hoofdinhoud")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_no_csp_violations_on_home(page: Page, live_server):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert not [error for error in errors if "Content Security Policy" in error]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_error_pages_without_database_have_no_axe_violations(
    page: Page, live_server, assert_accessible, language, template
):
    """The pages for a server error and for a database outage render without the
    database (no request context); served here as the portal would send them."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        body = render_to_string(template)
    url = f"{live_server.url}/storing/"
    page.route(url, lambda route: route.fulfill(status=int(template[:3]), body=body))
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
