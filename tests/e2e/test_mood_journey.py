"""The mood of the city, end to end in Chromium, in Dutch and in English: a researcher
reads what residents wrote over the past year, sees the topics with the texts behind
them (personal data masked), writes a summary, is refused publishing it before saying
it was reviewed, publishes it, and a visitor reads it on "Wat leeft er in de stad"
without any of the texts. Every page passes axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, give_totp
from initiatives.models import Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory
from mood.models import AnalysisRun, Summary, Topic
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports.tests.factories import ReportFactory
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "nl": {"publish": "Publiceer de nagekeken samenvatting", "refused": "nagekeken"},
    "en": {"publish": "Publish the reviewed summary", "refused": "reviewed"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_researcher_publishes_a_reviewed_summary_of_the_year(
    language, page: Page, browser, live_server, assert_accessible, settings
):
    # Topics resting on three texts may be published (the usual minimum is ten).
    settings.SURVEY_MIN_GROUP_SIZE = 3
    researcher = StaffFactory(display_name="Pieter", language=language)
    researcher.groups.add(Role.RESEARCHER.group())
    give_totp(researcher)
    north = NeighbourhoodFactory(name="Noorderhaven")
    now = timezone.now()
    playground = InitiativeFactory(
        neighbourhood=north,
        status=Status.SUBMITTED,
        submitted_at=now - timedelta(days=200),
        title="Speeltuin voor de kinderen",
        description="De kinderen hebben geen speeltuin. Mail mij: anna@example.nl",
    )
    CommentFactory(initiative=playground, text="Ja, een speeltuin met schommels graag")
    for days in (20, 90, 150):
        ReportFactory(
            neighbourhood=north,
            submitted_at=now - timedelta(days=days),
            description="Afval en vuilnis naast de container, bel 06-12345678",
        )

    sign_in_staff_in_browser(page, live_server, researcher)
    page.goto(live_server.url + "/beheer/mood/analysisrun/add/")
    assert_accessible(page)
    today = timezone.localdate()
    page.locator("input[name=start]").fill(f"{today - timedelta(days=365):%Y-%m-%d}")
    page.locator("input[name=end]").fill(f"{today:%Y-%m-%d}")
    page.locator("input[name=topic_count]").fill("4")
    page.locator("input[type=submit]").click()

    # Computed in-process right after the request: the topics are there.
    expect(page.locator("#topic-1")).to_be_visible()
    content = page.content()
    assert "speeltuin" in content
    assert "afval" in content
    assert "anna@example.nl" not in content
    assert "06-12345678" not in content
    assert "[e-mailadres]" in content
    assert_accessible(page)

    page.locator("input[name=title_nl]").fill("Spelen en schoon")
    page.locator("input[name=title_en]").fill("Play and clean")
    page.locator("textarea[name=text_nl]").fill("Bewoners vragen om speeltuinen en minder afval.")
    page.locator("textarea[name=text_en]").fill("Residents ask for playgrounds and less litter.")
    page.get_by_role("button", name=WORDS[language]["publish"]).click()
    expect(page.locator("#id_reviewed_error")).to_contain_text(WORDS[language]["refused"])
    assert not Summary.objects.filter(published_at__isnull=False).exists()
    assert_accessible(page)

    # Every topic big enough is chosen for the page until the researcher says otherwise.
    expect(page.locator("input[name=topics]").first).to_be_checked()
    page.locator("input[name=reviewed]").check()
    page.get_by_role("button", name=WORDS[language]["publish"]).click()
    expect(page.locator("a[href='/wat-leeft-er/']")).to_be_visible()
    assert Summary.objects.get().published_at is not None

    visitor = browser.new_page(locale=language)
    visitor.set_default_timeout(10_000)
    visitor.context.add_cookies(
        [{"name": "portal_language", "value": language, "url": live_server.url}]
    )
    visitor.goto(live_server.url + "/wat-leeft-er/")
    title = "Spelen en schoon" if language == "nl" else "Play and clean"
    expect(visitor.get_by_role("heading", name=title)).to_be_visible()
    public = visitor.content()
    # The topic of the three reports is there; the words of a topic resting on fewer
    # texts are not.
    (reports,) = [topic for topic in Topic.objects.all() if "vuilnis" in topic.words]
    assert reports.size == 3
    assert ", ".join(reports.words) in public
    assert "schommels" not in public
    assert "Mail mij" not in public
    assert "container, bel" not in public
    assert_accessible(visitor)
    visitor.close()


def test_the_page_follows_a_run_in_the_background_and_shows_its_topics(
    page: Page, live_server, assert_accessible
):
    researcher = StaffFactory(display_name="Pieter")
    researcher.groups.add(Role.RESEARCHER.group())
    give_totp(researcher)
    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today - timedelta(days=30), end=today, status=AnalysisRun.Status.RUNNING, progress=40
    )
    sign_in_staff_in_browser(page, live_server, researcher)
    page.goto(live_server.url + f"/beheer/mood/analysisrun/{run.pk}/change/")
    expect(page.locator("progress")).to_have_attribute("value", "40")
    assert_accessible(page)
    AnalysisRun.objects.filter(pk=run.pk).update(progress=80)
    expect(page.locator("progress")).to_have_attribute("value", "80")
    Topic.objects.create(run=run, position=1, words=["speeltuin"], size=1, per_month={})
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.DONE, progress=100)
    expect(page.locator("#topic-1")).to_be_visible()
