"""Answering: by invitation or open link, page by page, resume, once per token, skip
logic, bad input; and anonymity you can check in the database."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys import actions
from surveys.models import (
    Answer,
    Invitation,
    Question,
    Response,
    ResponseDraft,
    SealedResponse,
    Survey,
)
from surveys.tests.factories import (
    ChoiceFactory,
    PanelMemberFactory,
    QuestionFactory,
    SurveyFactory,
)
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db


def two_page_survey(**kwargs) -> Survey:
    survey = SurveyFactory(**kwargs)
    rating = QuestionFactory(survey=survey, page=1, text="Cijfer voor de buurt")
    QuestionFactory(survey=survey, page=1, kind=Question.Kind.YESNO, text="Woont u hier al lang?")
    single = QuestionFactory(survey=survey, page=2, kind=Question.Kind.SINGLE, text="Wat eerst?")
    ChoiceFactory(question=single, value="groen", label="Groen")
    ChoiceFactory(question=single, value="verkeer", label="Verkeer")
    QuestionFactory(
        survey=survey,
        page=2,
        kind=Question.Kind.TEXT,
        text="Waarom zo laag?",
        required=False,
        show_if_question=rating,
        show_if_value="3",
    )
    return survey


def invited(survey: Survey, **member_fields) -> tuple[Invitation, str]:
    member = PanelMemberFactory(**member_fields)
    actions.invite_whole_panel(survey=survey)
    invitation = Invitation.objects.get(survey=survey, member=member)
    return invitation, invitation.token()


def release(survey: Survey) -> int:
    """Release what waits sealed, as the survey's closing does."""
    return actions.release_responses(survey=survey, at_close=True)


def page_url(survey: Survey, page: int) -> str:
    return reverse("surveys:page", args=[survey.slug, page])


def field(survey: Survey, text: str) -> str:
    return str(survey.questions.get(text=text).pk)


def test_invited_resident_answers_over_two_sessions_and_only_once(client, django_user_model):
    survey = two_page_survey()
    invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    response = client.post(
        page_url(survey, 1),
        {field(survey, "Cijfer voor de buurt"): "8", field(survey, "Woont u hier al lang?"): "1"},
    )
    assert response.url == page_url(survey, 2)
    invitation.refresh_from_db()
    assert (invitation.opened, invitation.started, invitation.completed) == (True, True, False)

    # A new browser session resumes through the invitation link, on page 2.
    from django.test import Client

    later = Client()
    start = later.get(reverse("surveys:invitation", args=[token]), follow=True)
    assert page_url(survey, 2) in start.content.decode()
    response = later.post(page_url(survey, 2), {field(survey, "Wat eerst?"): "groen"})
    assert response.url == reverse("surveys:thanks", args=[survey.slug])
    # Sealed until its batch is released.
    assert not Response.objects.exists()
    assert SealedResponse.objects.count() == 1
    assert release(survey) == 1
    assert not SealedResponse.objects.exists()
    answer = Response.objects.get()
    assert answer.answers.get(question__text="Cijfer voor de buurt").value_number == 8
    assert answer.answers.get(question__text="Wat eerst?").choice.value == "groen"
    assert not ResponseDraft.objects.exists()

    # The link cannot be used again.
    again = later.get(reverse("surveys:invitation", args=[token]), follow=True)
    assert "al beantwoord" in again.content.decode() or "already answered" in again.content.decode()
    later.post(page_url(survey, 2), {field(survey, "Wat eerst?"): "verkeer"})
    assert Response.objects.count() == 1


def test_the_invitation_link_hands_its_token_to_the_session_and_leaves_it_out_of_addresses(
    client,
):
    """The link's token goes into the session on the first request, which answers 303 to
    the survey's own address; no page, form or link afterwards carries the token."""
    survey = two_page_survey()
    _invitation, token = invited(survey)
    opened = client.get(reverse("surveys:invitation", args=[token]))
    assert opened.status_code == 303
    assert opened.url == reverse("surveys:start", args=[survey.slug])
    start = client.get(opened.url)
    assert start.status_code == 200
    page = client.get(page_url(survey, 1))
    answered = client.post(
        page_url(survey, 1),
        {field(survey, "Cijfer voor de buurt"): "8", field(survey, "Woont u hier al lang?"): "1"},
    )
    for response in (start, page):
        assert token not in response.content.decode()
    assert token not in answered.url
    assert ResponseDraft.objects.get().answers  # the session carries the token


