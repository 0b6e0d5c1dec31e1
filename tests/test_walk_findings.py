"""What the reviewer's walk over every page found (issue 28, /work/briefs/walk-findings.md):
each finding that a page's words or markup can show, read back from the page in Dutch."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from initiatives import actions as initiative_actions
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods import actions as neighbourhood_actions
from neighbourhoods.tests.factories import AgendaItemFactory, EventFactory, NeighbourhoodFactory
from participation.tests.factories import ProcessFactory

pytestmark = pytest.mark.django_db


def dutch(client, url: str) -> str:
    client.cookies["portal_language"] = "nl"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_figures_period_starts_from_van_and_an_agenda_item_comes_from_herkomst(client):
    figures = dutch(client, reverse("overview:dashboard"))
    assert "Herkomst" not in figures
    assert ">Van<" in figures or ">Van:" in figures or "Van</label>" in figures
    item = AgendaItemFactory()
    assert "Herkomst" in dutch(client, item.get_absolute_url())


def test_a_resident_without_votes_left_is_told_so_plainly(client):
    neighbourhood = NeighbourhoodFactory()
    resident = UserFactory(language="nl")
    items = [
        AgendaItemFactory(neighbourhood=neighbourhood) for _ in range(neighbourhood.vote_budget)
    ]
    for item in items:
        neighbourhood_actions.vote_for_item(item=item, user=resident)
    client.force_login(resident)
    for url in (
        reverse("neighbourhoods:agenda", args=[neighbourhood.slug]),
        items[0].get_absolute_url(),
    ):
        page = dutch(client, url)
        assert "nog 0 van" not in page
        assert (
            f"Je hebt je {neighbourhood.vote_budget} prioriteitsstemmen voor dit jaar gebruikt"
            in page
        )
    assert "Prioriteitsstemmen die je dit jaar nog hebt" in dutch(
        client, reverse("overview:my_page")
    )


def test_the_neighbourhoods_contact_box_points_only_to_what_the_page_gives(client):
    neighbourhood = NeighbourhoodFactory()
    page = dutch(client, neighbourhood.get_absolute_url())
    assert "contactformulier" not in page
    assert "telefoonnummer" not in page
    assert f'href="{reverse("neighbourhoods:agenda", args=[neighbourhood.slug])}"' in page


def test_an_event_says_how_many_signed_up(client):
    page = dutch(client, EventFactory().get_absolute_url())
    assert ">Komen<" not in page
    assert ">Aanmeldingen<" in page


def test_a_process_shows_its_key_facts_as_every_detail_page_does(client):
    page = dutch(client, ProcessFactory().get_absolute_url())
    assert '<dl class="utrecht-data-list portal-facts">' in page


def test_a_late_answer_is_not_promised_in_the_future(client):
    initiative = InitiativeFactory()
    initiative_actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    type(initiative).objects.filter(pk=initiative.pk).update(
        response_due=timezone.localdate() - timedelta(days=8)
    )
    initiative.refresh_from_db()
    assert initiative.is_overdue()
    page = dutch(client, initiative.get_absolute_url())
    assert "Het antwoord komt uiterlijk" not in page
    assert "Het antwoord had er uiterlijk" in page


def test_council_questions_decisions_and_teams_show_their_facts_as_a_data_list(client):
    from participation.tests.factories import DecisionFactory, TaskTeamFactory

    for thing in (DecisionFactory(), TaskTeamFactory()):
        assert '<dl class="utrecht-data-list portal-facts">' in dutch(
            client, thing.get_absolute_url()
        )
    template = (
        settings.BASE_DIR / "templates" / "participation" / "council_detail.html"
    ).read_text()
    assert '<dl class="utrecht-data-list portal-facts">' in template


def test_the_error_summary_puts_no_colon_after_a_question_mark():
    from django import forms
    from django.template.loader import render_to_string
    from django.utils import translation

    class Question(forms.Form):
        mark = forms.IntegerField(label="Welk cijfer geef je het groen in je buurt?")
        name = forms.CharField(label="Naam")

    form = Question(data={})
    with translation.override("nl"):
        html = render_to_string("forms/error_summary.html", {"form": form})
    assert "buurt?:" not in html
    assert "buurt? \u2013 " in html
    assert "Naam: " in html


def test_a_back_office_add_page_title_begins_with_a_capital(client):
    from accounts.tests.factories import StaffFactory, sign_in_staff

    superuser = StaffFactory(is_superuser=True, language="nl")
    sign_in_staff(client, superuser)
    page = dutch(client, reverse("admin:participation_decision_add"))
    assert "<h1>Besluit toevoegen</h1>" in page
    assert "<title>Besluit toevoegen |" in page


def test_signing_in_speaks_the_accounts_language_as_its_emails_do(client):
    from accounts.tests.factories import PASSWORD

    english = UserFactory(language="en")
    response = client.post(
        reverse("account_login"), {"login": english.email, "password": PASSWORD}, follow=True
    )
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.content.decode().count('lang="en"') >= 1
    page = client.get(reverse("overview:my_page"))
    assert '<html lang="en"' in page.content.decode()
