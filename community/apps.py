from typing import cast

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

# Area managers approve the ambassadors of their neighbourhoods and ask for volunteers for
# agenda items and programme projects; initiative brokers moderate reported messages and
# offers, and keep the network themes.
_STAFF_PERMISSIONS = {
    "Area manager": [
        ("community", "view_membership"),
        ("community", "change_membership"),
        ("community", "view_volunteercall"),
        ("community", "add_volunteercall"),
        ("community", "change_volunteercall"),
        ("community", "view_networktheme"),
        ("community", "view_coachrequest"),
        ("community", "change_coachrequest"),
    ],
    "Initiative broker": [
        ("community", "view_coachrequest"),
        ("community", "change_coachrequest"),
        ("community", "view_networktheme"),
        ("community", "add_networktheme"),
        ("community", "change_networktheme"),
        ("community", "view_post"),
        ("community", "change_post"),
        ("community", "view_message"),
        ("community", "moderate_message"),
    ],
}

# A fresh installation starts with these themes (only when there are none at all).
DEFAULT_THEMES = [
    ("energie", "Energie", "Energy"),
    ("groen", "Groen", "Green"),
    ("zorg", "Zorg", "Care"),
    ("veiligheid", "Veiligheid", "Safety"),
    ("speelplekken", "Speelplekken", "Playgrounds"),
]


def _tags(slug: str | None) -> tuple[str, ...]:
    """This app's pages and those of the neighbourhood ``slug`` (everything when it is
    not known)."""
    return ("community", f"neighbourhood:{slug}") if slug else ("community", "everything")


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Residents together")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common import attention, public_cache
        from community import actions, figures, triage, views
        from community.models import (
            CoachRequest,
            Membership,
            MessageQuerySet,
            Network,
            Post,
            VolunteerCall,
            VolunteerResponse,
        )
        from initiatives import extensions
        from neighbourhoods import monitor
        from neighbourhoods.apps import neighbourhood_tags
        from neighbourhoods.areas import register_area_model
        from neighbourhoods.sections import register_section
        from notifications.kinds import is_staff, register_kind
        from notifications.models import EmailFrequency

        def with_neighbourhood(row) -> tuple[str, ...]:
            """A row with a ``neighbourhood`` of its own (a network, offer or call)."""
            return ("community", *(neighbourhood_tags(row) or ("everything",)))

        # Networks, ambassadors, offers and calls show on this app's pages ("community")
        # and on their neighbourhood's page; conversations show on no public page.
        public_cache.register_public_app(
            self.label,
            quiet_models=(
                "community.conversation",
                "community.message",
                "community.block",
                "community.messagereport",
            ),
            tags=("community",),
        )
        public_cache.register_public_model(
            "community.networktheme", lambda row: ("community", "everything")
        )
        for label in ("community.network", "community.post", "community.volunteercall"):
            public_cache.register_public_model(label, with_neighbourhood)
        # A membership and a response reach their neighbourhood in one query (the row
        # itself may be gone: a delete).
        public_cache.register_public_model(
            "community.membership",
            lambda row: _tags(
                Network.objects.filter(pk=row.network_id)
                .values_list("neighbourhood__slug", flat=True)
                .first()
            ),
        )
        public_cache.register_public_model(
            "community.volunteerresponse",
            lambda row: _tags(
                VolunteerCall.objects.filter(pk=row.call_id)
                .values_list("neighbourhood__slug", flat=True)
                .first()
            ),
        )
        # A coach shows on the initiative's page.
        public_cache.register_public_model(
            "community.coachrequest",
            lambda row: ("community", f"initiative:{row.initiative_id}"),
        )
        register_area_model(CoachRequest, "initiative__neighbourhood")
        register_area_model(Network, "neighbourhood")
        register_area_model(Membership, "network__neighbourhood")
        register_area_model(Post, "neighbourhood")
        register_area_model(VolunteerCall, "neighbourhood")
        register_area_model(VolunteerResponse, "call__neighbourhood")
        register_section("community", views.networks_of)
        # The coach on the initiative's page and in the triage list (initiatives'
        # extension points: initiatives never import this app).
        extensions.register_panel("coach", views.coach_panel, views.coach_panel_annotations)
        extensions.register_triage_column(triage.coach, triage.prepare)
        extensions.register_triage_filter(triage.CoachFilter)
        # Networks, ambassadors, offers and requests answered and volunteers found on
        # each neighbourhood's monitor (ambassadors and volunteers are people: small
        # counts hidden).
        monitor.register_counts(
            monitor.CountSource(
                "community",
                figures.figure_choices,
                figures.held_today,
                title=figures.title,
                people=figures.PEOPLE,
            )
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Ambassadors waiting for approval"),
                "community.change_membership",
                "community_membership",
                {"status__exact": Membership.Status.WAITING},
                lambda rows: rows.filter(status=Membership.Status.WAITING).count(),
            )
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Reported messages waiting for moderation"),
                "community.moderate_message",
                "community_message",
                {"moderation": "waiting"},
                lambda rows: cast(MessageQuerySet, rows).awaiting_moderation().count(),
            )
        )
        register_kind(
            actions.MESSAGES,
            _("Messages from other residents"),
            subject=_("A resident wrote to you"),
        )
        register_kind(
            actions.AMBASSADOR,
            _("Your request to be an ambassador"),
            subject=_("About your request to be an ambassador"),
        )
        register_kind(
            actions.HIDDEN,
            _("Moderation of your messages"),
            subject=_("Your message was hidden"),
        )
        register_kind(
            actions.STAFF,
            _("Ambassadors to approve (staff)"),
            subject=_("An ambassador to approve"),
            audience=is_staff,
            default_email=EmailFrequency.DAILY,
        )
        register_kind(
            actions.COACH_ASKED,
            _("Coaches asked for initiatives (staff)"),
            subject=_("An initiative asks for a coach"),
            audience=is_staff,
        )
        register_kind(
            actions.COACH,
            _("Coaching of initiatives"),
            subject=_("About the coach of an initiative"),
        )
        post_migrate.connect(_create_defaults, sender=self)


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: the first network themes and the staff roles' permissions."""
    try:
        theme_model = apps.get_model("community", "NetworkTheme")
    except LookupError:
        return
    from common.permissions import grant_permissions

    if not theme_model.objects.exists():
        for slug, name_nl, name_en in DEFAULT_THEMES:
            theme_model.objects.create(slug=slug, name_nl=name_nl, name_en=name_en)
    grant_permissions(apps, _STAFF_PERMISSIONS)
