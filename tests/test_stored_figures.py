"""Figures stored ahead of the visitor (``common.figures``, ``common.stored_figures``):
the beat schedule's task fills every figures page's default selections in every
language, a visitor is served them without computing anything, stale figures are still
served at once while one recomputation is enqueued, and a change shows after the next
scheduled refresh."""

import copy
import dataclasses
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from celery import Celery
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff
from common import figures, periodic, stored_figures, tasks
from common.figures import Stored
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from portal.celery import app as celery_app
from reports import figures_admin
from reports.models import Department
from reports.models import Status as ReportStatus
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

REPORT_FIGURES = "/beheer/reports/report/cijfers/"
# The tables the figures are computed from: a served page reads none of them.
FIGURE_TABLES = (
    '"initiatives_initiative"',
    '"reports_report"',
    '"reports_feedback"',
    '"neighbourhoods_agendaitem"',
    '"neighbourhoods_programmeproject"',
    '"procurement_supplier"',
    '"procurement_kpicheckpoint"',
    '"citydata_observation"',
)


@pytest.fixture
def stored(settings):
    """Figures kept for ten minutes, as in production."""
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 600


@pytest.fixture
def city(stored):
    neighbourhood = NeighbourhoodFactory(name="Havenkwartier")
    InitiativeFactory(neighbourhood=neighbourhood, status=Status.SUBMITTED)
    roads = Department.objects.get(slug="wegen")
    colleague = StaffFactory()
    colleague.user_permissions.add(Permission.objects.get(codename="view_report"))
    roads.members.add(colleague)
    return neighbourhood, colleague


def public_pages(neighbourhood) -> list[str]:
    return [
        reverse("overview:dashboard"),
        reverse("neighbourhoods:monitor", args=[neighbourhood.slug]),
        reverse("reports:improvements"),
        reverse("procurement:figures"),
        reverse("citydata:dashboard"),
    ]


def visit(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in queries]


def never_compute():
    """Every registered figure's computation made to fail: what is served was stored."""

    def refuse(selection):
        raise AssertionError(f"computed in the request: {selection}")

    kinds = {kind.name: kind for kind in figures.registered()}
    return mock.patch.dict(
        figures._KINDS,
        {name: figures.FiguresKind(name, refuse, kind.defaults) for name, kind in kinds.items()},
    )


def age(name: str, selection: dict, language: str, by: timedelta) -> Stored:
    """Make stored figures older, as if computed ``by`` earlier."""
    key = figures.cache_key(name, selection, language)
    kept = cache.get(key)
    older = dataclasses.replace(kept, computed_at=kept.computed_at - by)
    cache.set(key, older)
    return older


def test_the_periodic_task_fills_every_page_in_every_language(client, city):
    neighbourhood, colleague = city
    stored = periodic.refresh_default_figures()
    kinds = {kind.name for kind in figures.registered()}
    assert kinds >= {
        "dashboard",
        "monitor",
        "report-figures",
        "report-improvements",
        "procurement",
        "inner_city",
    }
    # Every default selection in Dutch and English (two scopes of the report figures:
    # everyone's and the roads department's).
    defaults = sum(len(kind.defaults()) for kind in figures.registered())
    assert stored == defaults * len(django_settings.LANGUAGES)
    for kind in figures.registered():
        for selection in kind.defaults():
            for language, _label in django_settings.LANGUAGES:
                assert isinstance(
                    cache.get(figures.cache_key(kind.name, selection, language)), Stored
                ), (kind.name, selection, language)
    # A visitor's pages, in both languages, and the colleague's figures page: nothing
    # computed, none of the figures' tables read.
    with never_compute():
        for language in ("nl", "en"):
            client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
            for url in public_pages(neighbourhood):
                _response, queries = visit(client, url)
                read = [sql for sql in queries if any(t in sql for t in FIGURE_TABLES)]
                assert read == [], url
        sign_in_staff(client, colleague)
        response, queries = visit(client, REPORT_FIGURES)
        assert not [sql for sql in queries if '"reports_report"' in sql]
        assert response.context["figures"].total.handled == 0


