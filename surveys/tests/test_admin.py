"""The researchers' back office."""

import csv
import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.admin import site
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff, signed_in_colleague
from neighbourhoods.models import Neighbourhood
from neighbourhoods.tests.factories import NeighbourhoodFactory
from privacy.models import AuditEntry
from surveys.admin import SurveyAdmin
from surveys.models import Answer, Question, Response, SealedResponse, Survey
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/beheer/surveys/survey/"


@pytest.fixture
def researcher(client):
    return signed_in_colleague(client, Role.RESEARCHER)


def act(client, action, survey, **data):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [str(survey.pk)], **data}
    )


def test_researcher_draws_a_sample_and_sends(
    client, researcher, mailoutbox, django_capture_on_commit_callbacks
):
    PanelMemberFactory.create_batch(6)
    survey = SurveyFactory(audience=Survey.Audience.SAMPLE)
    QuestionFactory(survey=survey)
    assert act(client, "draw_sample", survey).status_code == 200  # asks how many
    response = act(client, "draw_sample", survey, apply="1", size="4", stratify_age="on")
    assert response.status_code == 302
    assert survey.invitations.count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        act(client, "send_invitations", survey)
    assert len(mailoutbox) == 4
    overview = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "4" in overview


def test_the_overview_counts_answers_waiting_sealed(client, researcher):
    survey = SurveyFactory()
    SealedResponse.objects.create(survey=survey)
    client.post("/taal/", {"language": "en", "next": "/"})
    overview = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "1 response waits sealed until its batch is released." in overview


def test_bad_sample_size_is_refused(client, researcher):
    survey = SurveyFactory()
    response = act(client, "draw_sample", survey, apply="1", size="-3")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not survey.invitations.exists()


def test_resident_survey_below_475_responses_warns(client, researcher):
    survey = SurveyFactory(kind=Survey.Kind.RESIDENT)
    content = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "475" in content


def test_publishing_needs_a_closed_survey(client, researcher):
    survey = SurveyFactory(minimum_responses=1)
    Response.objects.create(survey=survey, submitted_on=date.today())
    act(client, "publish", survey)
    survey.refresh_from_db()
    assert survey.results_published_at is None
    act(client, "close", survey)
    act(client, "publish", survey)
    survey.refresh_from_db()
    assert survey.results_published_at is not None


