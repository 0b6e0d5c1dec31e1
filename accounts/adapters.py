from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from accounts.models import Role


class AccountAdapter(DefaultAccountAdapter):
    """Every new account is a resident and keeps the language it signed up in."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or "nl"
        user.language = "en" if language.startswith("en") else "nl"
        if commit:
            user.save()
            user.groups.add(Role.RESIDENT.group())
        return user