def test_the_page_says_the_stored_moment(client, city):
    neighbourhood, _colleague = city
    periodic.refresh_default_figures()
    moment = age("monitor", {}, "nl", timedelta(minutes=3)).computed_at
    with never_compute():
        response, _queries = visit(
            client, reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
        )
    assert response.context["computed_at"] == moment
    dashboard_moment = age("dashboard", {}, "nl", timedelta(minutes=4)).computed_at
    with never_compute():
        response, _queries = visit(client, reverse("overview:dashboard"))
    assert response.context["dashboard"].computed_at == dashboard_moment


def test_stale_figures_are_served_at_once_and_one_refresh_is_enqueued(client, city):
    neighbourhood, _colleague = city
    periodic.refresh_default_figures()
    older = age("monitor", {}, "nl", timedelta(hours=1))
    url = reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
    with (
        mock.patch.object(tasks.refresh_figures, "delay") as enqueue,
        never_compute(),
    ):
        for _visitor in range(10):
            response, queries = visit(client, url)
            assert response.context["computed_at"] == older.computed_at
            assert not [sql for sql in queries if any(t in sql for t in FIGURE_TABLES)]
    enqueue.assert_called_once_with("monitor", {}, "nl")


def test_in_process_tasks_refresh_stale_figures_for_the_next_visitor(client, city):
    """Without a broker the enqueued refresh runs in-process: the visitor who found the
    figures stale is served them as they were, the next one the new figures."""
    neighbourhood, _colleague = city
    periodic.refresh_default_figures()
    InitiativeFactory(neighbourhood=neighbourhood, status=Status.SUBMITTED)
    age("monitor", {}, "nl", timedelta(hours=1))
    url = reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
    assert client.get(url).context["figures"].initiatives == 1
    assert client.get(url).context["figures"].initiatives == 2


def test_a_change_shows_after_the_scheduled_refresh(client, city):
    neighbourhood, _colleague = city
    periodic.refresh_default_figures()
    url = reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
    assert client.get(url).context["figures"].initiatives == 1
    InitiativeFactory(neighbourhood=neighbourhood, status=Status.SUBMITTED)
    assert client.get(url).context["figures"].initiatives == 1, "fresh enough: as stored"
    dashboard = client.get(reverse("overview:dashboard")).context["dashboard"]
    submitted = dict(dashboard.figures[0].rows)
    periodic.refresh_default_figures()
    assert client.get(url).context["figures"].initiatives == 2
    again = dict(client.get(reverse("overview:dashboard")).context["dashboard"].figures[0].rows)
    assert sum(again.values()) == sum(submitted.values()) + 1


def test_a_selection_never_stored_is_computed_once_then_served(client, stored):
    url = reverse("overview:dashboard")
    params = "?start=2025-01-01&end=2025-06-30"
    _first, computing = visit(client, url + params)
    assert [sql for sql in computing if '"initiatives_initiative"' in sql]
    with never_compute():
        _again, served = visit(client, url + params)
    assert not [sql for sql in served if any(t in sql for t in FIGURE_TABLES)]


def test_one_page_failing_leaves_the_others_refreshed(stored, caplog):
    def broken(selection):
        raise ValueError("a page's figures cannot be computed")

    failing = figures.FiguresKind("broken", broken)
    with mock.patch.dict(figures._KINDS, {"broken": failing}):
        done = figures.refresh_defaults()
    working = sum(len(kind.defaults()) for kind in figures.registered())
    assert done == working * len(django_settings.LANGUAGES)
    assert isinstance(cache.get(figures.cache_key("dashboard", {}, "en")), Stored)
    assert "Figures broken" in caplog.text


