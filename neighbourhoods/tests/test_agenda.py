"""The area agenda: proposals, priority votes within a budget, the area manager's answer."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory, UserFactory
from neighbourhoods import actions
from neighbourhoods.models import AgendaItem, AgendaStatus, AgendaVote
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    NeighbourhoodFactory,
    ProgrammeProjectFactory,
)
from notifications.models import Notification
from tests.concurrency import run_together, signed_in_post

pytestmark = pytest.mark.django_db


def vote_url(item: AgendaItem) -> str:
    return reverse("neighbourhoods:agenda_vote", args=[item.neighbourhood.slug, item.pk])


def test_resident_proposes_an_item_and_followers_hear_of_it(client, resident):
    neighbourhood = NeighbourhoodFactory(area_manager=StaffFactory())
    follower = UserFactory()
    actions.follow_neighbourhood(neighbourhood=neighbourhood, user=follower)
    client.force_login(resident)
    url = reverse("neighbourhoods:agenda_propose", args=[neighbourhood.slug])
    response = client.post(
        url, {"title": "Speelplek", "description": "Er is geen speelplek.", "location": "Plein"}
    )
    item = AgendaItem.objects.get()
    assert response.url == item.get_absolute_url()
    assert (item.proposed_by, item.status, item.origin) == (resident, "proposed", "resident")
    assert Notification.objects.filter(recipient=follower, kind=actions.NEWS).exists()
    assert Notification.objects.filter(recipient=neighbourhood.area_manager).exists()
    assert not Notification.objects.filter(recipient=resident).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "t" * 121),
        ("description", ""),
        ("description", "d" * 3001),
        ("description", "<script>alert(1)</script>"),
        ("location", "l" * 201),
    ],
)
def test_bad_proposal_is_refused_beside_the_field(client, resident, field, value):
    neighbourhood = NeighbourhoodFactory()
    client.force_login(resident)
    data = {"title": "Speelplek", "description": "Nodig.", "location": ""}
    data[field] = value
    response = client.post(
        reverse("neighbourhoods:agenda_propose", args=[neighbourhood.slug]), data
    )
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_vote_budget_per_neighbourhood_per_year(client, resident):
    neighbourhood = NeighbourhoodFactory(vote_budget=3)
    other = NeighbourhoodFactory()
    items = AgendaItemFactory.create_batch(4, neighbourhood=neighbourhood)
    client.force_login(resident)
    for item in items:
        client.post(vote_url(item))
    assert AgendaVote.objects.filter(user=resident).count() == 3
    assert AgendaItem.objects.get(pk=items[3].pk).vote_count == 0
    # Another neighbourhood has its own budget.
    client.post(vote_url(AgendaItemFactory(neighbourhood=other)))
    assert AgendaVote.objects.filter(user=resident).count() == 4
    # Taking a vote back frees it for another item.
    client.post(vote_url(items[0]), {"withdraw": "1"})
    client.post(vote_url(items[3]))
    assert AgendaItem.objects.get(pk=items[3].pk).vote_count == 1
    assert AgendaItem.objects.get(pk=items[0].pk).vote_count == 0


def test_no_second_vote_on_one_item(client, resident):
    item = AgendaItemFactory()
    client.force_login(resident)
    client.post(vote_url(item))
    client.post(vote_url(item))
    assert AgendaVote.objects.filter(item=item).count() == 1
    assert AgendaItem.objects.get(pk=item.pk).vote_count == 1


def test_anonymous_visitor_cannot_vote_or_propose(client):
    item = AgendaItemFactory()
    assert client.post(vote_url(item)).status_code == 302
    response = client.post(
        reverse("neighbourhoods:agenda_propose", args=[item.neighbourhood.slug]),
        {"title": "X", "description": "Y"},
    )
    assert response.status_code == 302
    assert not AgendaVote.objects.exists()
    assert AgendaItem.objects.count() == 1


def test_resident_cannot_edit_someone_elses_item(client, other_resident):
    item = AgendaItemFactory(title="Origineel")
    url = reverse("neighbourhoods:agenda_edit", args=[item.neighbourhood.slug, item.pk])
    client.force_login(other_resident)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Gekaapt", "description": "x"}).status_code == 404
    client.force_login(item.proposed_by)
    client.post(url, {"title": "Verbeterd", "description": "Beter uitgelegd."})
    item.refresh_from_db()
    assert item.title == "Verbeterd"


def test_answered_item_can_no_longer_be_edited(client):
    item = AgendaItemFactory(status=AgendaStatus.ON_AGENDA)
    client.force_login(item.proposed_by)
    url = reverse("neighbourhoods:agenda_edit", args=[item.neighbourhood.slug, item.pk])
    client.post(url, {"title": "Later gewijzigd", "description": "x"})
    item.refresh_from_db()
    assert item.title != "Later gewijzigd"


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_never_exceed_the_budget():
    neighbourhood = NeighbourhoodFactory(vote_budget=3)
    items = AgendaItemFactory.create_batch(10, neighbourhood=neighbourhood)
    voter = UserFactory()
    statuses = run_together([signed_in_post(voter, vote_url(item)) for item in items])
    assert statuses == [302] * len(items)
    assert AgendaVote.objects.filter(user=voter).count() == 3
    assert sum(AgendaItem.objects.values_list("vote_count", flat=True)) == 3


def test_the_path_into_the_programme_is_shown_and_told(client):
    manager = StaffFactory()
    item = AgendaItemFactory(neighbourhood=NeighbourhoodFactory(area_manager=manager))
    voter = UserFactory()
    actions.vote_for_item(item=item, user=voter)
    project = ProgrammeProjectFactory(
        programme__neighbourhood=item.neighbourhood, title="Nieuwe speeltuin"
    )
    actions.change_agenda_status(
        item=item, to=AgendaStatus.ON_AGENDA, by=manager, message="Goed punt."
    )
    actions.change_agenda_status(
        item=item, to=AgendaStatus.IN_PROGRAMME, by=manager, message="", project=project
    )
    assert list(project.agenda_items.all()) == [item]
    assert Notification.objects.filter(recipient=voter, kind=actions.AGENDA).count() == 2
    assert Notification.objects.filter(recipient=item.proposed_by, kind=actions.AGENDA).count() == 2
    project.programme.published_at = timezone.now()
    project.programme.save()
    content = client.get(item.get_absolute_url()).content.decode()
    assert "Nieuwe speeltuin" in content
    assert "Goed punt." in content


def test_declining_needs_a_reason_and_moving_needs_a_project_of_the_area():
    item = AgendaItemFactory()
    manager = StaffFactory()
    with pytest.raises(actions.AgendaError):
        actions.change_agenda_status(item=item, to=AgendaStatus.DECLINED, by=manager, message="")
    actions.change_agenda_status(item=item, to=AgendaStatus.ON_AGENDA, by=manager, message="")
    elsewhere = ProgrammeProjectFactory()
    with pytest.raises(actions.AgendaError):
        actions.change_agenda_status(
            item=item, to=AgendaStatus.IN_PROGRAMME, by=manager, message="", project=elsewhere
        )
    with pytest.raises(actions.AgendaError):
        actions.change_agenda_status(item=item, to=AgendaStatus.DONE, by=manager, message="")
    item.refresh_from_db()
    assert item.status == AgendaStatus.ON_AGENDA


def test_closed_items_take_no_votes(client, resident):
    item = AgendaItemFactory(status=AgendaStatus.DONE)
    assert actions.vote_for_item(item=item, user=resident) == actions.VoteResult.CLOSED
    assert not AgendaVote.objects.exists()


def test_agenda_sorts_by_priority(client, resident):
    neighbourhood = NeighbourhoodFactory()
    AgendaItemFactory(neighbourhood=neighbourhood, title="Weinig", vote_count=1)
    AgendaItemFactory(neighbourhood=neighbourhood, title="Veel", vote_count=7)
    content = client.get(reverse("neighbourhoods:agenda", args=[neighbourhood.slug])).content
    content = content.decode()
    assert content.index("Veel") < content.index("Weinig")


def test_a_vote_on_an_answered_item_is_not_offered_back(client, resident):
    item = AgendaItemFactory()
    actions.vote_for_item(item=item, user=resident)
    AgendaItem.objects.filter(pk=item.pk).update(status=AgendaStatus.DONE)
    client.force_login(resident)
    content = client.get(reverse("neighbourhoods:agenda", args=[item.neighbourhood.slug]))
    assert "Mijn stem intrekken" not in content.content.decode()


@pytest.mark.parametrize(
    ("status", "invited"),
    [
        (AgendaStatus.PROPOSED, True),
        (AgendaStatus.ON_AGENDA, True),
        (AgendaStatus.IN_PROGRAMME, False),
        (AgendaStatus.DONE, False),
        (AgendaStatus.DECLINED, False),
    ],
)
def test_a_visitor_is_invited_to_give_priority_only_while_an_item_takes_votes(
    client, status, invited
):
    item = AgendaItemFactory(status=status, answer="Past niet in het budget van dit jaar.")
    content = client.get(item.get_absolute_url()).content.decode()
    assert ("Meld je aan om prioriteit te geven" in content) is invited
    assert ("Op dit punt kun je niet meer stemmen." in content) is not invited
