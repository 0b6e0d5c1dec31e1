"""The ballot: within the budget it is saved, anything else is refused beside the field
with nothing saved; who may vote; the page costs the same queries for 1 plan or many."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from budgets import actions
from budgets.models import Ballot, Choice, Round
from budgets.tests.factories import PlanFactory, RoundFactory, ThemeFactory, close, voter
from neighbourhoods.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round():
    return RoundFactory(total=Decimal(10_000), max_plans=3)


@pytest.fixture
def plans(round):
    return [
        PlanFactory(round=round, title="Bankjes", cost=Decimal(4_000)),
        PlanFactory(round=round, title="Bomen", cost=Decimal(5_000)),
        PlanFactory(round=round, title="Speeltuin", cost=Decimal(3_000)),
    ]


def _url(round):
    return reverse("budgets:ballot", args=[round.pk])


def test_a_resident_votes_within_the_budget_and_changes_the_ballot(client, round, plans):
    person = voter(round)
    client.force_login(person)
    page = client.get(_url(round))
    assert page.status_code == 200
    assert 'data-cost="4000.00"' in page.content.decode()
    response = client.post(_url(round), {"plans": [plans[0].pk, plans[1].pk]})
    assert response.status_code == 302
    ballot = Ballot.objects.get(round=round, voter=person)
    assert set(ballot.choices.values_list("plan", flat=True)) == {plans[0].pk, plans[1].pk}

    response = client.post(_url(round), {"plans": [plans[2].pk]})
    assert response.status_code == 302
    assert Ballot.objects.filter(round=round, voter=person).count() == 1
    assert list(ballot.choices.values_list("plan", flat=True)) == [plans[2].pk]
    page = client.get(_url(round)).content.decode()
    assert "Mijn stembiljet wijzigen" in page
    assert "€\xa07.000" in page  # what is left, counted by the server
    assert "Je stembiljet is gewijzigd." in page
    # In the "saved" message and on the page itself.
    assert "gewijzigd. Je kunt het wijzigen tot het stemmen sluit. Na de telling volg je" in page
    assert '<p class="utrecht-paragraph" id="ballot-following">Na de telling volg je' in page
    # A list of checkboxes, not text boxes; no "(optional)" when at least one is required.
    assert 'type="checkbox"' in page
    assert "utrecht-textbox" not in page
    assert "optioneel" not in page


def _refused(client, round, data, message):
    response = client.post(_url(round), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'id="id_plans_error"' in body or "utrecht-form-field-error-message" in body
    assert not Ballot.objects.exists()
    assert not Choice.objects.exists()
    return body


def test_over_the_budget_is_refused_beside_the_field_and_nothing_saved(client, round, plans):
    client.force_login(voter(round))
    body = _refused(
        client,
        round,
        {"plans": [p.pk for p in plans]},
        "Je keuze kost €\xa012.000, meer dan het budget van €\xa010.000.",
    )
    assert "€\xa012.000" in body  # the running total, recounted on the server
    assert '<output id="ballot-over-by">€\xa02.000</output> boven het budget' in body
    assert 'id="ballot-left-line" hidden' in body


def test_too_many_and_too_few_plans_are_refused(client, round, plans):
    Round.objects.filter(pk=round.pk).update(max_plans=1, min_plans=1)
    round.refresh_from_db()
    client.force_login(voter(round))
    _refused(client, round, {"plans": [plans[0].pk, plans[2].pk]}, "Kies hooguit 1 plan.")
    _refused(client, round, {}, "Kies minstens 1 plan.")


def test_a_plan_of_another_round_is_no_choice(client, round, plans):
    elsewhere = PlanFactory(cost=Decimal(10))
    client.force_login(voter(round))
    response = client.post(_url(round), {"plans": [elsewhere.pk]})
    assert response.status_code == 400
    assert not Ballot.objects.exists()
    # And the action refuses it whatever a form let through.
    with pytest.raises(ValidationError, match="stembiljet van deze ronde"):
        actions.cast_ballot(round=round, voter=voter(round), plans=[elsewhere])
    assert not Ballot.objects.exists()


def test_a_closed_round_takes_no_votes(client, round, plans):
    person = voter(round)
    close(round)
    client.force_login(person)
    assert "neemt nu geen stemmen aan" in client.get(_url(round)).content.decode()
    _refused(client, round, {"plans": [plans[0].pk]}, "Deze ronde neemt nu geen stemmen aan.")


def test_a_theme_limit_holds(client, round, plans):
    green = ThemeFactory(round=round, max_amount=Decimal(6_000), max_plans=1)
    for plan in plans[:2]:
        plan.theme = green
        plan.save()
    client.force_login(voter(round))
    body = _refused(client, round, {"plans": [plans[0].pk, plans[1].pk]}, "Groen")
    assert "Kies hooguit 1 plan van het thema Groen." in body


def _shown(body: str, line: str) -> bool:
    """Whether the ballot's status line with this id is rendered visible."""
    tag = body.split(f'id="{line}"', 1)[1].split(">", 1)[0]
    return " hidden" not in tag


