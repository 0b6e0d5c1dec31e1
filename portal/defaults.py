"""What every installation has from its first migration on: the roles as auth groups
and first versions of the privacy and accessibility statements (staff edit them in the
admin afterwards). Used by the data migration and again after every ``migrate`` or
``flush`` (post_migrate), so a wiped table fills itself again; existing rows are never
overwritten."""

from portal.models import Role

PAGES = [
    {
        "slug": "privacy",
        "title_nl": "Privacyverklaring",
        "title_en": "Privacy statement",
        "body_nl": (
            "De gemeente verwerkt op dit portaal alleen de persoonsgegevens die nodig zijn "
            "om mee te doen: je e-mailadres om aan te melden en je te informeren, en wat je zelf "
            "invult bij een initiatief, een reactie of een inschrijving.\n\n"
            "Antwoorden op anonieme enquêtes zijn niet aan jou te koppelen. We gebruiken geen "
            "volgcookies. Alleen de kaartbeelden komen van een andere website: PDOK, de "
            "kaartdienst van de overheid; die ziet je IP-adres, niet wie je bent.\n\n"
            "Je kunt je gegevens inzien, downloaden en laten verwijderen via je account. "
            "Vragen? Neem contact op met de functionaris gegevensbescherming van de gemeente."
        ),
        "body_en": (
            "On this portal the municipality processes only the personal data needed to take "
            "part: your email address to sign in and keep you informed, and what you enter "
            "yourself in an initiative, a comment or a registration.\n\n"
            "Answers to anonymous surveys cannot be linked to you. We use no tracking cookies. "
            "Only the map images come from another website: PDOK, the government's map "
            "service; it sees your IP address, not who you are.\n\n"
            "You can view, download and delete your data through your account. Questions? "
            "Contact the municipality's data protection officer."
        ),
    },
    {
        "slug": "toegankelijkheid",
        "title_nl": "Toegankelijkheidsverklaring",
        "title_en": "Accessibility statement",
        "body_nl": (
            "De gemeente wil dat iedereen dit portaal kan gebruiken. Het portaal is gebouwd "
            "volgens de WCAG 2.1 op niveau AA en wordt bij elke wijziging automatisch getest "
            "met axe-core.\n\n"
            "Loop je toch tegen een probleem aan? Laat het ons weten, dan lossen we het op of "
            "helpen we je op een andere manier."
        ),
        "body_en": (
            "The municipality wants everyone to be able to use this portal. It is built to "
            "WCAG 2.1 level AA and is tested automatically with axe-core on every change.\n\n"
            "Still run into a problem? Let us know and we will fix it or help you another way."
        ),
    },
]


def create_defaults(group_model, page_model) -> None:
    """Create what is missing; takes the model classes so migrations can pass their
    historical models."""
    for role in Role:
        group_model.objects.get_or_create(name=role.value)
    for page in PAGES:
        page_model.objects.get_or_create(slug=page["slug"], defaults=page)


def grant_permissions(apps, grants: dict[str, list[tuple[str, str]]]) -> None:
    """Give staff roles their default permissions, ``{group: [(app_label, codename)]}``.
    Only adds; what an administrator granted or took away by hand for other permissions
    stays. Called from each app's post_migrate handler (its permissions exist by then)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, permissions in grants.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        for app_label, codename in permissions:
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
