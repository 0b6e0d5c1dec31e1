from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What the portal tells a person (berichten), on the portal and by email."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.models import EmailFrequency

        register_kind(
            "announcement",
            _("Announcements from the municipality"),
            default_email=EmailFrequency.DAILY,
            subject=_("News from the municipality"),
        )
