from django import template

register = template.Library()

_SECONDARY_TAGS = {"cancel", "outline", "secondary", "minor", "link"}


@register.filter
def button_variant(tags) -> str:
    """NL Design System button variant for allauth's element tags: one primary action
    per form, everything that backs out or is optional looks secondary."""
    tags = set(tags or ())
    if "danger" in tags:
        return "primary-action"
    if tags & _SECONDARY_TAGS:
        return "secondary-action"
    return "primary-action"


@register.filter
def join_if_list(value) -> str:
    """A list from the personal-data export as one readable cell."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value
