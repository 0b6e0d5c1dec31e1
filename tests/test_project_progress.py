"""Programme projects from winner to done (issue 23 part 5): updates tell the followers
once, voters of a budget round follow all its winners at close, someone who stops
following hears nothing; the back office keeps another area's projects out of reach,
refuses bad input beside the field; the public pages and open data show the progress
in a fixed number of queries."""

import csv
import importlib
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from budgets import actions as budget_actions
from budgets.models import Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter
from neighbourhoods import actions, tasks
from neighbourhoods.models import (
    ProgrammeProject,
    ProjectFollower,
    ProjectMilestone,
    ProjectUpdate,
)
from neighbourhoods.tests.factories import (
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)
from notifications import kinds
from notifications.models import Notification
from overview import dashboard
from procurement.models import Tender
from procurement.tests.factories import TenderFactory

pytestmark = pytest.mark.django_db


def area_manager():
    user = StaffFactory()
    user.groups.add(Role.AREA_MANAGER.group())
    return user


def _project(**kwargs):
    programme = ProgrammeFactory(published_at=timezone.now(), **kwargs)
    return ProgrammeProjectFactory(programme=programme, planned_completion=timezone.localdate())


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_an_update_sets_the_progress_and_tells_each_follower_once(
    django_capture_on_commit_callbacks,
):
    project = _project()
    follower, other = UserFactory(), UserFactory()
    actions.follow_project(project=project, user=follower)
    with django_capture_on_commit_callbacks(execute=True):
        update = actions.publish_project_update(
            project=project, by=None, text_nl="De bomen staan.", progress=60
        )
    project.refresh_from_db()
    assert project.progress == 60
    told = Notification.objects.filter(kind=tasks.PROJECT_PROGRESS)
    assert list(told.values_list("recipient", flat=True)) == [follower.pk]
    assert "60" in told.get().messages["nl"]
    # Told once, even when the telling runs again.
    tasks.tell_project_followers(project.pk, "update", update.pk)
    assert told.count() == 1
    assert not Notification.objects.filter(recipient=other).exists()


