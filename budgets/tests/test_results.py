"""Results: counted once at close (at the first visit or by the beat) and then read,
with the reason for every plan, the tally as a table, CSV and open data, the ballots cut
loose from the voters, and the winners in the neighbourhood's programme."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff
from budgets import actions
from budgets.models import Ballot, Choice, CountedBallot, Outcome, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ballot, close, voter
from neighbourhoods.models import ProgrammeProject
from privacy import registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_groups_published(settings):
    """These rounds have a handful of ballots: publish their tally (the rule that hides
    it below ``SURVEY_MIN_GROUP_SIZE`` is tested on its own below)."""
    settings.SURVEY_MIN_GROUP_SIZE = 1


@pytest.fixture
def counted_round():
    round = RoundFactory(
        total=Decimal(12_300 + 4_000),
        ballot_form=Round.BallotForm.APPROVAL,
        winner_rule=Round.WinnerRule.GREEDY,
    )
    big = PlanFactory(round=round, title="Bankjes", cost=Decimal(4_000))
    small = PlanFactory(round=round, title="Bomen", cost=Decimal(12_300))
    lost = PlanFactory(round=round, title="Zwembad", cost=Decimal(9_000))
    for _n in range(3):
        ballot(round, [big, small], voter=voter(round))
    ballot(round, [small, lost], voter=voter(round))
    return close(round), big, small, lost


def test_the_results_page_counts_once_and_says_why(client, counted_round):
    round = counted_round[0]
    assert not round.has_results
    body = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    round.refresh_from_db()
    assert round.has_results
    assert round.ballots_counted == 4
    assert "Had 4 stemmen en paste in het resterende budget van €\xa016.300." in body
    assert "Had 3 stemmen en paste in het resterende budget van €\xa04.000." in body
    assert (
        "Had 1 stem, maar de kosten van €\xa09.000 pasten niet in het resterende budget van €\xa00."
        in body
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("budgets:results", args=[round.pk]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert "Had 4 votes and fit in the remaining budget of" in english.content.decode()
    # Counted once: a second visit reads what was stored.
    stored = list(Outcome.objects.values_list("pk", flat=True))
    assert not actions.compute_results(round=round)
    client.get(reverse("budgets:results", args=[round.pk]))
    assert list(Outcome.objects.values_list("pk", flat=True)) == stored


def test_counting_moves_the_ballots_into_the_anonymous_table_and_fills_the_programme(
    counted_round,
):
    round, big, small, lost = counted_round
    before = actions.exported_ballots(round)
    assert actions.compute_results(round=round)
    # Nothing of the ballots is left but the anonymous rows: no person, no moment.
    assert not Ballot.objects.filter(round=round).exists()
    assert not Choice.objects.filter(plan__round=round).exists()
    assert CountedBallot.objects.filter(round=round).count() == 4
    assert {f.name for f in CountedBallot._meta.concrete_fields} == {"id", "round", "plans"}
    assert sorted(actions.exported_ballots(round)) == sorted(before)
    assert sorted(map(sorted, actions.exported_ballots(round))) == sorted(
        [sorted([big.pk, small.pk])] * 3 + [sorted([small.pk, lost.pk])]
    )
    projects = ProgrammeProject.objects.filter(programme__neighbourhood=round.neighbourhood)
    assert sorted(projects.values_list("title", "budget")) == [
        ("Bankjes", Decimal(4_000)),
        ("Bomen", Decimal(12_300)),
    ]
    big.refresh_from_db()
    assert big.project.title == "Bankjes"


def test_the_beat_counts_rounds_that_closed(counted_round):
    round, *_plans = counted_round
    still_open = RoundFactory()
    assert actions.compute_due_results() == 1
    round.refresh_from_db()
    still_open.refresh_from_db()
    assert round.has_results
    assert not still_open.has_results


def test_no_results_before_the_round_closes(client):
    round = RoundFactory()
    assert client.get(reverse("budgets:results", args=[round.pk])).status_code == 404
    assert not Outcome.objects.exists()


def test_the_tally_as_csv_and_open_data_name_no_voter(client, counted_round):
    round = counted_round[0]
    voters = list(Ballot.objects.values_list("voter__email", flat=True))
    csv = client.get(reverse("budgets:results_csv", args=[round.pk])).content.decode()
    assert "Bankjes" in csv
    assert "Zwembad" in csv
    data = client.get(reverse("budgets_opendata:json"))
    rounds = json.loads(data.content)["rounds"]
    plans = {p["title"]: p for p in rounds[0]["plans"]}
    assert plans["Bomen"]["votes"] == 4
    assert plans["Zwembad"]["won"] is False
    opendata_csv = client.get(reverse("budgets_opendata:csv")).content.decode()
    for text in (csv, data.content.decode(), opendata_csv):
        for email in voters:
            assert email not in text
    assert rounds[0]["ballots_counted"] == 4


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_results_and_round_pages_cost_the_same_queries_for_few_or_many_plans(client):
    small = close(RoundFactory())
    PlanFactory(round=small)
    big = RoundFactory()
    for _n in range(8):
        plan = PlanFactory(round=big, cost=Decimal(500))
        ballot(big, [plan], voter=voter(big))
    close(big)
    for name in ("budgets:results", "budgets:round"):
        assert _queries(client, reverse(name, args=[small.pk])) == _queries(
            client, reverse(name, args=[big.pk])
        )
    one = _queries(client, reverse("budgets:list"))
    RoundFactory.create_batch(4)
    assert _queries(client, reverse("budgets:list")) == one
    one = _queries(client, reverse("budgets_opendata:json"))
    PlanFactory.create_batch(3, round=small)
    RoundFactory.create_batch(2)
    assert _queries(client, reverse("budgets_opendata:json")) == one


def test_equal_shares_results_say_so(client):
    round = RoundFactory(
        total=Decimal(1_000),
        ballot_form=Round.BallotForm.APPROVAL,
        winner_rule=Round.WinnerRule.EQUAL_SHARES,
    )
    wide = PlanFactory(round=round, title="Veel stemmers", cost=Decimal(900))
    two = PlanFactory(round=round, title="Speelplek", cost=Decimal(400))
    three = PlanFactory(round=round, title="Moestuin", cost=Decimal(400))
    for _n in range(6):
        ballot(round, [wide], voter=voter(round))
    for _n in range(4):
        ballot(round, [two, three], voter=voter(round))
    close(round)
    body = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    assert "De stemmers konden de kosten van €\xa0400 samen betalen uit hun gelijke delen" in body
    assert (
        "Na de telling met Gelijke Delen paste het in het resterende budget van €\xa0600." in body
    )
    assert "Had 6 stemmen, maar de kosten van €\xa0900 pasten niet" in body


def test_erasing_a_voter_removes_an_open_ballot_and_keeps_counted_ones(counted_round):
    round = counted_round[0]
    open_round = RoundFactory(neighbourhood=round.neighbourhood)
    plan = PlanFactory(round=open_round)
    person = Ballot.objects.filter(round=round).first().voter
    ballot(open_round, [plan], voter=person)
    actions.compute_results(round=round)
    export = registry.export_personal_data(person)
    tables = {section["table"]: section["rows"] for section in export["sections"]}
    assert len(tables["budgets.Ballot"]) == 1  # the counted one is no longer theirs
    registry.erase_person(user=person)
    assert not Ballot.objects.filter(round=open_round).exists()
    assert CountedBallot.objects.filter(round=round).count() == 4


def test_paper_ballots_are_not_thrown_away_before_the_paper_deadline(client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tests.factories import StaffFactory

    round = close(RoundFactory(ballot_form=Round.BallotForm.APPROVAL))
    Round.objects.filter(pk=round.pk).update(paper_deadline=timezone.now() + timedelta(days=2))
    round.refresh_from_db()
    plan = PlanFactory(round=round)
    ballot(round, [plan])
    typist, checker = StaffFactory(), StaffFactory()
    paper = actions.enter_paper_ballot(round=round, by=typist, plans=[plan], reference="P-7")

    # Neither the beat nor the first visitor counts before the deadline.
    assert actions.compute_due_results() == 0
    assert not actions.compute_results(round=round)
    response = client.get(reverse("budgets:results", args=[round.pk]))
    assert response.status_code == 200
    assert "worden geteld" in response.content.decode()
    assert not Outcome.objects.filter(plan=plan).exists()
    assert Ballot.objects.filter(pk=paper.pk).exists()

    actions.confirm_paper_ballot(ballot=paper, by=checker)
    Round.objects.filter(pk=round.pk).update(paper_deadline=timezone.now())
    assert actions.compute_due_results() == 1
    assert Outcome.objects.get(plan=plan).votes == 2


def test_a_paper_ballot_cannot_be_typed_in_or_confirmed_once_the_round_is_counted():
    """Typing in and confirming lock the round's row as the count does: after the count a
    paper ballot is refused with the round's message and nothing is saved, and confirming
    one typed in before has nothing left to confirm (it went into the anonymous count)."""
    from django.core.exceptions import ValidationError

    round = close(RoundFactory(ballot_form=Round.BallotForm.APPROVAL))
    plan = PlanFactory(round=round)
    ballot(round, [plan])
    typist, checker = StaffFactory(), StaffFactory()
    unconfirmed = actions.enter_paper_ballot(round=round, by=typist, plans=[plan], reference="P-8")
    stale = Round.objects.get(pk=round.pk)  # as a form read it before the count
    assert actions.compute_results(round=round)

    with pytest.raises(ValidationError):
        actions.enter_paper_ballot(round=stale, by=typist, plans=[plan], reference="P-9")
    assert not Ballot.objects.filter(round=round).exists()
    with pytest.raises(actions.CountedAlreadyError):
        actions.confirm_paper_ballot(ballot=unconfirmed, by=checker)
    assert not Ballot.objects.filter(round=round).exists()
    assert Outcome.objects.get(plan=plan).votes == 1
    assert CountedBallot.objects.filter(round=round).count() == 1


def test_a_small_round_publishes_winners_and_reasons_without_the_numbers(
    client, counted_round, settings
):
    """Four ballots, fewer than SURVEY_MIN_GROUP_SIZE (5): no votes or points on the
    results page, in the CSV or the open data; the winners and why still show; staff see
    the numbers in the back office."""
    settings.SURVEY_MIN_GROUP_SIZE = 5
    round = counted_round[0]
    body = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    assert "Minder dan 5 stembiljetten geteld" in body
    assert "Gewonnen binnen het budget." in body
    assert "Niet gewonnen binnen het budget." in body
    assert "Had " not in body
    assert ">Stemmen<" not in body
    csv = client.get(reverse("budgets:results_csv", args=[round.pk])).content.decode()
    rows = [line.split(",") for line in csv.splitlines()[1:]]
    assert {(row[0], row[4], row[5], row[7]) for row in rows} == {("", "", "", "")}
    assert "Had " not in csv
    data = json.loads(client.get(reverse("budgets_opendata:json")).content)["rounds"][0]
    assert data["tally_published"] is False
    assert {(p["votes"], p["points"]) for p in data["plans"]} == {(None, None)}
    assert {p["title"] for p in data["plans"] if p["won"]} == {"Bankjes", "Bomen"}
    opendata_csv = client.get(reverse("budgets_opendata:csv")).content.decode()
    header, *lines = [line.split(",") for line in opendata_csv.splitlines()]
    votes = header.index("votes")
    assert {line[votes] for line in lines} == {""}
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    round.neighbourhood.area_manager = manager
    round.neighbourhood.save()
    sign_in_staff(client, manager)
    admin = client.get(reverse("admin:budgets_round_change", args=[round.pk]))
    assert "<td>4</td>" in admin.content.decode()


def test_a_round_at_the_minimum_publishes_its_tally(client, counted_round, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 4
    round = counted_round[0]
    body = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    assert 'id="tally-hidden"' not in body
    assert "Had 4 stemmen" in body
    data = json.loads(client.get(reverse("budgets_opendata:json")).content)["rounds"][0]
    assert data["tally_published"] is True


@pytest.mark.parametrize("ballots", [1, 2])
def test_a_small_round_says_nothing_of_the_ranking_or_of_plans_nobody_chose(
    client, settings, ballots
):
    """With 1 or 2 ballots a reason "nobody chose it" or a place in the count would tell
    how the few voters voted: every plan that did not win has the same reason, winners
    "won", the plans stand in the order of their numbers and no place is shown, and the
    open data says only whether a plan won."""
    settings.SURVEY_MIN_GROUP_SIZE = 5
    round = RoundFactory(total=Decimal(10_000), ballot_form=Round.BallotForm.APPROVAL)
    unchosen = PlanFactory(round=round, title="Aaa-nobody", cost=Decimal(1_000))
    dear = PlanFactory(round=round, title="Bbb-dear", cost=Decimal(9_500))
    cheap = PlanFactory(round=round, title="Ccc-cheap", cost=Decimal(500))
    for n in range(ballots):
        ballot(round, [dear, cheap] if n == 0 else [cheap], voter=voter(round))
    close(round)
    body = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    assert ">Plaats<" not in body
    assert "Niemand koos het" not in body
    assert "paste" not in body
    # Two winners (in the list of winners and in the table), one plan nobody chose.
    assert body.count("Gewonnen binnen het budget.") == 4
    assert body.count("Niet gewonnen binnen het budget.") == 1
    table = body[body.index('id="tally"') :]
    assert table.index("Aaa-nobody") < table.index("Bbb-dear") < table.index("Ccc-cheap")
    csv = client.get(reverse("budgets:results_csv", args=[round.pk])).content.decode()
    rows = [line.split(",") for line in csv.splitlines()[1:]]
    assert [row[1] for row in rows] == [str(p.pk) for p in (unchosen, dear, cheap)]
    assert {row[0] for row in rows} == {""}
    data = json.loads(client.get(reverse("budgets_opendata:json")).content)["rounds"][0]
    assert {(p["reason"], "position" in p) for p in data["plans"]} == {(None, False)}
    assert {p["title"]: p["won"] for p in data["plans"]} == {
        "Aaa-nobody": False,
        "Bbb-dear": True,
        "Ccc-cheap": True,
    }
    opendata_csv = client.get(reverse("budgets_opendata:csv")).content.decode()
    header, *lines = [line.split(",") for line in opendata_csv.splitlines()]
    assert {line[header.index("reason")] for line in lines} == {""}


@pytest.mark.parametrize("page", ["budgets:results", "budgets:progress"])
def test_the_first_visit_counts_and_clears_the_deleted_ballots(
    client, counted_round, monkeypatch, page
):
    """The results and the progress page count a round the beat did not get to yet in
    the same way: count, then clear the deleted ballots' dead rows."""
    cleared = []
    monkeypatch.setattr(actions, "vacuum_ballots", lambda: cleared.append(True))
    round = counted_round[0]
    assert client.get(reverse(page, args=[round.pk])).status_code == 200
    assert cleared == [True]
    assert not Ballot.objects.filter(round=round).exists()
    client.get(reverse(page, args=[round.pk]))
    assert cleared == [True]  # counted once


def test_a_city_wide_round_has_no_progress_page(client):
    """A round for the whole city makes no programme projects: no page that would speak
    of followers and a programme, and no link to it."""
    round = RoundFactory(neighbourhood=None, ballot_form=Round.BallotForm.APPROVAL)
    plan = PlanFactory(round=round)
    ballot(round, [plan])
    close(round)
    results = client.get(reverse("budgets:results", args=[round.pk])).content.decode()
    assert Outcome.objects.get(plan=plan).won
    assert client.get(reverse("budgets:progress", args=[round.pk])).status_code == 404
    page = client.get(reverse("budgets:round", args=[round.pk])).content.decode()
    progress = reverse("budgets:progress", args=[round.pk])
    assert progress not in results
    assert progress not in page
