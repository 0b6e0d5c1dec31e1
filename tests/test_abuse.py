"""Abuse guards: rate limits on what a script could repeat, and the honeypot on forms
anyone can send. Over a limit, a clear 429 page and nothing saved; a filled honeypot, an
error and nothing saved."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives.models import Comment, Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.models import AgendaItem, AgendaVote
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
from surveys.models import Question, ResponseDraft, Survey
from surveys.tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_limits(settings):
    # A day's window: django-ratelimit's windows end anywhere in the period (a jitter per
    # key), and an edge between a test's requests would let one more through.
    settings.PORTAL_RATE_LIMITS = {action: "2/d" for action in settings.PORTAL_RATE_LIMITS}


def _is_rate_limit_page(response) -> bool:
    text = response.content.decode()
    return response.status_code == 429 and (
        "Te veel verzoeken" in text or "Too many requests" in text
    )


def test_third_comment_in_a_minute_is_refused_with_a_clear_page(client, resident, tight_limits):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    url = reverse("initiatives:comment", args=[initiative.pk])
    for text in ("Eerste reactie", "Tweede reactie"):
        assert client.post(url, {"text": text}).status_code == 302
    refused = client.post(url, {"text": "Derde reactie"})
    assert _is_rate_limit_page(refused)
    assert refused["Retry-After"] == "60"
    assert "Wacht een minuut" in refused.content.decode()
    assert list(Comment.objects.values_list("text", flat=True).order_by("pk")) == [
        "Eerste reactie",
        "Tweede reactie",
    ]


def test_one_residents_limit_does_not_hold_back_another(client, resident, tight_limits):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    url = reverse("initiatives:comment", args=[initiative.pk])
    client.force_login(resident)
    for _attempt in range(3):
        client.post(url, {"text": "Van Anna"})
    client.force_login(UserFactory())
    assert client.post(url, {"text": "Van iemand anders"}).status_code == 302
    assert Comment.objects.filter(text="Van iemand anders").exists()


def test_support_over_the_limit_refused_and_htmx_gets_the_explanation(
    client, resident, tight_limits
):
    initiatives = [InitiativeFactory(status=Status.SUBMITTED) for _n in range(3)]
    client.force_login(resident)
    for initiative in initiatives[:2]:
        client.post(reverse("initiatives:support", args=[initiative.pk]))
    refused = client.post(
        reverse("initiatives:support", args=[initiatives[2].pk]), HTTP_HX_REQUEST="true"
    )
    assert _is_rate_limit_page(refused)
    assert refused["HX-Retarget"] == refused["HX-Reselect"] == "#main > .portal-main__content"
    assert 'id="rate-limit"' in refused.content.decode()
    assert Support.objects.filter(user=resident).count() == 2


def test_agenda_votes_are_limited(client, resident, tight_limits):
    neighbourhood = NeighbourhoodFactory()
    items = [AgendaItemFactory(neighbourhood=neighbourhood) for _n in range(3)]
    client.force_login(resident)
    statuses = [
        client.post(
            reverse("neighbourhoods:agenda_vote", args=[neighbourhood.slug, item.pk])
        ).status_code
        for item in items
    ]
    assert statuses[2] == 429
    assert AgendaVote.objects.filter(user=resident).count() == 2


def test_initiative_submission_is_limited(client, resident, tight_limits):
    drafts = [InitiativeFactory(initiator=resident) for _n in range(3)]
    client.force_login(resident)
    statuses = [
        client.post(reverse("initiatives:submit", args=[draft.pk])).status_code for draft in drafts
    ]
    assert statuses == [302, 302, 429]
    assert Initiative.objects.filter(status=Status.DRAFT).count() == 1


def test_visitors_answering_an_open_survey_are_limited_by_address(client, tight_limits):
    survey = SurveyFactory(audience=Survey.Audience.OPEN, anonymous=True)
    question = QuestionFactory(survey=survey, page=1, kind=Question.Kind.RATING)
    QuestionFactory(survey=survey, page=2, kind=Question.Kind.RATING)
    client.get(reverse("surveys:start", args=[survey.slug]))
    url = reverse("surveys:page", args=[survey.slug, 1])
    assert client.post(url, {str(question.pk): "7"}).status_code == 302
    assert client.post(url, {str(question.pk): "8"}).status_code == 302
    refused = client.post(url, {str(question.pk): "2"})
    assert _is_rate_limit_page(refused)
    # The refused page did not overwrite what was saved before.
    assert ResponseDraft.objects.get().answers[str(question.pk)] in ("8", 8, ["8"])
    # Reading the page is never limited.
    assert client.get(url).status_code == 200


def test_rate_limit_page_in_english(client, resident, tight_limits):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    client.cookies["portal_language"] = "en"
    url = reverse("initiatives:comment", args=[initiative.pk])
    for _attempt in range(2):
        client.post(url, {"text": "Hello"})
    refused = client.post(url, {"text": "Hello again"})
    assert refused.status_code == 429
    assert "Wait a minute and try again" in refused.content.decode()


def test_filled_honeypot_refuses_the_comment_with_an_error(client, resident):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    response = client.post(
        reverse("initiatives:comment", args=[initiative.pk]),
        {"text": "Koop nu goedkope horloges", "homepage": "https://spam.example"},
    )
    assert response.status_code == 400
    assert "leeg moet blijven" in response.content.decode()
    assert not Comment.objects.exists()


def test_filled_honeypot_refuses_an_agenda_proposal(client, resident):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(resident)
    response = client.post(
        reverse("neighbourhoods:agenda_propose", args=[neighbourhood.slug]),
        {
            "title": "Meer bankjes",
            "description": "Bij het plein zijn te weinig bankjes.",
            "homepage": "x",
        },
    )
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()


def test_honeypot_is_hidden_from_people_and_assistive_technology(client, resident):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    client.force_login(resident)
    page = client.get(initiative.get_absolute_url()).content.decode()
    start = page.index('class="portal-honeypot"')
    honeypot = page[page.rindex("<div", 0, start) : page.index("</div>", start)]
    assert 'aria-hidden="true"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot
    assert 'name="homepage"' in honeypot


def test_every_rate_limit_in_the_settings_guards_a_view(settings):
    """A rate nobody uses is a limit someone believes in that does not exist."""
    from pathlib import Path

    sources = "".join(
        path.read_text()
        for app in (
            "initiatives",
            "neighbourhoods",
            "participation",
            "procurement",
            "surveys",
            "reports",
            "citydata",
            "community",
            "budgets",
            "radar",
        )
        # reports: the Open311 API and questions; citydata: the partners' API;
        # neighbourhoods: showing where you live
        for name in ("views.py", "open311.py", "questions.py", "api.py", "verification_views.py")
        for path in Path(settings.BASE_DIR, app).glob(name)
    )
    for action in settings.PORTAL_RATE_LIMITS:
        # Counted per person or address, or per something else (``key=``: an app's key).
        assert (
            f'@rate_limited("{action}")' in sources or f'@rate_limited("{action}", key=' in sources
        ), action
