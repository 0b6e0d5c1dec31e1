from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadarConfig(AppConfig):
    name = "radar"
    verbose_name = _("Buurtradar")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """New items are found by signals: a row of a kind the radar tells about that is
        created public, or becomes public (compared with the stored row before the
        save), is handed to ``radar.tasks.enqueue`` after its transaction commits (once
        per transaction and item). Editing an item that was public already is no news.
        The domain apps know nothing of the radar. A programme that is published
        (``neighbourhoods.signals.programme_published``) makes its projects news."""
        from django.db.models.signals import post_save, pre_save

        from common.transactions import once_after_commit
        from neighbourhoods.models import Programme
        from neighbourhoods.signals import programme_published
        from notifications.kinds import register_kind
        from radar import actions, sources, tasks
        from radar.models import Kind

        def connect(source: sources.Source) -> None:
            def saving(sender, instance, raw=False, **kwargs) -> None:
                # Only a public row can be news; then one query: was it public before?
                instance._radar_new = (
                    not raw
                    and source.is_public(instance)
                    and (instance._state.adding or not sources.was_public(source, instance.pk))
                )

            def saved(sender, instance, raw=False, **kwargs) -> None:
                if getattr(instance, "_radar_new", False):
                    instance._radar_new = False
                    once_after_commit(tasks.enqueue, source.kind, instance.pk)

            uid = f"radar:{source.kind}"
            pre_save.connect(saving, sender=source.model, weak=False, dispatch_uid=uid)
            post_save.connect(saved, sender=source.model, weak=False, dispatch_uid=uid)

        for source in sources.SOURCES.values():
            connect(source)

        def published(sender, programme, **kwargs) -> None:
            for pk in sources.projects_of(programme):
                once_after_commit(tasks.enqueue, Kind.PROJECTS, pk)

        programme_published.connect(published, weak=False, dispatch_uid="radar:programme")

        def programme_saving(sender, instance, raw=False, **kwargs) -> None:
            # Published by a save (the admin) rather than by publish_programme: the
            # same news, once; an edit of a published programme is none.
            instance._radar_published = (
                not raw
                and instance.published_at is not None
                and (
                    instance._state.adding
                    or not Programme.objects.filter(
                        pk=instance.pk, published_at__isnull=False
                    ).exists()
                )
            )

        def programme_saved(sender, instance, **kwargs) -> None:
            if getattr(instance, "_radar_published", False):
                instance._radar_published = False
                published(sender, instance)

        pre_save.connect(
            programme_saving, sender=Programme, weak=False, dispatch_uid="radar:programme"
        )
        post_save.connect(
            programme_saved, sender=Programme, weak=False, dispatch_uid="radar:programme"
        )

        register_kind(
            actions.RADAR,
            _("News in your saved areas (buurtradar)"),
            subject=_("New in your buurtradar"),
            unsubscribe_subject=actions.stop_emails,
            describe_subject=actions.describe_area,
        )
        register_kind(
            actions.RADAR_DIGEST,
            _("Overview of your saved areas (buurtradar)"),
            subject=_("Your buurtradar overview"),
            default_in_app=False,
            unsubscribe_subject=actions.stop_emails,
            describe_subject=actions.describe_area,
        )