def test_followers_are_told_by_a_task_after_the_commit_not_in_the_request(
    django_capture_on_commit_callbacks, monkeypatch
):
    project = _project()
    actions.follow_project(project=project, user=UserFactory())
    queued = []
    monkeypatch.setattr(tasks.tell_project_followers, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update = actions.publish_project_update(
            project=project, by=None, text_nl="Verder.", progress=20
        )
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [(project.pk, "update", update.pk)]
    assert not Notification.objects.exists()


def test_an_update_deleted_before_the_task_runs_is_not_told(django_capture_on_commit_callbacks):
    project = _project()
    actions.follow_project(project=project, user=UserFactory())
    update = actions.publish_project_update(
        project=project, by=None, text_nl="Verder.", progress=20
    )
    update.delete()
    assert tasks.tell_project_followers(project.pk, "update", update.pk) == 0
    assert not Notification.objects.exists()


def test_someone_who_stops_following_hears_nothing(django_capture_on_commit_callbacks):
    project = _project()
    person = UserFactory()
    actions.follow_project(project=project, user=person)
    assert actions.unfollow_project(project=project, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish_project_update(project=project, by=None, text_nl="Verder.", progress=10)
    assert not Notification.objects.filter(recipient=person).exists()


def test_the_unsubscribe_link_stops_following_that_project_only():
    project, second = _project(), _project()
    person = UserFactory()
    actions.follow_project(project=project, user=person)
    actions.follow_project(project=second, user=person)
    assert f"“{project.title}”" in kinds.subject_label(person, tasks.PROJECT_PROGRESS, project.pk)
    assert kinds.unsubscribe(person, tasks.PROJECT_PROGRESS, project.pk)
    assert list(ProjectFollower.objects.filter(user=person).values_list("project", flat=True)) == [
        second.pk
    ]
    assert not kinds.unsubscribe(UserFactory(), tasks.PROJECT_PROGRESS, second.pk)


def test_done_sets_and_clears_the_day_it_was_done():
    project = _project()
    project.status = ProgrammeProject.Status.DONE
    project.save()
    assert project.completed_on == timezone.localdate()
    project.status = ProgrammeProject.Status.IN_PROGRESS
    project.save()
    assert project.completed_on is None


def test_a_done_project_is_100_percent_done_also_the_ones_done_before():
    project = _project()
    project.status = ProgrammeProject.Status.DONE
    project.save(update_fields=["status"])
    project.refresh_from_db()
    assert project.progress == 100
    earlier = _project()
    ProgrammeProject.objects.filter(pk=earlier.pk).update(status="done", progress=0)
    migration = importlib.import_module(
        "neighbourhoods.migrations.0012_done_projects_full_progress"
    )
    migration.done_is_full(django_apps, None)
    earlier.refresh_from_db()
    assert earlier.progress == 100
    assert _project().progress == 0


def test_an_update_with_progress_moves_a_planned_project_in_progress():
    project = _project()
    assert project.status == ProgrammeProject.Status.PLANNED
    actions.publish_project_update(project=project, by=None, text_nl="Nog niet.", progress=0)
    project.refresh_from_db()
    assert project.status == ProgrammeProject.Status.PLANNED
    actions.publish_project_update(project=project, by=None, text_nl="Begonnen.", progress=30)
    project.refresh_from_db()
    assert project.status == ProgrammeProject.Status.IN_PROGRESS


def test_the_progress_page_says_all_milestones_reached_or_none_planned(client):
    round = _counted_round_with(2)
    reached, bare = ProgrammeProject.objects.filter(budget_plans__round=round).order_by("pk")
    reached.milestones.update(reached_on=timezone.localdate())
    bare.milestones.all().delete()
    page = client.get(reverse("budgets:progress", args=[round.pk])).content.decode()
    assert page.count("Alle mijlpalen gehaald") == 1
    assert page.count("Geen gepland") == 1


def test_voters_follow_every_winner_at_close_not_only_their_choice():
    round = RoundFactory(total=Decimal(8_000), ballot_form=Round.BallotForm.APPROVAL)
    first = PlanFactory(round=round, cost=Decimal(4_000))
    second = PlanFactory(round=round, cost=Decimal(4_000))
    loser = PlanFactory(round=round, cost=Decimal(7_000))
    chose_first, chose_loser = voter(round), voter(round)
    ballot(round, [first, second], voter=voter(round))
    ballot(round, [first], voter=chose_first)
    ballot(round, [second, loser], voter=chose_loser)
    assert budget_actions.compute_results(round=close(round))
    first.refresh_from_db()
    second.refresh_from_db()
    winners = {first.project_id, second.project_id}
    assert len(winners) == 2
    assert None not in winners
    for person in (chose_first, chose_loser):
        followed = set(
            ProjectFollower.objects.filter(user=person).values_list("project", flat=True)
        )
        assert followed == winners
    # The day of the count, not its moment; read back as an aware datetime on SQLite too.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    moments = set(ProjectFollower.objects.values_list("created_at", flat=True))
    assert moments == {midnight}
    assert (
        ProgrammeProject.objects.filter(programme__neighbourhood=round.neighbourhood).count() == 2
    )


def _change_data(project, **updates):
    data = {
        "programme": project.programme_id,
        "title": project.title,
        "description": "",
        "budget": "20000",
        "spent": "0",
        "status": project.status,
        "planned_completion": "",
        "progress": str(project.progress),
        "survey_finding": "",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-0-text_nl": "Het plein is open.",
        "updates-0-text_en": "",
        "updates-0-progress": "80",
        "updates-0-photo_alt_nl": "",
        "updates-0-photo_alt_en": "",
    }
    data.update(updates)
    return data


def _own_project(manager):
    return _project(neighbourhood=NeighbourhoodFactory(area_manager=manager))


def test_staff_publish_an_update_with_a_photo_in_the_back_office(
    client, django_capture_on_commit_callbacks
):
    manager = area_manager()
    project = _own_project(manager)
    follower = UserFactory()
    actions.follow_project(project=project, user=follower)
    sign_in_staff(client, manager)
    photo = SimpleUploadedFile("plein.jpg", _jpeg(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:neighbourhoods_programmeproject_change", args=[project.pk]),
            _change_data(
                project,
                **{
                    "updates-0-image": photo,
                    "updates-0-photo_alt_nl": "Het nieuwe plein met bankjes",
                    "updates-0-photo_alt_en": "The new square with benches",
                },
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    update = ProjectUpdate.objects.get(project=project)
    assert update.author == manager
    assert update.photo_token
    project.refresh_from_db()
    assert project.progress == 80
    assert Notification.objects.filter(recipient=follower, kind=tasks.PROJECT_PROGRESS).count() == 1
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'alt="Het nieuwe plein met bankjes"' in page
    assert client.get(update.photo_url()).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"updates-0-progress": "150"}, "progress"),
        ({"updates-0-text_nl": ""}, "text_nl"),
        ({"updates-0-image": "photo"}, "photo_alt_nl"),
    ],
)
def test_bad_updates_are_refused_beside_the_field_and_nothing_is_saved(client, changes, field):
    manager = area_manager()
    project = _own_project(manager)
    sign_in_staff(client, manager)
    if changes.get("updates-0-image") == "photo":
        changes = {"updates-0-image": SimpleUploadedFile("a.jpg", _jpeg(), "image/jpeg")}
    response = client.post(
        reverse("admin:neighbourhoods_programmeproject_change", args=[project.pk]),
        _change_data(project, **changes),
    )
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "updates"
    )
    assert field in formset.formset.forms[0].errors
    assert not ProjectUpdate.objects.exists()
    project.refresh_from_db()
    assert project.progress == 0


