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
        from django.db.models.signals import post_delete, post_migrate, post_save

        from common import attention, public_cache, search
        from common.signals import taking_part_ended
        from neighbourhoods import monitor, verification
        from notifications.kinds import register_kind
        from surveys.evaluations import on_taking_part_ended
        from surveys.indicators import neighbourhood_scores
        from surveys.models import EVALUATION_NOTIFICATIONS, Invitation
        from surveys.search import find_survey_results

        public_cache.register_public_app(
            self.label,
            quiet_models=(
                "surveys.responsedraft",
                "surveys.sealedresponse",
                "surveys.invitation",
                "surveys.sendrun",
            ),
            # Surveys, their results and indicators: the surveys' pages and the
            # programmes that quote them (and the city-wide pages).
            tags=("surveys",),
        )
        # Joining the panel is open to anyone, so it is no invitation: only a survey
        # invitation actually sent to the person (as a panel member), for the
        # neighbourhood asked about, counts (verification level "invited").
        verification.register_invitation(
            lambda user, neighbourhood: Invitation.objects.filter(
                member__user=user,
                member__user__is_active=True,
                sent_at__isnull=False,
                **({"neighbourhood": neighbourhood} if neighbourhood is not None else {}),
            ).exists()
        )
        search.register_fields("surveys.Survey", ["title"], ["intro"])
        search.register(
            search.Kind("results", _("Survey results"), find_survey_results), position=60
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Surveys running now"),
                "surveys.view_survey",
                "surveys_survey",
                {"state": "running"},
                lambda rows: rows.open_now().count(),
            )
        )
        register_kind(
            EVALUATION_NOTIFICATIONS,
            _("Short questions about how taking part went"),
            subject=_("How did it go?"),
        )
        taking_part_ended.connect(on_taking_part_ended, dispatch_uid="surveys_evaluations")
        post_migrate.connect(_create_defaults, sender=self)
        monitor.register_provider(neighbourhood_scores)
        for signal in (post_save, post_delete):
            signal.connect(
                _answers_changed,
                sender=self.get_model("Response"),
                dispatch_uid=f"survey_results_{signal}",
            )


def _answers_changed(sender, instance, **kwargs) -> None:
    """A closed survey's responses changed (one removed by the researchers; answers
    only ever go with their response): its cached results are recomputed."""
    from surveys import results
    from surveys.tasks import precompute_results

    survey = instance.survey
    if survey.closed_at is not None:
        results.forget(survey)
        precompute_results.delay_on_commit(survey.pk)


def _create_defaults(apps=global_apps, **kwargs) -> None:
    from common.permissions import grant_permissions

    try:
        apps.get_model("auth", "Permission")
    except LookupError:
        return
    grant_permissions(apps, {"Researcher": _RESEARCHER})
