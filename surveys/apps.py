from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

_RESEARCHER = [
    ("surveys", f"{verb}_{model}")
    for model in ["survey", "question", "choice", "indicator", "indicatoryear"]
    for verb in ["add", "change", "view"]
] + [
    ("surveys", "delete_question"),
    ("surveys", "delete_choice"),
    ("surveys", "view_panelmember"),
]


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Resident surveys")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from neighbourhoods import monitor
        from surveys.indicators import neighbourhood_scores

        post_migrate.connect(_create_defaults, sender=self)
        monitor.register_provider(neighbourhood_scores)


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from portal.defaults import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, {"Researcher": _RESEARCHER})
