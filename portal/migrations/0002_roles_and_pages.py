"""Roles as groups, and first versions of the privacy and accessibility statements
(staff edit them in the admin afterwards)."""

from django.db import migrations

ROLES = [
    "Resident",
    "Initiative broker",
    "Area manager",
    "Researcher",
    "Procurement officer",
]

PAGES = [
    {
        "slug": "privacy",
        "title_nl": "Privacyverklaring",
        "title_en": "Privacy statement",
        "body_nl": (
            "De gemeente verwerkt op dit portaal alleen de persoonsgegevens die nodig zijn "
            "om mee te doen: uw e-mailadres om in te loggen en u te informeren, en wat u zelf "
            "invult bij een initiatief, een reactie of een inschrijving.\n\n"
            "Antwoorden op anonieme enquêtes zijn niet aan u te koppelen. We gebruiken geen "
            "volgcookies en laden niets van andere websites.\n\n"
            "U kunt uw gegevens inzien, downloaden en laten verwijderen via uw account. "
            "Vragen? Neem contact op met de functionaris gegevensbescherming van de gemeente."
        ),
        "body_en": (
            "On this portal the municipality processes only the personal data needed to take "
            "part: your email address to sign in and keep you informed, and what you enter "
            "yourself in an initiative, a comment or a registration.\n\n"
            "Answers to anonymous surveys cannot be linked to you. We use no tracking cookies "
            "and load nothing from other websites.\n\n"
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
            "Loopt u toch tegen een probleem aan? Laat het ons weten, dan lossen we het op of "
            "helpen we u op een andere manier."
        ),
        "body_en": (
            "The municipality wants everyone to be able to use this portal. It is built to "
            "WCAG 2.1 level AA and is tested automatically with axe-core on every change.\n\n"
            "Still run into a problem? Let us know and we will fix it or help you another way."
        ),
    },
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    PortalPage = apps.get_model("portal", "PortalPage")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for page in PAGES:
        PortalPage.objects.get_or_create(slug=page["slug"], defaults=page)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
