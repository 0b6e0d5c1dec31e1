from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

_AREA_MANAGER = [
    ("participation", permission)
    for model in ("process", "phase", "stakeholder", "taskteam", "teammembership", "teamlogentry")
    for permission in (f"view_{model}", f"add_{model}", f"change_{model}")
] + [("participation", "view_processfollow")]
_RESEARCHER = [
    ("participation", "view_councilquestion"),
    ("participation", "change_councilquestion"),
]
# The board's secretariat publishes decisions; here the area managers and researchers may
# prepare them too, administrators grant "publish" to whom the municipality chooses.
_DECISIONS = [
    ("participation", "view_decision"),
    ("participation", "add_decision"),
    ("participation", "change_decision"),
    ("participation", "view_topic"),
]


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common import attention, public_cache, search
        from neighbourhoods.areas import register_area_model
        from notifications.kinds import is_staff, register_kind
        from notifications.models import EmailFrequency
        from participation import actions
        from participation.models import (
            CouncilQuestion,
            Decision,
            Phase,
            Process,
            Stakeholder,
            TaskTeam,
            TeamLogEntry,
            TeamMembership,
        )
        from participation.search import find_decisions, find_processes
        from surveys.actions import on_results_published
        from surveys.indicators import register_count

        # Processes, teams, council questions and decisions: their own pages (which show
        # any change), and the counts among the panel's indicators.
        public_cache.register_public_app(
            self.label,
            quiet_models=("participation.processfollow", "participation.decisionfollow"),
            tags=("participation",),
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Council questions waiting for the researchers"),
                "participation.view_councilquestion",
                "participation_councilquestion",
                {"waiting": "researchers"},
                lambda rows: rows.waiting_for_researchers().count(),
            )
        )
        register_area_model(Process, "neighbourhoods")
        register_area_model(Phase, "process__neighbourhoods")
        register_area_model(Stakeholder, "process__neighbourhoods")
        register_area_model(Decision, "neighbourhoods")
        register_area_model(
            TaskTeam, "agenda_item__neighbourhood", "project__programme__neighbourhood"
        )
        for model in (TeamMembership, TeamLogEntry):
            register_area_model(
                model, "team__agenda_item__neighbourhood", "team__project__programme__neighbourhood"
            )
        search.register_fields("participation.Decision", ["title"], ["summary", "reasoning"])
        search.register_fields("participation.Process", ["title"], ["summary", "description"])
        search.register(
            search.Kind("processes", _("Participation processes"), find_processes), position=70
        )
        search.register(
            search.Kind("decisions", _("Decisions of the board"), find_decisions), position=80
        )
        post_migrate.connect(_create_defaults, sender=self)
        register_kind(
            actions.PROCESS,
            _("News about participation processes you follow"),
            subject=_("News about a participation process"),
        )
        register_kind(actions.TEAM, _("Your task teams"), subject=_("News from your task team"))
        register_kind(
            actions.COUNCIL,
            _("Your questions to the resident panel (council)"),
            subject=_("About your question to the resident panel"),
            audience=CouncilQuestion.may_be_asked_by,
        )
        register_kind(
            actions.DECISIONS,
            _("Decisions of the board on topics and neighbourhoods you follow"),
            default_email=EmailFrequency.DAILY,
            subject=_("A decision of the board"),
        )
        register_kind(
            actions.STAFF,
            _("Applications and council questions to handle (staff)"),
            subject=_("Applications and questions to handle"),
            audience=is_staff,
        )
        on_results_published(actions.answer_from_results)
        register_count(
            "council_questions",
            _("Times the council asked the resident panel a question"),
            CouncilQuestion.objects.per_year,
        )


DEFAULT_TOPICS = [
    ("wonen", "Wonen", "Housing"),
    ("groen", "Groen en openbare ruimte", "Green and public space"),
    ("verkeer", "Verkeer en parkeren", "Traffic and parking"),
    ("zorg", "Zorg en welzijn", "Care and wellbeing"),
    ("economie", "Werk en economie", "Work and economy"),
    ("bestuur", "Bestuur en financiën", "Governance and finance"),
]


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from common.permissions import grant_permissions

    try:
        topic_model = apps.get_model("participation", "Topic")
    except LookupError:
        return
    if not topic_model.objects.exists():
        for slug, name_nl, name_en in DEFAULT_TOPICS:
            topic_model.objects.create(slug=slug, name_nl=name_nl, name_en=name_en)
    grant_permissions(
        apps,
        {
            "Area manager": [*_AREA_MANAGER, *_DECISIONS],
            "Researcher": [*_RESEARCHER, *_DECISIONS],
        },
    )
