"""The heart of the portal, end to end in Chromium: a resident submits an initiative
with an image and a location, a civil servant assigns and accepts it in the admin, the
resident sees the decision and gets the email, a neighbour supports and comments."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, give_totp, totp_code
from initiatives.models import Initiative, Status
from initiatives.tests.factories import ThemeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db(transaction=True)

RATIONALE = "Het plan brengt buren samen en past in het wijkprogramma. We steunen het."


def png_file(tmp_path):
    from PIL import Image

    path = tmp_path / "speeltuin.png"
    Image.new("RGB", (40, 30), (200, 80, 40)).save(path)
    return path


def sign_in_staff_in_browser(page: Page, live_server, staff) -> None:
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mailadres").fill(staff.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.locator("input[name=code]").fill(totp_code(staff))
    page.locator("input[name=code]").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/2fa/authenticate/"))


def test_from_idea_to_public_decision(
    page: Page, browser, live_server, sign_in, assert_accessible, tmp_path, mailoutbox
):
    NeighbourhoodFactory(name="Havenkwartier")
    ThemeFactory(name_nl="Speelplekken", name_en="Playgrounds")
    resident = UserFactory(display_name="Fatima")
    broker = StaffFactory(display_name="Eva", is_superuser=False)
    broker.groups.add(Role.INITIATIVE_BROKER.group())
    give_totp(broker)

    # The resident writes the initiative, with an image and a place on the map.
    sign_in(page, resident)
    page.goto(live_server.url + "/initiatieven/nieuw/")
    page.get_by_label("Titel").fill("Nieuwe speeltoestellen in het Havenpark")
    page.get_by_label("Korte samenvatting").fill("De toestellen zijn oud en onveilig.")
    page.get_by_label("Beschrijving").fill("We willen een klimrek en een schommel voor peuters.")
    page.get_by_label("Wijk").select_option(label="Havenkwartier")
    page.get_by_label("Thema").select_option(label="Speelplekken")
    page.get_by_label("Adres of plek").fill("Havenpark, bij de vijver")
    page.get_by_label("Geld").check()
    page.get_by_label("Gevraagd bedrag in euro").fill("4500")
    page.get_by_label("Afbeeldingen").set_input_files(png_file(tmp_path))
    page.locator("[data-map=picker]").click()
    expect(page.locator("#location-status")).to_have_text("De plek staat op de kaart.")
    assert_accessible(page)
    page.get_by_role("button", name="Concept opslaan en bekijken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Nieuwe speeltoestellen in het Havenpark"
    )
    expect(page.get_by_role("img", name=re.compile("speeltuin.png"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Indienen bij de gemeente").click()
    expect(page.locator(".portal-messages")).to_contain_text("Je initiatief is ingediend")
    initiative = Initiative.objects.get()
    assert initiative.status == Status.SUBMITTED
    assert initiative.latitude is not None
    assert initiative.attachments.filter(kind="image").count() == 1

    # The civil servant assigns it to herself in the queue, reviews and accepts it.
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in_staff_in_browser(staff_page, live_server, broker)
    staff_page.goto(live_server.url + "/beheer/initiatives/initiative/")
    staff_page.get_by_role("checkbox", name=re.compile("Nieuwe speeltoestellen")).check()
    staff_page.locator("select[name=action]").select_option("assign_to_me")
    staff_page.locator("button[name=index], input[name=index]").first.click()
    expect(staff_page.locator(".messagelist")).to_contain_text("toegewezen")
    staff_page.get_by_role("link", name="Nieuwe speeltoestellen in het Havenpark").click()
    staff_page.get_by_label("Volgende status").select_option("in_review")
    staff_page.get_by_label("Openbaar bericht").fill("We bekijken je plan deze week.")
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_page.get_by_label("Volgende status").select_option("accepted")
    staff_page.get_by_label("Openbaar bericht").fill("Prima")
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator(".errorlist")).to_contain_text("20")
    staff_page.get_by_label("Volgende status").select_option("accepted")
    staff_page.get_by_label("Openbaar bericht").fill(RATIONALE)
    staff_page.locator("input[name=_continue]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    initiative.refresh_from_db()
    assert initiative.status == Status.ACCEPTED
    assert initiative.assignee == broker
    staff_context.close()

    # The resident sees the decision with its rationale and got the email.
    page.goto(live_server.url + initiative.get_absolute_url())
    timeline = page.locator(".portal-timeline")
    expect(timeline).to_contain_text("Geaccepteerd")
    expect(timeline).to_contain_text(RATIONALE)
    expect(page.locator(".portal-status")).to_have_text("Geaccepteerd")
    assert_accessible(page)
    to_resident = [m for m in mail.outbox if m.to == [resident.email]]
    assert any(RATIONALE in message.body for message in to_resident)

    # A neighbour supports (htmx, in place) and comments.
    neighbour_context = browser.new_context()
    neighbour = neighbour_context.new_page()
    sign_in(neighbour, UserFactory(display_name="Bram"))
    neighbour.goto(live_server.url + initiative.get_absolute_url())
    with neighbour.expect_request("**/steunen/") as request:
        neighbour.get_by_role("button", name="Steun dit initiatief").click()
    assert request.value.headers.get("hx-request") == "true"
    expect(neighbour.locator("#support")).to_contain_text("1 steunbetuiging")
    expect(neighbour.locator("#support")).to_contain_text("Bedankt voor je steun!")
    neighbour.get_by_label("Je reactie").fill("Mijn kinderen gaan er zeker spelen!")
    neighbour.get_by_role("button", name="Reactie plaatsen").click()
    expect(neighbour.locator(".portal-comments")).to_contain_text("Mijn kinderen gaan er")
    expect(neighbour.locator(".portal-comments")).to_contain_text("Bram")
    assert_accessible(neighbour)
    neighbour_context.close()


def test_support_works_without_javascript(browser, live_server, sign_in):
    initiative = _public_initiative()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, UserFactory())
    page.goto(live_server.url + initiative.get_absolute_url())
    page.get_by_role("button", name="Steun dit initiatief").click()
    expect(page.locator(".portal-messages")).to_contain_text("Bedankt voor je steun!")
    expect(page.locator("#support")).to_contain_text("1 steunbetuiging")
    page.get_by_role("button", name="Mijn steun intrekken").click()
    expect(page.locator("#support")).to_contain_text("0 steunbetuigingen")
    context.close()


def test_form_errors_are_summarised_and_shown_beside_fields(
    page: Page, live_server, sign_in, assert_accessible
):
    NeighbourhoodFactory()
    ThemeFactory()
    sign_in(page, UserFactory())
    page.goto(live_server.url + "/initiatieven/nieuw/")
    page.get_by_label("Titel").fill("<script>alert(1)</script>")
    page.get_by_label("Gevraagd bedrag in euro").fill("-10")
    page.get_by_role("button", name="Concept opslaan en bekijken").click()
    summary = page.locator(".portal-error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#id_title_error")).to_contain_text("code")
    expect(page.locator("#id_amount_requested_error")).to_be_visible()
    assert_accessible(page)
    assert not Initiative.objects.exists()


def _public_initiative() -> Initiative:
    from initiatives.tests.factories import InitiativeFactory

    return InitiativeFactory(status=Status.IN_REVIEW, title="Bankjes langs de kade")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_initiative_pages_have_no_accessibility_violations(
    page: Page, live_server, sign_in, assert_accessible, language
):
    from initiatives import actions
    from initiatives.tests.factories import CommentFactory, InitiativeFactory

    initiative = _public_initiative()
    top = CommentFactory(initiative=initiative)
    CommentFactory(initiative=initiative, parent=top)
    initiative.latitude, initiative.longitude = 52.15, 5.38
    initiative.save()
    draft = InitiativeFactory(title="Mijn concept")
    actions.support_initiative(initiative=initiative, user=UserFactory())
    sign_in(page, draft.initiator)
    if language == "en":
        page.get_by_role("button", name="English").click()
    for path in [
        "/initiatieven/",
        "/initiatieven/?view=map",
        "/initiatieven/?status=bestaat-niet",
        initiative.get_absolute_url(),
        f"/initiatieven/{draft.pk}/bewerken/",
        f"/initiatieven/{draft.pk}/voorbeeld/",
        f"/initiatieven/reacties/{top.pk}/melden/",
        "/wijken/activiteiten/",
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)


def test_similar_initiatives_appear_while_typing_the_title(page: Page, live_server, sign_in):
    from initiatives.tests.factories import InitiativeFactory

    InitiativeFactory(status=Status.IN_REVIEW, title="Moestuin achter de bibliotheek")
    sign_in(page, UserFactory())
    page.goto(live_server.url + "/initiatieven/nieuw/")
    with page.expect_request("**/vergelijkbaar/**") as request:
        page.get_by_label("Titel").press_sequentially("Een moestuin")
    assert request.value.headers.get("hx-request") == "true"
    expect(page.locator("#similar")).to_contain_text("Moestuin achter de bibliotheek")
