"""The researchers' back office."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff, signed_in_colleague
from surveys.models import Answer, Question, Response, Survey
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
    survey = SurveyFactory()
    act(client, "publish", survey)
    survey.refresh_from_db()
    assert survey.results_published_at is None
    act(client, "close", survey)
    act(client, "publish", survey)
    survey.refresh_from_db()
    assert survey.results_published_at is not None


def test_anonymised_export_has_months_not_days(client, researcher):
    survey = SurveyFactory(opens_at=timezone.now() - timedelta(days=5))
    question = QuestionFactory(survey=survey, code="cijfer")
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    Answer.objects.create(response=response, question=question, value_number=8)
    export = act(client, "export_answers", survey)
    body = b"".join(export.streaming_content).decode()
    header, row = body.strip().splitlines()
    assert header == "month,neighbourhood,age_band,cijfer"
    assert row.startswith(timezone.localdate().strftime("%Y-%m") + ",")
    assert row.endswith(",8")


def test_anonymised_export_neutralises_a_formula_in_an_open_answer(client, researcher):
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
    _header, row = csv.reader(io.StringIO(body))
    assert row[-2:] == ["8", """'=HYPERLINK("http://evil.example")"""]


def test_area_manager_and_resident_cannot_reach_surveys(client, resident):
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    sign_in_staff(client, manager)
    assert client.get(CHANGELIST).status_code == 403
    client.force_login(resident)
    assert client.get(CHANGELIST).status_code in {302, 403}
