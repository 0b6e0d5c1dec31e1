from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.abuse import rate_limited
from common.public_cache import shared_with_visitors
from neighbourhoods.models import Neighbourhood
from participation import actions
from participation.forms import (
    ApplicationForm,
    CouncilQuestionForm,
    DecisionFilterForm,
    DecisionFollowForm,
    LogEntryForm,
)
from participation.models import (
    LADDER,
    CouncilQuestion,
    Decision,
    DecisionFollow,
    Process,
    ProcessFollow,
    TaskTeam,
    TeamMembership,
    Topic,
)

PAGE_SIZE = 20
# The follow form shares its field names with the filter form on the same page.
FOLLOW_PREFIX = "follow"


# --- processes -----------------------------------------------------------------------


@require_safe
@shared_with_visitors
def process_list(request: HttpRequest) -> HttpResponse:
    processes = Process.objects.published().for_listing()
    neighbourhood = None
    if slug := request.GET.get("wijk"):
        neighbourhood = Neighbourhood.objects.filter(slug=slug).first()
        if neighbourhood:
            processes = processes.filter(neighbourhoods=neighbourhood)
    return render(
        request,
        "participation/process_list.html",
        {
            "processes": processes,
            "neighbourhoods": Neighbourhood.objects.all(),
            "neighbourhood": neighbourhood,
        },
    )


def _published_process(slug: str) -> Process:
    """Residents see no unpublished process, whoever they are."""
    return get_object_or_404(
        Process.objects.published().prefetch_related(
            "phases",
            "stakeholders",
            "neighbourhoods",
            "agenda_items__neighbourhood",
            "projects__programme__neighbourhood",
            "surveys",
            "initiatives",
            "decisions",
        ),
        slug=slug,
    )


@require_safe
@shared_with_visitors
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = _published_process(slug)
    following = (
        request.user.is_authenticated
        and ProcessFollow.objects.filter(process=process, user=request.user).exists()
    )
    phases = list(process.phases.all())
    return render(
        request,
        "participation/process_detail.html",
        {
            "process": process,
            "phases": phases,
            "current": process.current_phase(),
            "stakeholders": sorted(
                process.stakeholders.all(), key=lambda s: (-s.influence_rank, s.name)
            ),
            "following": following,
            "ladder": [(step, level) for step, level in enumerate(LADDER, start=1)],
        },
    )


@login_required
@require_POST
def process_follow(request: HttpRequest, slug: str) -> HttpResponse:
    process = _published_process(slug)
    if request.POST.get("unfollow"):
        actions.unfollow_process(process=process, user=request.user)
        messages.success(request, _("You no longer follow this process."))
    else:
        actions.follow_process(process=process, user=request.user)
        messages.success(
            request, _("You follow this process. We tell you what we did with the input.")
        )
    return redirect(process)


# --- task teams ------------------------------------------------------------------------


def _team(pk: int) -> TaskTeam:
    return get_object_or_404(
        TaskTeam.objects.select_related(
            "agenda_item__neighbourhood__area_manager",
            "project__programme__neighbourhood__area_manager",
        ).prefetch_related(
            Prefetch("memberships", queryset=TeamMembership.objects.select_related("user")),
            "log__author",
            "meetings",
        ),
        pk=pk,
    )


@require_safe
@shared_with_visitors
def team_list(request: HttpRequest) -> HttpResponse:
    teams = TaskTeam.objects.select_related(
        "agenda_item__neighbourhood", "project__programme__neighbourhood"
    )
    return render(request, "participation/team_list.html", {"teams": teams})


def _team_page(request, team, *, application_form=None, log_form=None, status=200):
    mine = next((m for m in team.memberships.all() if m.user_id == request.user.pk), None)
    return render(
        request,
        "participation/team_detail.html",
        {
            "team": team,
            "members": [
                m for m in team.memberships.all() if m.status == TeamMembership.Status.ACCEPTED
            ],
            "mine": mine,
            "application_form": application_form or ApplicationForm(),
            "log_form": log_form or LogEntryForm(),
            "may_write_log": team.log_may_be_written_by(request.user),
            "manages": team.is_managed_by(request.user),
        },
        status=status,
    )


@require_safe
@shared_with_visitors
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_page(request, _team(pk))


@login_required
@require_POST
@rate_limited("team_apply")
def team_apply(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(pk)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, application_form=form, status=400)
    try:
        actions.apply_to_team(
            team=team, user=request.user, motivation=form.cleaned_data["motivation"]
        )
    except actions.TeamError as error:
        messages.error(request, str(error))
        return redirect(team)
    messages.success(request, _("Thank you! The area manager will let you know."))
    return redirect(team)