def test_a_neighbourhood_newer_than_the_stored_monitor_is_computed_once(client, city):
    periodic.refresh_default_figures()
    newer = NeighbourhoodFactory(name="Nieuwland")
    url = reverse("neighbourhoods:monitor", args=[newer.slug])
    response, computing = visit(client, url)
    assert response.context["neighbourhood"] == newer
    assert [sql for sql in computing if '"initiatives_initiative"' in sql]
    with never_compute():
        _again, served = visit(client, url)
    assert not [sql for sql in served if any(t in sql for t in FIGURE_TABLES)]
    assert client.get(reverse("neighbourhoods:monitor", args=["bestaat-niet"])).status_code == 404


def test_an_area_managers_figures_page_is_ready_too(client, stored):
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    NeighbourhoodFactory(name="Mijnwijk", area_manager=manager)
    periodic.refresh_default_figures()
    sign_in_staff(client, manager)
    with never_compute():
        response, queries = visit(client, REPORT_FIGURES)
    assert not [sql for sql in queries if '"reports_report"' in sql]
    assert response.context["figures"].total.handled == 0


def closed_report(department: Department, neighbourhood=None):
    return ReportFactory(
        department=department,
        neighbourhood=neighbourhood,
        status=ReportStatus.SOLVED,
        closed_at=timezone.now(),
    )


def test_each_colleagues_stored_figures_count_their_own_scope_only(client, stored):
    roads = Department.objects.get(slug="wegen")
    waste = Department.objects.get(slug="afval")
    view_report = Permission.objects.get(codename="view_report")
    road_worker, waste_worker = StaffFactory(), StaffFactory()
    for colleague, department in ((road_worker, roads), (waste_worker, waste)):
        colleague.user_permissions.add(view_report)
        department.members.add(colleague)
    closed_report(roads)
    closed_report(waste)
    closed_report(waste)
    mine, elsewhere = NeighbourhoodFactory(name="Mijnwijk"), NeighbourhoodFactory(name="Verweg")
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    mine.area_manager = manager
    mine.save()
    closed_report(roads, mine)
    closed_report(roads, elsewhere)
    periodic.refresh_default_figures()
    with never_compute():
        for colleague, handled in ((road_worker, 3), (waste_worker, 2), (manager, 1)):
            sign_in_staff(client, colleague)
            response, _queries = visit(client, REPORT_FIGURES)
            assert response.context["figures"].total.handled == handled, colleague
            client.logout()


@pytest.fixture
def redis_stored(stored, redis_cache):
    """Figures stored on the machine's Redis, as in production."""


def ttl(key: str) -> int:
    client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    return client.ttl(cache.make_and_validate_key(key))


def test_a_visitors_own_selection_is_kept_only_while_fresh_and_never_refreshed(
    client, redis_stored, settings
):
    url = reverse("overview:dashboard") + "?start=2025-01-01&end=2025-06-30"
    client.get(url)
    selection = {"start": "2025-01-01", "end": "2025-06-30"}
    key = figures.cache_key("dashboard", selection, "nl")
    assert 0 < ttl(key) <= settings.PORTAL_DASHBOARD_CACHE_SECONDS
    age("dashboard", selection, "nl", timedelta(hours=1))
    with mock.patch.object(tasks.refresh_figures, "delay") as enqueue:
        client.get(url)
    enqueue.assert_not_called()
    # The default selection is kept long, and refreshed when found stale.
    client.get(reverse("overview:dashboard"))
    assert ttl(figures.cache_key("dashboard", {}, "nl")) > 24 * 3600


def test_figures_not_stored_are_computed_by_one_visitor_while_the_others_wait(stored):
    other = figures.Stored("computed by another visitor", timezone.now(), default=True)
    key = figures.cache_key("dashboard", {}, "nl")
    cache.add(figures.compute_lock_key("dashboard", {}, "nl"), 1)
    done = threading.Timer(0.3, lambda: cache.set(key, other))
    done.start()
    try:
        with never_compute(), translation.override("nl"):
            assert stored_figures.figures("dashboard") == other
    finally:
        done.join()


def test_a_visitor_waits_for_another_a_bounded_while(stored, monkeypatch):
    monkeypatch.setattr(stored_figures, "WAIT_SECONDS", 0.3)
    cache.add(figures.compute_lock_key("dashboard", {}, "nl"), 1)
    with translation.override("nl"):
        moment = time.monotonic()
        computed = stored_figures.figures("dashboard")
    assert 0.3 <= time.monotonic() - moment < 5
    assert computed.default