def test_anonymised_export_has_months_not_days(client, researcher, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 1  # the format, without coarsening
    survey = SurveyFactory(opens_at=timezone.now() - timedelta(days=5))
    question = QuestionFactory(survey=survey, code="cijfer")
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    Answer.objects.create(response=response, question=question, value_number=8)
    export = act(client, "export_answers", survey)
    body = b"".join(export.streaming_content).decode()
    header, row, _note = body.strip().splitlines()
    assert header == "month,neighbourhood,age_band,cijfer"
    assert row.startswith(timezone.localdate().strftime("%Y-%m") + ",")
    assert row.endswith(",8")


def test_anonymised_export_neutralises_a_formula_in_an_open_answer(client, researcher, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 1
    survey = SurveyFactory(opens_at=timezone.now() - timedelta(days=5))
    rating = QuestionFactory(survey=survey, code="cijfer")
    remark = QuestionFactory(survey=survey, code="opmerking", kind=Question.Kind.TEXT)
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    Answer.objects.create(response=response, question=rating, value_number=8)
    Answer.objects.create(
        response=response, question=remark, value_text='=HYPERLINK("http://evil.example")'
    )
    export = act(client, "export_answers", survey)
    body = b"".join(export.streaming_content).decode()
    _header, row, _note = csv.reader(io.StringIO(body))
    assert row[-2:] == ["8", """'=HYPERLINK("http://evil.example")"""]


def small_survey_with_answers(groups: list[tuple[date, Neighbourhood | None, str, int]]) -> Survey:
    """A survey whose responses fall in the given (date, neighbourhood, age band, count)
    groups; each answers the rating question with 7."""
    survey = SurveyFactory(opens_at=timezone.now() - timedelta(days=200))
    question = QuestionFactory(survey=survey, code="cijfer")
    for day, neighbourhood, age_band, count in groups:
        for _number in range(count):
            response = Response.objects.create(
                survey=survey, submitted_on=day, neighbourhood=neighbourhood, age_band=age_band
            )
            Answer.objects.create(response=response, question=question, value_number=7)
    return survey


def exported(client, survey) -> tuple[list[str], list[list[str]], str]:
    body = b"".join(act(client, "export_answers", survey).streaming_content).decode()
    header, *rows, (note,) = csv.reader(io.StringIO(body))
    return header, rows, note


def test_export_of_a_small_survey_has_no_combination_below_the_minimum_group_size(
    client, researcher, settings
):
    """In a small survey every month, neighbourhood and age band would single someone
    out: the export coarsens (or leaves out) until every combination occurs at least
    the results page's minimum group size, and says so."""
    settings.SURVEY_MIN_GROUP_SIZE = 5
    north, south = NeighbourhoodFactory(name="Noord"), NeighbourhoodFactory(name="Zuid")
    january, february, may = date(2026, 1, 12), date(2026, 2, 3), date(2026, 5, 20)
    survey = small_survey_with_answers(
        [
            (january, north, "25-44", 3),
            (february, north, "u25", 2),
            (january, south, "45-64", 1),
            (february, south, "65+", 4),
            (may, north, "25-44", 2),
            (may, south, "65+", 3),
            (may, None, "", 1),
        ]
    )
    header, rows, note = exported(client, survey)
    assert header[:3] != ["month", "neighbourhood", "age_band"]  # coarsened
    combinations = Counter(tuple(row[:3]) for row in rows)
    assert combinations, "not everything left out"
    assert min(combinations.values()) >= 5, combinations
    assert len(rows) >= 16 - int(16 * 0.05)  # at most 5 % left out
    assert "5" in note  # the last row says how it was anonymised


def test_export_of_a_survey_with_large_groups_keeps_months(client, researcher, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 3
    north = NeighbourhoodFactory(name="Noord")
    survey = small_survey_with_answers(
        [(date(2026, 1, 12), north, "25-44", 3), (date(2026, 2, 3), north, "25-44", 4)]
    )
    header, rows, _note = exported(client, survey)
    assert header[:3] == ["month", "neighbourhood", "age_band"]
    assert Counter(tuple(row[:3]) for row in rows) == {
        ("2026-01", "Noord", "25-44"): 3,
        ("2026-02", "Noord", "25-44"): 4,
    }


def test_export_of_fewer_responses_than_the_minimum_holds_none(client, researcher, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 10
    survey = small_survey_with_answers([(date(2026, 1, 12), None, "65+", 4)])
    _header, rows, note = exported(client, survey)
    assert rows == []
    assert "4" in note


def test_the_answers_export_is_in_the_audit_log(client, researcher):
    survey = small_survey_with_answers([(date(2026, 1, 12), None, "65+", 1)])
    exported(client, survey)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORTED)
    assert (entry.actor, entry.target_id) == (researcher, str(survey.pk))
    assert entry.target_type.model == "survey"


def test_area_manager_and_resident_cannot_reach_surveys(client, resident):
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    sign_in_staff(client, manager)
    assert client.get(CHANGELIST).status_code == 403
    client.force_login(resident)
    assert client.get(CHANGELIST).status_code in {302, 403}


def _said(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]


def test_closing_says_how_many_surveys_were_closed(client, researcher):
    """Walk finding 14: "De enquêtes zijn gesloten." for one survey, without a count."""
    survey = SurveyFactory()
    response = client.post(
        CHANGELIST,
        {"action": "close", ACTION_CHECKBOX_NAME: [str(survey.pk)]},
        follow=True,
    )
    assert "1 enquête gesloten." in _said(response)


def test_closing_does_not_count_a_survey_that_was_already_closed(client, researcher):
    open_one, closed_one = SurveyFactory(), SurveyFactory(closed_at=timezone.now())
    response = client.post(
        CHANGELIST,
        {"action": "close", ACTION_CHECKBOX_NAME: [str(open_one.pk), str(closed_one.pk)]},
        follow=True,
    )
    assert "1 enquête gesloten." in _said(response)


def test_inviting_the_panel_names_the_survey_and_the_panel_members(client, researcher):
    """Walk finding 14: "…in je wijk?: 6 panelleden uitgenodigd" read badly."""
    PanelMemberFactory.create_batch(2)
    survey = SurveyFactory(audience=Survey.Audience.SAMPLE, title="Hoe veilig voel je je?")
    QuestionFactory(survey=survey)
    response = client.post(
        CHANGELIST,
        {"action": "invite_panel", ACTION_CHECKBOX_NAME: [str(survey.pk)]},
        follow=True,
    )
    assert any(
        said.startswith("Enquête „Hoe veilig voel je je?”: 2 panelleden uitgenodigd.")
        for said in _said(response)
    ), _said(response)


def test_the_warning_below_the_minimum_points_to_the_reason_field(client, researcher):
    survey = SurveyFactory(minimum_responses=5)
    content = client.get(f"{CHANGELIST}{survey.pk}/change/").content.decode()
    assert "schrijf die hieronder bij „Waarom de resultaten met minder antwoorden" in content


def test_a_panel_member_is_named_by_number_neighbourhood_and_age_band_in_words(client, researcher):
    """Walk finding 16: the page was headed "6 (6, 25-44)" (the account's number) and an
    under-25 showed "u25"."""
    member = PanelMemberFactory(age_band="u25")
    content = client.get(f"/beheer/surveys/panelmember/{member.pk}/change/").content.decode()
    name = f"Panellid {member.pk} · {member.neighbourhood} · Jonger dan 25"
    assert name in content
    assert "u25" not in content
    assert f"({member.user_id}," not in content


def test_the_question_form_capitalises_its_labels(client, researcher):
    """Walk finding 15: "verplicht:" among capitalised labels on the question's page."""
    content = client.get("/beheer/surveys/question/add/").content.decode()
    assert ">Verplicht:</label>" in content
    assert ">verplicht:</label>" not in content


@pytest.mark.parametrize("waiting", [Response, SealedResponse])
def test_anonymous_cannot_change_once_a_survey_has_responses(client, researcher, waiting):
    survey = SurveyFactory(anonymous=True)
    url = f"{CHANGELIST}{survey.pk}/change/"
    assert 'name="anonymous"' in client.get(url).content.decode()
    if waiting is Response:
        Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    else:
        SealedResponse.objects.create(survey=survey)
    page = client.get(url).content.decode()
    assert page.count('name="anonymous"') == 0
    assert (
        SurveyAdmin(Survey, site)
        .get_readonly_fields(RequestFactory().get(url), survey)
        .count("anonymous")
        == 1
    )