def test_skip_logic_shows_the_follow_up_only_for_the_right_answer(client):
    survey = two_page_survey()
    _invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    client.post(
        page_url(survey, 1),
        {field(survey, "Cijfer voor de buurt"): "3", field(survey, "Woont u hier al lang?"): "0"},
    )
    assert "Waarom zo laag?" in client.get(page_url(survey, 2)).content.decode()
    client.post(
        page_url(survey, 1),
        {field(survey, "Cijfer voor de buurt"): "9", field(survey, "Woont u hier al lang?"): "0"},
    )
    assert "Waarom zo laag?" not in client.get(page_url(survey, 2)).content.decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "verplicht"), ("11", "geldige"), ("0", "geldige"), ("zeven", "geldige")],
)
def test_bad_answers_are_refused_beside_the_question(client, value, expected):
    survey = two_page_survey()
    _invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    rating = field(survey, "Cijfer voor de buurt")
    response = client.post(page_url(survey, 1), {rating: value})
    assert response.status_code == 400
    content = response.content.decode()
    assert f'id="id_{rating}_error"' in content
    assert expected in content.lower()
    assert not ResponseDraft.objects.exclude(answers={}).exists()


def test_posting_the_last_page_first_does_not_skip_required_questions(client):
    survey = two_page_survey()
    _invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    response = client.post(page_url(survey, 2), {field(survey, "Wat eerst?"): "groen"})
    assert response.url == page_url(survey, 1)
    assert not Response.objects.exists()


def test_forged_token_and_unknown_page_are_404(client):
    survey = two_page_survey()
    invited(survey)
    assert client.get(reverse("surveys:invitation", args=["nep" * 20])).status_code == 404
    client.get(reverse("surveys:start", args=[survey.slug]))
    assert client.get(page_url(survey, 9)).status_code in {302, 404}


def test_invitation_only_survey_refuses_the_open_link(client):
    survey = two_page_survey()
    response = client.get(reverse("surveys:start", args=[survey.slug]))
    assert "uitnodiging" in response.content.decode().lower()
    assert client.get(page_url(survey, 1)).status_code == 302
    assert not ResponseDraft.objects.exists()


def test_closed_survey_takes_no_answers(client):
    survey = two_page_survey()
    _invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    actions.close_survey(survey=survey)
    rating = field(survey, "Cijfer voor de buurt")
    response = client.post(page_url(survey, 1), {rating: "7"})
    assert response.status_code == 200
    assert "gesloten" in response.content.decode()
    assert not Response.objects.exists()


def test_open_link_survey_asks_coarse_group_and_allows_answers(client):
    survey = SurveyFactory(audience=Survey.Audience.OPEN, one_page=True)
    question = QuestionFactory(survey=survey)
    client.get(reverse("surveys:start", args=[survey.slug]))
    response = client.post(page_url(survey, 1), {str(question.pk): "6", "age_band": "65+"})
    assert response.status_code == 302
    release(survey)
    saved = Response.objects.get()
    assert (saved.age_band, saved.neighbourhood) == ("65+", None)


@pytest.mark.django_db(transaction=True)
def test_a_token_submits_once_under_concurrent_requests():
    from django.test import Client

    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    _invitation, token = invited(survey)
    clients = []
    for _number in range(10):
        client = Client()
        client.get(reverse("surveys:invitation", args=[token]))
        clients.append(client)
    url = page_url(survey, 1)
    statuses = run_together(
        [lambda c=c: c.post(url, {str(question.pk): "7"}).status_code for c in clients]
    )
    assert len(statuses) == 10
    assert 500 not in statuses
    release(survey)
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 1


