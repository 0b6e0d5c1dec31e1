"""The back office: the feasibility check with a public reason, paper ballots with four
eyes, and an area manager working only in their own neighbourhoods."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff
from budgets.models import Ballot, Plan, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ThemeFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def _manager(client, neighbourhood):
    user = StaffFactory()
    user.groups.add(Role.AREA_MANAGER.group())
    neighbourhood.area_manager = user
    neighbourhood.save()
    sign_in_staff(client, user)
    return user


def _review(plan, **changes):
    data = {
        "feasibility": plan.feasibility,
        "feasibility_reason": plan.feasibility_reason,
        "cost": str(plan.cost),
        "cost_reason": plan.cost_reason,
        "theme": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def in_review():
    round = RoundFactory()
    # Plans are checked before voting opens.
    type(round).objects.filter(pk=round.pk).update(
        voting_opens=round.voting_opens.replace(year=round.voting_opens.year + 1),
        voting_closes=round.voting_closes.replace(year=round.voting_closes.year + 1),
    )
    round.refresh_from_db()
    return PlanFactory(
        round=round, feasibility=Plan.Feasibility.PENDING, feasibility_reason="", cost=Decimal(900)
    )


def test_the_feasibility_check_needs_a_public_reason_and_a_reason_for_a_new_cost(client, in_review):
    _manager(client, in_review.round.neighbourhood)
    url = reverse("admin:budgets_plan_change", args=[in_review.pk])
    response = client.post(url, _review(in_review, feasibility="not_feasible"))
    assert response.status_code == 200
    assert "Zeg openbaar waarom het plan wel of niet uitvoerbaar is." in response.content.decode()
    response = client.post(url, _review(in_review, feasibility="feasible", cost="1200"))
    assert "Zeg waarom de kosten zijn veranderd." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.feasibility == "pending"
    assert in_review.cost == Decimal(900)

    response = client.post(
        url,
        _review(
            in_review,
            feasibility="feasible",
            feasibility_reason="Past op het plein.",
            cost="1200",
            cost_reason="Bestrating komt erbij.",
        ),
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.on_ballot
    assert in_review.cost == Decimal(1200)
    assert in_review.estimated_cost == Decimal(900)
    assert in_review.reviewed_at is not None
    page = client.get(in_review.round.get_absolute_url()).content.decode()
    assert "Past op het plein." in page
    assert "Bestrating komt erbij." in page


def test_another_areas_manager_neither_sees_nor_changes_the_plans(client, in_review):
    _manager(client, NeighbourhoodFactory())
    listing = client.get(reverse("admin:budgets_plan_changelist")).content.decode()
    assert in_review.title not in listing
    url = reverse("admin:budgets_plan_change", args=[in_review.pk])
    client.post(url, _review(in_review, feasibility="feasible", feasibility_reason="Ja."))
    in_review.refresh_from_db()
    assert in_review.feasibility == "pending"
    # The add form of a round offers only their own neighbourhood.
    form = client.get(reverse("admin:budgets_round_add")).content.decode()
    assert in_review.round.neighbourhood.name not in form


def _paper(client, round, numbers):
    return client.post(
        reverse("admin:budgets_ballot_add"),
        {"round": round.pk, "paper_reference": "P-1", "plan_numbers": numbers},
    )


def test_a_paper_ballot_counts_after_a_second_colleague_confirms_it(client):
    round = RoundFactory(total=Decimal(5_000))
    first, second = PlanFactory(round=round, cost=Decimal(3_000)), PlanFactory(round=round)
    typist = _manager(client, round.neighbourhood)
    response = _paper(client, round, f"{first.pk}, {second.pk}")
    assert response.status_code == 200
    assert (
        "Je keuze kost €\xa07.000, meer dan het budget van €\xa05.000." in response.content.decode()
    )
    assert not Ballot.objects.exists()

    form = client.get(reverse("admin:budgets_ballot_add")).content.decode()
    assert ">Plannummers:<" in form
    added = client.get(_paper(client, round, f"{first.pk}").url).content.decode()
    assert "“P-1”" in added  # the paper's number, not the ballot's id
    paper = Ballot.objects.get()
    assert paper.paper
    assert paper.entered_by == typist
    assert not Ballot.objects.counted().exists()

    changelist = reverse("admin:budgets_ballot_changelist")
    response = client.post(
        changelist, {"action": "confirm", "_selected_action": [paper.pk]}, follow=True
    )
    assert "je hebt het zelf ingevoerd" in response.content.decode()
    paper.refresh_from_db()
    assert paper.confirmed_by is None

    client.logout()
    # A colleague of the area's team with the right to handle ballots (not bound to areas).
    colleague = StaffFactory()
    colleague.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="budgets", codename__in=["view_ballot", "change_ballot"]
        )
    )
    sign_in_staff(client, colleague)
    client.post(changelist, {"action": "confirm", "_selected_action": [paper.pk]})
    paper.refresh_from_db()
    assert paper.confirmed_by == colleague
    assert list(Ballot.objects.counted()) == [paper]


def test_the_database_refuses_a_paper_ballot_confirmed_by_whoever_typed_it(db):
    round = RoundFactory()
    colleague = StaffFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=round, paper=True, entered_by=colleague, confirmed_by=colleague)


def test_paper_ballots_show_their_plans_need_a_unique_number_and_are_confirmed_one_by_one(
    client,
):
    round = RoundFactory(total=Decimal(5_000), ballot_form=Round.BallotForm.RANKING)
    first = PlanFactory(round=round, title="Bankjes", cost=Decimal(1_000))
    second = PlanFactory(round=round, title="Speeltuin", cost=Decimal(1_000))
    _manager(client, round.neighbourhood)
    add = reverse("admin:budgets_ballot_add")
    response = client.post(add, {"round": round.pk, "paper_reference": "", "plan_numbers": "1"})
    assert response.status_code == 200
    assert not Ballot.objects.exists()
    assert _paper(client, round, f"{second.pk}, {first.pk}").status_code == 302
    response = _paper(client, round, f"{first.pk}")
    assert response.status_code == 200
    assert "al een papieren stembiljet met dit nummer ingevoerd" in response.content.decode()
    assert Ballot.objects.count() == 1
    client.post(add, {"round": round.pk, "paper_reference": "P-2", "plan_numbers": first.pk})

    changelist = reverse("admin:budgets_ballot_changelist")
    page = client.get(changelist).content.decode()
    assert f"{second.pk}. Speeltuin; {first.pk}. Bankjes" in page

    client.logout()
    colleague = StaffFactory()
    colleague.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="budgets", codename__in=["view_ballot", "change_ballot"]
        )
    )
    sign_in_staff(client, colleague)
    both = list(Ballot.objects.values_list("pk", flat=True))
    response = client.post(changelist, {"action": "confirm", "_selected_action": both}, follow=True)
    assert "één papieren stembiljet tegelijk" in response.content.decode()
    assert not Ballot.objects.counted().exists()


def test_the_database_refuses_a_paper_number_twice_in_a_round(db):
    round = RoundFactory()
    Ballot.objects.create(round=round, paper=True, paper_reference="P-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=round, paper=True, paper_reference="P-1")


def test_from_voting_on_only_the_round_description_can_be_changed(client):
    round = RoundFactory(total=Decimal(5_000))  # voting is open
    ThemeFactory(round=round)
    _manager(client, round.neighbourhood)
    page = client.get(reverse("admin:budgets_round_change", args=[round.pk])).content.decode()
    assert 'name="description_nl"' in page
    assert 'name="total"' not in page
    assert 'name="winner_rule"' not in page
    assert 'name="voting_closes_0"' not in page
    assert 'name="themes-0-name_nl"' not in page
