from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

# Area managers run their areas: agenda, programme, events. Initiative brokers organise
# initiative markets (events) too.
_EVENTS = [
    ("neighbourhoods", "add_event"),
    ("neighbourhoods", "change_event"),
    ("neighbourhoods", "view_event"),
    ("neighbourhoods", "view_eventrsvp"),
]
_STAFF_PERMISSIONS = {
    "Area manager": [
        *_EVENTS,
        ("neighbourhoods", "view_neighbourhood"),
        ("neighbourhoods", "view_agendaitem"),
        ("neighbourhoods", "change_agendaitem"),
        ("neighbourhoods", "add_agendaitem"),
        ("neighbourhoods", "view_agendaitemchange"),
        ("neighbourhoods", "view_programme"),
        ("neighbourhoods", "add_programme"),
        ("neighbourhoods", "change_programme"),
        ("neighbourhoods", "view_programmeproject"),
        ("neighbourhoods", "add_programmeproject"),
        ("neighbourhoods", "change_programmeproject"),
        ("neighbourhoods", "delete_programmeproject"),
    ],
    "Initiative broker": _EVENTS,
}


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Neighbourhoods")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from neighbourhoods import actions
        from portal.notifications import EmailFrequency, register_kind

        post_migrate.connect(_create_defaults, sender=self)
        register_kind(
            actions.NEWS,
            _("News from neighbourhoods you follow"),
            default_email=EmailFrequency.DAILY,
        )
        register_kind(actions.AGENDA, _("Answers on agenda items you proposed or voted for"))
        register_kind(actions.EVENT_REMINDER, _("Reminders of events you will attend"))


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from portal.defaults import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, _STAFF_PERMISSIONS)