def test_anonymous_response_cannot_be_joined_to_a_person(client):
    """Given the whole database, nothing ties a response to its invitation or person."""
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    invitation, token = invited(survey)
    client.force_login(invitation.member.user)  # even a signed-in resident stays anonymous
    client.get(reverse("surveys:invitation", args=[token]))
    client.post(page_url(survey, 1), {str(question.pk): "9"})
    release(survey)
    response = Response.objects.get()
    invitation.refresh_from_db()
    assert invitation.completed
    assert invitation.released

    # The response table has no column that refers to people, invitations or tokens.
    columns = {f.column for f in Response._meta.concrete_fields}
    assert columns == {
        "id",
        "survey_id",
        "neighbourhood_id",
        "age_band",
        "submitted_on",
        "respondent_id",
    }
    assert response.respondent_id is None
    assert response.submitted_on == timezone.localdate()  # the batch's date, no time of day
    assert len(str(response.pk)) == 36  # a random UUID, no sequence to line up
    # The invitation keeps no time of completion to compare with.
    assert not {f.name for f in Invitation._meta.concrete_fields} & {
        "completed_at",
        "submitted_at",
        "updated_at",
        "response",
    }
    # Nothing of the token or the draft survives.
    assert not ResponseDraft.objects.exists()
    values = [str(v) for v in Response.objects.values_list(flat=False)[0]]
    assert invitation.token_hash not in values
    assert str(invitation.member.user_id) not in [str(response.respondent_id)]


def test_non_anonymous_survey_keeps_the_respondent(client, resident):
    survey = SurveyFactory(audience=Survey.Audience.OPEN, anonymous=False, one_page=True)
    question = QuestionFactory(survey=survey)
    client.force_login(resident)
    client.get(reverse("surveys:start", args=[survey.slug]))
    client.post(page_url(survey, 1), {str(question.pk): "6"})
    assert Response.objects.get().respondent == resident


def test_a_named_survey_by_invitation_is_written_at_once(client):
    survey = SurveyFactory(anonymous=False, one_page=True)
    question = QuestionFactory(survey=survey)
    invitation, token = invited(survey)
    client.force_login(invitation.member.user)
    client.get(reverse("surveys:invitation", args=[token]))
    client.post(page_url(survey, 1), {str(question.pk): "6"})
    assert Response.objects.get().respondent == invitation.member.user
    assert not SealedResponse.objects.exists()
    invitation.refresh_from_db()
    assert (invitation.completed, invitation.released) == (True, True)


def test_researcher_preview_saves_nothing(client):
    from accounts.models import Role
    from accounts.tests.factories import StaffFactory

    researcher = StaffFactory()
    researcher.groups.add(Role.RESEARCHER.group())
    client.force_login(researcher)
    survey = SurveyFactory(
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=9),
        one_page=True,
    )
    question = QuestionFactory(survey=survey)
    client.get(reverse("surveys:start", args=[survey.slug]) + "?voorbeeld=1")
    response = client.post(page_url(survey, 1), {str(question.pk): "6"})
    assert response.status_code == 302
    assert not Response.objects.exists()


def answer_by_invitation(
    survey: Survey, question: Question, value: str, **member_fields
) -> Invitation:
    from django.test import Client

    invitation, token = invited(survey, **member_fields)
    browser = Client()
    browser.get(reverse("surveys:invitation", args=[token]))
    sent = browser.post(page_url(survey, 1), {str(question.pk): value})
    assert sent.status_code == 302
    return invitation


