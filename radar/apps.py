from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadarConfig(AppConfig):
    name = "radar"
    verbose_name = _("Buurtradar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """New items are found by signals: every save of a row of a kind the radar tells
        about, once public, is handed to ``radar.tasks.enqueue`` after its transaction
        commits (once per transaction and item). The domain apps know nothing of the
        radar. A programme that is published makes its projects news."""
        from django.db.models.signals import post_save

        from common.transactions import once_after_commit
        from neighbourhoods.models import Programme
        from notifications.kinds import register_kind
        from radar import actions, sources, tasks
        from radar.models import Kind

        def connect(source: sources.Source) -> None:
            def saved(sender, instance, raw=False, **kwargs) -> None:
                if not raw and source.is_public(instance):
                    once_after_commit(tasks.enqueue, source.kind, instance.pk)

            post_save.connect(
                saved, sender=source.model, weak=False, dispatch_uid=f"radar:{source.kind}"
            )

        for source in sources.SOURCES.values():
            connect(source)

        def programme_saved(sender, instance, raw=False, **kwargs) -> None:
            if not raw and instance.is_published:
                for pk in sources.projects_of(instance):
                    once_after_commit(tasks.enqueue, Kind.PROJECTS, pk)

        post_save.connect(
            programme_saved, sender=Programme, weak=False, dispatch_uid="radar:programme"
        )

        register_kind(
            actions.RADAR,
            _("News in your saved areas (buurtradar)"),
            subject=_("New in your buurtradar"),
            unsubscribe_subject=actions.stop_emails,
        )
        register_kind(
            actions.RADAR_DIGEST,
            _("Overview of your saved areas (buurtradar)"),
            subject=_("Your buurtradar overview"),
            default_in_app=False,
            unsubscribe_subject=actions.stop_emails,
        )
