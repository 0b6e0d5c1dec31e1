from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import notifications

        notifications.register_kind(
            "announcement",
            _("Announcements from the municipality"),
            default_email=notifications.EmailFrequency.DAILY,
        )


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    """The Django admin, behind allauth login and mandatory TOTP for staff."""

    default_site = "portal.admin_site.PortalAdminSite"
