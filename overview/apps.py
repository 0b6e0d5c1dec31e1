from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that read every app: home, search, the city dashboard, my page, open
    data, and the municipality's own pages (privacy and accessibility statements)."""

    name = "overview"
    verbose_name = _("Portal pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common import figures, public_cache, search
        from overview import dashboard
        from overview.search import find_pages

        post_migrate.connect(_create_pages, sender=self)
        search.register(search.Kind("pages", _("Pages"), find_pages), position=90)
        public_cache.register_public_app(self.label)
        figures.register_figures(figures.FiguresKind(dashboard.FIGURES, dashboard.build_selection))


def _create_pages(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: put back the statements if they are missing."""
    from overview.pages import create_pages

    try:
        page_model = apps.get_model("overview", "PortalPage")
    except LookupError:
        return
    create_pages(page_model)
