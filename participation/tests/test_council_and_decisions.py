"""The council's questions to the panel, and the weekly decisions list with its feeds
and followers."""

import feedparser
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from notifications.models import Notification, NotificationPreference
from notifications.tasks import send_daily_digests
from participation import actions
from participation.models import CouncilQuestion, DecisionFollow
from participation.tests.factories import DecisionFactory, TopicFactory, council_member
from surveys import actions as survey_actions
from surveys.models import Invitation, Question, Response, Survey
from surveys.tests.factories import PanelMemberFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


QUESTION = {
    "question": "Voelt u zich veilig als u 's avonds over straat gaat?",
    "context": "De raad bespreekt het veiligheidsplan.",
}


# --- council questions ----------------------------------------------------------------


def test_only_council_members_ask_the_panel(client, resident):
    url = reverse("participation:council_ask")
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(url, QUESTION).status_code == 403
    assert not CouncilQuestion.objects.exists()
    member = council_member()
    client.force_login(member)
    response = client.post(url, QUESTION)
    assert response.status_code == 302
    assert CouncilQuestion.objects.get().asked_by == member


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": "Kort?", "context": "Reden"}, "question"),
        ({"question": QUESTION["question"], "context": ""}, "context"),
        ({"question": "<script>alert(1)</script> waarom niet?", "context": "x"}, "question"),
    ],
)
def test_council_question_bad_input(client, data, field):
    client.force_login(council_member())
    response = client.post(reverse("participation:council_ask"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not CouncilQuestion.objects.exists()


def test_question_becomes_a_panel_poll_whose_result_comes_back():
    member = council_member()
    asked = actions.ask_council_question(user=member, **QUESTION)
    actions.review_council_question(asked=asked, outcome=CouncilQuestion.Status.ACCEPTED)
    survey = actions.create_panel_poll(asked=asked, kind=Question.Kind.LIKERT)
    assert survey.kind == Survey.Kind.PANEL
    assert survey.questions.get().text == QUESTION["question"]
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.POLLING
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now())
    survey.refresh_from_db()
    for _number in range(survey.publish_minimum):
        Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    survey_actions.publish_results(survey=survey)
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.ANSWERED
    assert Notification.objects.filter(
        recipient=member, kind=actions.COUNCIL, dedupe_key=f"council-question:{asked.pk}:answered"
    ).exists()
    assert CouncilQuestion.objects.per_year() == {timezone.localdate().year: 1}


def polling(**kwargs) -> tuple[CouncilQuestion, Survey]:
    member = council_member()
    asked = actions.ask_council_question(user=member, **QUESTION)
    actions.review_council_question(asked=asked, outcome=CouncilQuestion.Status.ACCEPTED)
    survey = actions.create_panel_poll(asked=asked, kind=Question.Kind.YESNO)
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now(), **kwargs)
    survey.refresh_from_db()
    return asked, survey


def test_a_poll_without_enough_responses_does_not_answer_the_council_question(client):
    """The case of the issue: every member at the cap, 0 invited, 0 responses; the
    results are not published and the question is not "Beantwoord"."""
    members = PanelMemberFactory.create_batch(3)
    for number in range(4):
        earlier = SurveyFactory()
        for member in members:
            Invitation.objects.create(
                survey=earlier, member=member, token_hash=f"c-{number}-{member.pk}"
            )
    asked, survey = polling()
    assert survey_actions.invite_whole_panel(survey=survey) == 0
    with pytest.raises(survey_actions.TooFewResponses):
        survey_actions.publish_results(survey=survey)
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.POLLING
    assert asked.answered_at is None
    assert not Notification.objects.filter(dedupe_key=f"council-question:{asked.pk}:answered")
    # Published some other way (an old row), the question is still not answered.
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())
    survey.refresh_from_db()
    assert actions.answer_from_results(survey) is False
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.POLLING


def test_a_public_reason_lets_a_small_poll_answer_and_is_shown(client):
    asked, survey = polling(minimum_responses=10)
    for _number in range(3):
        Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    survey_actions.publish_results(survey=survey, reason="Drie van de drie raadsleden antwoordden.")
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.ANSWERED
    client.post("/taal/", {"language": "en", "next": "/"})
    page = client.get(reverse("participation:council_question", args=[asked.pk])).content.decode()
    assert "Drie van de drie raadsleden antwoordden." in page


