"""Participation end to end in Chromium: an area manager publishes a process with its
stakeholder analysis and participation levels, a resident follows it and reads what we
heard and did; a resident joins a task team; a council member's question becomes a
panel poll whose result comes back; a published decision reaches a follower's digest."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, give_totp
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.tasks import send_daily_digests
from participation.models import CouncilQuestion, Process, TeamMembership
from participation.tests.factories import (
    DecisionFactory,
    PhaseFactory,
    ProcessFactory,
    StakeholderFactory,
    TaskTeamFactory,
    TopicFactory,
    council_member,
)
from surveys.models import Survey
from tests.e2e.test_initiative_journey import sign_in_staff_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def _staff(role: Role, name: str):
    staff = StaffFactory(display_name=name)
    staff.groups.add(role.group())
    give_totp(staff)
    return staff


def _admin_action(page: Page, row_name: str, action: str) -> None:
    page.get_by_role("checkbox", name=re.compile(re.escape(row_name))).first.check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index], input[name=index]").first.click()


def test_area_manager_publishes_a_process_and_a_follower_hears_what_we_did(
    page: Page, browser, live_server, sign_in, assert_accessible
):
    manager = _staff(Role.AREA_MANAGER, "Ruud")
    # An area manager's process is about their own neighbourhood (issue 21).
    NeighbourhoodFactory(name="Havenkwartier", area_manager=manager)
    resident = UserFactory(display_name="Fatima")
    today = timezone.localdate()

    sign_in_staff_in_browser(page, live_server, manager)
    page.goto(live_server.url + "/beheer/participation/process/add/")
    page.get_by_label("Titel").fill("Herinrichting Havenplein")
    page.get_by_label("Soort").select_option("project")
    page.get_by_label("Samenvatting").fill("Het plein wordt groener; samen kiezen we hoe.")
    page.locator("#id_neighbourhoods_from").select_option(label="Havenkwartier")
    page.locator("#id_neighbourhoods_add").click()
    page.locator("input[name='phases-0-name']").fill("Wensen ophalen")
    page.locator("input[name='phases-0-starts_on']").fill(str(today - timedelta(days=5)))
    page.locator("input[name='phases-0-ends_on']").fill(str(today + timedelta(days=20)))
    page.locator("select[name='phases-0-level']").select_option("consult")
    page.locator("textarea[name='phases-0-level_reason']").fill("Eerst breed horen wat er speelt.")
    page.locator("input[name='stakeholders-0-name']").fill("Ondernemers Havenkwartier")
    page.locator("textarea[name='stakeholders-0-interests']").fill("Bereikbaarheid")
    page.locator("select[name='stakeholders-0-influence']").select_option("medium")
    page.locator("input[name='stakeholders-0-involvement']").fill("Gesprek en ateliers")
    page.locator("select[name='stakeholders-0-level']").select_option("advise")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    _admin_action(page, "Herinrichting Havenplein", "publish")
    expect(page.locator(".messagelist")).to_contain_text("1 traject gepubliceerd")
    process = Process.objects.get(slug="herinrichting-havenplein")
    assert process.is_published

    # A resident finds it, reads the ladder and the stakeholders, and follows it.
    resident_page = browser.new_page()
    sign_in(resident_page, resident)
    resident_page.goto(live_server.url + "/participatie/")
    resident_page.get_by_role("link", name="Herinrichting Havenplein").click()
    expect(
        resident_page.get_by_text("Participatieniveau: Raadplegen (stap 2 van 5)")
    ).to_be_visible()
    expect(resident_page.get_by_role("rowheader", name="Ondernemers Havenkwartier")).to_be_visible()
    assert_accessible(resident_page)
    resident_page.get_by_role("button", name="Volg dit traject").click()
    expect(resident_page.get_by_text("Je volgt dit traject.", exact=True)).to_be_visible()

    # After the phase the manager writes what we heard and what we did.
    page.goto(live_server.url + f"/beheer/participation/process/{process.pk}/change/")
    page.locator("textarea[name='phases-0-heard']").fill("Meer groen en een veilige oversteek.")
    page.locator("textarea[name='phases-0-done']").fill("Het ontwerp krijgt bomen en een zebrapad.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Volgers horen")

    resident_page.goto(live_server.url + "/berichten/")
    resident_page.get_by_role(
        "link", name=re.compile("wat we hoorden en wat we ermee deden")
    ).click()
    expect(resident_page.get_by_text("Het ontwerp krijgt bomen en een zebrapad.")).to_be_visible()
    assert_accessible(resident_page)


def test_resident_joins_a_task_team(page: Page, browser, live_server, sign_in, assert_accessible):
    manager = _staff(Role.AREA_MANAGER, "Aylin")
    team = TaskTeamFactory(
        title="Opgaveteam groen Havenkwartier",
        agenda_item__neighbourhood=NeighbourhoodFactory(area_manager=manager),
    )
    resident = UserFactory(display_name="Mohamed")
    sign_in(page, resident)
    page.goto(live_server.url + "/participatie/opgaveteams/")
    page.get_by_role("link", name="Opgaveteam groen Havenkwartier").click()
    expect(page.get_by_text("De gemeente is partner")).to_be_visible()
    # An empty motivation gets a message beside the field.
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Waarom je mee wilt doen").fill("Ik heb verstand van planten.")
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(page.get_by_text("Je hebt je aangemeld; de gebiedsmanager")).to_be_visible()

    staff_page = browser.new_page()
    sign_in_staff_in_browser(staff_page, live_server, manager)
    staff_page.goto(live_server.url + "/beheer/")
    staff_page.goto(
        live_server.url + f"/beheer/participation/teammembership/?team__id__exact={team.pk}"
    )
    staff_page.get_by_role("checkbox", name=re.compile("Selecteer")).last.check()
    staff_page.locator("select[name=action]").select_option("accept")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    staff_page.get_by_label("Rol in het team").select_option("resident_lead")
    staff_page.locator("input[name=apply]").click()
    expect(staff_page.locator(".messagelist")).to_contain_text("Over 1 aanmelding besloten")
    assert TeamMembership.objects.get(user=resident).status == "accepted"

    page.reload()
    expect(page.get_by_text("Je zit in dit team als Trekker (inwoner).")).to_be_visible()
    page.get_by_role("textbox", name="Voortgang").fill(
        "Eerste wandeling: twaalf plekken voor geveltuinen."
    )
    page.get_by_role("button", name="Voortgang publiceren").click()
    expect(page.get_by_text("Eerste wandeling: twaalf plekken voor geveltuinen.")).to_be_visible()
    assert_accessible(page)


def test_council_question_becomes_a_panel_poll_whose_result_comes_back(
    page: Page, browser, live_server, sign_in, assert_accessible
):
    member = council_member()
    researcher = _staff(Role.RESEARCHER, "Pieter")

    sign_in(page, member)
    page.goto(live_server.url + "/participatie/raadsvragen/")
    page.get_by_role("link", name="Stel het panel een vraag").click()
    page.get_by_label("Vraag").fill("Voelt u zich veilig als u 's avonds over straat gaat?")
    page.get_by_label("Waarom de raad het wil weten").fill("De raad bespreekt het veiligheidsplan.")
    assert_accessible(page)
    page.get_by_role("button", name="Naar de onderzoekers sturen").click()
    expect(page.get_by_text("Ingediend")).to_be_visible()
    asked = CouncilQuestion.objects.get()

    staff_page = browser.new_page()
    sign_in_staff_in_browser(staff_page, live_server, researcher)
    staff_page.goto(live_server.url + "/beheer/participation/councilquestion/")
    _admin_action(staff_page, "Voelt u zich veilig", "accept")
    expect(staff_page.locator(".messagelist")).to_contain_text("1 vraag beoordeeld")
    _admin_action(staff_page, "Voelt u zich veilig", "make_poll")
    # The researcher chooses the kind of question (issue 28): here yes or no.
    staff_page.locator("select[name=kind]").select_option("yesno")
    staff_page.locator("input[name=apply]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    asked.refresh_from_db()
    survey = asked.survey
    assert survey.kind == Survey.Kind.PANEL
    assert survey.questions.get().kind == "yesno"

    # The poll runs (its answering is tested with the surveys), closes, and is published.
    Survey.objects.filter(pk=survey.pk).update(opens_at=timezone.now() - timedelta(days=15))
    staff_page.goto(live_server.url + "/beheer/surveys/survey/")
    _admin_action(staff_page, "Vraag van de raad", "close")
    _admin_action(staff_page, "Vraag van de raad", "publish")
    # Nobody answered: no publication, and no answer to the council, without a reason.
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.POLLING
    staff_page.locator("textarea[name=reason]").fill(
        "Een proef: het panel kreeg de vraag niet, de raad wilde de werkwijze zien."
    )
    staff_page.locator("input[name=apply]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.ANSWERED

    page.goto(live_server.url + "/berichten/")
    page.get_by_role("link", name=re.compile("Het panel heeft je vraag beantwoord")).click()
    expect(page.get_by_text("Beantwoord", exact=True)).to_be_visible()
    page.get_by_role("link", name="Bekijk wat het panel antwoordde").click()
    expect(page).to_have_url(re.compile(r"/resultaten/$"))

    # Anyone sees the answered question; the indicator page counts it.
    visitor = browser.new_page()
    visitor.goto(live_server.url + "/participatie/raadsvragen/")
    expect(visitor.get_by_role("link", name=re.compile("Voelt u zich veilig"))).to_be_visible()
    visitor.goto(live_server.url + "/enquetes/indicatoren/")
    expect(
        visitor.get_by_role(
            "heading", name="Aantal keren dat de raad het inwonerspanel een vraag stelde"
        )
    ).to_be_visible()
    assert_accessible(visitor)


def test_published_decision_reaches_a_followers_daily_digest(
    page: Page, browser, live_server, sign_in, assert_accessible, mailoutbox
):
    TopicFactory(slug="groen", name_nl="Groen en openbare ruimte", name_en="Green")
    resident = UserFactory(display_name="Ingrid")
    staff = StaffFactory(is_superuser=True)
    give_totp(staff)

    sign_in(page, resident)
    page.goto(live_server.url + "/participatie/besluiten/")
    follow = page.get_by_role("region", name="Besluiten volgen")
    follow.get_by_label("Onderwerp").select_option(label="Groen en openbare ruimte")
    follow.get_by_role("button", name="Volgen").click()
    expect(page.get_by_text("Je volgt deze besluiten.")).to_be_visible()
    assert_accessible(page)

    staff_page = browser.new_page()
    sign_in_staff_in_browser(staff_page, live_server, staff)
    staff_page.goto(live_server.url + "/beheer/participation/decision/add/")
    staff_page.locator("#id_title").fill("Budget herinrichting Havenplein vrijgegeven")
    staff_page.locator("textarea[name=summary]").fill("Het college stelt € 450.000 beschikbaar.")
    staff_page.locator("textarea[name=reasoning]").fill(
        "Bewoners kozen voor groen en een veilige oversteek."
    )
    staff_page.locator("input[name=decided_on]").fill(str(timezone.localdate()))
    staff_page.get_by_label("Onderwerp").select_option(label="Groen en openbare ruimte")
    staff_page.locator("input[name=_save]").click()
    _admin_action(staff_page, "Budget herinrichting Havenplein", "publish")
    expect(staff_page.locator(".messagelist")).to_contain_text("1 besluit gepubliceerd")

    send_daily_digests()
    digests = [m for m in mailoutbox if resident.email in m.to]
    assert len(digests) == 1
    assert "Budget herinrichting Havenplein vrijgegeven" in digests[0].body

    page.goto(live_server.url + "/participatie/besluiten/")
    page.get_by_role("link", name="Budget herinrichting Havenplein vrijgegeven").click()
    expect(page.get_by_text("Bewoners kozen voor groen en een veilige oversteek.")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_participation_pages_have_no_axe_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    process = ProcessFactory(title="Herinrichting Havenplein")
    PhaseFactory(process=process, heard="Meer groen.", done="Bomen.")
    StakeholderFactory(process=process)
    team = TaskTeamFactory()
    decision = DecisionFactory()
    member = council_member()
    sign_in(page, member)
    if language == "en":
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for path in [
        "/participatie/",
        process.get_absolute_url(),
        "/participatie/opgaveteams/",
        team.get_absolute_url(),
        "/participatie/raadsvragen/",
        "/participatie/raadsvragen/nieuw/",
        "/participatie/besluiten/",
        "/participatie/besluiten/?topic=bestaat-niet",
        decision.get_absolute_url(),
        "/enquetes/indicatoren/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status in {200, 400}, path
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
