"""Asking people how taking part went (issue 22, item 5): after an initiative is decided,
after a participation phase closes and after the municipality publishes what it did,
those who took part get one short anonymous questionnaire, at most once a year each,
never when they turned it off; its appreciation item feeds the indicator."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from common.signals import FEEDBACK_PUBLISHED, INITIATIVE_DECIDED
from initiatives import actions as initiative_actions
from initiatives.models import Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory
from notifications.models import EmailFrequency, NotificationPreference
from participation import actions as participation_actions
from participation.models import ProcessFollow
from participation.tests.factories import PhaseFactory, ProcessFactory
from privacy.registry import erase_person
from surveys import evaluations
from surveys.indicators import indicator_rows_for_years
from surveys.models import EVALUATION_NOTIFICATIONS, IndicatorYear, Invitation, Survey

pytestmark = pytest.mark.django_db


def _decide(initiative, to=Status.ACCEPTED):
    staff = StaffFactory()
    if initiative.status == Status.DRAFT:
        initiative_actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative_actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
    )
    initiative_actions.change_initiative_status(
        initiative=initiative,
        to=to,
        by=staff,
        message="Het college heeft besloten, zie de motivering.",
    )


def _invited(survey_slug_start: str) -> dict[str, Invitation]:
    return {
        invitation.email: invitation
        for invitation in Invitation.objects.filter(survey__slug__startswith=survey_slug_start)
    }


def test_a_decision_asks_everyone_who_took_part_once_in_their_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    initiative = InitiativeFactory(title="Bankjes in het Wilhelminapark", status=Status.SUBMITTED)
    initiative.initiator.language = "en"
    initiative.initiator.save()
    supporter = UserFactory(language="nl")
    commenter = UserFactory(language="nl")
    follower_only = UserFactory()
    turned_off = UserFactory()
    NotificationPreference.objects.create(
        user=turned_off, kind=EVALUATION_NOTIFICATIONS, email=EmailFrequency.NEVER
    )
    with django_capture_on_commit_callbacks(execute=True):
        initiative_actions.support_initiative(initiative=initiative, user=supporter)
        initiative_actions.support_initiative(initiative=initiative, user=turned_off)
        CommentFactory(initiative=initiative, author=commenter)
        initiative_actions.follow_initiative(initiative=initiative, user=follower_only)
        mailoutbox.clear()
        _decide(initiative)

    invited = _invited("evaluatie-meedoen-")
    assert set(invited) == {
        initiative.initiator.email.lower(),
        supporter.email.lower(),
        commenter.email.lower(),
    }, "the initiator, supporters and commenters; not a mere follower, not who turned it off"
    survey = Survey.objects.get(slug=f"evaluatie-meedoen-{timezone.localdate().year}")
    assert survey.kind == Survey.Kind.EVALUATION
    assert survey.anonymous
    assert 3 <= survey.questions.count() <= 5
    assert all(invitation.about == initiative.title for invitation in invited.values())

    emails = {
        message.to[0]: message for message in mailoutbox if "/enquetes/uitnodiging/" in message.body
    }
    english = emails[initiative.initiator.email].body
    assert "You took part in “Bankjes in het Wilhelminapark”" in english
    dutch = emails[supporter.email].body
    assert "Je deed mee aan “Bankjes in het Wilhelminapark”" in dutch
    assert "/uitschrijven/" in dutch

    # A second decision this year does not ask the same people again.
    other = InitiativeFactory(initiator=supporter)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(other, to=Status.REJECTED)
    assert Invitation.objects.filter(survey=survey, email=supporter.email.lower()).count() == 1


def test_only_a_decision_asks(django_capture_on_commit_callbacks):
    initiative = InitiativeFactory()
    staff = StaffFactory()
    initiative_actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    initiative_actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=staff, message="We kijken ernaar."
    )
    assert not Invitation.objects.filter(survey__kind=Survey.Kind.EVALUATION).exists()


def test_the_email_link_opens_the_questionnaire_and_the_unsubscribe_link_turns_it_off(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    initiative = InitiativeFactory(title="Een moestuin")
    with django_capture_on_commit_callbacks(execute=True):
        _decide(initiative)
    body = next(message.body for message in mailoutbox if "/enquetes/uitnodiging/" in message.body)
    links = re.findall(r"https?://\S+", body)
    survey_link = next(link for link in links if "/enquetes/uitnodiging/" in link)
    page = client.get(survey_link.split("testserver", 1)[1], follow=True)
    assert page.status_code == 200
    assert "Hoe ging meedoen?" in page.content.decode()

    unsubscribe = next(link for link in links if "/uitschrijven/" in link)
    client.post(unsubscribe.split("testserver", 1)[1])
    preference = NotificationPreference.objects.get(
        user=initiative.initiator, kind=EVALUATION_NOTIFICATIONS
    )
    assert preference.email == EmailFrequency.NEVER


def test_the_appreciation_item_is_the_participants_indicator_for_the_year():
    year = timezone.localdate().year
    survey = evaluations.evaluation_survey(evaluations.TAKING_PART, year)
    row = IndicatorYear.objects.get(indicator__slug=evaluations.INDICATOR, year=year)
    assert row.question.code == evaluations.APPRECIATION
    assert row.question.survey == survey
    assert row.question.kind == "rating"
    assert any(
        line["year"] == year and line["source"] == survey
        for line in indicator_rows_for_years([year])
    )
    # Created once: asking again finds the same survey.
    assert evaluations.evaluation_survey(evaluations.TAKING_PART, year) == survey


def test_a_target_set_by_hand_is_not_overwritten():
    year = timezone.localdate().year + 1
    indicator_year = IndicatorYear.objects.create(
        indicator=evaluations.Indicator.objects.create(
            slug=evaluations.INDICATOR, name="Waardering deelnemers"
        ),
        year=year,
        target=7,
        manual_value=6.8,
    )
    evaluations.evaluation_survey(evaluations.TAKING_PART, year)
    indicator_year.refresh_from_db()
    assert indicator_year.question is None
    assert indicator_year.target == 7


def test_publishing_what_we_did_asks_the_followers_whether_they_saw_it(
    django_capture_on_commit_callbacks,
):
    follower = UserFactory()
    phase = PhaseFactory(heard="Meer groen.", done="Het ontwerp krijgt bomen.")
    ProcessFollow.objects.create(process=phase.process, user=follower)
    with django_capture_on_commit_callbacks(execute=True):
        assert participation_actions.report_back(phase=phase)
    invitation = Invitation.objects.get(email=follower.email.lower())
    assert invitation.survey.slug.startswith("evaluatie-terugkoppeling-")
    assert invitation.about == phase.process.title
    assert invitation.survey.questions.filter(code="terugkoppeling-gezien").exists()


def test_a_closed_phase_asks_its_followers_once_and_only_recently_closed_ones(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    follower = UserFactory()
    closed = PhaseFactory(ends_on=today - timedelta(days=1))
    ProcessFollow.objects.create(process=closed.process, user=follower)
    long_ago = PhaseFactory(
        starts_on=today - timedelta(days=90), ends_on=today - timedelta(days=60)
    )
    ProcessFollow.objects.create(process=long_ago.process, user=UserFactory())
    running = PhaseFactory()
    ProcessFollow.objects.create(process=running.process, user=UserFactory())
    draft = PhaseFactory(
        process=ProcessFactory(published_at=None), ends_on=today - timedelta(days=1)
    )
    ProcessFollow.objects.create(process=draft.process, user=UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        assert participation_actions.ask_about_closed_phases(today=today) == 1
        assert participation_actions.ask_about_closed_phases(today=today) == 0, "once per phase"
    assert list(Invitation.objects.values_list("email", flat=True)) == [follower.email.lower()]


def test_a_moment_nobody_knows_is_refused():
    with pytest.raises(ValueError, match="Unknown moment"):
        evaluations.ask_how_it_went(moment="whatever", people=[], about="x")
    with pytest.raises(ValueError, match="Unknown moment"):
        evaluations.on_taking_part_ended(None, moment="whatever", people=[], about="x")


def test_nobody_is_invited_before_the_decision_is_saved():
    """The invitations wait for the commit: a decision that is rolled back asks nobody."""
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    _decide(initiative)  # in the test's transaction, never committed
    assert not Invitation.objects.exists()


def test_erasing_an_account_forgets_what_they_took_part_in(django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(title="Een moestuin")
    with django_capture_on_commit_callbacks(execute=True):
        _decide(initiative)
    erase_person(user=initiative.initiator)
    invitation = Invitation.objects.get(survey__kind=Survey.Kind.EVALUATION)
    assert invitation.email == ""
    assert invitation.about == ""


@pytest.mark.parametrize("moment", [INITIATIVE_DECIDED, FEEDBACK_PUBLISHED])
def test_people_without_an_address_or_closed_accounts_are_skipped(moment):
    active = UserFactory()
    closed = UserFactory(is_active=False)
    assert evaluations.ask_how_it_went(moment=moment, people=[active, closed], about="Iets") == 1
