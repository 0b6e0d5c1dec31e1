from typing import cast

from allauth.account.adapter import DefaultAccountAdapter
from django.forms import Form
from django.http import HttpRequest
from django.utils import translation

from accounts.models import Role, User


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    """Every new account is a resident and keeps the language it signed up in."""

    def save_user(self, request: HttpRequest, user: User, form: Form, commit: bool = True) -> User:
        user = cast(User, super().save_user(request, user, form, commit=False))  # allauth: untyped
        language = translation.get_language() or "nl"
        user.language = "en" if language.startswith("en") else "nl"
        if commit:
            user.save()
            user.groups.add(Role.RESIDENT.group())
        return user
