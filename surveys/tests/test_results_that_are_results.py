"""Issue 28: a sample that came out empty or small says why; results below the survey's
minimum number of responses are only published with a public reason; a verdict against
the target says above or below; an open text question is optional unless asked."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import signed_in_colleague
from surveys import actions
from surveys.models import Indicator, IndicatorYear, Invitation, Question, Response, Survey
from surveys.statistics import Estimate, compared_to_target
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory
from surveys.tests.test_results import answer

pytestmark = pytest.mark.django_db

CHANGELIST = "/beheer/surveys/survey/"


@pytest.fixture
def researcher(client):
    colleague = signed_in_colleague(client, Role.RESEARCHER)
    client.post("/taal/", {"language": "en", "next": "/"})
    return colleague


def act(client, action, survey, **data):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(survey.pk)], **data}
    )


def closed(**kwargs) -> Survey:
    now = timezone.now()
    return SurveyFactory(
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
        closed_at=now,
        **kwargs,
    )


def fill_the_cap(members, settings) -> None:
    """Every member received this year's maximum number of invitations already."""
    for number in range(settings.PANEL_INVITATIONS_PER_YEAR):
        earlier = SurveyFactory()
        for member in members:
            Invitation.objects.create(
                survey=earlier, member=member, token_hash=f"cap-{number}-{member.pk}"
            )


def test_an_empty_sample_says_the_members_reached_the_yearly_cap(client, researcher, settings):
    members = PanelMemberFactory.create_batch(3)
    fill_the_cap(members, settings)
    survey = SurveyFactory(audience=Survey.Audience.SAMPLE)
    response = act(client, "draw_sample", survey, apply="1", size="3")
    assert response.status_code == 302
    assert not survey.invitations.exists()
    page = client.get(CHANGELIST).content.decode()
    assert "0 panel members invited." in page
    assert "The panel has 3 members (residents who joined with consent)." in page
    assert "3 have reached this year&#x27;s cap of 4 invitations." in page
    assert "0 could be invited." in page


def test_a_small_sample_says_who_was_left_out_and_a_full_one_says_nothing(
    client, researcher, settings
):
    capped = PanelMemberFactory.create_batch(2)
    fill_the_cap(capped, settings)
    PanelMemberFactory.create_batch(2)
    inactive = PanelMemberFactory()
    inactive.user.is_active = False
    inactive.user.save()
    survey = SurveyFactory(audience=Survey.Audience.SAMPLE)
    act(client, "draw_sample", survey, apply="1", size="4")
    assert survey.invitations.count() == 2
    page = client.get(CHANGELIST).content.decode()
    assert "2 have reached this year&#x27;s cap" in page
    assert "1 has no active account." in page
    assert "2 could be invited." in page
    other = SurveyFactory(audience=Survey.Audience.SAMPLE)
    act(client, "draw_sample", other, apply="1", size="1")
    page = client.get(CHANGELIST).content.decode()
    assert "1 panel member invited." in page
    assert "could be invited" not in page


def test_inviting_the_whole_panel_of_nobody_says_why(client, researcher):
    survey = SurveyFactory()
    act(client, "invite_panel", survey)
    page = client.get(CHANGELIST).content.decode()
    assert "0 panel members invited. The panel has no members yet" in page


def test_results_below_the_minimum_are_not_published_without_a_reason():
    survey = closed(minimum_responses=10)
    question = QuestionFactory(survey=survey)
    answer(question, [7] * 6)
    with pytest.raises(actions.TooFewResponses):
        actions.publish_results(survey=survey)
    with pytest.raises(actions.TooFewResponses):
        actions.publish_results(survey=survey, reason="   ")
    survey.refresh_from_db()
    assert survey.results_published_at is None
    assert actions.publish_results(survey=survey, reason="Een kleine doelgroep: alle zes.")
    survey.refresh_from_db()
    assert survey.results_published_at is not None
    assert survey.small_sample_reason == "Een kleine doelgroep: alle zes."


def test_the_default_minimum_is_475_for_a_resident_survey_and_the_group_size_otherwise(
    settings,
):
    settings.SURVEY_MIN_GROUP_SIZE = 10
    assert SurveyFactory(kind=Survey.Kind.RESIDENT).publish_minimum == 475
    assert SurveyFactory(kind=Survey.Kind.PANEL).publish_minimum == 10
    assert SurveyFactory(kind=Survey.Kind.PANEL, minimum_responses=3).publish_minimum == 3


