"""The panel (join, leave, invitation cap), sampling, sending invitations and reminders
exactly once, and nobody who answered is reminded."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys import actions, periodic, tasks
from surveys.models import Invitation, PanelMember, SendRun
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_resident_joins_the_panel_with_consent(client, resident):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(resident)
    url = reverse("surveys:panel")
    response = client.post(url, {"neighbourhood": neighbourhood.pk, "age_band": "45-64"})
    assert response.status_code == 400
    assert 'id="id_consent_error"' in response.content.decode()
    assert not PanelMember.objects.exists()
    client.post(url, {"neighbourhood": neighbourhood.pk, "age_band": "45-64", "consent": "on"})
    member = PanelMember.objects.get()
    assert (member.user, member.age_band) == (resident, "45-64")


@pytest.mark.parametrize(
    "data",
    [{"neighbourhood": "999", "age_band": "45-64"}, {"neighbourhood": "", "age_band": "99+"}],
)
def test_bad_panel_details_save_nothing(client, resident, data):
    client.force_login(resident)
    response = client.post(reverse("surveys:panel"), {**data, "consent": "on"})
    assert response.status_code == 400
    assert not PanelMember.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in_for_the_panel(client):
    assert client.get(reverse("surveys:panel")).status_code == 302


def test_leaving_with_one_click_deletes_personal_data_and_keeps_answers_anonymous(client):
    member = PanelMemberFactory()
    survey = SurveyFactory()
    actions.invite_whole_panel(survey=survey)
    token = PanelMember.leave_token(member.user)
    url = reverse("surveys:panel_leave", args=[token])
    page = client.get(url, follow=True)
    assert page.status_code == 200  # a link scanner changes nothing
    assert PanelMember.objects.exists()
    client.post(url)  # the one click, without a session
    assert not PanelMember.objects.exists()
    invitation = Invitation.objects.get()
    assert (invitation.member, invitation.email) == (None, "")
    assert invitation.neighbourhood == member.neighbourhood  # coarse group stays for rates


def test_the_leave_link_hands_its_token_to_the_session_and_leaves_it_out_of_addresses(client):
    """Opening the link moves the token into the session and goes on (303) to an address
    without it; the page's button posts there. Nothing of the token in the page either."""
    member = PanelMemberFactory()
    token = PanelMember.leave_token(member.user)
    opened = client.get(reverse("surveys:panel_leave", args=[token]))
    assert opened.status_code == 303
    assert opened.url == reverse("surveys:panel_leave_confirm")
    assert token not in opened.url
    page = client.get(opened.url)
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert f'action="{reverse("surveys:panel_leave_confirm")}"' in page.content.decode()
    assert PanelMember.objects.exists()
    left = client.post(reverse("surveys:panel_leave_confirm"))
    assert left.status_code == 200
    assert not PanelMember.objects.exists()


def test_a_member_leaves_from_the_panel_page_without_a_token_in_any_address(client):
    member = PanelMemberFactory()
    client.force_login(member.user)
    page = client.get(reverse("surveys:panel")).content.decode()
    assert PanelMember.leave_token(member.user) not in page
    assert f'href="{reverse("surveys:panel_leave_confirm")}"' in page
    confirm = client.get(reverse("surveys:panel_leave_confirm")).content.decode()
    assert f'action="{reverse("surveys:panel_leave_confirm")}"' in confirm
    client.post(reverse("surveys:panel_leave_confirm"))
    assert not PanelMember.objects.exists()


def test_the_leave_page_without_a_link_changes_nothing(client):
    PanelMemberFactory()
    assert client.post(reverse("surveys:panel_leave_confirm")).status_code == 200
    assert PanelMember.objects.exists()


def test_forged_leave_link_is_404(client):
    assert client.post(reverse("surveys:panel_leave", args=["nep"])).status_code == 404


def test_invitation_cap_per_member_per_year(settings):
    settings.PANEL_INVITATIONS_PER_YEAR = 2
    member = PanelMemberFactory()
    for _number in range(3):
        actions.invite_whole_panel(survey=SurveyFactory())
    assert member.invitations.count() == 2


