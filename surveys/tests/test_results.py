"""Published results: figures, suppression of small groups, comparisons, CSV, indicator
pages, the monitor, and constant query counts."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from neighbourhoods import monitor
from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys.models import Answer, Indicator, IndicatorYear, Question, Response
from surveys.results import survey_results
from surveys.tests.factories import ChoiceFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def published(**kwargs):
    now = timezone.now()
    return SurveyFactory(
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=2),
        closed_at=now - timedelta(days=2),
        results_published_at=now - timedelta(days=1),
        **kwargs,
    )


def answer(question, values, neighbourhood=None):
    for value in values:
        response = Response.objects.create(
            survey=question.survey, neighbourhood=neighbourhood, submitted_on=timezone.localdate()
        )
        if question.kind == Question.Kind.SINGLE:
            Answer.objects.create(
                response=response, question=question, choice=question.choices.get(value=value)
            )
        else:
            Answer.objects.create(response=response, question=question, value_number=value)


def test_small_neighbourhoods_are_suppressed(settings):
    settings.SURVEY_MIN_GROUP_SIZE = 10
    survey = published()
    question = QuestionFactory(survey=survey)
    big, small = NeighbourhoodFactory(name="Groot"), NeighbourhoodFactory(name="Klein")
    answer(question, [7] * 10, big)
    answer(question, [2] * 9, small)
    result = survey_results(survey)["questions"][0]
    groups = {group.label: group for group in result.by_neighbourhood}
    assert groups["Groot"].estimate.mean == 7
    assert groups["Klein"].suppressed
    assert groups["Klein"].estimate is None
    content = reverse("surveys:results", args=[survey.slug])
    from django.test import Client

    page = Client().get(content).content.decode()
    assert "2,0" not in page
    assert "2.0" not in page


def test_comparison_with_last_year_and_target():
    last = published()
    old = QuestionFactory(survey=last, code="betrekken")
    answer(old, [6, 6, 7, 6, 6, 7, 6, 6, 7, 6] * 3)
    survey = published(previous=last)
    question = QuestionFactory(survey=survey, code="betrekken")
    answer(question, [8, 8, 9, 8, 8, 9, 8, 8, 9, 8] * 3)
    indicator = Indicator.objects.create(name="Betrekken", slug="betrekken")
    IndicatorYear.objects.create(
        indicator=indicator, year=survey.year, target=8.3, question=question
    )
    result = survey_results(survey)["questions"][0]
    assert result.changed_since_previous is True
    assert result.target == 8.3
    assert result.differs_from_target is False


def test_unpublished_results_are_not_public(client):
    survey = SurveyFactory()
    assert client.get(reverse("surveys:results", args=[survey.slug])).status_code == 404
    assert client.get(reverse("surveys:results_csv", args=[survey.slug])).status_code == 404


def test_results_csv_has_the_figures(client):
    survey = published()
    question = QuestionFactory(survey=survey, text="Cijfer")
    answer(question, [6, 8])
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("surveys:results_csv", args=[survey.slug])).content.decode()
            )
        )
    )
    assert rows[0][:4] == ["question", "code", "n", "mean"]
    assert rows[1][0] == "Cijfer"
    assert float(rows[1][3]) == 7.0


def test_indicator_page_shows_years_targets_and_intervals(client):
    survey = published()
    question = QuestionFactory(survey=survey)
    answer(question, [6, 7, 7, 6, 7, 8, 6, 7])
    indicator = Indicator.objects.create(name="Waardering betrekken", slug="waardering")
    IndicatorYear.objects.create(
        indicator=indicator, year=survey.year, target=6.5, question=question
    )
    IndicatorYear.objects.create(indicator=indicator, year=survey.year + 1, target=6.8)
    content = client.get(indicator.get_absolute_url()).content.decode()
    assert str(survey.year + 1) in content
    assert "6,8" in content


def test_monitor_shows_survey_scores_only_for_big_enough_groups(settings):
    settings.SURVEY_MIN_GROUP_SIZE = 5
    survey = published()
    question = QuestionFactory(survey=survey)
    big, small = NeighbourhoodFactory(), NeighbourhoodFactory()
    answer(question, [8] * 5, big)
    answer(question, [3] * 2, small)
    indicator = Indicator.objects.create(name="Tevredenheid", slug="tevreden")
    IndicatorYear.objects.create(indicator=indicator, year=survey.year, question=question)
    rows, _city = monitor.city_figures(survey.year)
    scores = {row.neighbourhood.pk: row.indicators[0] for row in rows}
    assert scores[big.pk].value == 8
    assert scores[small.pk].value is None
    assert scores[small.pk].n == 2


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_page_query_count_is_the_same_for_1_and_300_responses(client):
    survey = published(weighted=True)
    rating = QuestionFactory(survey=survey)
    single = QuestionFactory(survey=survey, kind=Question.Kind.SINGLE)
    ChoiceFactory(question=single, value="a")
    ChoiceFactory(question=single, value="b")
    neighbourhood = NeighbourhoodFactory()
    answer(rating, [7], neighbourhood)
    answer(single, ["a"], neighbourhood)
    url = reverse("surveys:results", args=[survey.slug])
    one = count_queries(client, url)
    assert survey.closed_at is not None
    answer(rating, [5, 6, 7, 8, 9] * 60, neighbourhood)
    answer(single, ["a", "b"] * 150, NeighbourhoodFactory())
    cache.clear()  # a closed survey's results are cached; count the computation itself
    assert count_queries(client, url) == one
    # Cached, the page no longer aggregates the answers at all.
    assert count_queries(client, url) < one


def test_survey_and_panel_pages_query_counts_are_constant(client, resident):
    from surveys import actions
    from surveys.tests.factories import PanelMemberFactory

    member = PanelMemberFactory(user=resident)
    client.force_login(resident)
    SurveyFactory()
    actions.invite_whole_panel(survey=SurveyFactory())
    member.invitations.update(sent_at=timezone.now())
    few = {name: count_queries(client, reverse(name)) for name in ["surveys:list", "surveys:panel"]}
    for _number in range(5):
        published()
        actions.invite_whole_panel(survey=SurveyFactory())
    member.invitations.update(sent_at=timezone.now())
    for name, count in few.items():
        assert count_queries(client, reverse(name)) == count, name


def test_closing_a_survey_computes_its_results_in_every_language(
    client, django_capture_on_commit_callbacks
):
    """Nobody waits for the figures of a large survey: they are ready when it closes."""
    from surveys import actions
    from surveys.results import results_key

    now = timezone.now()
    survey = SurveyFactory(
        opens_at=now - timedelta(days=9), closes_at=now + timedelta(days=1), minimum_responses=2
    )
    question = QuestionFactory(survey=survey)
    answer(question, [6, 8])
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.close_survey(survey=survey)
    survey.refresh_from_db()
    for language in ("nl", "en"):
        assert cache.get(results_key(survey, language))["completed"] == 2
    actions.publish_results(survey=survey)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("surveys:results", args=[survey.slug]))
    assert page.context["results"]["completed"] == 2
    assert not [q for q in queries if "surveys_answer" in q["sql"]]


def test_removing_a_response_recomputes_the_cached_results(
    client, django_capture_on_commit_callbacks
):
    survey = published()
    question = QuestionFactory(survey=survey)
    answer(question, [7, 7, 10])
    url = reverse("surveys:results", args=[survey.slug])
    assert "8,0" in client.get(url).text  # mean of 7, 7 and 10, now cached
    with django_capture_on_commit_callbacks(execute=True):
        Response.objects.filter(answers__value_number=10).delete()
    page = client.get(url)
    assert page.context["results"]["completed"] == 2
    assert "7,0" in page.text
    assert "8,0" not in page.text


def test_an_indicator_is_named_in_the_readers_language(client):
    indicator = Indicator.objects.create(
        name="Waardering dienstverlening",
        name_en="Rating of the services",
        slug="dienstverlening",
        description="Het gemiddelde cijfer.",
        description_en="The mean grade.",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Rating of the services" in page
    assert "The mean grade." in page
    assert "Waardering dienstverlening" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "Waardering dienstverlening" in page
    # Without an English name, English readers read the Dutch one.
    Indicator.objects.filter(pk=indicator.pk).update(name_en="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Waardering dienstverlening" in client.get(indicator.get_absolute_url()).content.decode()