def test_a_project_cannot_report_more_than_100_percent():
    project = _project()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeProject.objects.filter(pk=project.pk).update(progress=150)
    project.progress = 150
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "progress" in refused.value.message_dict


def test_another_areas_manager_neither_sees_nor_chooses_the_project(client):
    manager = area_manager()
    own = _own_project(manager)
    other = _project(neighbourhood=NeighbourhoodFactory(area_manager=StaffFactory()))
    sign_in_staff(client, manager)
    listing = client.get(reverse("admin:neighbourhoods_programmeproject_changelist"))
    assert own.title in listing.content.decode()
    assert other.title not in listing.content.decode()
    assert client.get(
        reverse("admin:neighbourhoods_programmeproject_change", args=[other.pk])
    ).status_code in {302, 404}
    # Moving their own project into the other area's programme is refused.
    response = client.post(
        reverse("admin:neighbourhoods_programmeproject_change", args=[own.pk]),
        _change_data(own, programme=other.programme_id),
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.programme_id != other.programme_id
    # The tender's project choices hold only their own areas' projects.
    manager.groups.add(Role.PROCUREMENT_OFFICER.group())
    manager = type(manager).objects.get(pk=manager.pk)
    form = client.get(reverse("admin:procurement_tender_add"))
    choices = form.context["adminform"].form.fields["project"].queryset
    assert own in choices
    assert other not in choices


def test_anonymous_follow_goes_to_sign_in_and_a_resident_follows(client):
    project = _project()
    url = reverse(
        "neighbourhoods:project_follow",
        args=[project.programme.neighbourhood.slug, project.programme.year, project.pk],
    )
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    page = client.get(project.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next=" in page
    person = UserFactory()
    client.force_login(person)
    client.post(url)
    assert ProjectFollower.objects.filter(project=project, user=person).exists()
    client.post(url, {"unfollow": "1"})
    assert not ProjectFollower.objects.filter(project=project, user=person).exists()


def test_the_project_page_shows_money_as_euros_and_invites_to_follow(client):
    project = _project()
    project.budget, project.spent = Decimal(12_300), Decimal(300)
    project.save()
    client.force_login(UserFactory())
    page = client.get(project.get_absolute_url()).content.decode()
    assert "€\u00a012.300" in page
    assert "€\u00a012.000" in page  # left
    assert "Krijg bericht over updates, mijlpalen en als het project klaar is." in page


def test_an_unpublished_programmes_project_is_not_shown(client):
    project = ProgrammeProjectFactory()
    assert client.get(project.get_absolute_url()).status_code == 404


def _fill(project, n):
    for i in range(n):
        ProjectMilestone.objects.create(
            project=project, title_nl=f"Stap {i}", planned_on=timezone.localdate()
        )
        ProjectUpdate.objects.create(project=project, text_nl=f"Nieuws {i}", progress=i)
        TenderFactory(project=project, status=Tender.Status.PLANNED)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_project_page_costs_the_same_for_one_or_many(client, settings):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 0
    one, many = _project(), _project()
    _fill(one, 1)
    _fill(many, 6)
    client.force_login(UserFactory())
    _queries(client, one.get_absolute_url())
    assert _queries(client, one.get_absolute_url()) == _queries(client, many.get_absolute_url())
    page = client.get(many.get_absolute_url()).content.decode()
    assert "Stap 5" in page
    assert "Nieuws 5" in page
    assert "5%" in page


def _counted_round_with(n):
    round = RoundFactory(total=Decimal(4_000 * n), ballot_form=Round.BallotForm.APPROVAL)
    plans = [PlanFactory(round=round, cost=Decimal(4_000)) for _i in range(n)]
    ballot(round, plans, voter=voter(round))
    budget_actions.compute_results(round=close(round))
    for plan in plans:
        plan.refresh_from_db()
        plan.project.programme.published_at = timezone.now()
        plan.project.programme.save()
        _fill(plan.project, 2)
    return round


def test_the_rounds_progress_page_and_open_data_cost_the_same_for_one_or_many(client):
    one, many = _counted_round_with(1), _counted_round_with(4)
    url = lambda r: reverse("budgets:progress", args=[r.pk])  # noqa: E731
    _queries(client, url(one))
    assert _queries(client, url(one)) == _queries(client, url(many))
    page = client.get(url(many)).content.decode()
    assert "Nieuws 1" in page
    assert "Stap 0" in page
    data = json.loads(client.get(reverse("budgets_opendata:json")).content)
    winners = [p for r in data["rounds"] for p in r["plans"] if p["won"]]
    assert len(winners) == 5
    assert winners[0]["project"]["progress"] == 0
    assert len(winners[0]["project"]["milestones"]) == 2
    assert "author" not in json.dumps(data)
    assert "voter" not in json.dumps(data)
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("budgets_opendata:csv")).content.decode()))
    )
    assert rows[0]["project_milestones"] == "2"
    assert client.get(reverse("budgets:progress", args=[RoundFactory().pk])).status_code == 404


