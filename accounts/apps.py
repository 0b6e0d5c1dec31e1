import time
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People with an account, their roles, sign-in and the back office's gate."""

    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import backends, names

        post_migrate.connect(_create_roles, sender=self)
        user_logged_in.connect(_speak_the_accounts_language, dispatch_uid="accounts_language")
        backends.connect_signals()
        names.in_the_readers_language()


# The session key of a language chosen with the switch before signing in, with the
# moment it was chosen; a sign-in within LANGUAGE_CHOICE_SECONDS after it keeps it.
LANGUAGE_CHOSEN_SIGNED_OUT = "portal_language_chosen_signed_out"
LANGUAGE_CHOICE_SECONDS = 30 * 60


def _language_chosen_just_before(session: Any) -> str | None:
    """The language chosen with the switch in this session shortly before signing in
    (and forgotten now): an old choice in a long-lived session may be someone else's,
    on a shared computer, and must not change this account."""
    chosen = session.pop(LANGUAGE_CHOSEN_SIGNED_OUT, None) if session is not None else None
    if not (isinstance(chosen, list) and len(chosen) == 2):
        return None
    language, moment = chosen
    if not isinstance(moment, int) or time.time() - moment > LANGUAGE_CHOICE_SECONDS:
        return None
    return language if language in dict(settings.LANGUAGES) else None


def _speak_the_accounts_language(request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Signed in, the portal speaks the account's language (the one its emails are
    written in): from this response on, and remembered in the language cookie, which
    common.middleware.PortalLanguageMiddleware sets from ``portal_language_chosen``.

    A language chosen with the switch in this session before signing in is newer than
    the account's: it wins, and becomes the account's (as the switch does for someone
    signed in), so the resident who switched to English and then signed in keeps English.
    A language cookie alone, or a choice made long before (perhaps another person's, on a
    shared computer), does not."""
    if request is None:
        return
    chosen = _language_chosen_just_before(getattr(request, "session", None))
    if chosen and chosen != getattr(user, "language", ""):
        type(user).objects.filter(pk=user.pk).update(language=chosen)
        user.language = chosen
    language = getattr(user, "language", "")
    if language not in dict(settings.LANGUAGES):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    request.portal_language_chosen = language  # type: ignore[attr-defined]


def _create_roles(apps: Apps = global_apps, **kwargs: Any) -> None:
    """After migrate or flush: put back the roles if they are missing."""
    from accounts.roles import create_roles

    try:
        group_model = apps.get_model("auth", "Group")
    except LookupError:
        return
    create_roles(group_model)


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, behind allauth login and mandatory TOTP for staff."""

    default = False
    default_site = "accounts.admin_site.PortalAdminSite"
