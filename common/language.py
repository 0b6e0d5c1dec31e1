"""Texts the municipality keeps in both of the portal's languages."""

from django.utils.translation import get_language


def in_language(dutch: str, english: str) -> str:
    """The Dutch or English text of a record kept in both, as this visitor reads."""
    return english if get_language() == "en" else dutch
