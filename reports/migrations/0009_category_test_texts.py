"""The first categories came from a test fixture of Signalen and carried its test texts
("Dit is een testje", "blah", a whole sentence as a name). Where an installation still
has them unchanged, they get the real name and description that a fresh installation
now gets from ``reports/data/categories.json``; texts staff changed are left alone."""

from django.db import migrations

# slug: (name as seeded, description as seeded, new name, new description)
FIXES = {
    "container-is-vol": (
        "Container is vol",
        "Dit is een testje",
        "Container is vol",
        "De container voor restafval, papier of plastic zit vol en er kan niets meer in.",
    ),
    "container-is-kapot": (
        "Restafval container is kapot of vol. Of er is iets anders aan de hand. In elk geval "
        "er kan niks meer in de container.",
        "Een verhaal over een kapotte container",
        "Container is kapot",
        "De klep, het slot of de container zelf is kapot.",
    ),
    "maaien-snoeien": (
        "Maaien",
        "blah",
        "Maaien en snoeien",
        "Gras dat gemaaid moet worden, of takken en struiken die over de stoep of de weg "
        "hangen.",
    ),
    "lantaarnpaal-straatverlichting": (
        "Straatverlichting",
        "Dit is een tekst",
        "Straatverlichting",
        "Een lantaarnpaal die niet brandt, knippert of beschadigd is.",
    ),
    "boom": (
        "Boom - dood",
        "Boom dood",
        "Boom - dood",
        "Een boom die dood is of dood lijkt te gaan.",
    ),
    "container-bijplaatsing": (
        "Afval naast de container",
        "Meldingen bijplaatsing naast container",
        "Afval naast de container",
        "Vuilniszakken of spullen die naast een container zijn neergezet.",
    ),
}


def fix(apps, schema_editor):
    category_model = apps.get_model("reports", "Category")
    for slug, (old_name, old_description, name, description) in FIXES.items():
        category_model.objects.filter(slug=slug, name_nl=old_name).update(name_nl=name)
        category_model.objects.filter(slug=slug, description_nl=old_description).update(
            description_nl=description
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_report_queue_order_index")]

    operations = [migrations.RunPython(fix, migrations.RunPython.noop)]
