from django.apps import AppConfig
from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

# Staff roles that work on initiatives, and the permissions they get by default:
# area managers follow and answer initiatives; brokers also moderate, keep the themes and
# take pitches off initiative markets.
_ANSWERING = [
    ("initiatives", "view_initiative"),
    ("initiatives", "change_initiative"),
    ("initiatives", "add_internalnote"),
    ("initiatives", "view_internalnote"),
    ("initiatives", "view_statuschange"),
    ("initiatives", "view_comment"),
    ("initiatives", "view_commentreport"),
    ("initiatives", "view_theme"),
    ("initiatives", "view_marketpitch"),
]
_STAFF_PERMISSIONS = {
    "Area manager": _ANSWERING,
    "Initiative broker": [
        *_ANSWERING,
        ("initiatives", "change_comment"),
        ("initiatives", "moderate_comment"),
        ("initiatives", "change_theme"),
        ("initiatives", "delete_marketpitch"),
    ],
}

# A fresh installation starts with these themes (only when there are none at all).
DEFAULT_THEMES = [
    ("groen", "Groen en natuur", "Greenery and nature"),
    ("spelen-en-sport", "Spelen en sport", "Play and sport"),
    ("cultuur-en-ontmoeting", "Cultuur en ontmoeting", "Culture and meeting"),
    ("verkeer-en-veiligheid", "Verkeer en veiligheid", "Traffic and safety"),
    ("duurzaamheid", "Duurzaamheid", "Sustainability"),
    ("zorg-en-welzijn", "Zorg en welzijn", "Care and wellbeing"),
]


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = _("Citizen initiatives")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from common import attention, public_cache, search
        from common.uploads import delete_files_with_rows
        from initiatives import access, actions
        from initiatives import monitor as located_monitor
        from initiatives.models import Attachment, Comment, Initiative, MarketPitch
        from initiatives.monitor import answer_day_medians, counts_by_neighbourhood, status_choices
        from initiatives.search import find_initiatives
        from neighbourhoods import area_monitor, monitor
        from neighbourhoods.areas import register_area_model
        from neighbourhoods.sections import register_section
        from notifications.kinds import is_staff, register_kind
        from notifications.models import EmailFrequency
        from privacy.registry import ErasureOption, register_erasure_option

        # An attachment's file goes with its row (removed by hand, or with the whole
        # initiative), once the deletion is committed.
        delete_files_with_rows(Attachment, "file")

        public_cache.register_public_app(
            self.label,
            quiet_models=(
                "initiatives.internalnote",
                "initiatives.coinitiatorinvitation",
                "initiatives.follow",
                "initiatives.commentreport",
            ),
        )
        # One initiative's page; the lists and counts (supporters); and the pages of other
        # apps that name it (its neighbourhood's page, agenda, programmes, markets).
        public_cache.register_public_model(
            "initiatives.initiative",
            lambda row: (f"initiative:{row.pk}", "initiatives", "initiative-names"),
        )
        public_cache.register_public_model(
            "initiatives.statuschange",
            lambda row: (f"initiative:{row.initiative_id}", "initiatives", "initiative-names"),
        )
        for counted in ("initiatives.support", "initiatives.attachment"):
            public_cache.register_public_model(
                counted, lambda row: (f"initiative:{row.initiative_id}", "initiatives")
            )
        # Comments show on their initiative's page only (the lists count no comments).
        public_cache.register_public_model(
            "initiatives.comment", lambda row: (f"initiative:{row.initiative_id}",)
        )
        register_area_model(Initiative, "neighbourhood")
        access.register()
        register_area_model(Comment, "initiative__neighbourhood")
        register_area_model(MarketPitch, "initiative__neighbourhood")
        search.register_fields(
            "initiatives.Initiative",
            ["title"],
            ["summary", "description", "address"],
            stored=True,
        )
        search.register(search.Kind("initiatives", _("Initiatives"), find_initiatives), position=10)
        attention.register_queue(
            attention.QueueDefinition(
                _("Initiatives past their answer term"),
                "initiatives.view_initiative",
                "initiatives_initiative",
                {"deadline": "overdue"},
                lambda rows: rows.overdue().count(),
            )
        )
        attention.register_queue(
            attention.QueueDefinition(
                _("Reported comments waiting for moderation"),
                "initiatives.view_comment",
                "initiatives_comment",
                {"moderation": "waiting"},
                lambda rows: rows.awaiting_moderation().count(),
            )
        )
        monitor.register_counts(
            monitor.CountSource("initiatives", status_choices, counts_by_neighbourhood)
        )
        monitor.register_answer_days(answer_day_medians)
        area_monitor.register_located_counts(
            area_monitor.LocatedCount(
                "initiatives",
                located_monitor.located_label,
                (area_monitor.WIJK,),
                located_monitor.located_counts,
            )
        )
        register_section(
            "initiatives",
            lambda neighbourhood: (
                Initiative.objects.public()
                .filter(neighbourhood=neighbourhood)
                .for_listing()
                .sorted_by("newest")[:5]
            ),
        )
        register_erasure_option(
            ErasureOption(
                key="withdraw_open_initiatives",
                label=_("Also withdraw my drafts and my initiatives that still await a decision"),
                staff_label=_(
                    "Also withdraw the person's drafts and initiatives that await a decision"
                ),
                help_text=_(
                    "Without this, initiatives you submitted stay public under “a former resident”."
                ),
                apply=lambda user: actions.withdraw_all_open(user=user),
            )
        )
        post_migrate.connect(_create_defaults, sender=self)
        register_kind(
            actions.UPDATE,
            _("News about initiatives you follow"),
            subject=_("News about an initiative"),
        )
        register_kind(
            actions.RECEIPT,
            _("Receipts of initiatives you submit"),
            subject=_("We received your initiative"),
        )
        register_kind(
            actions.COMMENTS,
            _("New comments on your initiatives"),
            default_email=EmailFrequency.DAILY,
            subject=_("New comment on your initiative"),
        )
        register_kind(
            actions.HIDDEN, _("Moderation of your comments"), subject=_("Your comment was hidden")
        )
        register_kind(
            actions.STAFF,
            _("Initiatives to handle (staff)"),
            subject=_("An initiative to handle"),
            audience=is_staff,
        )
        register_kind(
            actions.MODERATION,
            _("Comments waiting for moderation (staff)"),
            subject=_("Comments waiting for moderation"),
            audience=is_staff,
        )


def _create_defaults(apps=global_apps, **kwargs) -> None:
    """After migrate or flush: the six kinds of support, first themes and the staff
    roles' permissions (create_permissions has run for this app by then)."""
    try:
        support_kind = apps.get_model("initiatives", "SupportKind")
        theme_model = apps.get_model("initiatives", "Theme")
    except LookupError:
        return
    from common.permissions import grant_permissions
    from initiatives.models import SupportKind

    for code in SupportKind.Code.values:
        support_kind.objects.get_or_create(code=code)
    if not theme_model.objects.exists():
        for slug, name_nl, name_en in DEFAULT_THEMES:
            theme_model.objects.create(slug=slug, name_nl=name_nl, name_en=name_en)
    grant_permissions(apps, _STAFF_PERMISSIONS)
