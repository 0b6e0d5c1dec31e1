from typing import cast

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

# Area managers handle the reports of their neighbourhoods (and, as members of a
# department, of that department).
_HANDLING = [
    ("reports", "view_report"),
    ("reports", "change_report"),
    ("reports", "view_category"),
    ("reports", "view_department"),
    ("reports", "view_route"),
    ("reports", "view_statuschange"),
    ("reports", "view_supporter"),
    ("reports", "view_photo"),
    ("reports", "add_internalnote"),
    ("reports", "view_internalnote"),
    ("reports", "add_forward"),
    ("reports", "change_forward"),
    ("reports", "view_forward"),
    ("reports", "view_feedback"),
    # What was improved from residents' feedback ("U zei, wij deden").
    ("reports", "add_improvement"),
    ("reports", "change_improvement"),
    ("reports", "view_improvement"),
    ("reports", "view_question"),
    ("reports", "change_question"),
    ("reports", "view_topic"),
]
_STAFF_PERMISSIONS = {"Area manager": _HANDLING}


class ReportsConfig(AppConfig):
    """Reports about the public space (meldingen openbare ruimte)."""

    name = "reports"
    verbose_name = _("Public-space reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common import attention, figures, public_cache, search
        from common.uploads import delete_files_with_rows
        from neighbourhoods import area_monitor, monitor
        from neighbourhoods.areas import register_area_model
        from notifications.kinds import register_kind
        from reports import access, actions, figures_admin, improvements, question_actions
        from reports import monitor as report_monitor
        from reports.models import Photo, QuestionQuerySet, Report, ReportQuerySet
        from reports.search import find_questions

        public_cache.register_public_app(
            self.label,
            quiet_models=("reports.internalnote", "reports.forward", "reports.open311client"),
            # Reports, questions and what was done show on the reports app's own pages
            # (and on the city-wide ones, which every change renews).
            tags=("reports",),
        )
        register_area_model(Report, "neighbourhood")
        # A report's photos (perhaps with faces or number plates) leave storage with
        # their rows, also when the report is erased, once the deletion is committed.
        delete_files_with_rows(Photo, "file")
        access.register()
        monitor.register_counts(
            monitor.CountSource(
                "reports", report_monitor.status_choices, report_monitor.counts_by_neighbourhood
            )
        )
        monitor.register_provider(report_monitor.neighbourhood_indicators)
        area_monitor.register_locator(report_monitor.locate_in_buurten)
        area_monitor.register_located_counts(
            area_monitor.LocatedCount(
                "reports",
                report_monitor.located_label,
                (area_monitor.WIJK, area_monitor.BUURT, area_monitor.STREET),
                report_monitor.located_counts,
            )
        )
        figures.register_figures(
            figures.FiguresKind(
                figures_admin.FIGURES,
                figures_admin.compute_selection,
                figures_admin.default_selections,
            )
        )
        figures.register_figures(
            figures.FiguresKind(
                improvements.FIGURES,
                improvements.compute_selection,
                improvements.default_selections,
            )
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Public-space reports past their term"),
                "reports.view_report",
                "reports_report",
                {"term": "overdue"},
                lambda rows: cast(ReportQuerySet, rows).overdue().count(),
            )
        )
        register_kind(
            actions.REOPENED_KIND,
            _("Public-space reports of your department that a reporter reopened"),
            subject=_("A report was reopened"),
            audience=lambda user: user.is_staff,
        )
        register_kind(
            question_actions.ANSWERED_KIND,
            _("Answers to questions you asked the municipality"),
            subject=_("The answer to your question"),
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Questions past their term"),
                "reports.view_question",
                "reports_question",
                {"term": "overdue"},
                lambda rows: cast(QuestionQuerySet, rows).overdue().count(),
            )
        )
        search.register_fields("reports.Question", ["public_text"], ["public_answer"])
        search.register(
            search.Kind("questions", _("Questions and answers"), find_questions), position=65
        )
        register_kind(
            actions.KIND,
            _("News about public-space reports you made or also saw"),
            subject=_("News about your report"),
        )
        post_migrate.connect(_create_defaults, sender=self)


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: the first departments and categories, and the staff
    roles' permissions."""
    try:
        apps.get_model("reports", "Category")
    except LookupError:
        return
    from common.permissions import grant_permissions
    from reports import reference

    reference.load(apps)
    reference.load_feedback_reasons(apps)
    reference.load_question_defaults(apps)
    grant_permissions(apps, _STAFF_PERMISSIONS)
