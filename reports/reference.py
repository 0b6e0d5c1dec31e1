"""The first departments and categories of a fresh installation, from
``reports/data/categories.json`` (a subset of the Signalen tree, MPL-2.0: see
``reports/data/NOTICE.md``). Loaded after ``migrate`` or ``flush`` only when there are no
categories at all; from then on staff maintain them in the back office."""

import json
from pathlib import Path

from django.apps.registry import Apps

DATA = Path(__file__).resolve().parent / "data" / "categories.json"

DEPARTMENTS = {
    "afval": "Afval en reiniging",
    "groen": "Groen en water",
    "wegen": "Wegen en verkeer",
    "handhaving": "Toezicht en handhaving",
}


def load(apps: Apps) -> int:
    """Create the departments and categories where none exist; returns how many
    categories were made."""
    category_model = apps.get_model("reports", "Category")
    department_model = apps.get_model("reports", "Department")
    if category_model.objects.exists():
        return 0
    departments = {
        slug: department_model.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in DEPARTMENTS.items()
    }
    tree = json.loads(DATA.read_text(encoding="utf-8"))["categories"]
    made = 0
    for position, main in enumerate(tree):
        parent = category_model.objects.create(
            slug=main["slug"],
            name_nl=main["name_nl"],
            name_en=main["name_en"],
            department=departments[main["department"]],
            position=position,
        )
        made += 1
        for sub_position, sub in enumerate(main["subcategories"]):
            category_model.objects.create(
                parent=parent,
                slug=sub["slug"],
                name_nl=sub["name_nl"],
                name_en=sub["name_en"],
                description_nl=sub["description_nl"],
                term_working_days=sub["term_working_days"],
                reopen_allowed=sub["reopen_allowed"],
                position=sub_position,
            )
            made += 1
    return made


# The standard reasons a reporter can tick after a closed report, per answer; created
# where there are none yet, then maintained by staff in the back office.
FEEDBACK_REASONS = {
    "yes": [
        ("Het ging snel", "It was quick"),
        ("Goed op de hoogte gehouden", "I was kept well informed"),
        ("Netjes opgelost", "It was fixed properly"),
    ],
    "partly": [
        ("Maar een deel is opgelost", "Only part of it was fixed"),
        ("Het duurde lang", "It took a long time"),
        ("Ik hoorde weinig over de voortgang", "I heard little about the progress"),
    ],
    "no": [
        ("Het probleem is er nog", "The problem is still there"),
        ("Gemeld als opgelost, maar er is niets gedaan", "Marked as solved, but nothing was done"),
        ("Geen uitleg waarom het niet is opgepakt", "No explanation why it was not handled"),
        ("Het duurde te lang", "It took too long"),
    ],
}


def load_feedback_reasons(apps: Apps) -> int:
    """Create the standard feedback reasons where none exist; returns how many."""
    try:
        reason_model = apps.get_model("reports", "FeedbackReason")
    except LookupError:
        return 0
    if reason_model.objects.exists():
        return 0
    rows = [
        reason_model(answer=answer, text_nl=nl, text_en=en, position=position)
        for answer, reasons in FEEDBACK_REASONS.items()
        for position, (nl, en) in enumerate(reasons)
    ]
    reason_model.objects.bulk_create(rows)
    return len(rows)
