from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from portal import abuse, backends, notifications, public_cache  # noqa: F401 (abuse)

        post_migrate.connect(_create_defaults, sender=self)
        public_cache.connect_signals()
        backends.connect_signals()
        from django.contrib.auth.signals import user_logged_in

        from portal.privacy import forget_retention_warning

        user_logged_in.connect(forget_retention_warning, dispatch_uid="forget_retention_warning")

        notifications.register_kind(
            "announcement",
            _("Announcements from the municipality"),
            default_email=notifications.EmailFrequency.DAILY,
        )


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: put back roles and statements if they are missing. Uses
    the migrated state's models when migrate passes them (flush does not), so migrating
    the portal backwards skips it."""
    from portal.defaults import create_defaults, grant_permissions

    try:
        group_model = apps.get_model("auth", "Group")
        page_model = apps.get_model("portal", "PortalPage")
    except LookupError:
        return
    create_defaults(group_model, page_model)
    grant_permissions(
        apps,
        {
            "Privacy officer": [
                ("portal", "view_auditentry"),
                ("portal", "view_user"),
            ]
        },
    )


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, behind allauth login and mandatory TOTP for staff."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
