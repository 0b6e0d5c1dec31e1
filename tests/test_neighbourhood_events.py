from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from initiatives.models import MarketPitch, Status
from initiatives.tests.factories import InitiativeFactory
from neighbourhoods.models import EventRSVP
from neighbourhoods.tests.factories import EventFactory

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


def test_event_downloads_as_icalendar_with_a_stable_uid_and_sequence(client):
    import icalendar

    event = EventFactory(title="Wijkavond", location="Buurthuis")
    url = reverse("neighbourhoods:event_ics", args=[event.pk])
    first = icalendar.Calendar.from_ical(client.get(url).content)
    entry = first.walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Wijkavond"
    assert str(entry["LOCATION"]) == "Buurthuis"
    assert entry["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    uid = str(entry["UID"])
    assert int(entry["SEQUENCE"]) == 0

    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    event.save()
    event.cancelled = True
    event.save()
    again = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(again["UID"]) == uid
    assert int(again["SEQUENCE"]) == 2
    assert str(again["STATUS"]) == "CANCELLED"


def test_saving_without_changes_keeps_the_sequence():
    event = EventFactory()
    event.save()
    event.refresh_from_db()
    assert event.sequence == 0


def test_attendees_are_reminded_the_day_before_once(resident):
    from neighbourhoods import actions
    from notifications.models import Notification

    tomorrow = timezone.localtime() + timedelta(days=1)
    event = EventFactory(starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=2))
    later = EventFactory(
        starts_at=tomorrow + timedelta(days=3), ends_at=tomorrow + timedelta(days=3, hours=1)
    )
    actions.rsvp_event(event=event, user=resident)
    actions.rsvp_event(event=later, user=resident)
    actions.remind_event_attendees()
    actions.remind_event_attendees()
    reminders = Notification.objects.filter(recipient=resident, kind=actions.EVENT_REMINDER)
    assert reminders.count() == 1
    assert event.title in reminders.get().message


def test_new_event_is_announced_to_followers(client):
    from neighbourhoods import actions
    from notifications.models import Notification

    event = EventFactory(kind="meeting")
    follower = UserFactory()
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    actions.follow_neighbourhood(neighbourhood=NeighbourhoodFactory(), user=follower)
    actions.announce_event(event=event)  # city-wide: followers of any neighbourhood
    assert Notification.objects.filter(recipient=follower, kind=actions.NEWS).exists()


def test_cancelled_event_takes_no_rsvp(client, resident):
    event = EventFactory(cancelled=True)
    client.force_login(resident)
    rsvp(client, event)
    assert not EventRSVP.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_initiatives_cached_pitches_show_a_new_sign_up_at_once(client, settings):
    """The pitches part of an initiative's page is cached for everyone while nothing
    changes, and renewed by the sign-up itself."""
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60
    market = EventFactory(title="Initiatievenmarkt Haven")
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    heading = "Pitches op initiatievenmarkten"
    assert heading not in client.get(initiative.get_absolute_url()).content.decode()
    client.force_login(initiative.initiator)
    assert heading not in client.get(initiative.get_absolute_url()).content.decode()
    client.post(reverse("initiatives:market_signup", args=[initiative.pk]), {"event": market.pk})
    client.logout()
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert heading in page
    assert page.count("Initiatievenmarkt Haven") == 1
