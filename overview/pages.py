"""First versions of the privacy and accessibility statements (staff edit them in the
admin afterwards), created after every ``migrate`` or ``flush`` where missing; existing
pages are never overwritten."""

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


def create_pages(page_model) -> None:
    """Create what is missing; takes the model class so a migration could pass its
    historical model."""
    for page in PAGES:
        page_model.objects.get_or_create(slug=page["slug"], defaults=page)
