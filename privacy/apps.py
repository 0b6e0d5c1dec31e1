from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from common.permissions import grant_permissions


class PrivacyConfig(AppConfig):
    """What we hold about a person (declared per app in ``personal_data.py``), its
    export and erasure, retention, and the audit log of staff work with personal data."""

    name = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from privacy.retention import forget_retention_warning

        post_migrate.connect(_grant_permissions, sender=self)
        user_logged_in.connect(forget_retention_warning, dispatch_uid="forget_retention_warning")


def _grant_permissions(apps: Apps = global_apps, **kwargs: Any) -> None:
    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(
        apps,
        {
            "Privacy officer": [
                ("privacy", "view_auditentry"),
                ("accounts", "view_user"),
                ("privacy", "view_erasurerequest"),
                ("privacy", "erase_on_behalf"),
                ("privacy", "export_on_behalf"),
            ]
        },
    )
