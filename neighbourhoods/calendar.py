"""Events as iCalendar (RFC 5545), so residents put them in their own calendar. The UID
is stable per event and SEQUENCE goes up when time or place change, so calendar apps
update the entry instead of adding a second one; a cancelled event says so."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from neighbourhoods.models import Event
from notifications.emails import absolute_url


def event_uid(event: Event) -> str:
    host = settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0]
    return f"event-{event.pk}@{host}"


def event_calendar(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_MUNICIPALITY_NAME}//Participatieportaal//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("sequence", event.sequence)
    entry.add("summary", event.title)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("dtstamp", timezone.now())
    entry.add("location", event.location)
    entry.add("url", absolute_url(event.get_absolute_url()))
    if event.description:
        entry.add("description", event.description)
    entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical()
