from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.abuse import rate_limited
from common.public_cache import public_page, shared_with_visitors
from common.replica import reads_from_replica
from neighbourhoods import actions, area_monitor, calendar, monitor, verification
from neighbourhoods.forms import AgendaItemForm, PostcodeForm
from neighbourhoods.models import (
    AgendaItem,
    AgendaStatus,
    AgendaVote,
    Event,
    EventRSVP,
    Neighbourhood,
    NeighbourhoodFollow,
    Programme,
    ProgrammeProject,
    ProjectFollower,
    ProjectUpdate,
)
from neighbourhoods.sections import sections_for

VOTE_MESSAGES = {
    actions.VoteResult.ADDED: (messages.SUCCESS, gettext_lazy("Your priority vote is counted.")),
    actions.VoteResult.ALREADY: (messages.INFO, gettext_lazy("You gave this item a vote already.")),
    actions.VoteResult.NO_VOTES_LEFT: (
        messages.ERROR,
        gettext_lazy("You have used all your votes for this neighbourhood this year."),
    ),
    actions.VoteResult.CLOSED: (messages.ERROR, gettext_lazy("This item no longer takes votes.")),
}


def _neighbourhood(slug: str) -> Neighbourhood:
    return get_object_or_404(Neighbourhood.objects.for_listing(), slug=slug)


@require_safe
@public_page()
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    neighbourhoods = list(Neighbourhood.objects.for_listing())
    shapes = [
        {"name": n.name, "url": n.get_absolute_url(), "boundary": n.boundary}
        for n in neighbourhoods
        if n.boundary
    ]
    return render(
        request,
        "neighbourhoods/list.html",
        {"neighbourhoods": neighbourhoods, "map_shapes": shapes},
    )


@require_safe
@public_page("neighbourhood:{slug}", "initiative-names")
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood(slug)
    year = timezone.localdate().year
    programme = (
        Programme.objects.published()
        .filter(neighbourhood=neighbourhood, year=year)
        .prefetch_related("projects")
        .first()
    )
    following = (
        request.user.is_authenticated
        and NeighbourhoodFollow.objects.filter(
            neighbourhood=neighbourhood, user=request.user
        ).exists()
    )
    return render(
        request,
        "neighbourhoods/detail.html",
        {
            "neighbourhood": neighbourhood,
            "agenda": neighbourhood.agenda_items.exclude(status=AgendaStatus.DECLINED)
            .by_priority()
            .select_related("proposed_by")[:5],
            "programme": programme,
            "events": Event.objects.upcoming()
            .filter(neighbourhood=neighbourhood)
            .annotate(rsvp_total=Count("rsvps"))[:5],
            **sections_for(neighbourhood),
            "following": following,
            "year": year,
            "map_shapes": [
                {
                    "name": neighbourhood.name,
                    "url": neighbourhood.get_absolute_url(),
                    "boundary": neighbourhood.boundary,
                }
            ]
            if neighbourhood.boundary
            else [],
        },
    )


