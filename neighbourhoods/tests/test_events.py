from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import MarketPitch, Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.models import EventRSVP
from neighbourhoods.tests.factories import EventFactory
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rsvp(client, event, **data):
    return client.post(reverse("neighbourhoods:event_rsvp", args=[event.pk]), data)


def test_resident_says_they_will_come_once_and_can_cancel(client, resident):
    event = EventFactory()
    client.force_login(resident)
    rsvp(client, event)
    rsvp(client, event)
    assert EventRSVP.objects.filter(event=event).count() == 1
    assert "1" in client.get(event.get_absolute_url()).content.decode()
    rsvp(client, event, cancel="1")
    assert not EventRSVP.objects.exists()


def test_full_or_past_event_refuses_rsvp(client, resident):
    full = EventFactory(capacity=1)
    EventRSVP.objects.create(event=full, user=UserFactory())
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2)
    )
    client.force_login(resident)
    rsvp(client, full)
    rsvp(client, past)
    assert not EventRSVP.objects.filter(user=resident).exists()


def test_anonymous_visitor_cannot_rsvp(client):
    event = EventFactory()
    response = rsvp(client, event)
    assert response.status_code == 302
    assert not EventRSVP.objects.exists()


def test_market_shows_its_programme_of_public_pitches(client):
    market = EventFactory(title="Initiatievenmarkt")
    MarketPitch.objects.create(
        event=market, initiative=InitiativeFactory(status=Status.ACCEPTED, title="Moestuin")
    )
    MarketPitch.objects.create(event=market, initiative=InitiativeFactory(title="Concept"))
    content = client.get(market.get_absolute_url()).content.decode()
    assert "Moestuin" in content
    assert "Concept" not in content


def test_initiator_signs_up_to_pitch_and_others_cannot(client, other_resident):
    market = EventFactory()
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    url = reverse("initiatives:market_signup", args=[initiative.pk])
    client.force_login(other_resident)
    assert client.post(url, {"event": market.pk}).status_code == 404
    client.force_login(initiative.initiator)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert market.title in page
    client.post(url, {"event": market.pk})
    client.post(url, {"event": market.pk})
    assert MarketPitch.objects.filter(event=market, initiative=initiative).count() == 1


def test_non_market_event_cannot_take_pitches(client):
    meeting = EventFactory(kind="meeting")
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    client.force_login(initiative.initiator)
    client.post(reverse("initiatives:market_signup", args=[initiative.pk]), {"event": meeting.pk})
    assert not MarketPitch.objects.exists()
