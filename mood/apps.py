from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

_RESEARCHER = [("mood", f"{verb}_analysisrun") for verb in ("view", "add", "change")]


class MoodConfig(AppConfig):
    """The mood of the city: topics in what residents wrote, and the summaries a
    researcher publishes of them ("Wat leeft er in de stad")."""

    name = "mood"
    verbose_name = _("Mood of the city")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import public_cache

        post_migrate.connect(_create_defaults, sender=self)
        # Only the published summaries (and the topics of their runs) show publicly.
        public_cache.register_public_app(
            self.label,
            quiet_models=("mood.analysisrun", "mood.topicinput"),
            tags=("mood",),
        )
        public_cache.register_public_model("mood.summary", lambda summary: ["mood"])


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from common.permissions import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, {"Researcher": _RESEARCHER})
