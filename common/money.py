"""Amounts as residents read them."""

from decimal import Decimal

from django.utils.formats import number_format


def euros(amount: Decimal | int) -> str:
    """An amount as residents read it: "€ 12.300" (cents only when there are any)."""
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    return "€\u00a0" + number_format(amount, places, use_l10n=True, force_grouping=True)
