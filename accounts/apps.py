from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People with an account, their roles, sign-in and the back office's gate."""

    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import backends, names

        post_migrate.connect(_create_roles, sender=self)
        backends.connect_signals()
        names.in_the_readers_language()


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