def test_answers_wait_sealed_until_a_batch_is_full_then_go_in_together(settings):
    """The periodic task releases nothing while fewer than the minimum wait; then all
    at once, dated the day of release, and marks their invitations released."""
    from surveys import periodic

    settings.SURVEY_RELEASE_BATCH_MINIMUM = 3
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    group = {"neighbourhood": NeighbourhoodFactory(), "age_band": "65+"}
    first = [answer_by_invitation(survey, question, value, **group) for value in ("4", "7")]
    assert periodic.release_responses() == 0
    assert not Response.objects.exists()
    assert SealedResponse.objects.count() == 2
    for invitation in first:
        invitation.refresh_from_db()
        assert (invitation.completed, invitation.released) == (True, False)
    # The sealed rows know no invitation, person, token or time.
    assert {f.name for f in SealedResponse._meta.concrete_fields} == {
        "id",
        "survey",
        "neighbourhood",
        "age_band",
        "answers",
    }

    answer_by_invitation(survey, question, "9", **group)
    assert periodic.release_responses() == 3
    assert not SealedResponse.objects.exists()
    assert sorted(Answer.objects.values_list("value_number", flat=True)) == [4, 7, 9]
    assert set(Response.objects.values_list("submitted_on", flat=True)) == {timezone.localdate()}
    assert set(Invitation.objects.values_list("completed", "released")) == {(True, True)}


def test_a_batch_holds_only_groups_with_enough_answers(settings):
    """A response carries its invitation's neighbourhood and age band, so a batch takes
    a group's answers only when at least the minimum of that group wait: with the
    database in hand a response still points at that many invitations."""
    from surveys import periodic

    settings.SURVEY_RELEASE_BATCH_MINIMUM = 2
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    north, south = NeighbourhoodFactory(), NeighbourhoodFactory()
    pair = [
        answer_by_invitation(survey, question, value, neighbourhood=north, age_band="u25")
        for value in ("5", "6")
    ]
    alone = answer_by_invitation(survey, question, "9", neighbourhood=south, age_band="u25")
    other_age = answer_by_invitation(survey, question, "1", neighbourhood=north, age_band="65+")
    assert periodic.release_responses() == 2
    assert sorted(Answer.objects.values_list("value_number", flat=True)) == [5, 6]
    assert set(Response.objects.values_list("neighbourhood", "age_band")) == {(north.pk, "u25")}
    for invitation in pair:
        invitation.refresh_from_db()
        assert invitation.released
    for invitation in (alone, other_age):
        invitation.refresh_from_db()
        assert (invitation.completed, invitation.released) == (True, False)
    assert SealedResponse.objects.count() == 2

    actions.close_survey(survey=survey)  # the rest goes in at the close
    assert Response.objects.count() == 4
    assert set(Invitation.objects.values_list("released", flat=True)) == {True}


def test_closing_releases_a_smaller_batch(settings):
    settings.SURVEY_RELEASE_BATCH_MINIMUM = 5
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    answer_by_invitation(survey, question, "6")
    actions.close_survey(survey=survey)
    assert Response.objects.count() == 1
    assert not SealedResponse.objects.exists()


def test_answers_sealed_after_the_close_go_in_at_the_next_run(settings):
    """A submission that raced the closing still counts: the task releases what waits
    for a closed survey whatever its number."""
    from surveys import periodic

    settings.SURVEY_RELEASE_BATCH_MINIMUM = 5
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    actions.close_survey(survey=survey)
    SealedResponse.objects.create(survey=survey, answers={str(question.pk): 8})
    assert periodic.release_responses() == 1
    assert Response.objects.get().answers.get().value_number == 8


def test_a_second_submission_of_the_same_invitation_is_told_it_was_answered(client):
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    _invitation, token = invited(survey)
    client.get(reverse("surveys:invitation", args=[token]))
    client.post(page_url(survey, 1), {str(question.pk): "7"})
    client.get(reverse("surveys:invitation", args=[token]))
    again = client.post(page_url(survey, 1), {str(question.pk): "3"}, follow=True)
    assert "al beantwoord" in again.content.decode() or "already answered" in again.content.decode()
    assert SealedResponse.objects.count() == 1
    assert not ResponseDraft.objects.exists()