def test_the_status_lines_show_every_rule_as_the_server_counts_it(client, round, plans):
    """Without JavaScript the page says the same as the script would: the number of plans
    against the minimum and maximum, and each theme's limits, named in words."""
    green = ThemeFactory(round=round, max_amount=Decimal(6_000), max_plans=1)
    for plan in plans[:2]:
        plan.theme = green
        plan.save()
    Round.objects.filter(pk=round.pk).update(min_plans=2, max_plans=2)
    round.refresh_from_db()
    client.force_login(voter(round))
    body = client.get(_url(round)).content.decode()
    assert '<output id="ballot-count">0</output> van hooguit 2 plannen gekozen' in body
    assert f'data-theme="{green.pk}"' in body  # each checkbox names its theme
    assert _shown(body, "ballot-too-few")
    assert "Kies minstens 2 plannen om je stem uit te brengen." in body
    for line in ("ballot-too-many", f"ballot-theme-{green.pk}-plans"):
        assert not _shown(body, line)
    assert not _shown(body, f"ballot-theme-{green.pk}-amount")

    body = _refused(client, round, {"plans": [p.pk for p in plans]}, "Kies hooguit 2 plannen.")
    assert '<output id="ballot-count">3</output> van hooguit 2 plannen gekozen' in body
    assert not _shown(body, "ballot-too-few")
    assert _shown(body, "ballot-too-many")
    assert "Te veel plannen: laat plannen weg tot er hooguit 2 plannen gekozen zijn." in body
    assert _shown(body, f"ballot-theme-{green.pk}-plans")
    assert "Te veel plannen van het thema Groen: kies hooguit 1 plan van dit thema." in body
    assert _shown(body, f"ballot-theme-{green.pk}-amount")
    assert "kosten samen <output>€\xa09.000</output>, meer dan de grens van €\xa06.000." in body


def test_a_ranking_ballot_counts_the_plans_given_a_place(client, plans):
    round = plans[0].round
    Round.objects.filter(pk=round.pk).update(ballot_form=Round.BallotForm.RANKING, max_plans=1)
    round.refresh_from_db()
    client.force_login(voter(round))
    body = client.get(_url(round)).content.decode()
    assert 'data-cost="4000.00"' in body  # on each plan's place
    data = {f"rank_{plans[2].pk}": "1", f"rank_{plans[0].pk}": "2", f"rank_{plans[1].pk}": ""}
    body = _refused(client, round, data, "Kies hooguit 1 plan.")
    assert '<output id="ballot-count">2</output> van hooguit 1 plan gekozen' in body
    assert _shown(body, "ballot-too-many")


def test_recounting_without_javascript_saves_nothing(client, round, plans):
    client.force_login(voter(round))
    response = client.post(_url(round), {"plans": [plans[0].pk, plans[2].pk], "recount": "1"})
    assert response.status_code == 200
    assert "€\xa07.000" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_ranking_ballot_keeps_the_order(client, plans):
    round = plans[0].round
    Round.objects.filter(pk=round.pk).update(ballot_form=Round.BallotForm.RANKING)
    round.refresh_from_db()
    client.force_login(voter(round))
    data = {f"rank_{plans[2].pk}": "1", f"rank_{plans[0].pk}": "2"}
    assert client.post(_url(round), data).status_code == 302
    assert list(Choice.objects.order_by("rank").values_list("plan", "rank")) == [
        (plans[2].pk, 1),
        (plans[0].pk, 2),
    ]
    same_place = {f"rank_{plans[2].pk}": "1", f"rank_{plans[0].pk}": "1"}
    response = client.post(_url(round), same_place)
    assert response.status_code == 400
    assert "Geef elk plan een eigen plaats." in response.content.decode()
    assert Choice.objects.count() == 2


@pytest.mark.parametrize("who", ["other_neighbourhood", "unverified", "unconfirmed_email"])
def test_only_residents_of_the_neighbourhood_vote(client, round, plans, who):
    if who == "other_neighbourhood":
        person = ResidenceFactory().user  # lives in another neighbourhood
    elif who == "unverified":
        person = UserFactory()
    else:
        person = voter(round)
        person.emailaddress_set.update(verified=False)
    client.force_login(person)
    page = client.get(_url(round))
    assert page.status_code == 403
    response = client.post(_url(round), {"plans": [plans[0].pk]})
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client, round, plans):
    response = client.post(_url(round), {"plans": [plans[0].pk]})
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert not Ballot.objects.exists()


def test_the_ballot_page_costs_the_same_queries_for_one_plan_or_many(client, round):
    person = voter(round)
    client.force_login(person)
    PlanFactory(round=round)
    client.get(_url(round))
    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(round)).status_code == 200
    for _n in range(6):
        PlanFactory(round=round, cost=Decimal(100))
    actions.cast_ballot(round=round, voter=person, plans=list(round.plans.all()[:3]))
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url(round)).status_code == 200
    assert len(many) == len(one)


def test_a_ballot_cannot_slip_in_after_the_count_from_a_stale_round(round, plans):
    from django.utils import timezone

    person = voter(round)
    # The round was read while voting was open; meanwhile it closed and was counted.
    Round.objects.filter(pk=round.pk).update(results_computed_at=timezone.now())
    with pytest.raises(ValidationError):
        actions.cast_ballot(round=round, voter=person, plans=[plans[0]])
    assert not Ballot.objects.exists()


def test_cast_ballot_itself_checks_the_verification_level(round, plans):
    with pytest.raises(actions.NotEntitledError):
        actions.cast_ballot(round=round, voter=UserFactory(), plans=[plans[0]])
    assert not Ballot.objects.exists()


def test_the_ballot_shows_each_themes_limits_and_the_plans_their_theme(client, round):
    green = ThemeFactory(round=round, max_plans=2, max_amount=Decimal(5000))
    ThemeFactory(round=round, name_nl="Spelen", name_en="Play")
    PlanFactory(round=round, title="Geveltuinen", theme=green)
    client.force_login(voter(round))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_url(round)).content.decode()
    assert "Green: at most 2 plans, together at most" in page
    assert "Play: no limit of its own" in page
    assert "Geveltuinen (" in page
    assert "theme: Green" in page


def test_the_round_page_prints_the_plan_number_paper_ballots_are_typed_in_by(client, round, plans):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(round.get_absolute_url()).content.decode()
    for plan in plans:
        assert f"Plan number: {plan.pk}" in page
