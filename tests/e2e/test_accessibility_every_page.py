"""axe on every page, in Dutch and in English: the portal as a visitor and as a resident,
the back office as each staff role (its index, lists, add and change pages) and as the
administrator (every page of it). The pages are those of tests/crawl.py: every URL of the
authorisation matrix that answers this person with an HTML page.

One browser context per person and language, signed in with the session of a test
client that passed the password and the authenticator app; axe is loaded into every
page by the context, and the static files are fetched from the server once per run."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.crawl import (
    LANGUAGES,
    STAFF_CRAWLERS,
    build_world,
    html_pages,
    named_urls,
    signed_in_client,
    speak,
)
from tests.e2e.conftest import WCAG_TAGS

pytestmark = [pytest.mark.crawl, pytest.mark.django_db(transaction=True)]

PORTAL_PEOPLE = ["anonymous", "resident_a"]
EVERYTHING = "superuser"
# A staff role's own back-office pages; history and delete pages are Django's generic
# ones, opened by the administrator.
ROLE_PAGES = re.compile(r"^admin:(index|app_list:.*|\w+_(changelist|add|change))$")
STATIC: dict[str, dict] = {}


def _urls_for(world, client, person: str) -> list[str]:
    admin = reverse("admin:index")
    speak(client, "nl")
    names = dict(named_urls(world, person))
    by_url = {url: name for name, url in names.items()}
    pages = [url for url, _status, _html in html_pages(client, list(by_url))]
    if person in PORTAL_PEOPLE:
        return [url for url in pages if not url.startswith(admin)]
    if person == EVERYTHING:
        # Django's generic history and delete pages: one of each.
        generic = re.compile(r"^admin:\w+_(history|delete)$")
        first = {}
        for url in pages:
            kind = generic.match(by_url.get(url, ""))
            if kind:
                first.setdefault(kind[1], url)
        return [
            url
            for url in pages
            if url.startswith(admin) and (url in first.values() or not generic.match(by_url[url]))
        ]
    return [url for url in pages if url.startswith(admin) and ROLE_PAGES.match(by_url[url])]


def _serve_static_once(route) -> None:
    """Static files are the same on every page: fetched once, then from memory."""
    url = route.request.url
    if url not in STATIC:
        response = route.fetch()
        STATIC[url] = {
            "status": response.status,
            "headers": response.headers,
            "body": response.body(),
        }
    route.fulfill(**STATIC[url])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("person", [*PORTAL_PEOPLE, *STAFF_CRAWLERS])
def test_every_page_has_no_axe_violations(browser, live_server, person, language, settings):
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}
    world = build_world()
    client = signed_in_client(world, person)
    urls = _urls_for(world, client, person)
    assert len(urls) > 5, urls
    context = browser.new_context(locale=language)
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
            if name != settings.LANGUAGE_COOKIE_NAME
        ]
        + [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    context.add_init_script(Axe().axe_script)
    context.route(re.compile(re.escape(live_server.url) + r"/static/"), _serve_static_once)
    page = context.new_page()
    page.set_default_timeout(20_000)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    found = []
    try:
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response is not None, url
            assert response.status < 500, url
            assert page.locator("html").get_attribute("lang") == language, url
            result = page.evaluate("options => axe.run(document, options)", options)
            for violation in result["violations"]:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                found.append(f"{url}: {violation['id']} ({len(targets)}): {targets[:4]}")
    finally:
        context.close()
    assert not found, f"{person} {language}: {len(found)} violations on {len(urls)} pages\n" + (
        "\n".join(found)
    )