def test_enough_responses_publish_without_a_reason():
    survey = closed(minimum_responses=5)
    answer(QuestionFactory(survey=survey), [7] * 5)
    assert actions.publish_results(survey=survey)
    survey.refresh_from_db()
    assert survey.small_sample_reason == ""


def test_the_researcher_gives_a_public_reason_beside_the_field(client, researcher):
    survey = closed(minimum_responses=10)
    answer(QuestionFactory(survey=survey), [7] * 6)
    asked = act(client, "publish", survey)
    assert asked.status_code == 200
    content = asked.content.decode()
    assert "has 6 responses; its minimum is 10." in content
    assert 'name="reason"' in content
    empty = act(client, "publish", survey, apply="1", reason="  ")
    assert empty.status_code == 200
    assert "errorlist" in empty.content.decode()
    survey.refresh_from_db()
    assert survey.results_published_at is None
    done = act(client, "publish", survey, apply="1", reason="Alle zes bewoners van het hofje.")
    assert done.status_code == 302
    survey.refresh_from_db()
    assert survey.results_published_at is not None
    page = client.get(reverse("surveys:results", args=[survey.slug])).content.decode()
    assert "Fewer than 10 responses: published with a reason." in page
    assert "Alle zes bewoners van het hofje." in page


def test_the_overview_warns_below_any_survey_minimum(client, researcher):
    survey = closed(minimum_responses=10)
    answer(QuestionFactory(survey=survey), [7] * 6)
    content = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "Only 6 completed responses: this survey&#x27;s minimum for publishing is 10." in (
        content
    )


def test_the_target_verdict_says_above_or_below(client):
    assert compared_to_target(Estimate(mean=8.0, low=7.8, high=8.2, n=30, n_eff=30), 7.0) == 1
    assert compared_to_target(Estimate(mean=6.0, low=5.8, high=6.2, n=30, n_eff=30), 7.0) == -1
    assert compared_to_target(Estimate(mean=7.0, low=6.8, high=7.2, n=30, n_eff=30), 7.0) == 0
    survey = closed(minimum_responses=1)
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())
    question = QuestionFactory(survey=survey)
    answer(question, [8, 8, 9, 8, 8, 9, 8, 8, 9, 8] * 3)
    indicator = Indicator.objects.create(name="Betrekken", slug="betrekken")
    IndicatorYear.objects.create(
        indicator=indicator, year=survey.year, target=6.0, question=question
    )
    client.post("/taal/", {"language": "en", "next": "/"})
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "measurably above the target" in page
    results = client.get(reverse("surveys:results", args=[survey.slug])).content.decode()
    assert "measurably above the target" in results
    IndicatorYear.objects.filter(indicator=indicator).update(target=9.5)
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "measurably below the target" in page


def test_an_open_text_question_is_optional_unless_the_researcher_says_so(client, researcher):
    survey = SurveyFactory()
    prefix = "questions"
    rows = [
        ("text", "Wat wilt u nog kwijt?", ""),
        ("rating", "Welk cijfer geeft u?", ""),
        ("text", "Waarom dat cijfer?", "yes"),
    ]
    data = {
        "title": survey.title,
        "slug": survey.slug,
        "kind": survey.kind,
        "audience": survey.audience,
        "anonymous": "on",
        "opens_at_0": timezone.localtime(survey.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": "09:00:00",
        "closes_at_0": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d"),
        "closes_at_1": "09:00:00",
        "reminder_days": "5,10",
        "max_reminders": "2",
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, (kind, text, required) in enumerate(rows):
        data.update(
            {
                f"{prefix}-{index}-order": str(index),
                f"{prefix}-{index}-page": "1",
                f"{prefix}-{index}-kind": kind,
                f"{prefix}-{index}-text": text,
                f"{prefix}-{index}-required": required,
            }
        )
    response = client.post(f"{CHANGELIST}{survey.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    required = dict(Question.objects.filter(survey=survey).values_list("text", "required"))
    assert required == {
        "Wat wilt u nog kwijt?": False,
        "Welk cijfer geeft u?": True,
        "Waarom dat cijfer?": True,
    }
    page = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "As usual for the kind (open text optional, others required)" in page


def test_responses_are_counted_for_the_minimum():
    survey = closed(minimum_responses=2)
    Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    assert survey.has_too_few_responses()
    Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    assert not survey.has_too_few_responses()
