"""Residents together in figures (issue 25, part 6): active networks, ambassadors, offers
and requests answered and volunteers found per neighbourhood, on the neighbourhood
monitor and the city dashboard, each chart with its table; counts of people under
SURVEY_MIN_GROUP_SIZE hidden; a fixed number of queries."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from common.suppression import suppress_counts
from community import actions, figures
from community.models import Membership, Post
from community.tests.factories import (
    AmbassadorFactory,
    NetworkFactory,
    PostFactory,
    VolunteerCallFactory,
    theme,
)
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods import monitor
from neighbourhoods.tests.factories import NeighbourhoodFactory
from overview import dashboard

pytestmark = pytest.mark.django_db
LABELS = {"a": "a", "b": "b", "c": "c"}


@pytest.fixture(autouse=True)
def _computed_now(settings):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0  # count the computation itself
    settings.SURVEY_MIN_GROUP_SIZE = 3


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_community(neighbourhood, *, ambassadors: int, volunteers: int):
    """``ambassadors`` approved ambassadors in the energy network, a member in the green
    one (two active networks), one waiting ambassador in the care network (not active),
    an answered and an unanswered offer, and ``volunteers`` responses to a call."""
    energy = NetworkFactory(neighbourhood=neighbourhood, theme=theme("energie"))
    for _index in range(ambassadors):
        AmbassadorFactory(network=energy)
    green = NetworkFactory(neighbourhood=neighbourhood, theme=theme("groen"))
    Membership.objects.create(network=green, user=UserFactory())
    care = NetworkFactory(neighbourhood=neighbourhood, theme=theme("zorg"))
    AmbassadorFactory(network=care, status=Membership.Status.WAITING)
    answered = PostFactory(neighbourhood=neighbourhood)
    actions.write_to(about=answered, author=UserFactory(), text="Mag ik de ladder lenen?")
    PostFactory(neighbourhood=neighbourhood)
    hidden = PostFactory(neighbourhood=neighbourhood)
    actions.write_to(about=hidden, author=UserFactory(), text="Hallo")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at)
    call = VolunteerCallFactory(
        initiative=InitiativeFactory(neighbourhood=neighbourhood, status="submitted"),
        wanted=volunteers + 1,
    )
    for _index in range(volunteers):
        actions.respond_to_call(call=call, user=UserFactory(), text="Ik doe mee")


def test_the_four_figures_follow_their_definitions():
    here = NeighbourhoodFactory()
    make_community(here, ambassadors=4, volunteers=5)
    counts = figures.counts_by_neighbourhood()[here.pk]
    assert counts == {
        figures.ACTIVE_NETWORKS: 2,  # energy and green; care has only a waiting request
        figures.AMBASSADORS: 4,
        figures.ANSWERED: 1,  # not the unanswered one, not the hidden one
        figures.VOLUNTEERS: 5,
    }


def test_an_ambassador_in_two_themes_counts_once():
    here = NeighbourhoodFactory()
    person = UserFactory()
    AmbassadorFactory(
        network=NetworkFactory(neighbourhood=here, theme=theme("energie")), user=person
    )
    AmbassadorFactory(network=NetworkFactory(neighbourhood=here, theme=theme("groen")), user=person)
    assert figures.counts_by_neighbourhood()[here.pk][figures.AMBASSADORS] == 1


def test_small_counts_of_people_are_hidden_and_the_next_smallest_too():
    assert suppress_counts({"a": 0, "b": 5, "c": 7}, minimum=3, labels=LABELS) == {
        "a": 0,
        "b": 5,
        "c": 7,
    }
    # One hidden beside a shown total: the next smallest goes too.
    assert suppress_counts({"a": 2, "b": 5, "c": 7}, minimum=3, labels=LABELS) == {
        "a": None,
        "b": None,
        "c": 7,
    }
    assert suppress_counts({"a": 2, "b": 5}, minimum=3, labels=LABELS, total_hidden=True) == {
        "a": None,
        "b": 5,
    }


def test_the_monitor_shows_the_figures_as_a_chart_with_its_table(client):
    big = NeighbourhoodFactory(name="Binnenstad", slug="binnenstad")
    small = NeighbourhoodFactory(name="Oost", slug="oost")
    other = NeighbourhoodFactory(name="West", slug="west")
    make_community(big, ambassadors=4, volunteers=6)
    make_community(small, ambassadors=1, volunteers=5)
    make_community(other, ambassadors=5, volunteers=3)
    response = client.get(reverse("neighbourhoods:monitor", args=["binnenstad"]))
    page = response.content.decode()
    chart = next(c for c in response.context["source_charts"] if c["key"] == "community")
    values = {row["label"]: row["value"] for row in chart["chart"]["rows"]}
    assert values == {
        "Actieve netwerken": 2,
        "Ambassadeurs": None,  # beside Oost's hidden 1, the next smallest goes too
        "Aanbod en vragen met antwoord": 1,
        "Vrijwilligers gevonden": 6,
    }
    assert 'id="source-community"' in page
    assert "De cijfers van: Bewoners samen" in page, "the chart's table"
    # Oost has one ambassador: hidden, and the next smallest (Binnenstad's 4) with it.
    response = client.get(reverse("neighbourhoods:monitor", args=["oost"]))
    chart = next(c for c in response.context["source_charts"] if c["key"] == "community")
    values = {row["label"]: row["value"] for row in chart["chart"]["rows"]}
    assert values["Ambassadeurs"] is None
    assert values["Actieve netwerken"] == 2, "networks are not people"
    assert chart["hidden"]
    west = client.get(reverse("neighbourhoods:monitor", args=["west"]))
    chart = next(c for c in west.context["source_charts"] if c["key"] == "community")
    assert {row["label"]: row["value"] for row in chart["chart"]["rows"]}["Ambassadeurs"] == 5
    assert west.context["city"].counts["community"][figures.AMBASSADORS] == 10


def test_a_hidden_count_reads_no_data_once_with_its_reason_for_screen_readers(client, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 3
    big = NeighbourhoodFactory(name="Binnenstad", slug="binnenstad")
    small = NeighbourhoodFactory(name="Oost", slug="oost")
    make_community(big, ambassadors=4, volunteers=6)
    make_community(small, ambassadors=1, volunteers=5)
    page = client.get(reverse("neighbourhoods:monitor", args=["binnenstad"])).content.decode()
    section = page.split('id="source-community"', 1)[1].split("</section>", 1)[0]
    table = section.split("<table", 1)[1].split("</table>", 1)[0]
    row = table.split("Ambassadeurs</th>", 1)[1].split("</tr>", 1)[0]
    # The table says what the chart says ("geen gegevens"), not a dash beside it, and
    # why for whoever cannot see the sentence under the chart.
    assert "\u2013" not in row  # the en dash
    assert row.count("geen gegevens") == 1
    assert (
        '<span class="portal-visually-hidden"> (minder dan 3 personen, niet getoond zodat '
        "niemand herkend kan worden)</span>" in row
    )
    assert 'class="portal-chart__value">geen gegevens</text>' in section


def test_the_monitor_csv_has_the_figures_and_leaves_hidden_ones_empty(client):
    make_community(NeighbourhoodFactory(name="Oost"), ambassadors=1, volunteers=4)
    make_community(NeighbourhoodFactory(name="West"), ambassadors=5, volunteers=4)
    make_community(NeighbourhoodFactory(name="Zuid"), ambassadors=6, volunteers=4)
    response = client.get(reverse("neighbourhoods:monitor_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["neighbourhood"]: row for row in rows}
    assert by_name["Oost"]["community_ambassadors"] == ""
    assert by_name["West"]["community_ambassadors"] == ""
    assert by_name["Zuid"]["community_ambassadors"] == "6"
    assert by_name["Oost"]["community_active_networks"] == "2"


def test_the_monitor_costs_the_same_for_one_and_many(client):
    here = NeighbourhoodFactory(slug="hier")
    make_community(here, ambassadors=3, volunteers=3)
    url = reverse("neighbourhoods:monitor", args=["hier"])
    one = count_queries(client, url)
    for _index in range(3):
        make_community(NeighbourhoodFactory(), ambassadors=4, volunteers=4)
    make_community(here, ambassadors=0, volunteers=2)
    assert count_queries(client, url) == one


def test_the_dashboard_shows_the_figures_per_neighbourhood(client):
    make_community(NeighbourhoodFactory(name="Oost"), ambassadors=1, volunteers=4)
    make_community(NeighbourhoodFactory(name="West"), ambassadors=5, volunteers=4)
    make_community(NeighbourhoodFactory(name="Zuid"), ambassadors=6, volunteers=4)
    response = client.get(reverse("overview:dashboard"))
    found = {figure.key: figure for figure in response.context["dashboard"].figures}
    assert dict(found["community_ambassadors"].rows) == {"Oost": None, "West": None, "Zuid": 6}
    assert dict(found["community_active_networks"].rows) == {"Oost": 2, "West": 2, "Zuid": 2}
    assert dict(found["community_answered_posts"].rows) == {"Oost": 1, "West": 1, "Zuid": 1}
    assert dict(found["community_volunteers_found"].rows) == {"Oost": 4, "West": 4, "Zuid": 4}
    page = response.content.decode()
    assert 'id="figure-community_ambassadors"' in page
    assert "De cijfers van: Ambassadeurs, per wijk" in page
    csv_text = client.get(reverse("overview:dashboard_csv")).content.decode()
    assert "community_ambassadors,Zuid,6" in csv_text
    assert "community_ambassadors,Oost,," in csv_text


def test_the_dashboard_counts_only_the_period(client):
    here = NeighbourhoodFactory(name="Oost")
    make_community(here, ambassadors=3, volunteers=3)
    response = client.get(
        reverse("overview:dashboard"), {"start": "2020-01-01", "end": "2020-12-31"}
    )
    found = {figure.key: figure for figure in response.context["dashboard"].figures}
    assert found["community_volunteers_found"].rows == [("Oost", 0)]


def test_the_dashboard_lists_every_neighbourhood_also_without_residents_together(client):
    make_community(NeighbourhoodFactory(name="Oost"), ambassadors=3, volunteers=3)
    NeighbourhoodFactory(name="Binnenstad")
    response = client.get(reverse("overview:dashboard"))
    found = {figure.key: figure for figure in response.context["dashboard"].figures}
    assert found["community_active_networks"].rows == [("Binnenstad", 0), ("Oost", 2)]
    assert found["community_volunteers_found"].rows == [("Binnenstad", 0), ("Oost", 3)]


def test_the_dashboard_costs_the_same_for_one_and_many(client):
    make_community(NeighbourhoodFactory(), ambassadors=3, volunteers=3)
    one = count_queries(client, reverse("overview:dashboard"))
    for _index in range(3):
        make_community(NeighbourhoodFactory(), ambassadors=4, volunteers=4)
    assert count_queries(client, reverse("overview:dashboard")) == one


def test_the_monitor_and_the_dashboard_hide_the_same_neighbourhoods():
    """Equal counts: the tie is broken by the neighbourhood's slug on both pages (row
    numbers on one and keys on the other hid different ones, giving both away)."""
    zuid = NeighbourhoodFactory(name="Zuid", slug="zuid")
    oost = NeighbourhoodFactory(name="Oost", slug="oost")
    midden = NeighbourhoodFactory(name="Midden", slug="midden")
    for neighbourhood, ambassadors in ((zuid, 4), (oost, 4), (midden, 2)):
        make_community(neighbourhood, ambassadors=ambassadors, volunteers=0)
    rows, _city = monitor.city_figures()
    on_monitor = {
        row.neighbourhood.name
        for row in rows
        if row.counts["community"][figures.AMBASSADORS] is None
    }
    found = {
        figure.key: figure
        for figure in dashboard.residents_together_figures(dashboard.Period.last_twelve_months())
    }
    on_dashboard = {name for name, count in found["community_ambassadors"].rows if count is None}
    assert on_monitor == on_dashboard == {"Midden", "Oost"}


def test_volunteers_found_counts_each_person_once():
    here = NeighbourhoodFactory()
    resident = UserFactory()
    for _index in range(2):
        call = VolunteerCallFactory(
            initiative=InitiativeFactory(neighbourhood=here, status="submitted"), wanted=3
        )
        actions.respond_to_call(call=call, user=resident, text="Ik doe mee")
    assert figures.counts_by_neighbourhood()[here.pk][figures.VOLUNTEERS] == 1


def test_ambassadors_count_from_their_approval():
    """An ambassador asked before the period ended but approved after it is not counted."""
    here = NeighbourhoodFactory()
    ambassador = AmbassadorFactory(network=NetworkFactory(neighbourhood=here))
    asked = ambassador.created_at - datetime.timedelta(days=30)
    Membership.objects.filter(pk=ambassador.pk).update(created_at=asked)
    end = asked + datetime.timedelta(days=1)
    assert figures.AMBASSADORS not in figures.counts_by_neighbourhood(None, end).get(here.pk, {})
    assert figures.counts_by_neighbourhood()[here.pk][figures.AMBASSADORS] == 1
