"""The tender calendar as iCalendar: one event per milestone (expected publication,
submission deadline, contract start), stable UIDs, SEQUENCE from the tender's version,
STATUS:CANCELLED for a cancelled tender."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from notifications.emails import absolute_url
from procurement.models import Tender


def _host() -> str:
    return settings.PORTAL_BASE_URL.split("://", 1)[-1].split("/", 1)[0]


def tender_calendar(tenders, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_MUNICIPALITY_NAME}//Aanbestedingskalender//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for tender in tenders:
        milestones = [("publication", _("Expected publication"), tender.expected_publication)]
        if tender.submission_deadline:
            milestones.append(("deadline", _("Submission deadline"), tender.submission_deadline))
        if tender.contract_start:
            milestones.append(("start", _("Contract start"), tender.contract_start))
        for key, label, when in milestones:
            event = Event()
            event.add("uid", f"tender-{tender.pk}-{key}@{_host()}")
            event.add("sequence", tender.sequence)
            event.add("summary", f"{label}: {tender.title}")
            event.add("dtstamp", stamp)
            event.add("dtstart", when)
            if not hasattr(when, "hour"):
                event.add("dtend", when + timedelta(days=1))
            event.add("url", absolute_url(tender.get_absolute_url()))
            event.add(
                "status", "CANCELLED" if tender.status == Tender.Status.CANCELLED else "CONFIRMED"
            )
            calendar.add_component(event)
    return calendar.to_ical()
