"""The neighbourhood budget's back office: rounds with their themes, the feasibility
check of plans (a public reason, an adjusted cost with its reason), and paper ballots
typed in by one colleague and confirmed by another."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from budgets import actions, ballots
from budgets.models import Ballot, Choice, Outcome, Plan, Round, Theme
from neighbourhoods.area_admin import AreaScopedAdmin, AreaScopedInline


def _voting_has_opened(round: Any) -> bool:
    return round is not None and round.voting_opens <= timezone.now()


class ThemeInline(AreaScopedInline):
    """A round's themes with their limits; fixed, like the round's rules, once voting
    has opened."""

    model = Theme
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _voting_has_opened(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _voting_has_opened(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _voting_has_opened(obj) and super().has_delete_permission(request, obj)


@admin.register(Round)
class RoundAdmin(AreaScopedAdmin):
    """A round: its area, amount, periods, ballot and winner rule."""

    list_display = ["title_nl", "neighbourhood", "total", "voting_closes", "results_computed_at"]
    list_select_related = ["neighbourhood"]
    list_filter = ["neighbourhood", "ballot_form", "winner_rule"]
    search_fields = ["title_nl", "title_en"]
    inlines = [ThemeInline]
    readonly_fields = ["results_computed_at", "ballots_counted", "tally"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "neighbourhood",
                    "title_nl",
                    "title_en",
                    "description_nl",
                    "description_en",
                    "total",
                ]
            },
        ),
        (
            _("Periods"),
            {
                "fields": [
                    "submission_opens",
                    "submission_closes",
                    "voting_opens",
                    "voting_closes",
                    "paper_deadline",
                ]
            },
        ),
        (_("Ballot"), {"fields": ["ballot_form", "min_plans", "max_plans", "winner_rule"]}),
        (_("Results"), {"fields": ["results_computed_at", "ballots_counted", "tally"]}),
    ]

    @admin.display(description=_("count, with the votes"))
    def tally(self, obj: Round) -> str:
        """Every plan's votes and points, also for a round whose tally is not published
        (fewer ballots than ``SURVEY_MIN_GROUP_SIZE``)."""
        outcomes = (
            Outcome.objects.filter(plan__round=obj).select_related("plan").order_by("position")
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    o.position,
                    o.plan.title,
                    o.votes,
                    o.points,
                    gettext("yes") if o.won else gettext("no"),
                )
                for o in outcomes
            ),
        )
        if not rows:
            return gettext("Not counted yet.")
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            gettext("Place"),
            gettext("Plan"),
            gettext("Votes"),
            gettext("Points"),
            gettext("Won"),
            rows,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Ballots were cast in it: a round stays.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """From the moment voting opens the rules of the round stay as they are: only
        the description can still be improved."""
        if _voting_has_opened(obj):
            return [
                str(name)
                for _title, options in self.fieldsets
                for name in options["fields"]
                if name not in ("description_nl", "description_en")
            ]
        return list(self.readonly_fields)


class PlanReviewForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["feasibility", "feasibility_reason", "cost", "cost_reason", "theme"]

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form's is its cleaned_data
        if (
            cleaned.get("feasibility") != Plan.Feasibility.PENDING
            and not (cleaned.get("feasibility_reason") or "").strip()
        ):
            self.add_error(
                "feasibility_reason", gettext("Say in public why the plan is or is not feasible.")
            )
        cost = cleaned.get("cost")
        if (
            self.instance.pk
            and cost is not None
            and cost != self.instance.cost
            and not (cleaned.get("cost_reason") or "").strip()
        ):
            self.add_error("cost_reason", gettext("Say why the cost changed."))
        if (
            self.instance.pk
            and self.instance.round.voting_opens
            and self.instance.round.phase()
            in (
                Round.Phase.VOTING,
                Round.Phase.CLOSED,
            )
        ):
            raise ValidationError(
                gettext("Voting has started: the plans on the ballot stay as they are.")
            )
        return cleaned


@admin.register(Plan)
class PlanAdmin(AreaScopedAdmin):
    """The feasibility check: feasible or not with a public reason; the cost may be set,
    with its reason."""

    form = PlanReviewForm
    list_display = ["title", "round", "cost", "feasibility", "reviewed_at"]
    list_filter = ["feasibility", "round"]
    list_select_related = ["round"]
    search_fields = ["title", "description"]
    readonly_fields = [
        "round",
        "title",
        "description",
        "estimated_cost",
        "initiative",
        "agenda_item",
        "reviewed_at",
        "project",
    ]
    fields = [
        "round",
        "title",
        "description",
        "estimated_cost",
        "initiative",
        "agenda_item",
        "theme",
        "feasibility",
        "feasibility_reason",
        "cost",
        "cost_reason",
        "reviewed_at",
        "project",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        themes = form.base_fields.get("theme")
        if themes is not None:
            # A plan's theme is one of its own round's (the area's limits applied already).
            queryset = themes.queryset  # type: ignore[attr-defined]
            themes.queryset = (  # type: ignore[attr-defined]
                queryset.filter(round_id=obj.round_id) if obj is not None else queryset.none()
            )
        return form

    def save_model(
        self, request: HttpRequest, obj: Plan, form: forms.ModelForm, change: bool
    ) -> None:
        original = Plan.objects.get(pk=obj.pk)
        new_cost = obj.cost
        obj.cost = original.cost
        actions.review_plan(
            plan=obj,
            feasibility=form.cleaned_data["feasibility"],
            reason=form.cleaned_data["feasibility_reason"],
            cost=new_cost,
            cost_reason=form.cleaned_data.get("cost_reason", ""),
        )


class PaperBallotForm(forms.ModelForm):
    """A paper ballot as it was filled in: the numbers of the chosen plans (in order of
    preference on a ranking ballot)."""

    plan_numbers = forms.CharField(
        label=_("Plan numbers"),
        help_text=_(
            "The plan numbers of the plans ticked on the paper (printed with each plan on the "
            "round's page and on the paper ballot), separated by commas; on a ranking ballot "
            "in order of preference (first choice first)."
        ),
    )

    class Meta:
        model = Ballot
        fields = ["round", "paper_reference"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "paper_reference" in self.fields:
            self.fields["paper_reference"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form's is its cleaned_data
        round = cleaned.get("round")
        reference = (cleaned.get("paper_reference") or "").strip()
        if (
            round is not None
            and reference
            and Ballot.objects.filter(round=round, paper=True, paper_reference=reference).exists()
        ):
            self.add_error(
                "paper_reference",
                gettext("A paper ballot with this number was already typed in for this round."),
            )
        text = cleaned.get("plan_numbers") or ""
        numbers = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(n.isdigit() and len(n) < 12 for n in numbers):
            self.add_error("plan_numbers", gettext("Enter plan numbers separated by commas."))
            return cleaned
        if round is None:
            return cleaned
        found = {
            plan.pk: plan
            for plan in Plan.objects.filter(pk__in=[int(n) for n in numbers]).select_related(
                "theme"
            )
        }
        if len(found) != len(set(numbers)):
            self.add_error("plan_numbers", gettext("Choose only plans on this round's ballot."))
            return cleaned
        plans = [found[int(n)] for n in numbers]
        try:
            ballots.check(actions.open_for_paper(round), plans, field="plan_numbers")
        except ValidationError as error:
            self.add_error(None, error)
        cleaned["plans"] = plans
        return cleaned


@admin.register(Ballot)
class PaperBallotAdmin(AreaScopedAdmin):
    """Paper ballots: one colleague types one in, a second confirms it (four eyes).
    Residents' own ballots are not shown here."""

    form = PaperBallotForm
    list_display = ["paper_reference", "round", "chosen_plans", "entered_by", "confirmed_by"]
    list_select_related = ["round", "entered_by", "confirmed_by"]
    list_filter = ["round"]
    actions = ["confirm"]

    def get_queryset(self, request: HttpRequest):
        choices = Choice.objects.select_related("plan").order_by("rank", "plan_id")
        return (
            super()
            .get_queryset(request)
            .filter(paper=True)
            .prefetch_related(Prefetch("choices", choices))
        )

    @admin.display(description=_("chosen plans (in order)"))
    def chosen_plans(self, obj: Ballot) -> str:
        """What was typed in, to compare with the paper before confirming."""
        return "; ".join(f"{c.plan_id}. {c.plan.title}" for c in obj.choices.all())

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # Never in bulk: a paper ballot is deleted on its own page, and only before a
        # second colleague confirmed it.
        found = super().get_actions(request, action_location)
        found.pop("delete_selected", None)
        return found

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is not None
            and obj.confirmed_by_id is None
            and super().has_delete_permission(request, obj)
        )

    def save_model(
        self, request: HttpRequest, obj: Ballot, form: forms.ModelForm, change: bool
    ) -> None:
        ballot = actions.enter_paper_ballot(
            round=form.cleaned_data["round"],
            by=cast(User, request.user),
            plans=form.cleaned_data["plans"],
            reference=form.cleaned_data.get("paper_reference", ""),
        )
        obj.pk = ballot.pk
        obj.round = ballot.round
        obj.paper = True  # named by its paper number in the "added" message

    def save_related(self, request, form, formsets, change) -> None:
        return None

    @admin.action(
        description=_("Confirm the selected paper ballot (one at a time)"), permissions=["change"]
    )
    def confirm(self, request: HttpRequest, queryset) -> None:
        # Four eyes means looking: one ballot at a time, compared with the paper.
        if queryset.count() != 1:
            self.message_user(
                request,
                gettext(
                    "Confirm one paper ballot at a time, after comparing its plans with the paper."
                ),
                messages.ERROR,
            )
            return
        done = refused = 0
        for ballot in queryset.filter(confirmed_by__isnull=True):
            try:
                actions.confirm_paper_ballot(ballot=ballot, by=cast(User, request.user))
                done += 1
            except actions.FourEyesError:
                refused += 1
            except actions.CountedAlreadyError:
                self.message_user(
                    request,
                    gettext(
                        "The round was counted before this paper ballot was confirmed: "
                        "it did not count."
                    ),
                    messages.ERROR,
                )
        if done:
            self.message_user(
                request,
                ngettext("%(n)s paper ballot confirmed.", "%(n)s paper ballots confirmed.", done)
                % {"n": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)s paper ballot not confirmed: you typed it in yourself; "
                    "a colleague confirms it.",
                    "%(n)s paper ballots not confirmed: you typed them in yourself; "
                    "a colleague confirms them.",
                    refused,
                )
                % {"n": refused},
                messages.ERROR,
            )
