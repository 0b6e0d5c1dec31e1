"""The neighbourhood budget's pages (/buurtbudget/): the rounds, a round with its plans,
submitting a plan, the ballot, the results with the reasons and the open data."""

import io
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from budgets import access, actions, ballots
from budgets.forms import BallotForm, PlanForm
from budgets.models import Ballot, Outcome, Plan, Round, explain
from common.abuse import rate_limited
from common.csv import SafeCsvWriter
from common.public_cache import public_page
from neighbourhoods.models import ProgrammeProject
from neighbourhoods.progress import progress_data


def _round(pk: int) -> Round:
    """A round residents may see (404 for one not yet open, or no such round)."""
    return get_object_or_404(Round.objects.public().for_listing(), pk=pk)


@require_safe
@public_page("budgets")
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = (
        Round.objects.public()
        .for_listing()
        .annotate(plan_count=Count("plans", filter=Q(plans__feasibility=Plan.Feasibility.FEASIBLE)))
    )
    return render(request, "budgets/list.html", {"rounds": rounds})


@require_safe
@public_page("budgets")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    plans = list(Plan.objects.filter(round=round).public())
    return render(
        request,
        "budgets/round.html",
        {
            "round": round,
            "on_ballot": [plan for plan in plans if plan.on_ballot],
            "checking": [plan for plan in plans if plan.feasibility == Plan.Feasibility.PENDING],
            "not_feasible": [
                plan for plan in plans if plan.feasibility == Plan.Feasibility.NOT_FEASIBLE
            ],
        },
    )