@login_required
@require_POST
def team_log(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team(pk)
    if not team.log_may_be_written_by(request.user):
        raise PermissionDenied
    form = LogEntryForm(request.POST)
    if not form.is_valid():
        return _team_page(request, team, log_form=form, status=400)
    actions.add_log_entry(team=team, by=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("The progress note is published."))
    return redirect(team)


# --- council questions ------------------------------------------------------------------


@require_safe
@shared_with_visitors
def council_list(request: HttpRequest) -> HttpResponse:
    answered = CouncilQuestion.objects.published().select_related("survey").order_by("-answered_at")
    mine = []
    if CouncilQuestion.may_be_asked_by(request.user):
        mine = CouncilQuestion.objects.filter(asked_by=request.user).select_related("survey")
    return render(
        request,
        "participation/council_list.html",
        {
            "answered": answered,
            "mine": mine,
            "is_council_member": CouncilQuestion.may_be_asked_by(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("council_question")
def council_ask(request: HttpRequest) -> HttpResponse:
    if not CouncilQuestion.may_be_asked_by(request.user):
        raise PermissionDenied
    form = CouncilQuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        asked = actions.ask_council_question(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your question is with the researchers. We let you know."))
        return redirect("participation:council_question", asked.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/council_form.html", {"form": form}, status=status)


def _council_question_for(request: HttpRequest, pk: int) -> CouncilQuestion:
    """Answered questions are public; others only for the member who asked."""
    asked = get_object_or_404(CouncilQuestion.objects.select_related("survey", "asked_by"), pk=pk)
    if asked.status == CouncilQuestion.Status.ANSWERED:
        return asked
    if request.user.is_authenticated and asked.asked_by_id == request.user.pk:
        return asked
    raise Http404


@require_http_methods(["GET", "POST"])
@shared_with_visitors
def council_question(request: HttpRequest, pk: int) -> HttpResponse:
    asked = _council_question_for(request, pk)
    is_owner = request.user.is_authenticated and asked.asked_by_id == request.user.pk
    form = None
    if is_owner and asked.may_be_edited:
        form = CouncilQuestionForm(
            request.POST if request.method == "POST" else None, instance=asked
        )
        if request.method == "POST" and form.is_valid():
            actions.revise_council_question(
                asked=asked,
                by=request.user,
                question=form.cleaned_data["question"],
                context=form.cleaned_data["context"],
            )
            messages.success(request, _("Your revised question is with the researchers again."))
            return redirect("participation:council_question", asked.pk)
    elif request.method == "POST":
        raise PermissionDenied
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "participation/council_detail.html",
        {"asked": asked, "form": form, "is_owner": is_owner},
        status=status,
    )


# --- decisions ---------------------------------------------------------------------------


def filtered_decisions(request: HttpRequest):
    form = DecisionFilterForm(request.GET or None)
    decisions = Decision.objects.published().for_listing()
    if form.is_bound and form.is_valid():
        decisions = form.filter(decisions)
    return form, decisions.order_by("-decided_on", "-pk")


@require_safe
@shared_with_visitors
def decision_list(request: HttpRequest) -> HttpResponse:
    form, decisions = filtered_decisions(request)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    follows = []
    if request.user.is_authenticated:
        follows = list(
            DecisionFollow.objects.filter(user=request.user).select_related(
                "topic", "neighbourhood"
            )
        )
    return render(
        request,
        "participation/decision_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "follows": follows,
            "follow_form": DecisionFollowForm(prefix=FOLLOW_PREFIX),
            "topics": Topic.objects.all(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_safe
@shared_with_visitors
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.published().for_listing().prefetch_related("documents", "processes"),
        pk=pk,
    )
    return render(request, "participation/decision_detail.html", {"decision": decision})


@login_required
@require_POST
def decision_follow(request: HttpRequest) -> HttpResponse:
    form = DecisionFollowForm(request.POST, prefix=FOLLOW_PREFIX)
    if not form.is_valid():
        messages.error(request, _("Choose a topic or a neighbourhood to follow."))
        return redirect("participation:decisions")
    target = {
        "topic": form.cleaned_data.get("topic"),
        "neighbourhood": form.cleaned_data.get("neighbourhood"),
    }
    if request.POST.get("unfollow"):
        actions.unfollow_decisions(user=request.user, **target)
        messages.success(request, _("You no longer follow these decisions."))
    else:
        actions.follow_decisions(user=request.user, **target)
        messages.success(
            request,
            _(
                "You follow these decisions. New ones come in your daily overview; "
                "change it under notification settings."
            ),
        )
    return redirect("participation:decisions")
