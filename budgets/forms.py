from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets import ballots
from budgets.models import Plan, Round, Theme
from common.abuse import SpamGuardedForm
from common.forms import BoundedModelMultipleChoiceField
from common.money import euros


class PlanForm(SpamGuardedForm, forms.ModelForm):
    """A resident's plan for the neighbourhood budget."""

    class Meta:
        model = Plan
        fields = ["title", "description", "cost", "theme"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "cost": _("Your estimate in whole euros; the municipality checks it."),
        }

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        themes = Theme.objects.filter(round=round)
        cast(forms.ModelChoiceField, self.fields["theme"]).queryset = themes
        self.fields["cost"].widget.attrs.update({"inputmode": "decimal", "step": "1"})
        if not themes.exists():
            del self.fields["theme"]

    def clean_cost(self) -> Decimal:
        cost = self.cleaned_data["cost"]
        if cost > self.round.total:
            raise ValidationError(
                _("A plan can cost at most the round's budget of %(budget)s.")
                % {"budget": euros(self.round.total)}
            )
        return cost


class PlanCheckbox(forms.CheckboxSelectMultiple):
    """Each plan's checkbox carries its cost and theme, for the running total and the
    rules' warnings in the browser."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"].update(plan_data(instance))
        return option


def plan_data(plan: Plan) -> dict[str, str]:
    """The ``data-`` attributes the ballot's script counts a chosen plan by."""
    data = {"data-cost": f"{plan.cost:.2f}"}
    if plan.theme_id is not None:
        data["data-theme"] = str(plan.theme_id)
    return data


def plan_label(plan: Plan) -> str:
    """A plan on the ballot: its title, cost and theme (the theme's limits are beside
    the ballot's rules)."""
    if plan.theme_id is None:
        return f"{plan.title} ({euros(plan.cost)})"
    assert plan.theme is not None
    return f"{plan.title} ({euros(plan.cost)}; {_('theme')}: {plan.theme.name})"


class PlanChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Plan) -> str:  # type: ignore[override]
        return plan_label(obj)


class BallotForm(forms.Form):
    """A ballot: plans to choose (budget or approval), or a place for each plan
    (ranking). The round's rules are checked here and again when it is saved."""

    def __init__(self, *args: Any, round: Round, plans: list[Plan], chosen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.plans = plans
        self.ranking = round.ballot_form == Round.BallotForm.RANKING
        by_pk = {plan.pk: plan for plan in plans}
        if self.ranking:
            places = [("", _("not ranked"))] + [(str(n), str(n)) for n in range(1, len(plans) + 1)]
            ranks = dict(chosen)
            for plan in plans:
                self.fields[f"rank_{plan.pk}"] = forms.TypedChoiceField(
                    label=plan_label(plan),
                    choices=places,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=ranks.get(plan.pk),
                    widget=forms.Select(attrs=plan_data(plan)),
                )
        else:
            field = PlanChoiceField(
                label=_("Plans"),
                queryset=Plan.objects.filter(pk__in=by_pk).select_related("theme"),
                widget=PlanCheckbox,
                required=False,
                initial=[pk for pk, _rank in chosen],
            )
            # Not "optional": the rules above the form say how many plans to choose.
            field.conditionally_required = True  # type: ignore[attr-defined]
            self.fields["plans"] = field
        self.by_pk = by_pk

    @property
    def error_field(self) -> str:
        if self.ranking:
            return f"rank_{self.plans[0].pk}" if self.plans else "__all__"
        return "plans"

    def chosen_plans(self) -> list[Plan]:
        if self.ranking:
            ranked = [
                (self.cleaned_data.get(f"rank_{plan.pk}"), plan.pk, plan) for plan in self.plans
            ]
            return [plan for rank, _pk, plan in sorted(r for r in ranked if r[0] is not None)]
        return [self.by_pk.get(plan.pk, plan) for plan in self.cleaned_data.get("plans", [])]

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form's is its cleaned_data
        if self.errors:
            return cleaned
        if self.ranking:
            places = [cleaned.get(f"rank_{plan.pk}") for plan in self.plans]
            given = [p for p in places if p is not None]
            if len(given) != len(set(given)):
                self.add_error(self.error_field, _("Give each plan its own place."))
                return cleaned
        try:
            ballots.check(self.round, self.chosen_plans(), field=self.error_field)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned
