from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from neighbourhoods.models import Event, EventRSVP, Neighbourhood


@require_safe
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "neighbourhoods/list.html",
        {"neighbourhoods": Neighbourhood.objects.for_listing()},
    )


@require_safe
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = get_object_or_404(Neighbourhood.objects.for_listing(), slug=slug)
    return render(request, "neighbourhoods/detail.html", {"neighbourhood": neighbourhood})


def _events():
    return Event.objects.select_related("neighbourhood").annotate(rsvp_total=Count("rsvps"))


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "neighbourhoods/events.html", {"events": _events().upcoming()})


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from initiatives.models import Initiative, MarketPitch

    pitches = MarketPitch.objects.filter(initiative__in=Initiative.objects.public()).select_related(
        "initiative__neighbourhood"
    )
    event = get_object_or_404(
        _events().prefetch_related(Prefetch("pitches", queryset=pitches)), pk=pk
    )
    coming = (
        request.user.is_authenticated
        and EventRSVP.objects.filter(event=event, user=request.user).exists()
    )
    return render(request, "neighbourhoods/event.html", {"event": event, "coming": coming})


@login_required
@require_POST
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """Say you will come, or that you no longer will (``cancel=1``). Full events
    refuse new RSVPs; the count is checked under a lock on the event."""
    with transaction.atomic():
        event = get_object_or_404(Event.objects.select_for_update(), pk=pk)
        if request.POST.get("cancel"):
            EventRSVP.objects.filter(event=event, user=request.user).delete()
            messages.success(request, _("You are no longer on the list for this event."))
            return redirect(event)
        if event.is_past:
            messages.error(request, _("This event has already taken place."))
            return redirect(event)
        if event.capacity is not None and event.rsvps.count() >= event.capacity:
            messages.error(request, _("This event is full."))
            return redirect(event)
        try:
            with transaction.atomic():
                EventRSVP.objects.create(event=event, user=request.user)
        except IntegrityError:
            messages.info(request, _("You were on the list already."))
        else:
            messages.success(request, _("You are on the list. See you there!"))
    return redirect(event)