@pytest.fixture
def unreachable_broker():
    """A Celery app whose broker does not answer (nothing listens on its port), made
    current so that the portal's shared tasks are enqueued through it."""
    from tests.concurrency import free_port

    closed = Celery("portal-test-closed-broker", set_as_current=False)
    closed.config_from_object("django.conf:settings", namespace="CELERY")
    closed.conf.update(
        broker_url=f"redis://127.0.0.1:{free_port()}/0",
        task_always_eager=False,
        broker_connection_timeout=1,
    )
    closed.set_current()
    try:
        yield closed
    finally:
        celery_app.set_current()
        closed.close()


def test_stale_figures_are_served_when_the_broker_cannot_be_reached(
    client, city, unreachable_broker, caplog
):
    neighbourhood, _colleague = city
    periodic.refresh_default_figures()
    older = age("monitor", {}, "nl", timedelta(hours=1))
    url = reverse("neighbourhoods:monitor", args=[neighbourhood.slug])
    with never_compute():
        response, _queries = visit(client, url)
    assert response.context["computed_at"] == older.computed_at
    assert cache.get(figures.lock_key("monitor", {}, "nl")) is None, "the next one tries again"
    assert "Refresh of figures monitor not enqueued" in caplog.text


def test_figures_stored_by_an_earlier_release_are_computed_again(client, redis_stored):
    key = figures.cache_key("dashboard", {}, "nl")
    raw = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    # A class the previous release had and this one has not.
    raw.set(cache.make_and_validate_key(key), b"ccommon.figures\nGone\n.")
    response = client.get(reverse("overview:dashboard"))
    assert response.status_code == 200
    assert isinstance(cache.get(key), Stored), "stored anew"
    # Figures of a class that gained a field since.
    kept = cache.get(key)
    lacking = copy.copy(kept.value)
    del lacking.__dict__["figures"]
    cache.set(key, dataclasses.replace(kept, value=lacking))
    response = client.get(reverse("overview:dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard"].figures


def test_the_beat_schedule_never_runs_twice_at_once(stored):
    cache.add(figures.BEAT_LOCK, 1)
    with never_compute():
        assert periodic.refresh_default_figures() == 0
    cache.delete(figures.BEAT_LOCK)
    assert periodic.refresh_default_figures() > 0
    assert cache.get(figures.BEAT_LOCK) is None


def test_a_slow_computation_never_overwrites_fresher_figures(stored):
    key = figures.cache_key("dashboard", {}, "nl")
    kind = figures.get_kind("dashboard")
    fresher = Stored("stored by the beat meanwhile", timezone.now() + timedelta(minutes=1), True)

    def slow(selection):
        cache.set(key, fresher)  # another computation, begun later, finishes first
        return kind.compute(selection)

    with mock.patch.dict(figures._KINDS, {"dashboard": figures.FiguresKind("dashboard", slow)}):
        served = figures.refresh("dashboard", {}, "nl")
    assert served.computed_at < fresher.computed_at
    assert cache.get(key) == fresher


def test_report_figures_are_ready_for_whoever_may_open_them_each_scope_once(stored):
    roads = Department.objects.get(slug="wegen")
    waste = Department.objects.get(slug="afval")
    trees = Department.objects.get(slug="groen")
    view_report = Permission.objects.get(codename="view_report")
    for _colleague in range(2):
        colleague = StaffFactory()
        colleague.user_permissions.add(view_report)
        roads.members.add(colleague)
    waste.members.add(StaffFactory())  # may not open the report queue
    administrator = StaffFactory(is_superuser=True)
    trees.members.add(administrator)  # sees everyone's reports
    scopes = [
        (selection["departments"], selection["areas"])
        for selection in figures_admin.default_selections()
    ]
    assert sorted(scopes, key=repr) == sorted([(None, None), ([roads.pk], None)], key=repr)
