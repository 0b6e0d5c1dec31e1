"""Figures stored ahead of the visitor (``common.figures``, ``common.stored_figures``):
the beat schedule's task fills every figures page's default selections in every
language, a visitor is served them without computing anything, stale figures are still
served at once while one recomputation is enqueued, and a change shows after the next
scheduled refresh."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff
from common import figures, periodic, tasks
from common.figures import Stored
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports.models import Department

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
    older = Stored(kept.value, kept.computed_at - by)
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