def test_the_respondent_is_told_how_the_answers_are_kept_apart(client, settings):
    settings.SURVEY_RELEASE_BATCH_MINIMUM = 5
    survey = SurveyFactory(one_page=True)
    question = QuestionFactory(survey=survey)
    _invitation, token = invited(survey)
    client.post("/taal/", {"language": "en", "next": "/"})  # the msgids, whatever the Dutch
    start = client.get(reverse("surveys:invitation", args=[token]), follow=True)
    text = start.content.decode()
    assert "without any link to you or your invitation" in text
    assert "in random order and with only the date" in text
    assert "at least 5 people of your group (the same neighbourhood and age group)" in text
    client.post(page_url(survey, 1), {str(question.pk): "7"})
    thanks = client.get(reverse("surveys:thanks", args=[survey.slug])).content.decode()
    assert "at least 4 other people of the same neighbourhood and age group" in thanks


def test_the_open_link_is_sealed_too_and_a_named_survey_is_written_at_once(client, resident):
    anonymous = SurveyFactory(audience=Survey.Audience.OPEN, one_page=True)
    rating = QuestionFactory(survey=anonymous)
    client.get(reverse("surveys:start", args=[anonymous.slug]))
    client.post(page_url(anonymous, 1), {str(rating.pk): "6"})
    assert SealedResponse.objects.filter(survey=anonymous).count() == 1
    assert not Response.objects.filter(survey=anonymous).exists()


def test_a_signed_in_invited_panel_member_opening_the_survey_address_is_taken_to_her_survey(
    client,
):
    """Review walk 43: without her personal link she was told to find it, though she is
    signed in and invited. Her account is enough; someone else's is not."""
    survey = two_page_survey()
    invitation, token = invited(survey)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    stranger = PanelMemberFactory().user
    client.force_login(stranger)
    refused = client.get(reverse("surveys:start", args=[survey.slug])).content.decode()
    assert "alleen op uitnodiging" in refused.lower()
    client.force_login(invitation.member.user)
    start = client.get(reverse("surveys:start", args=[survey.slug]))
    assert start.status_code == 200
    assert "alleen op uitnodiging" not in start.content.decode().lower()
    assert token not in start.content.decode()
    assert client.get(page_url(survey, 1)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.opened


def test_a_one_page_survey_does_not_speak_of_pages(client):
    """No "Pagina 1 van 1" and no "saved per page" where there is only one page."""
    survey = SurveyFactory(audience=Survey.Audience.OPEN, one_page=True)
    QuestionFactory(survey=survey)
    start = client.get(reverse("surveys:start", args=[survey.slug])).content.decode()
    page = client.get(page_url(survey, 1)).content.decode()
    for content in (start, page):
        assert "per pagina bewaard" not in content
    assert "Pagina 1 van 1" not in page
    assert "pagina 1 van 1" not in page


def test_a_multi_page_survey_says_where_one_continues(client):
    """Through the open link the answers wait in this browser; through an invitation,
    behind the same link."""
    survey = two_page_survey(audience=Survey.Audience.OPEN)
    start = client.get(reverse("surveys:start", args=[survey.slug])).content.decode()
    page = client.get(page_url(survey, 1)).content.decode()
    said = (
        "Je antwoorden worden per pagina bewaard."
        " Je kunt stoppen en later verdergaan in deze browser."
    )
    assert said in start
    assert said in page
    assert "Pagina 1 van 2" in page
    panel = two_page_survey()
    _invitation, token = invited(panel)
    client.get(reverse("surveys:invitation", args=[token]))
    start = client.get(reverse("surveys:start", args=[panel.slug])).content.decode()
    assert "Je kunt stoppen en later verdergaan met dezelfde link." in start


def test_the_open_link_speaks_of_no_invitation(client):
    """Someone who came through the open link has no invitation to be unlinked from."""
    survey = two_page_survey(audience=Survey.Audience.OPEN)
    start = client.get(reverse("surveys:start", args=[survey.slug])).content.decode()
    assert "We bewaren je antwoorden zonder enige koppeling aan jou. " in start
    assert "uitnodiging" not in start
    panel = two_page_survey()
    _invitation, token = invited(panel)
    client.get(reverse("surveys:invitation", args=[token]))
    start = client.get(reverse("surveys:start", args=[panel.slug])).content.decode()
    assert "zonder enige koppeling aan jou of je uitnodiging" in start
