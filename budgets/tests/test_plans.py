"""Submitting a plan: while the round takes plans, with a confirmed email address (the
default level), checked on cost; the round page shows plans with the municipality's
reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from budgets.models import Plan, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taking_plans():
    now = timezone.now()
    return RoundFactory(
        total=Decimal(20_000),
        submission_opens=now - timedelta(days=1),
        submission_closes=now + timedelta(days=10),
        voting_opens=now + timedelta(days=20),
        voting_closes=now + timedelta(days=30),
    )


def _url(round):
    return reverse("budgets:plan_submit", args=[round.pk])


PLAN = {"title": "Bankjes", "description": "Zes bankjes langs het water.", "cost": "6500"}


def test_a_resident_submits_a_plan_that_waits_for_the_check(client, resident, taking_plans):
    theme = ThemeFactory(round=taking_plans)
    client.force_login(resident)
    response = client.post(_url(taking_plans), {**PLAN, "theme": theme.pk})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.submitted_by == resident
    assert plan.feasibility == Plan.Feasibility.PENDING
    assert plan.estimated_cost == Decimal(6500)
    assert plan.theme == theme
    page = client.get(taking_plans.get_absolute_url()).content.decode()
    assert "Plannen die worden getoetst" in page


def test_bad_plans_are_refused_beside_the_field(client, resident, taking_plans):
    other_theme = ThemeFactory()
    client.force_login(resident)
    for data, field in (
        ({**PLAN, "cost": "25000"}, "cost"),
        ({**PLAN, "cost": "-5"}, "cost"),
        ({**PLAN, "cost": "veel"}, "cost"),
        ({**PLAN, "title": ""}, "title"),
    ):
        response = client.post(_url(taking_plans), data)
        assert response.status_code == 400
        assert f'id="id_{field}_error"' in response.content.decode() or response.context[
            "form"
        ].errors.get(field)
    ThemeFactory(round=taking_plans)
    response = client.post(_url(taking_plans), {**PLAN, "theme": other_theme.pk})
    assert response.status_code == 400
    assert response.context["form"].errors.get("theme")
    assert not Plan.objects.exists()


def test_no_plans_outside_the_submission_period(client, resident):
    round = RoundFactory()  # voting already open
    client.force_login(resident)
    response = client.post(_url(round), PLAN)
    assert response.status_code == 403
    assert "Deze ronde neemt nu geen plannen aan." in response.content.decode()
    assert not Plan.objects.exists()


def test_who_may_submit(client, taking_plans):
    response = client.post(_url(taking_plans), PLAN)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    unconfirmed = UserFactory()
    unconfirmed.emailaddress_set.update(verified=False)
    client.force_login(unconfirmed)
    assert client.post(_url(taking_plans), PLAN).status_code == 403
    assert not Plan.objects.exists()


def test_a_round_not_yet_open_is_not_shown(client):
    now = timezone.now()
    later = RoundFactory(
        submission_opens=now + timedelta(days=1),
        submission_closes=now + timedelta(days=2),
        voting_opens=now + timedelta(days=3),
        voting_closes=now + timedelta(days=4),
    )
    assert client.get(later.get_absolute_url()).status_code == 404
    assert later.title_nl not in client.get(reverse("budgets:list")).content.decode()


def test_the_round_page_shows_the_checks_reasons(client):
    round = RoundFactory(ballot_form=Round.BallotForm.APPROVAL)
    PlanFactory(round=round, title="Bomen", feasibility_reason="Er is ruimte voor vier bomen.")
    PlanFactory(
        round=round,
        title="Zwembad",
        feasibility=Plan.Feasibility.NOT_FEASIBLE,
        feasibility_reason="Veel duurder dan het budget.",
    )
    page = client.get(round.get_absolute_url()).content.decode()
    assert "Er is ruimte voor vier bomen." in page
    assert "Plannen die niet uitvoerbaar zijn" in page
    assert "Veel duurder dan het budget." in page


def test_submit_plan_itself_checks_the_level_and_review_plan_the_phase(db):
    from django.core.exceptions import ValidationError

    from budgets import actions
    from budgets.tests.factories import close

    round = RoundFactory()
    unconfirmed = UserFactory()
    unconfirmed.emailaddress_set.update(verified=False)
    with pytest.raises(actions.NotEntitledError):
        actions.submit_plan(
            round=round, by=unconfirmed, title="Bankjes", description="x", cost=Decimal(10)
        )
    plan = PlanFactory(round=close(round))
    with pytest.raises(ValidationError):
        actions.review_plan(plan=plan, feasibility=Plan.Feasibility.NOT_FEASIBLE, reason="te duur")
    plan.refresh_from_db()
    assert plan.feasibility != Plan.Feasibility.NOT_FEASIBLE
