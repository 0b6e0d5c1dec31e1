from typing import Any

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
        ("neighbourhoods", "view_projectmilestone"),
        ("neighbourhoods", "add_projectmilestone"),
        ("neighbourhoods", "change_projectmilestone"),
        ("neighbourhoods", "delete_projectmilestone"),
        ("neighbourhoods", "view_projectupdate"),
        ("neighbourhoods", "add_projectupdate"),
        ("neighbourhoods", "delete_projectupdate"),
        ("neighbourhoods", "view_buurt"),
        ("neighbourhoods", "change_buurt"),
        # Letter codes for the addresses of their neighbourhoods.
        ("neighbourhoods", "view_addresslist"),
        ("neighbourhoods", "add_addresslist"),
        ("neighbourhoods", "change_addresslist"),
        ("neighbourhoods", "delete_addresslist"),
    ],
    "Initiative broker": _EVENTS,
    "Researcher": [
        ("neighbourhoods", "view_cbsimport"),
        ("neighbourhoods", "add_cbsimport"),
        ("neighbourhoods", "view_buurt"),
    ],
}


class NeighbourhoodsConfig(AppConfig):
    name = "neighbourhoods"
    verbose_name = _("Neighbourhoods")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common import attention, figures, public_cache, search
        from common.uploads import delete_files_with_rows
        from neighbourhoods import (  # noqa: F401 (checks registers the deploy checks)
            actions,
            area_monitor,
            checks,
            monitor,
            tasks,
            verification,
        )
        from neighbourhoods.areas import register_area_model
        from neighbourhoods.models import (
            AddressList,
            AgendaItem,
            AgendaItemChange,
            AgendaStatus,
            Buurt,
            Event,
            EventRSVP,
            Level,
            Neighbourhood,
            Programme,
            ProgrammeProject,
            ProjectMilestone,
            ProjectUpdate,
        )
        from neighbourhoods.search import find_agenda_items, find_events, find_projects
        from notifications.kinds import register_kind
        from notifications.models import EmailFrequency

        public_cache.register_public_app(
            self.label,
            quiet_models=("neighbourhoods.neighbourhoodfollow", "neighbourhoods.projectfollower"),
        )
        # Agenda items and priority votes show on their neighbourhood's pages (and on the
        # city-wide pages, which every change renews); whether people come to an event on
        # the events' pages and its neighbourhood's. Events, programmes and the
        # neighbourhoods themselves are the back office's, and renew everything.
        for on_agenda in (
            "neighbourhoods.agendaitem",
            "neighbourhoods.agendavote",
        ):
            public_cache.register_public_model(on_agenda, neighbourhood_tags)
        public_cache.register_public_model(
            "neighbourhoods.agendaitemchange", lambda row: neighbourhood_tags(row.item)
        )
        public_cache.register_public_model(
            "neighbourhoods.eventrsvp", lambda row: ("events", *neighbourhood_tags(row.event))
        )
        register_area_model(Neighbourhood, "pk")
        for model in (AgendaItem, Buurt, Event, Programme):
            register_area_model(model, "neighbourhood")
        register_area_model(AgendaItemChange, "item__neighbourhood")
        register_area_model(AddressList, "codes__neighbourhood")
        register_area_model(EventRSVP, "event__neighbourhood")
        register_area_model(ProgrammeProject, "programme__neighbourhood")
        for model in (ProjectMilestone, ProjectUpdate):
            register_area_model(model, "project__programme__neighbourhood")
        # An update's photo goes from storage with the update, also when its project or
        # programme is deleted, once the deletion is committed.
        delete_files_with_rows(ProjectUpdate, "photo")
        search.register_fields(
            "neighbourhoods.AgendaItem", ["title"], ["description", "answer", "location"]
        )
        search.register_fields("neighbourhoods.ProgrammeProject", ["title"], ["description"])
        search.register_fields("neighbourhoods.Event", ["title"], ["description", "location"])
        search.register(
            search.Kind("agenda", _("Neighbourhood agenda items"), find_agenda_items), position=20
        )
        search.register(
            search.Kind("projects", _("Programme projects"), find_projects), position=30
        )
        search.register(search.Kind("events", _("Events"), find_events), position=40)
        attention.register_queue(
            attention.QueueDefinition(
                _("Agenda items waiting for an answer"),
                "neighbourhoods.view_agendaitem",
                "neighbourhoods_agendaitem",
                {"status__exact": AgendaStatus.PROPOSED, "area": "all"},
                lambda rows: rows.filter(status=AgendaStatus.PROPOSED).count(),
            )
        )
        figures.register_figures(figures.FiguresKind(monitor.FIGURES, monitor.this_years_figures))
        figures.register_figures(
            figures.FiguresKind(
                area_monitor.FIGURES, area_monitor.compute, area_monitor.default_selections
            )
        )
        post_migrate.connect(_create_defaults, sender=self)
        verification.register_action(
            "agenda_vote", _("Priority votes on a neighbourhood's agenda"), Level.EMAIL
        )
        register_kind(
            actions.NEWS,
            _("News from neighbourhoods you follow"),
            default_email=EmailFrequency.DAILY,
            subject=_("News from your neighbourhood"),
        )
        register_kind(
            actions.AGENDA,
            _("Answers on agenda items you proposed or voted for"),
            subject=_("An answer on an agenda item"),
        )
        register_kind(
            tasks.PROJECT_PROGRESS,
            _("Progress of projects you follow"),
            subject=_("News on a project you follow"),
            unsubscribe_subject=actions.stop_project_emails,
            describe_subject=actions.describe_followed_project,
        )
        register_kind(
            actions.EVENT_REMINDER,
            _("Reminders of events you will attend"),
            subject=_("Reminder of an event"),
        )


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from common.permissions import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, _STAFF_PERMISSIONS)


def neighbourhood_tags(row: Any) -> tuple[str, ...]:
    """The tag of the pages of ``row``'s neighbourhood (their addresses name its slug):
    from the neighbourhood the row was made with, else read. Other apps' tags of rows
    with a ``neighbourhood`` use it too (from their ``AppConfig.ready()``)."""
    from neighbourhoods.models import Neighbourhood

    if type(row)._meta.get_field("neighbourhood").is_cached(row):
        neighbourhood = row.neighbourhood
        slug = neighbourhood.slug if neighbourhood is not None else None
    else:
        slug = (
            Neighbourhood.objects.filter(pk=row.neighbourhood_id)
            .values_list("slug", flat=True)
            .first()
        )
    return (f"neighbourhood:{slug}",) if slug else ()