def _refused(request: HttpRequest, round: Round, message, url: str) -> HttpResponse:
    """Why the person cannot take part (yet), and where to show what is missing."""
    return render(
        request,
        "budgets/refused.html",
        {"round": round, "message": message, "url": url},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("budget_plan")
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    refused = access.refusal(request.user, access.PLAN, round)
    if refused is not None:
        return _refused(request, round, refused.message, refused.url)
    if not round.takes_plans:
        return _refused(request, round, _("This round does not take plans now."), "")
    form = PlanForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        actions.submit_plan(round=round, by=cast(User, request.user), **form.cleaned_data)
        messages.success(
            request,
            _("Your plan is in. The municipality checks whether it can be done and tells why."),
        )
        return redirect(round)
    status = 400 if request.method == "POST" else 200
    return render(request, "budgets/plan_form.html", {"round": round, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("budget_ballot")
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    person = cast(User, request.user)  # signed in (login_required)
    refused = access.refusal(person, access.VOTE, round)
    if refused is not None:
        return _refused(request, round, refused.message, refused.url)
    plans = list(Plan.objects.filter(round=round).on_ballot().public())
    # The resident's ballot and its choices in one query (a row without a plan: none).
    rows = list(
        Ballot.objects.filter(round=round, voter=person).values_list(
            "pk", "choices__plan", "choices__rank"
        )
    )
    mine = rows[0][0] if rows else None
    chosen = [(plan_id, rank) for _pk, plan_id, rank in rows if plan_id is not None]
    data = request.POST if request.method == "POST" else None
    form = BallotForm(data, round=round, plans=plans, chosen=chosen)
    recount = request.method == "POST" and bool(request.POST.get("recount"))
    if request.method == "POST" and not recount and form.is_valid():
        actions.cast_ballot(round=round, voter=person, plans=form.chosen_plans())
        saved = (
            _("Your ballot is saved. You can change it until voting closes.")
            if mine is None
            else _("Your ballot has been changed. You can change it until voting closes.")
        )
        if round.neighbourhood_id:  # a city-wide round makes no projects to follow
            saved = f"{saved} {_following_winners_text()}"
        messages.success(request, saved)
        return redirect("budgets:ballot", pk=round.pk)
    # Where the choice stands against every rule, as the script shows it while choosing:
    # the stored ballot, or what was just sent (recounted, or refused).
    if not form.is_bound:
        chosen_ids = {str(plan_id) for plan_id, _rank in chosen}
    elif form.ranking:
        chosen_ids = {str(plan.pk) for plan in plans if request.POST.get(f"rank_{plan.pk}")}
    else:
        chosen_ids = set(request.POST.getlist("plans"))
    themes = list(round.themes.all())
    picked = [plan for plan in plans if str(plan.pk) in chosen_ids]
    standing = ballots.standing(round, picked, themes)
    status = 400 if request.method == "POST" and not recount else 200
    return render(
        request,
        "budgets/ballot.html",
        {
            "round": round,
            "form": form,
            "has_ballot": mine is not None,
            "following_winners": _following_winners_text() if round.neighbourhood_id else "",
            "standing": standing,
            "themes": themes,
        },
        status=status,
    )


def _counted(round: Round) -> bool:
    """Whether the round is counted; the first visitor after voting closed (and the
    paper deadline passed) counts it when the beat did not get to it first, and then
    clears the deleted ballots' dead rows (``actions.vacuum_ballots``), as the beat
    does. False while the paper ballots are still being counted."""
    if not round.is_countable:
        return False
    if not round.has_results and actions.compute_results(round=round):
        actions.vacuum_ballots()
    return True


def _following_winners_text() -> str:
    """What voting brings with it in a neighbourhood's round (docs/security.md)."""
    return _(
        "After the count you follow all the winning plans, to hear how they are carried "
        "out; you can stop following on a project's page, or turn these messages off in "
        "your messages settings."
    )


def _results(round: Round) -> list[Outcome]:
    """The stored outcomes, in the order of the count; in the order of the plan numbers
    when the tally is not published (the order of the count would rank the plans by
    their votes). Empty while the paper ballots are still being counted."""
    if not round.is_closed:
        raise Http404
    if not _counted(round):
        return []
    order = "position" if round.tally_published else "plan_id"
    return list(
        Outcome.objects.filter(plan__round=round)
        .select_related("plan", "plan__theme")
        .order_by(order)
    )


@require_safe
@public_page("budgets")
def results(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    outcomes = _results(round)
    by_points = round.ballot_form == Round.BallotForm.RANKING
    figures = round.tally_published
    rows = [
        (outcome, explain(outcome, by_points=by_points, figures=figures)) for outcome in outcomes
    ]
    spent = sum((o.plan.cost for o in outcomes if o.won), Decimal(0))
    return render(
        request,
        "budgets/results.html",
        {
            "round": round,
            "rows": rows,
            "winners": [row for row in rows if row[0].won],
            "spent": spent,
            "left": round.total - spent,
            "by_points": by_points,
            "tally_published": figures,
            "min_group": settings.SURVEY_MIN_GROUP_SIZE,
        },
    )


def _winners_projects() -> Prefetch:
    """The winning plan's project with what a progress list shows."""
    return Prefetch("project", queryset=ProgrammeProject.objects.with_progress())


@require_safe
@public_page("budgets")
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How the round's winners are carried out: each winner's project with its progress,
    spending against budget, next milestone, latest update, status and whether it is on
    time. Once voting closed and the paper ballots are in (counted here by the first
    visitor, like the results)."""
    round = _round(pk)
    if round.neighbourhood is None or not _counted(round):
        raise Http404
    winners = list(
        Plan.objects.filter(round=round, outcome__won=True)
        .select_related("outcome")
        .prefetch_related(_winners_projects())
        .order_by("outcome__position" if round.tally_published else "pk")
    )
    return render(request, "budgets/progress.html", {"round": round, "winners": winners})


def _tally_rows(round: Round, outcomes: list[Outcome]) -> list[list[object]]:
    """The count's rows; the votes, points and budget left empty when the round had too
    few ballots to publish them (``Round.tally_published``)."""
    by_points = round.ballot_form == Round.BallotForm.RANKING
    figures = round.tally_published
    return [
        [
            o.position if figures else "",
            o.plan_id,
            o.plan.title,
            o.plan.cost,
            o.votes if figures else "",
            o.points if figures else "",
            _("yes") if o.won else _("no"),
            o.remaining if figures else "",
            explain(o, by_points=by_points, figures=figures),
        ]
        for o in outcomes
    ]


@require_safe
@public_page("budgets")
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round(pk)
    outcomes = _results(round)
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(
        [
            _("place"),
            _("plan number"),
            _("plan"),
            _("cost in euros"),
            _("votes"),
            _("points"),
            _("won"),
            _("budget left when it was considered"),
            _("why"),
        ]
    )
    writer.writerows(_tally_rows(round, outcomes))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="buurtbudget-{round.pk}-uitslag.csv"'
    return response


def _open_rounds() -> list[Round]:
    plans = (
        Plan.objects.exclude(feasibility=Plan.Feasibility.PENDING)
        .select_related("theme", "outcome")
        .prefetch_related(_winners_projects())
        .order_by("pk")
    )
    return list(Round.objects.public().for_listing().prefetch_related(Prefetch("plans", plans)))


def _plan_data(plan: Plan, round: Round) -> dict[str, object]:
    outcome = getattr(plan, "outcome", None)  # none before the count
    figures = round.tally_published
    return {
        "id": plan.pk,
        "title": plan.title,
        "cost": str(plan.cost),
        "theme": plan.theme.name_nl if plan.theme else None,
        "feasibility": plan.feasibility,
        "feasibility_reason": plan.feasibility_reason,
        "votes": outcome.votes if outcome and figures else None,
        "points": outcome.points if outcome and figures else None,
        "won": outcome.won if outcome else None,
        # Fewer ballots: only whether it won (a reason such as "no votes" says too much).
        "reason": outcome.reason if outcome and figures else None,
        # A winner's progress, once it is a project of a published programme.
        "project": _progress(plan.project),
    }


def _progress(project: ProgrammeProject | None) -> dict[str, object] | None:
    if project is None or not project.programme.is_published:
        return None
    return progress_data(project)


@require_safe
@public_page("budgets")
def open_data_json(request: HttpRequest) -> HttpResponse:
    """Rounds, their checked plans and, once counted, the anonymous tally and winners."""
    data = [
        {
            "id": round.pk,
            "title": round.title_nl,
            "neighbourhood": round.neighbourhood.name if round.neighbourhood else None,
            "total": str(round.total),
            "ballot_form": round.ballot_form,
            "winner_rule": round.winner_rule,
            "voting_opens": round.voting_opens.isoformat(),
            "voting_closes": round.voting_closes.isoformat(),
            "ballots_counted": round.ballots_counted if round.has_results else None,
            # Fewer than SURVEY_MIN_GROUP_SIZE ballots: no votes or points per plan.
            "tally_published": round.has_results and round.tally_published,
            "plans": [_plan_data(plan, round) for plan in round.plans.all()],
        }
        for round in _open_rounds()
    ]
    return JsonResponse({"rounds": data}, json_dumps_params={"ensure_ascii": False})


@require_safe
@public_page("budgets")
def open_data_csv(request: HttpRequest) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    columns = ["id", "title", "cost", "theme", "feasibility", "votes", "points", "won", "reason"]
    progress_columns = [
        "status",
        "progress",
        "budget",
        "spent",
        "planned_completion",
        "completed_on",
    ]
    writer.writerow(
        [
            "round",
            "round_title",
            "neighbourhood",
            "total",
            *columns,
            *(f"project_{c}" for c in progress_columns),
            "project_milestones",
            "project_milestones_reached",
        ]
    )
    for round in _open_rounds():
        for plan in round.plans.all():
            data = _plan_data(plan, round)
            project = cast(dict[str, object], data["project"] or {})
            milestones = cast(list[dict[str, object]], project.get("milestones", []))
            writer.writerow(
                [
                    round.pk,
                    round.title_nl,
                    round.neighbourhood.name if round.neighbourhood else "",
                    round.total,
                    *("" if data[c] is None else data[c] for c in columns),
                    *("" if project.get(c) is None else project[c] for c in progress_columns),
                    len(milestones) if project else "",
                    sum(1 for m in milestones if m["reached_on"]) if project else "",
                ]
            )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="buurtbudget.csv"'
    return response
