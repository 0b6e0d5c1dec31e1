"""The rules of a ballot, checked on the server whatever the browser sent: the plans are
on this round's ballot, their number is within the round's minimum and maximum, a budget
ballot stays within the amount, each theme within its limits, and a ranking gives every
chosen plan its own place."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.models import Plan, Round, Theme
from common.money import euros


def check(round: Round, plans: Sequence[Plan], *, field: str = "plans") -> None:
    """Raise a ValidationError on ``field`` saying what is wrong with choosing
    ``plans`` (in order of preference on a ranking ballot) in ``round``."""
    errors = []
    if not round.is_voting_open:
        raise ValidationError({field: _("This round does not take votes now.")})
    if any(plan.round_id != round.pk or not plan.on_ballot for plan in plans):
        raise ValidationError({field: _("Choose only plans on this round's ballot.")})
    if len({plan.pk for plan in plans}) != len(plans):
        errors.append(_("Choose each plan once."))
    # The themes of the chosen plans, in the order they first come on the ballot.
    themes: dict[int, Theme] = {}
    for plan in plans:
        if plan.theme_id is not None and plan.theme_id not in themes and plan.theme:
            themes[plan.theme_id] = plan.theme
    where = standing(round, plans, list(themes.values()))
    if where.too_few:
        errors.append(
            ngettext("Choose at least %(n)s plan.", "Choose at least %(n)s plans.", round.min_plans)
            % {"n": round.min_plans}
        )
    if where.too_many and (most := round.max_plans) is not None:
        errors.append(
            ngettext("Choose at most %(n)s plan.", "Choose at most %(n)s plans.", most)
            % {"n": most}
        )
    if round.ballot_form == Round.BallotForm.BUDGET and where.over_budget:
        errors.append(
            _(
                "Your choice costs %(chosen)s, more than the budget of %(budget)s. "
                "Leave out plans until it fits."
            )
            % {"chosen": euros(where.amount), "budget": euros(round.total)}
        )
    for part in where.themes:
        theme = part.theme
        if part.too_many and (most := theme.max_plans) is not None:
            errors.append(
                ngettext(
                    "Choose at most %(n)s plan of the theme %(theme)s.",
                    "Choose at most %(n)s plans of the theme %(theme)s.",
                    most,
                )
                % {"n": most, "theme": theme.name}
            )
        if part.too_much and (limit := theme.max_amount) is not None:
            errors.append(
                _("The plans of the theme %(theme)s may cost at most %(limit)s together.")
                % {"theme": theme.name, "limit": euros(limit)}
            )
    if errors:
        raise ValidationError({field: errors})


@dataclass(frozen=True)
class ThemeStanding:
    """How far a choice goes into one theme's limits."""

    theme: Theme
    plans: int
    amount: Decimal

    @property
    def too_many(self) -> bool:
        return self.theme.max_plans is not None and self.plans > self.theme.max_plans

    @property
    def too_much(self) -> bool:
        return self.theme.max_amount is not None and self.amount > self.theme.max_amount


@dataclass(frozen=True)
class Standing:
    """Where a choice stands against the rules ``check`` applies, for the ballot page
    to show before the submit (the script keeps it up to date while choosing)."""

    round: Round
    plans: int
    amount: Decimal
    themes: list[ThemeStanding]

    @property
    def too_few(self) -> bool:
        return self.plans < self.round.min_plans

    @property
    def too_many(self) -> bool:
        return self.round.max_plans is not None and self.plans > self.round.max_plans

    @property
    def over_budget(self) -> bool:
        return self.amount > self.round.total

    @property
    def left(self) -> Decimal:
        return self.round.total - self.amount

    @property
    def over_by(self) -> Decimal:
        return self.amount - self.round.total


def standing(round: Round, plans: Sequence[Plan], themes: Sequence[Theme]) -> Standing:
    """The number and amount of ``plans`` chosen, in the round and per theme of
    ``themes`` (the round's themes, so no query is made here)."""
    return Standing(
        round=round,
        plans=len(plans),
        amount=sum((plan.cost for plan in plans), Decimal(0)),
        themes=[
            ThemeStanding(
                theme=theme,
                plans=sum(1 for plan in plans if plan.theme_id == theme.pk),
                amount=sum((plan.cost for plan in plans if plan.theme_id == theme.pk), Decimal(0)),
            )
            for theme in themes
        ],
    )
