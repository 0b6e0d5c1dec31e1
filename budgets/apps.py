from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

# Area managers run the rounds of their neighbourhoods: the round itself, the
# feasibility check of its plans and the paper ballots.
_STAFF_PERMISSIONS = {
    "Area manager": [
        ("budgets", "view_round"),
        ("budgets", "add_round"),
        ("budgets", "change_round"),
        ("budgets", "view_theme"),
        ("budgets", "add_theme"),
        ("budgets", "change_theme"),
        ("budgets", "delete_theme"),
        ("budgets", "view_plan"),
        ("budgets", "change_plan"),
        ("budgets", "view_ballot"),
        ("budgets", "add_ballot"),
        ("budgets", "change_ballot"),
        ("budgets", "delete_ballot"),
    ],
}


class BudgetsConfig(AppConfig):
    """The neighbourhood budget (buurtbudget)."""

    name = "budgets"
    verbose_name = _("Neighbourhood budget")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from budgets import access
        from budgets.models import Ballot, Plan, Round, Theme
        from common import public_cache
        from neighbourhoods.areas import register_area_model

        # Rounds, plans and results show on this app's pages only; ballots on none
        # (the tally is published once counted, through the outcomes).
        public_cache.register_public_app(
            self.label,
            quiet_models=("budgets.ballot", "budgets.choice"),
            tags=("budgets",),
        )
        register_area_model(Round, "neighbourhood")
        register_area_model(Theme, "round__neighbourhood")
        register_area_model(Plan, "round__neighbourhood")
        register_area_model(Ballot, "round__neighbourhood")
        access.register()
        post_migrate.connect(_create_defaults, sender=self)


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: the staff roles' permissions."""
    from common.permissions import grant_permissions

    grant_permissions(apps, _STAFF_PERMISSIONS)
