"""A phone's window, 375 px wide, in Dutch and in English: the list of neighbourhoods,
a neighbourhood's monitor (its comparison table) and a project's page (with the photo of
an update) never scroll sideways; a wide table scrolls in its own labelled box, a photo
shrinks to the window, and the words of the h1 stay whole. Every page passes axe."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from common.uploads import process_image
from neighbourhoods import actions
from neighbourhoods.tests.factories import ProgrammeFactory, ProgrammeProjectFactory
from tests.e2e.test_area_monitor_journey import binnenstad

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 375

# The words of each h1 that do not fit on one line of its box, split inside (a word
# may break at its hyphen, "2024-|2025"; never elsewhere).
BROKEN_WORDS = r"""() => {
  const broken = [];
  for (const heading of document.querySelectorAll('h1')) {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                                          .map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def _project_with_a_photo():
    wijk = binnenstad()
    programme = ProgrammeFactory(neighbourhood=wijk, published_at=timezone.now())
    project = ProgrammeProjectFactory(programme=programme, title="Groen en ontmoeten")
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (80, 130, 80)).save(buffer, format="JPEG")
    photo = process_image(SimpleUploadedFile("plein.jpg", buffer.getvalue(), "image/jpeg"))
    actions.publish_project_update(
        project=project,
        by=None,
        text_nl="De bankjes staan er.",
        text_en="The benches are in.",
        progress=40,
        photo=photo,
        photo_alt_nl="Drie nieuwe bankjes",
        photo_alt_en="Three new benches",
    )
    return wijk, project


@pytest.mark.parametrize("language", ["nl", "en"])
def test_at_375_pixels_no_page_is_wider_than_the_window(
    language, page: Page, live_server, assert_accessible
):
    wijk, project = _project_with_a_photo()
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.context.add_cookies(
        [{"name": "portal_language", "value": language, "url": live_server.url}]
    )
    pages = [
        "/wijken/",
        f"/wijken/{wijk.slug}/monitor/",
        f"/wijken/{wijk.slug}/programma/{project.programme.year}/{project.pk}/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
        assert page.evaluate(BROKEN_WORDS) == [], path
        assert_accessible(page)
    # The photo is there, as wide as the window allows.
    photo = page.locator(".portal-main img").first
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.getBoundingClientRect().right") <= WIDTH
    # The monitor's comparison table scrolls inside a box a keyboard can reach.
    page.goto(f"{live_server.url}/wijken/{wijk.slug}/monitor/")
    region = page.locator(".portal-table-scroll").first
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    expect(region.locator("table caption")).to_contain_text(wijk.name)
