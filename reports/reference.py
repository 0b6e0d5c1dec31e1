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
    if reason_model.objects.filter(applies_to="report").exists():
        return 0
    rows = [
        reason_model(answer=answer, text_nl=nl, text_en=en, position=position)
        for answer, reasons in FEEDBACK_REASONS.items()
        for position, (nl, en) in enumerate(reasons)
    ]
    reason_model.objects.bulk_create(rows)
    return len(rows)


# Questions to the municipality (webcare): the first topics, each with the department
# that answers and a term; and the standard reasons an asker can tick afterwards.
QUESTION_DEPARTMENTS = {"publiek": "Publiekszaken"}
TOPICS = [
    # slug, Dutch, English, department, term in working days
    ("afval", "Afval en containers", "Waste and containers", "afval", 5),
    ("groen", "Bomen, parken en water", "Trees, parks and water", "groen", 10),
    ("parkeren", "Parkeren en verkeer", "Parking and traffic", "wegen", 5),
    ("wegwerkzaamheden", "Wegwerkzaamheden", "Roadworks", "wegen", 10),
    ("overlast", "Overlast en handhaving", "Nuisance and enforcement", "handhaving", 5),
    ("vergunningen", "Vergunningen en evenementen", "Permits and events", "publiek", 10),
    ("overig", "Iets anders", "Something else", "publiek", 10),
]
QUESTION_FEEDBACK_REASONS = {
    "yes": [
        ("Snel antwoord", "A quick answer"),
        ("Duidelijk antwoord", "A clear answer"),
        ("Vriendelijk geholpen", "Helped in a friendly way"),
    ],
    "partly": [
        ("Maar een deel van mijn vraag is beantwoord", "Only part of my question was answered"),
        ("Het antwoord was niet helemaal duidelijk", "The answer was not entirely clear"),
        ("Het duurde lang", "It took a long time"),
    ],
    "no": [
        ("Mijn vraag is niet beantwoord", "My question was not answered"),
        ("Het antwoord klopt niet", "The answer is not right"),
        ("Het antwoord is onduidelijk", "The answer is unclear"),
        ("Het duurde te lang", "It took too long"),
    ],
}


def load_question_defaults(apps: Apps) -> int:
    """Create the question topics (with a department for questions that are not about
    the street) and the askers' feedback reasons where there are none yet; returns how
    many topics were made."""
    try:
        topic_model = apps.get_model("reports", "Topic")
        reason_model = apps.get_model("reports", "FeedbackReason")
        department_model = apps.get_model("reports", "Department")
    except LookupError:
        return 0
    if not reason_model.objects.filter(applies_to="question").exists():
        reason_model.objects.bulk_create(
            reason_model(
                answer=answer, applies_to="question", text_nl=nl, text_en=en, position=position
            )
            for answer, reasons in QUESTION_FEEDBACK_REASONS.items()
            for position, (nl, en) in enumerate(reasons)
        )
    if topic_model.objects.exists():
        return 0
    names = {**DEPARTMENTS, **QUESTION_DEPARTMENTS}
    made = 0
    for position, (slug, name_nl, name_en, department, term) in enumerate(TOPICS):
        topic_model.objects.create(
            slug=slug,
            name_nl=name_nl,
            name_en=name_en,
            department=department_model.objects.get_or_create(
                slug=department, defaults={"name": names[department]}
            )[0],
            term_working_days=term,
            position=position,
        )
        made += 1
    return made
