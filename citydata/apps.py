from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Researchers keep the partners, their datasets and tokens, and approve publication.
_RESEARCHER = [
    ("citydata", f"{verb}_{model}")
    for model in ("partner", "dataset", "apitoken")
    for verb in ("view", "add", "change")
]


class CitydataConfig(AppConfig):
    """The inner city's data: partners' series (footfall, vacant shop units) published
    through an API or a CSV upload, approved by staff, shown on the inner-city dashboard
    beside the portal's own figures and offered as open data."""

    name = "citydata"
    verbose_name = _("Inner-city data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from citydata import dashboard
        from common import figures, public_cache

        figures.register_figures(figures.FiguresKind(dashboard.FIGURES, dashboard.compute))
        post_migrate.connect(_create_defaults, sender=self)
        # Tokens and the partners' memberships show nowhere; datasets and their rows on
        # the dashboard and as open data (pages that depend on "any").
        public_cache.register_public_app(
            self.label,
            quiet_models=("citydata.apitoken",),
            tags=("citydata",),
        )


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from common.permissions import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, {"Researcher": _RESEARCHER})