@login_required
@require_POST
def neighbourhood_follow(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood(slug)
    if request.POST.get("unfollow"):
        actions.unfollow_neighbourhood(neighbourhood=neighbourhood, user=request.user)
        messages.success(request, _("You no longer follow this neighbourhood."))
    else:
        actions.follow_neighbourhood(neighbourhood=neighbourhood, user=request.user)
        messages.success(
            request, _("You follow this neighbourhood: new agenda items, the programme and events.")
        )
    return redirect(neighbourhood)


def _votes(request: HttpRequest, neighbourhood: Neighbourhood) -> tuple[set[int], int]:
    """The items this person voted for, and how many votes they have left this year."""
    if not request.user.is_authenticated:
        return set(), neighbourhood.vote_budget
    year = timezone.localdate().year
    voted = list(
        AgendaVote.objects.filter(
            user=request.user, neighbourhood=neighbourhood, year=year
        ).values_list("item_id", flat=True)
    )
    return set(voted), max(neighbourhood.vote_budget - len(voted), 0)


@require_safe
@public_page("neighbourhood:{slug}")
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood(slug)
    voted, votes_left = _votes(request, neighbourhood)
    return render(
        request,
        "neighbourhoods/agenda.html",
        {
            "neighbourhood": neighbourhood,
            "items": neighbourhood.agenda_items.for_listing(),
            "voted": voted,
            "votes_left": votes_left,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("agenda_propose")
def agenda_propose(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = _neighbourhood(slug)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = actions.propose_agenda_item(
            neighbourhood=neighbourhood, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your proposal is on the agenda page. Others can vote now."))
        return redirect(item)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "neighbourhoods/agenda_form.html",
        {"neighbourhood": neighbourhood, "form": form},
        status=status,
    )


def _agenda_item(slug: str, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("neighbourhood__area_manager", "proposed_by"),
        neighbourhood__slug=slug,
        pk=pk,
    )


@require_safe
@public_page("neighbourhood:{slug}")
def agenda_item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _agenda_item(slug, pk)
    voted, votes_left = _votes(request, item.neighbourhood)
    projects = ProgrammeProject.objects.filter(
        agenda_items=item, programme__published_at__isnull=False
    ).select_related("programme__neighbourhood")
    return render(
        request,
        "neighbourhoods/agenda_item.html",
        {
            "neighbourhood": item.neighbourhood,
            "item": item,
            "changes": item.changes.all(),
            "projects": projects,
            "voted": item.pk in voted,
            "votes_left": votes_left,
            "is_own": request.user.is_authenticated and item.proposed_by_id == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("agenda_propose")
def agenda_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The proposer may improve the text while nobody has answered it yet."""
    item = _agenda_item(slug, pk)
    if item.proposed_by_id != request.user.pk:
        raise Http404
    if item.status != AgendaStatus.PROPOSED:
        messages.error(request, _("The area manager has answered; the item can no longer change."))
        return redirect(item)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your changes are saved."))
        return redirect(item)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "neighbourhoods/agenda_form.html",
        {"neighbourhood": item.neighbourhood, "form": form, "item": item},
        status=status,
    )


@login_required
@require_POST
@rate_limited("agenda_vote")
def agenda_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = _agenda_item(slug, pk)
    if request.POST.get("withdraw"):
        if actions.withdraw_vote(item=item, user=request.user):
            messages.success(
                request, _("Your vote is taken back; you can give it to another item.")
            )
    else:
        refused = verification.refusal(request.user, "agenda_vote", item.neighbourhood)
        if refused is not None:
            messages.error(request, refused.message)
            return redirect(refused.url_back_to(item.get_absolute_url()))
        result = actions.vote_for_item(item=item, user=request.user)
        if result is actions.VoteResult.NOT_VERIFIED:
            # The level changed since the check above: say what this level asks.
            refused = verification.refusal(request.user, "agenda_vote", item.neighbourhood)
            if refused is not None:
                messages.error(request, refused.message)
                return redirect(refused.url_back_to(item.get_absolute_url()))
        else:
            level, text = VOTE_MESSAGES[result]
            messages.add_message(request, level, text)
    target = request.POST.get("next")
    if target == "agenda":
        return redirect("neighbourhoods:agenda", slug)
    return redirect(item)


@require_safe
@public_page("neighbourhood:{slug}", "initiative-names", "surveys")
def programme_detail(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    # The projects' initiatives, through the relation: only those the public may see.
    initiative_model = ProgrammeProject._meta.get_field("initiatives").related_model
    projects = ProgrammeProject.objects.prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("neighbourhood")),
        Prefetch("initiatives", queryset=initiative_model.objects.public()),
    )
    programme = get_object_or_404(
        Programme.objects.published()
        .select_related("neighbourhood")
        .prefetch_related(Prefetch("projects", queryset=projects)),
        neighbourhood__slug=slug,
        year=year,
    )
    planned = sum(project.budget for project in programme.projects.all())
    spent = sum(project.spent for project in programme.projects.all())
    return render(
        request,
        "neighbourhoods/programme.html",
        {
            "neighbourhood": programme.neighbourhood,
            "programme": programme,
            "planned": planned,
            "spent": spent,
            "spent_share": round(spent * 100 / planned) if planned else 0,
        },
    )


@require_safe
@shared_with_visitors
@reads_from_replica
def monitor_view(request: HttpRequest, slug: str) -> HttpResponse:
    rows, city, year, computed_at = monitor.cached_city_figures()
    figures = next((row for row in rows if row.neighbourhood.slug == slug), None)
    if figures is None and Neighbourhood.objects.filter(slug=slug).exists():
        # A neighbourhood newer than the stored figures: compute them now, once.
        rows, city, year, computed_at = monitor.fresh_city_figures()
        figures = next((row for row in rows if row.neighbourhood.slug == slug), None)
    if figures is None:
        raise Http404
    return render(
        request,
        "neighbourhoods/monitor.html",
        {
            "neighbourhood": figures.neighbourhood,
            "figures": figures,
            "city": city,
            "year": year,
            "computed_at": computed_at,
            "initiative_bars": monitor.count_bars(figures, "initiatives"),
            "agenda_bars": monitor.agenda_bars(figures),
            "source_charts": monitor.source_charts(figures),
            "min_group": settings.SURVEY_MIN_GROUP_SIZE,
        },
    )


@require_safe
@shared_with_visitors
@reads_from_replica
def monitor_csv(request: HttpRequest) -> HttpResponse:
    rows, city, year, _computed_at = monitor.cached_city_figures()
    response = HttpResponse(monitor.as_csv(rows, city, year), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="wijkmonitor-{year}.csv"'
    return response


def _area_monitor(request: HttpRequest) -> area_monitor.Monitor:
    """The monitor per area for the level and figure asked (anything else: the default)."""
    return area_monitor.stored(request.GET.get("level", ""), request.GET.get("figure", ""))


@require_safe
@shared_with_visitors
@reads_from_replica
def area_monitor_view(request: HttpRequest) -> HttpResponse:
    """Any figure per wijk, buurt or street beside the municipality: a table, a map
    coloured by class with a legend (the table works without JavaScript), and CSV."""
    figures = _area_monitor(request)
    return render(
        request,
        "neighbourhoods/area_monitor.html",
        {
            "monitor": figures,
            "levels": area_monitor.LEVELS,
            "map_shapes": area_monitor.map_shapes(figures),
            "csv_query": area_monitor.query(figures.level, figures.figure),
        },
    )


@require_safe
@shared_with_visitors
@reads_from_replica
def area_monitor_csv(request: HttpRequest) -> HttpResponse:
    figures = _area_monitor(request)
    response = HttpResponse(area_monitor.as_csv(figures), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="monitor-{figures.level}-{figures.figure}.csv"'
    )
    return response


def _events():
    return Event.objects.select_related("neighbourhood").annotate(rsvp_total=Count("rsvps"))


@require_safe
@public_page("events", "initiative-names")
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "neighbourhoods/events.html", {"events": _events().upcoming()})


@require_safe
@public_page("events", "initiative-names")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The market's pitches, through the relation: of initiatives the public may see.
    pitches = Event._meta.get_field("pitches").related_model.objects.public()
    event = get_object_or_404(
        _events().prefetch_related(Prefetch("pitches", queryset=pitches)), pk=pk
    )
    coming = (
        request.user.is_authenticated
        and EventRSVP.objects.filter(event=event, user=request.user).exists()
    )
    return render(request, "neighbourhoods/event.html", {"event": event, "coming": coming})


RSVP_MESSAGES = {
    actions.RSVPResult.ADDED: (
        messages.SUCCESS,
        gettext_lazy("You are on the list. See you there!"),
    ),
    actions.RSVPResult.ALREADY: (messages.INFO, gettext_lazy("You were on the list already.")),
    actions.RSVPResult.FULL: (messages.ERROR, gettext_lazy("This event is full.")),
    actions.RSVPResult.CLOSED: (messages.ERROR, gettext_lazy("This event is no longer open.")),
}


@login_required
@require_POST
@rate_limited("event_rsvp")
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """Say you will come, or that you no longer will (``cancel=1``)."""
    event = get_object_or_404(Event, pk=pk)
    if request.POST.get("cancel"):
        actions.cancel_rsvp(event=event, user=request.user)
        messages.success(request, _("You are no longer on the list for this event."))
    else:
        level, text = RSVP_MESSAGES[actions.rsvp_event(event=event, user=request.user)]
        messages.add_message(request, level, text)
    return redirect(event)


@require_safe
@public_page("events")
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("neighbourhood"), pk=pk)
    response = HttpResponse(calendar.event_calendar(event), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="activiteit-{event.pk}.ics"'
    return response


@require_safe
@public_page()
def find_neighbourhood(request: HttpRequest) -> HttpResponse:
    """“Find your neighbourhood” by postcode: straight there when the postcode lies in
    one neighbourhood, a choice when its area crosses a boundary."""
    form = PostcodeForm(request.GET or None)
    matches: list[Neighbourhood] = []
    if form.is_valid():
        matches = Neighbourhood.objects.with_postcode(form.cleaned_data["postcode"])
        if len(matches) == 1:
            return redirect(matches[0])
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "neighbourhoods/find.html",
        {"form": form, "matches": matches, "neighbourhoods": Neighbourhood.objects.all()},
        status=status,
    )


def _public_project(slug: str, year: int, pk: int) -> ProgrammeProject:
    """A project of a published programme (404 otherwise), with its milestones, updates,
    where it came from and the public tenders that deliver it (through the relations:
    this app does not know the apps behind them)."""
    initiative_model = ProgrammeProject._meta.get_field("initiatives").related_model
    tender_model = ProgrammeProject._meta.get_field("tenders").related_model
    queryset = (
        ProgrammeProject.objects.public()
        .with_progress()
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("neighbourhood")),
            Prefetch("initiatives", queryset=initiative_model.objects.public()),
            Prefetch("tenders", queryset=tender_model.objects.public().order_by("pk")),
            "budget_plans",
        )
    )
    return get_object_or_404(
        queryset, programme__neighbourhood__slug=slug, programme__year=year, pk=pk
    )


def _budget_table(project: ProgrammeProject) -> dict[str, object]:
    left = project.budget - project.spent
    share = round(project.spent * 100 / project.budget) if project.budget else 0
    return {"left": left, "spent_share": share}


@require_safe
@public_page("neighbourhood:{slug}", "initiative-names", "procurement", "budgets")
def project_detail(request: HttpRequest, slug: str, year: int, pk: int) -> HttpResponse:
    """A project of a published programme: its progress, budget against spending,
    milestones, updates with photos, where it came from and the tenders that deliver
    it; signed in, a resident follows or stops following it here."""
    project = _public_project(slug, year, pk)
    following = (
        request.user.is_authenticated
        and ProjectFollower.objects.filter(project=project, user=request.user).exists()
    )
    return render(
        request,
        "neighbourhoods/project.html",
        {
            "neighbourhood": project.programme.neighbourhood,
            "programme": project.programme,
            "project": project,
            "following": following,
            "timeliness": project.timeliness(),
            **_budget_table(project),
        },
    )


@login_required
@require_POST
def project_follow(request: HttpRequest, slug: str, year: int, pk: int) -> HttpResponse:
    project = _public_project(slug, year, pk)
    if request.POST.get("unfollow"):
        actions.unfollow_project(project=project, user=request.user)
        messages.success(request, _("You no longer follow this project."))
    else:
        actions.follow_project(project=project, user=request.user)
        messages.success(
            request, _("You follow this project: you hear of its updates and milestones.")
        )
    return redirect(project)


@require_safe
def project_photo(request: HttpRequest, token: str) -> FileResponse:
    """The photo of an update of a project in a published programme (before that, the
    staff who may edit the project see it in the back office)."""
    update = get_object_or_404(
        ProjectUpdate.objects.filter(project__programme__published_at__isnull=False),
        photo_token=token,
    )
    return photo_response(update, cache_control="public, max-age=3600")


def photo_response(update: ProjectUpdate, *, cache_control: str) -> FileResponse:
    """An update's photo as a file, never sniffed into anything else; 404 when it has
    none or its file is gone."""
    try:
        handle = update.photo.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=update.photo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = cache_control
    return response