def test_the_researcher_chooses_the_kind_of_question_of_the_poll(client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from accounts.models import Role
    from accounts.tests.factories import signed_in_colleague

    signed_in_colleague(client, Role.RESEARCHER)
    member = council_member()
    asked = actions.ask_council_question(
        user=member, question="Hoe tevreden bent u over de wijkagent?", context="Evaluatie."
    )
    actions.review_council_question(asked=asked, outcome=CouncilQuestion.Status.ACCEPTED)
    url = "/beheer/participation/councilquestion/"
    chosen = {"action": "make_poll", ACTION_CHECKBOX_NAME: [str(asked.pk)]}
    step = client.post(url, chosen)
    assert step.status_code == 200
    assert 'name="kind"' in step.content.decode()
    # Walk finding 15: a capitalised label, and the way back through the breadcrumb.
    page = step.content.decode()
    assert '<label for="id_kind">Soort vraag:</label>' in page
    assert 'href="/beheer/participation/">Participatie</a>' in page
    assert 'href="/beheer/participation/councilquestion/">Raadsvragen</a>' in page
    missing = client.post(url, {**chosen, "apply": "1", "kind": ""})
    assert missing.status_code == 200
    assert "errorlist" in missing.content.decode()
    wrong = client.post(url, {**chosen, "apply": "1", "kind": "single"})
    assert wrong.status_code == 200
    asked.refresh_from_db()
    assert asked.survey_id is None
    done = client.post(url, {**chosen, "apply": "1", "kind": "rating"})
    assert done.status_code == 302
    asked.refresh_from_db()
    assert asked.survey.questions.get().kind == Question.Kind.RATING
    with pytest.raises(ValueError, match="polling"):
        actions.create_panel_poll(asked=asked, kind=Question.Kind.RATING)


def test_rephrasing_goes_back_to_the_member_who_revises(client):
    member = council_member()
    asked = actions.ask_council_question(user=member, **QUESTION)
    actions.review_council_question(
        asked=asked, outcome=CouncilQuestion.Status.REPHRASING, message="Liever zonder 's avonds."
    )
    client.force_login(member)
    page = client.get(reverse("participation:council_question", args=[asked.pk]))
    assert "Liever zonder" in page.content.decode()
    client.post(
        reverse("participation:council_question", args=[asked.pk]),
        {"question": "Voelt u zich veilig op straat in uw wijk?", "context": "Veiligheidsplan."},
    )
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.SUBMITTED
    assert asked.question == "Voelt u zich veilig op straat in uw wijk?"


def test_declining_needs_a_reason():
    asked = actions.ask_council_question(user=council_member(), **QUESTION)
    with pytest.raises(ValueError, match="message"):
        actions.review_council_question(asked=asked, outcome=CouncilQuestion.Status.DECLINED)
    actions.review_council_question(
        asked=asked, outcome=CouncilQuestion.Status.DECLINED, message="Dit vroegen we vorige maand."
    )
    asked.refresh_from_db()
    assert asked.status == CouncilQuestion.Status.DECLINED


def test_unanswered_questions_are_seen_only_by_who_asked(client):
    member = council_member()
    asked = actions.ask_council_question(user=member, **QUESTION)
    url = reverse("participation:council_question", args=[asked.pk])
    assert client.get(url).status_code == 404
    client.force_login(council_member())
    assert client.get(url).status_code == 404
    assert client.post(url, QUESTION).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_the_yearly_count_is_on_the_indicator_page(client):
    actions.ask_council_question(user=council_member(), **QUESTION)
    page = client.get(reverse("surveys:indicators")).content.decode()
    assert "Aantal keren dat de raad het inwonerspanel een vraag stelde" in page


# --- decisions -------------------------------------------------------------------------


def test_decisions_list_shows_published_and_filters(client):
    green = TopicFactory(slug="groen-test", name_nl="Groen")
    haven = NeighbourhoodFactory(slug="haven")
    tree = DecisionFactory(title="Bomen op de kade", topic=green)
    tree.neighbourhoods.add(haven)
    DecisionFactory(title="Parkeertarieven omhoog")
    DecisionFactory(title="Nog geheim", published_at=None)
    page = client.get(reverse("participation:decisions")).content.decode()
    assert "Bomen op de kade" in page
    assert "Parkeertarieven omhoog" in page
    assert "Nog geheim" not in page
    filtered = client.get(reverse("participation:decisions"), {"topic": "groen-test"})
    assert [d.title for d in filtered.context["page"]] == ["Bomen op de kade"]
    by_area = client.get(reverse("participation:decisions"), {"neighbourhood": "haven"})
    assert [d.title for d in by_area.context["page"]] == ["Bomen op de kade"]
    searched = client.get(reverse("participation:decisions"), {"q": "parkeertarieven"})
    assert [d.title for d in searched.context["page"]] == ["Parkeertarieven omhoog"]
    unpublished = DecisionFactory(published_at=None)
    assert client.get(unpublished.get_absolute_url()).status_code == 404


def test_bad_decision_filter_says_so(client):
    response = client.get(reverse("participation:decisions"), {"topic": "bestaat-niet"})
    assert response.status_code == 400
    assert "topic" in response.context["form"].errors


@pytest.mark.parametrize(
    ("name", "version"), [("decisions_rss", "rss20"), ("decisions_atom", "atom10")]
)
def test_feeds_validate_and_hold_only_published_decisions(client, name, version):
    trees = DecisionFactory(title="Bomen op de kade")
    DecisionFactory(title="Nog geheim", published_at=None)
    response = client.get(reverse(f"participation:{name}"))
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    assert [entry.title for entry in parsed.entries] == ["Bomen op de kade"]
    assert parsed.entries[0].link.endswith(trees.get_absolute_url())


def test_follower_of_a_topic_gets_the_decision_in_the_daily_digest(client, resident):
    topic = TopicFactory(slug="groen-digest")
    client.force_login(resident)
    client.post(reverse("participation:decision_follow"), {"follow-topic": "groen-digest"})
    assert DecisionFollow.objects.filter(user=resident, topic=topic).exists()
    decision = DecisionFactory(title="Bomen op de kade", topic=topic, published_at=None)
    actions.publish_decision(decision=decision)
    assert actions.publish_decision(decision=decision) is False, "published once"
    assert mail.outbox == [], "decisions come in the daily overview by default"
    send_daily_digests()
    assert len(mail.outbox) == 1
    assert "Bomen op de kade" in mail.outbox[0].body


def test_neighbourhood_follower_is_told_too(resident):
    haven = NeighbourhoodFactory()
    DecisionFollow.objects.create(user=resident, neighbourhood=haven)
    other = UserFactory()
    NotificationPreference.objects.create(user=other, kind=actions.DECISIONS, email="never")
    decision = DecisionFactory(published_at=None)
    decision.neighbourhoods.add(haven)
    actions.publish_decision(decision=decision)
    assert Notification.objects.filter(recipient=resident, kind=actions.DECISIONS).count() == 1
    assert not Notification.objects.filter(recipient=other).exists()


@pytest.mark.parametrize(
    "data", [{}, {"follow-topic": "x"}, {"follow-topic": "a", "follow-neighbourhood": "b"}]
)
def test_follow_needs_exactly_one_topic_or_neighbourhood(client, resident, data):
    TopicFactory(slug="a")
    NeighbourhoodFactory(slug="b")
    client.force_login(resident)
    response = client.post(reverse("participation:decision_follow"), data, follow=True)
    assert response.status_code == 200
    assert not DecisionFollow.objects.exists()


def test_anonymous_visitor_cannot_follow(client):
    TopicFactory(slug="a")
    response = client.post(reverse("participation:decision_follow"), {"follow-topic": "a"})
    assert response.status_code == 302
    assert not DecisionFollow.objects.exists()


def test_decisions_query_counts_do_not_grow(client):
    decision = DecisionFactory()
    decision.neighbourhoods.add(NeighbourhoodFactory())
    urls = [
        reverse("participation:decisions"),
        reverse("participation:decisions_rss"),
        decision.get_absolute_url(),
    ]
    before = [count_queries(client, url) for url in urls]
    for _ in range(8):
        more = DecisionFactory(topic=decision.topic)
        more.neighbourhoods.add(NeighbourhoodFactory())
        decision.neighbourhoods.add(NeighbourhoodFactory())
    assert [count_queries(client, url) for url in urls] == before


def test_the_decisions_filters_empty_choice_says_all_not_choose(client):
    """Review walk 55: the empty choice of the filter said "Maak een keuze"."""
    page = client.get(reverse("participation:decisions")).content.decode()
    assert "Maak een keuze" not in page
    assert "Alle wijken" in page
    assert "All topics" in page or "Alle onderwerpen" in page
