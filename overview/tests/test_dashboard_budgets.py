"""The neighbourhood budget on the city dashboard: rounds counted in the period and the
turnout per neighbourhood (ballots against the residents of the newest CBS import)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgets.models import Round
from budgets.tests.factories import RoundFactory
from neighbourhoods.models import CbsFigure, CbsImport
from neighbourhoods.tests.factories import NeighbourhoodFactory
from overview import dashboard

pytestmark = pytest.mark.django_db


def _counted(neighbourhood, ballots: int, days_ago: int = 10) -> Round:
    round = RoundFactory(neighbourhood=neighbourhood)
    Round.objects.filter(pk=round.pk).update(
        results_computed_at=timezone.now() - timedelta(days=days_ago), ballots_counted=ballots
    )
    return round


def _population(year: int, rows: list[tuple[str, str, int]]) -> None:
    imported = CbsImport.objects.create(year=year, source=f"CBS {year}")
    CbsFigure.objects.bulk_create(
        CbsFigure(
            cbs_import=imported,
            code=code,
            name=code,
            level=level,
            key="population",
            value=Decimal(value),
        )
        for code, level, value in rows
    )


def test_rounds_and_turnout_per_neighbourhood_from_the_newest_cbs_import(client):
    west = NeighbourhoodFactory(name="Westwijk", cbs_code="WK034401")
    east = NeighbourhoodFactory(name="Oostwijk", cbs_code="WK034402")
    _counted(west, 1_250)
    _counted(west, 750)
    _counted(east, 40)
    _counted(None, 3_000)
    _counted(west, 99, days_ago=800)  # counted before the period
    RoundFactory(neighbourhood=east)  # still open
    _population(2023, [("WK034401", "wijk", 1_000), ("GM0344", "gemeente", 1)])
    _population(2024, [("WK034401", "wijk", 10_000), ("GM0344", "gemeente", 300_000)])

    turnout = dashboard.build(dashboard.Period.last_twelve_months()).budget_turnout
    assert turnout is not None
    assert (turnout.rounds, turnout.ballots, turnout.cbs_year) == (4, 5_040, 2024)
    rows = {row.name: row for row in turnout.rows}
    assert (rows["Westwijk"].rounds, rows["Westwijk"].ballots) == (2, 2_000)
    assert rows["Westwijk"].turnout == 10.0  # 2,000 ballots over two rounds of 10,000
    assert rows["Oostwijk"].residents is None
    assert rows["Oostwijk"].turnout is None
    assert rows["Hele stad"].turnout == 1.0

    page = client.get(reverse("overview:dashboard")).content.decode()
    assert "Buurtbudget: rondes geteld en opkomst" in page
    assert "4 rondes geteld in deze periode, met 5.040 stembiljetten." in page
    assert "10.000" in page
    assert "geen cijfer" in page
    assert "CBS, 2024" in page
    assert "budget_turnout_percent,Westwijk,10.0" in dashboard.build(
        dashboard.Period.last_twelve_months()
    ).csv().replace("\r", "")


def test_no_rounds_counted_says_so(client):
    page = client.get(reverse("overview:dashboard")).content.decode()
    assert "In deze periode is geen ronde geteld." in page


def test_the_turnout_costs_the_same_queries_for_one_or_many_neighbourhoods():
    period = dashboard.Period.last_twelve_months()
    _counted(NeighbourhoodFactory(), 10)
    with CaptureQueriesContext(connection) as one:
        dashboard.budget_turnout(period)
    for _n in range(5):
        _counted(NeighbourhoodFactory(), 20)
    _counted(None, 30)
    _population(2024, [("GM0344", "gemeente", 1_000)])
    with CaptureQueriesContext(connection) as many:
        assert len(dashboard.budget_turnout(period).rows) == 7
    assert len(one) == len(many) == 2
