"""The programme (publishing, traceability), the monitor and the neighbourhood page."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods import actions, monitor
from neighbourhoods.models import AgendaStatus, Programme
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    EventFactory,
    NeighbourhoodFactory,
    ProgrammeFactory,
    ProgrammeProjectFactory,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def area_manager():
    user = StaffFactory()
    user.groups.add(Role.AREA_MANAGER.group())
    return user


def test_area_manager_publishes_own_programme_and_followers_hear_of_it():
    manager = area_manager()
    programme = ProgrammeFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    follower = UserFactory()
    actions.follow_neighbourhood(neighbourhood=programme.neighbourhood, user=follower)
    assert actions.publish_programme(programme=programme, by=manager)
    assert not actions.publish_programme(programme=programme, by=manager)  # once
    assert Notification.objects.filter(recipient=follower, kind=actions.NEWS).count() == 1


def test_area_manager_cannot_publish_another_areas_programme_without_the_right():
    manager = area_manager()
    programme = ProgrammeFactory(neighbourhood=NeighbourhoodFactory(area_manager=StaffFactory()))
    with pytest.raises(actions.AgendaError):
        actions.publish_programme(programme=programme, by=manager)
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(Permission.objects.get(codename="publish_any_programme"))
    manager = type(manager).objects.get(pk=manager.pk)  # fresh permission cache
    assert actions.publish_programme(programme=programme, by=manager)


def test_other_areas_programme_cannot_be_published_in_the_admin(client):
    manager = area_manager()
    sign_in_staff(client, manager)
    programme = ProgrammeFactory(neighbourhood=NeighbourhoodFactory(area_manager=StaffFactory()))
    client.post(
        "/beheer/neighbourhoods/programme/",
        {"action": "publish", "_selected_action": [str(programme.pk)], "area": "all"},
    )
    programme.refresh_from_db()
    assert not programme.is_published
    # Another area's programme is not in their back office at all (issue 21).
    assert client.get(f"/beheer/neighbourhoods/programme/{programme.pk}/change/").status_code in {
        302,
        403,
    }
    response = client.post(
        f"/beheer/neighbourhoods/programme/{programme.pk}/change/",
        {"neighbourhood": programme.neighbourhood.pk, "year": programme.year, "budget": "1"},
    )
    programme.refresh_from_db()
    assert programme.budget != 1
    assert response.status_code in {302, 403}


def test_admin_shows_area_managers_only_their_own_items(client):
    manager = area_manager()
    mine = AgendaItemFactory(
        neighbourhood=NeighbourhoodFactory(area_manager=manager), title="Eigen"
    )
    AgendaItemFactory(title="Andermans")
    sign_in_staff(client, manager)
    content = client.get("/beheer/neighbourhoods/agendaitem/").content.decode()
    assert mine.title in content
    assert "Andermans" not in content
    # "All neighbourhoods" are all of their own: another area's items stay out (issue 21).
    content = client.get("/beheer/neighbourhoods/agendaitem/", {"area": "all"}).content.decode()
    assert "Andermans" not in content


def test_admin_moves_an_item_into_the_programme_only_with_a_project(client):
    manager = area_manager()
    neighbourhood = NeighbourhoodFactory(area_manager=manager)
    item = AgendaItemFactory(neighbourhood=neighbourhood, status=AgendaStatus.ON_AGENDA)
    project = ProgrammeProjectFactory(programme__neighbourhood=neighbourhood)
    sign_in_staff(client, manager)
    url = f"/beheer/neighbourhoods/agendaitem/{item.pk}/change/"
    form = {
        "new_status": "in_programme",
        "public_message": "Komt in het programma.",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == AgendaStatus.ON_AGENDA
    client.post(url, {**form, "project": project.pk})
    item.refresh_from_db()
    assert item.status == AgendaStatus.IN_PROGRAMME
    assert list(project.agenda_items.all()) == [item]


def test_programme_page_shows_where_projects_came_from(client):
    programme = ProgrammeFactory(published_at=timezone.now())
    project = ProgrammeProjectFactory(
        programme=programme, survey_finding="Te weinig ontmoetingsplekken", spent=5_000
    )
    item = AgendaItemFactory(neighbourhood=programme.neighbourhood, title="Bankjes")
    initiative = InitiativeFactory(status=Status.ACCEPTED, title="Buurtfeest")
    draft = InitiativeFactory(title="Geheim concept")
    project.agenda_items.add(item)
    project.initiatives.add(initiative, draft)
    content = client.get(programme.get_absolute_url()).content.decode()
    for text in ["Bankjes", "Buurtfeest", "Te weinig ontmoetingsplekken", "25%"]:
        assert text in content
    assert "Geheim concept" not in content


def test_unpublished_programme_is_not_public(client):
    programme = ProgrammeFactory()
    assert client.get(programme.get_absolute_url()).status_code == 404


def test_monitor_figures_and_city_average():
    north = NeighbourhoodFactory(population=1000)
    south = NeighbourhoodFactory(population=3000)
    now = timezone.now()
    for days in [2, 4, 9]:
        InitiativeFactory(
            neighbourhood=north,
            status=Status.ACCEPTED,
            submitted_at=now - timezone.timedelta(days=days),
            responded_at=now,
        )
    InitiativeFactory(neighbourhood=south, status=Status.SUBMITTED)
    InitiativeFactory(neighbourhood=south)  # a draft does not count
    AgendaItemFactory(neighbourhood=north, status=AgendaStatus.DECLINED, answer="Nee, omdat.")
    programme = ProgrammeFactory(neighbourhood=north, published_at=now)
    ProgrammeProjectFactory(programme=programme, budget=10_000, spent=2_500)
    ProgrammeProjectFactory(programme=programme, budget=5_000, status="cancelled")
    rows, city = monitor.city_figures()
    by_id = {row.neighbourhood.pk: row for row in rows}
    assert by_id[north.pk].initiatives == 3
    assert by_id[north.pk].initiatives_per_1000 == 3.0
    assert by_id[north.pk].median_answer_days == 4
    assert by_id[north.pk].budget_planned == 10_000
    assert by_id[north.pk].spent_share == 25
    assert by_id[south.pk].initiatives == 1
    assert by_id[south.pk].median_answer_days is None
    assert city.initiatives == 4
    assert city.initiatives_per_1000 == 1.0
    assert city.agenda_by_status == {"declined": 1}


def test_monitor_csv_has_a_row_per_neighbourhood_and_the_city(client):
    NeighbourhoodFactory(name="Noord")
    NeighbourhoodFactory(name="Zuid")
    response = client.get(reverse("neighbourhoods:monitor_csv"))
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "neighbourhood"
    assert [row[0] for row in rows[1:3]] == ["Noord", "Zuid"]
    assert len(rows) == 4


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def fill(neighbourhood, count: int) -> None:
    programme = Programme.objects.get_or_create(
        neighbourhood=neighbourhood,
        year=timezone.localdate().year,
        defaults={"budget": 1000, "published_at": timezone.now()},
    )[0]
    for _number in range(count):
        item = AgendaItemFactory(neighbourhood=neighbourhood)
        project = ProgrammeProjectFactory(programme=programme)
        project.agenda_items.add(item)
        project.initiatives.add(InitiativeFactory(neighbourhood=neighbourhood, status="accepted"))
        EventFactory(neighbourhood=neighbourhood, kind="meeting")


@pytest.mark.parametrize(
    "page", ["detail", "agenda", "monitor", "programme", "list", "agenda_item"]
)
def test_neighbourhood_pages_query_count_is_the_same_for_1_and_100(client, page):
    neighbourhood = NeighbourhoodFactory(slug="wijk", area_manager=StaffFactory())
    client.force_login(UserFactory())
    fill(neighbourhood, 1)
    year = timezone.localdate().year
    item = neighbourhood.agenda_items.first()
    urls = {
        "detail": reverse("neighbourhoods:detail", args=["wijk"]),
        "agenda": reverse("neighbourhoods:agenda", args=["wijk"]),
        "monitor": reverse("neighbourhoods:monitor", args=["wijk"]),
        "programme": reverse("neighbourhoods:programme", args=["wijk", year]),
        "list": reverse("neighbourhoods:list"),
        "agenda_item": item.get_absolute_url(),
    }
    one = count_queries(client, urls[page])
    fill(neighbourhood, 99)
    NeighbourhoodFactory.create_batch(5)
    assert count_queries(client, urls[page]) == one


def programme_form(programme, **extra) -> dict:
    return {
        "neighbourhood": programme.neighbourhood.pk,
        "year": programme.year,
        "budget": "50000",
        "introduction": "",
        "projects-TOTAL_FORMS": "1",
        "projects-INITIAL_FORMS": "0",
        "projects-0-title": "Nieuw plein",
        "projects-0-budget": "20000",
        "projects-0-spent": "0",
        "projects-0-status": "planned",
        **extra,
    }


def test_changing_a_published_programme_tells_followers_once_a_day(client):
    manager = area_manager()
    programme = ProgrammeFactory(
        neighbourhood=NeighbourhoodFactory(area_manager=manager), published_at=timezone.now()
    )
    follower = UserFactory()
    actions.follow_neighbourhood(neighbourhood=programme.neighbourhood, user=follower)
    sign_in_staff(client, manager)
    url = f"/beheer/neighbourhoods/programme/{programme.pk}/change/"
    assert client.post(url, programme_form(programme)).status_code == 302
    assert programme.projects.get().title == "Nieuw plein"
    client.post(url, programme_form(programme, budget="60000", **{"projects-TOTAL_FORMS": "0"}))
    changed = Notification.objects.filter(recipient=follower, kind=actions.NEWS)
    assert changed.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("budget", "-5"), ("projects-0-budget", "-1"), ("year", "1800"), ("projects-0-title", "")],
)
def test_bad_programme_input_is_refused_and_nothing_saved(client, field, value):
    manager = area_manager()
    programme = ProgrammeFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    sign_in_staff(client, manager)
    url = f"/beheer/neighbourhoods/programme/{programme.pk}/change/"
    response = client.post(url, programme_form(programme, **{field: value}))
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    programme.refresh_from_db()
    assert programme.budget == 100_000
    assert not programme.projects.exists()


def test_monitor_figures_are_cached_for_a_while(client, settings):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 600
    neighbourhood = NeighbourhoodFactory()
    url = reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    InitiativeFactory(neighbourhood=neighbourhood, status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
    assert len(again) < len(first)
    assert response.context["figures"].initiatives == 0, "cached figures, as the page says"
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    assert client.get(url).context["figures"].initiatives == 1


def test_staff_without_the_delete_permission_cannot_delete_a_draft_programme(client):
    """Found by the authorisation matrix: deleting an unpublished programme once asked
    only whether it was published, not whether the colleague may delete at all."""
    researcher = StaffFactory()
    researcher.groups.add(Role.RESEARCHER.group())
    sign_in_staff(client, researcher)
    programme = ProgrammeFactory()
    url = f"/beheer/neighbourhoods/programme/{programme.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()
