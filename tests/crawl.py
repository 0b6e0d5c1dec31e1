"""Every page a person can open, for the checks that read every page (valid HTML, axe).

The URLs come from the authorisation matrix (tests/test_authorisation_matrix.py), which
knows every URL pattern of the portal and of the back office and the objects to fill
them with; a page is every URL that answers this person's GET with an HTML page (200).
"""

from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.test_authorisation_matrix import (
    PEOPLE,
    PORTAL,
    STAFF,
    STAFF_ROLES,
    World,
    _admin_requests,
    _build_world,
    _patterns,
    _portal_requests,
    _sign_in,
)

LANGUAGES = ["nl", "en"]
# One of each kind of person: resident B and supplier B see what A sees.
CRAWLERS = [person for person in PEOPLE if person not in ("resident_b", "supplier_b")]
STAFF_CRAWLERS = [role.value for role in STAFF_ROLES] + ["superuser"]
assert set(STAFF_CRAWLERS) == STAFF

# Pages that only show their content with a query, and the page for what does not exist.
EXTRA_URLS = ["/bestaat-niet/"]
# Parts of pages that htmx swaps in (the page with them is checked): not documents.
FRAGMENTS = {"initiatives:similar", "procurement:cpv_search"}


def build_world() -> World:
    """The matrix's world, and an initiative answered in the past days so that the city
    dashboard shows its key figures."""
    from initiatives.models import Status
    from initiatives.tests.factories import InitiativeFactory

    world = _build_world()
    now = timezone.now()
    InitiativeFactory(
        neighbourhood=world.objects["neighbourhood"],
        status=Status.ACCEPTED,
        submitted_at=now - timedelta(days=12),
        response_due=(now + timedelta(days=2)).date(),
        responded_at=now - timedelta(days=2),
    )
    return world


def candidate_urls(world: World, person: str) -> list[str]:
    """The URLs this person might open with GET: the portal's for everyone, the back
    office's for staff."""
    return list(dict.fromkeys(url for _name, url in named_urls(world, person)))


def named_urls(world: World, person: str) -> list[tuple[str, str]]:
    """(name in the matrix, URL) of what this person might open with GET."""
    admin = reverse("admin:index").lstrip("/")
    search = reverse("overview:search")
    urls = [("404", EXTRA_URLS[0]), ("overview:search", f"{search}?q=speeltuin")]
    for pattern, name in _patterns():
        if pattern.startswith(admin):
            if person not in STAFF:
                continue
            requests = _admin_requests(pattern, name, world)
        elif name in PORTAL and name not in FRAGMENTS:
            requests = _portal_requests(pattern, name, world)
        else:
            continue
        urls += [(cell, url) for cell, method, url in requests if method == "get"]
    return urls


def signed_in_client(world: World, person: str) -> Client:
    """A client signed in as ``person`` (staff with their authenticator app; a code is
    accepted once, so sign in once and change the language with ``speak``)."""
    client = Client()
    _sign_in(client, person, world.people[person])
    return client


def speak(client: Client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def html_pages(client: Client, urls: list[str]) -> Iterator[tuple[str, int, str]]:
    """(url, status, html) of each URL answered with an HTML page; each request is rolled
    back, so a page opened changes nothing for the next."""
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    for url in urls:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))
        expected = 404 if url in EXTRA_URLS else 200
        if response.status_code != expected:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        yield url, response.status_code, response.content.decode()
