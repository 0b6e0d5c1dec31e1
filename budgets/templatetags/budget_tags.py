from django import template

from budgets.money import euros as format_euros

register = template.Library()


@register.filter
def euros(amount) -> str:
    """An amount in euros as residents read it (€ 12.300)."""
    return "" if amount is None else format_euros(amount)
