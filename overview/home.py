"""What the home page shows: what is happening now, across every app, in a fixed
number of small queries."""

from django.db.models import F
from django.utils import timezone

from initiatives.models import Initiative
from neighbourhoods.models import AgendaItem, AgendaStatus, Event, Neighbourhood
from procurement.models import Tender
from surveys.models import Survey

LIST_SIZE = 5


def happening_now() -> dict:
    public = Initiative.objects.public().select_related("neighbourhood")
    return {
        "newest_initiatives": list(
            public.filter(submitted_at__isnull=False).order_by("-submitted_at", "-pk")[:LIST_SIZE]
        ),
        "decided_initiatives": list(
            public.filter(decided_at__isnull=False).order_by("-decided_at", "-pk")[:LIST_SIZE]
        ),
        "open_surveys": list(
            Survey.objects.open_now()
            .filter(audience=Survey.Audience.OPEN)
            .order_by("closes_at")[:LIST_SIZE]
        ),
        "events": list(Event.objects.upcoming().select_related("neighbourhood")[:LIST_SIZE]),
        "agenda_items": list(
            AgendaItem.objects.filter(status__in=[AgendaStatus.PROPOSED, AgendaStatus.ON_AGENDA])
            .select_related("neighbourhood")
            .order_by("-vote_count", "-created_at")[:LIST_SIZE]
        ),
        "tenders": list(
            Tender.objects.public()
            .filter(
                status__in=[Tender.Status.PLANNED, Tender.Status.PUBLISHED],
                expected_publication__gte=timezone.localdate().replace(day=1),
            )
            .order_by(F("expected_publication").asc(), "pk")[:LIST_SIZE]
        ),
        "neighbourhoods": list(Neighbourhood.objects.for_listing()),
    }