def test_stratified_sample_follows_the_groups_proportions():
    north, south = NeighbourhoodFactory(), NeighbourhoodFactory()
    PanelMemberFactory.create_batch(60, neighbourhood=north)
    PanelMemberFactory.create_batch(20, neighbourhood=south)
    survey = SurveyFactory()
    drawn = actions.draw_sample(survey=survey, size=20, stratify_neighbourhood=True, seed=1)
    assert drawn == 20
    per_group = Counter(survey.invitations.values_list("neighbourhood_id", flat=True))
    assert per_group == {north.pk: 15, south.pk: 5}
    # A second draw never invites the same member twice.
    actions.draw_sample(survey=survey, size=100, seed=2)
    assert survey.invitations.count() == 80
    assert survey.invitations.values("member").distinct().count() == 80


def test_invitations_are_sent_once_with_progress(django_capture_on_commit_callbacks, mailoutbox):
    PanelMemberFactory.create_batch(3)
    survey = SurveyFactory()
    QuestionFactory(survey=survey)
    actions.invite_whole_panel(survey=survey)
    with django_capture_on_commit_callbacks(execute=True):
        run = actions.start_sending(survey=survey)
    assert len(mailoutbox) == 3
    run.refresh_from_db()
    assert (run.total, run.sent) == (3, 3)
    ids = list(survey.invitations.values_list("pk", flat=True))
    assert tasks.send_invitation_batch(run.pk, ids) == 0  # a redelivered batch
    assert len(mailoutbox) == 3
    invitation = survey.invitations.first()
    assert invitation.token() in "".join(m.body for m in mailoutbox)
    assert "/enquetes/panel/verlaten/" in mailoutbox[0].body


def test_reminders_follow_the_schedule_once_and_skip_who_answered(
    django_capture_on_commit_callbacks, mailoutbox
):
    survey = SurveyFactory(reminder_days="5,10", max_reminders=2)
    answered, waiting = PanelMemberFactory(), PanelMemberFactory()
    actions.invite_whole_panel(survey=survey)
    sent = timezone.now() - timedelta(days=6)
    survey.invitations.update(sent_at=sent)
    survey.invitations.filter(member=answered).update(completed=True)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_reminders(survey=survey, today=today)
        actions.start_reminders(survey=survey, today=today)  # a second daily run
    assert [m.to for m in mailoutbox] == [[waiting.user.email]]
    assert survey.invitations.get(member=waiting).reminders_sent == 1
    # The second reminder only after 10 days, and never a third.
    survey.invitations.update(sent_at=timezone.now() - timedelta(days=11))
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_reminders(survey=survey)
    survey.invitations.update(sent_at=timezone.now() - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        actions.start_reminders(survey=survey)
    assert len(mailoutbox) == 2
    run = SendRun.objects.filter(kind=SendRun.Kind.REMINDERS).first()
    ids = [survey.invitations.get(member=waiting).pk]
    assert tasks.send_reminder_batch(run.pk, ids) == 0  # retried batch: nothing again


def test_failed_email_gives_the_claim_back(monkeypatch, mailoutbox):
    PanelMemberFactory()
    survey = SurveyFactory()
    actions.invite_whole_panel(survey=survey)
    run = SendRun.objects.create(survey=survey, kind=SendRun.Kind.INVITATIONS, total=1)

    def broken(*args, **kwargs):
        raise OSError("mail server away")

    monkeypatch.setattr(tasks, "_email", broken)
    with pytest.raises(OSError, match="mail server away"):
        tasks.send_invitation_batch.run(run.pk, [survey.invitations.get().pk])
    assert survey.invitations.get().sent_at is None


def test_survey_closes_on_time_and_publishing_needs_it_closed():
    survey = SurveyFactory(
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    with pytest.raises(actions.SurveyError):
        actions.publish_results(survey=survey)
    assert periodic.close_due_surveys() == 1
    survey.refresh_from_db()
    assert actions.publish_results(survey=survey, reason="Een proef zonder antwoorden.")


def test_the_consent_box_shows_the_consent_a_member_gave(client, resident):
    """Review walk 47: an existing member saw the consent box unticked."""
    client.force_login(resident)
    page = client.get(reverse("surveys:panel")).content.decode()
    box = re.search(r'<input[^>]*name="consent"[^>]*>', page).group(0)
    assert "checked" not in box
    PanelMemberFactory(user=resident)
    page = client.get(reverse("surveys:panel")).content.decode()
    box = re.search(r'<input[^>]*name="consent"[^>]*>', page).group(0)
    assert "checked" in box