def test_the_dashboard_counts_winners_delivered_on_time():
    round = _counted_round_with(3)
    today = timezone.localdate()
    projects = list(ProgrammeProject.objects.filter(budget_plans__round=round).order_by("pk"))
    on_time, late, overdue = projects
    for project, planned in (
        (on_time, today + timedelta(days=3)),
        (late, today - timedelta(days=3)),
    ):
        project.planned_completion = planned
        project.status = ProgrammeProject.Status.DONE
        project.save()
    overdue.planned_completion = today - timedelta(days=2)
    overdue.save()
    figure = dashboard.budget_winners_on_time_figure(dashboard.Period.last_twelve_months())
    assert [value for _label, value in figure.rows] == [1, 2]


def test_a_winner_done_without_a_planned_date_or_unpublished_is_not_counted():
    round = _counted_round_with(3)
    today = timezone.localdate()
    on_time, undated, hidden = ProgrammeProject.objects.filter(budget_plans__round=round).order_by(
        "pk"
    )
    for project, planned in ((on_time, today + timedelta(days=3)), (undated, None)):
        project.planned_completion = planned
        project.status = ProgrammeProject.Status.DONE
        project.save()
    hidden.planned_completion = today - timedelta(days=2)
    hidden.save()
    figure = dashboard.budget_winners_on_time_figure(dashboard.Period.last_twelve_months())
    assert [value for _label, value in figure.rows] == [1, 1]  # the overdue one is late
    hidden.programme = ProgrammeFactory()  # not published
    hidden.save()
    figure = dashboard.budget_winners_on_time_figure(dashboard.Period.last_twelve_months())
    assert [value for _label, value in figure.rows] == [1, 0]


def test_a_milestone_reached_and_the_project_done_are_told(
    client, django_capture_on_commit_callbacks
):
    manager = area_manager()
    project = _own_project(manager)
    milestone = ProjectMilestone.objects.create(
        project=project,
        title_nl="Bomen geplant",
        title_en="Trees planted",
        planned_on=timezone.localdate(),
    )
    follower = UserFactory()
    actions.follow_project(project=project, user=follower)
    sign_in_staff(client, manager)
    data = _change_data(
        project,
        status=ProgrammeProject.Status.DONE,
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": str(milestone.pk),
            "milestones-0-project": str(project.pk),
            "milestones-0-title_nl": "Bomen geplant",
            "milestones-0-title_en": "Trees planted",
            "milestones-0-planned_on": timezone.localdate().isoformat(),
            "milestones-0-reached_on": timezone.localdate().isoformat(),
            "updates-TOTAL_FORMS": "0",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:neighbourhoods_programmeproject_change", args=[project.pk]), data
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.completed_on == timezone.localdate()
    told = sorted(
        Notification.objects.filter(recipient=follower).values_list("messages__nl", flat=True)
    )
    assert told == [
        f"Het project “{project.title}” heeft een mijlpaal bereikt: Bomen geplant.",
        f"Het project “{project.title}” is klaar.",
    ]


def test_telling_projects_done_tells_only_the_followers_of_those_done_after_the_commit(
    django_capture_on_commit_callbacks,
):
    done, going = _project(), _project()
    done.status = ProgrammeProject.Status.DONE
    done.save()
    going.status = ProgrammeProject.Status.IN_PROGRESS
    going.save()
    of_done, of_going = UserFactory(), UserFactory()
    actions.follow_project(project=done, user=of_done)
    actions.follow_project(project=going, user=of_going)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        actions.tell_projects_done(projects=[done, going])
        assert not Notification.objects.exists(), "not before the commit"
    for callback in waiting:
        callback()
    assert list(Notification.objects.values_list("recipient", "messages__nl")) == [
        (of_done.pk, f"Het project “{done.title}” is klaar.")
    ]
