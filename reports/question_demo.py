"""Demo questions to the municipality (webcare): three dozen over the past months, in
the residents' own words; most answered (some in public, with the question as a
colleague published it), a few still open and some of those past their term; and the
askers' answers to "is your question answered?" for a part of the answered ones."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from common import workdays
from reports.demo_feedback import seed_feedback
from reports.models import (
    Answer,
    Question,
    QuestionStatus,
    Topic,
)

# (topic, the question as asked, the question as published, the answer)
QUESTIONS = [
    (
        "afval",
        "Wanneer wordt het oud papier in de Lindenlaan opgehaald? De container staat al vol.",
        "Wanneer wordt het oud papier in de Lindenlaan opgehaald?",
        "Het oud papier in de Lindenlaan wordt om de week op dinsdag opgehaald. In de "
        "afvalkalender in de app zie je de data voor jouw adres.",
    ),
    (
        "afval",
        "Mag ik mijn kerstboom gewoon naast de container zetten?",
        "Mag ik mijn kerstboom naast de container zetten?",
        "Nee, liever niet. In de tweede week van januari halen we kerstbomen op bij de "
        "vaste inzamelpunten. Daarna kun je hem gratis naar de milieustraat brengen.",
    ),
    (
        "afval",
        "Ik ben verhuisd naar de Molenweg 14 en heb nog geen gft-bak. Hoe kom ik daaraan?",
        "Hoe kom ik aan een gft-bak na een verhuizing?",
        "Je vraagt een gft-bak aan via het formulier 'Afvalbak aanvragen' op de website. "
        "Binnen tien werkdagen wordt hij bezorgd.",
    ),
    (
        "afval",
        "Waarom kost grofvuil ophalen ineens geld? Vorig jaar was het nog gratis.",
        "Waarom kost het ophalen van grofvuil geld?",
        "Sinds 1 januari betaal je een klein bedrag per ophaalbeurt. Zo houden we de "
        "afvalstoffenheffing voor iedereen lager. Zelf brengen naar de milieustraat blijft gratis.",
    ),
    (
        "afval",
        "Kan er een extra glasbak bij het winkelcentrum De Eemhof komen?",
        "Kan er een extra glasbak bij winkelcentrum De Eemhof komen?",
        "We hebben de glasbak daar in het voorjaar vaker laten legen. Een tweede bak past "
        "niet op het plein; we kijken of dat kan bij de herinrichting in 2027.",
    ),
    (
        "groen",
        "Wie snoeit de bomen in het Eemdalpark? Er hangen takken over het pad.",
        "Wie snoeit de bomen in het Eemdalpark?",
        "De gemeente snoeit de bomen in het park in de winter. Hangt er een tak gevaarlijk "
        "laag? Doe dan een melding, dan komen we eerder.",
    ),
    (
        "groen",
        "Mag ik de boomspiegel voor mijn huis zelf beplanten met bloemen?",
        "Mag ik een boomspiegel voor mijn huis zelf beplanten?",
        "Ja, dat mag. Kies planten met ondiepe wortels en laat de stam vrij. Met een "
        "buurtinitiatief kun je ook gratis plantjes aanvragen.",
    ),
    (
        "groen",
        "Wordt de vijver in de Stadstuinen dit jaar nog uitgebaggerd? Het stinkt in de zomer.",
        "Wordt de vijver in de Stadstuinen uitgebaggerd?",
        "Het waterschap baggert de vijver in oktober. Tot die tijd zetten we een "
        "fontein aan om het water in beweging te houden.",
    ),
    (
        "groen",
        "Mijn buurman heeft een grote eik gekapt. Mag dat zomaar zonder vergunning?",
        "Is voor het kappen van een grote boom een vergunning nodig?",
        "Voor een boom met een stamomtrek van meer dan 90 centimeter op 1,30 meter hoogte "
        "is een omgevingsvergunning nodig. Handhaving kijkt of die er is.",
    ),
    (
        "parkeren",
        "Hoe vraag ik een bezoekersvergunning aan voor mijn moeder die vaak langskomt?",
        "Hoe vraag ik een bezoekersvergunning aan?",
        "Een bezoekersvergunning vraag je aan met DigiD op de pagina Parkeren. Je krijgt "
        "een tegoed van 40 uur per maand.",
    ),
    (
        "parkeren",
        "Kan er een oplaadpaal voor elektrische auto's in de Beukenstraat komen?",
        "Kan er een oplaadpaal in de Beukenstraat komen?",
        "Ja. Vraag een openbare laadpaal aan als je een elektrische auto hebt en geen eigen "
        "oprit. Binnen drie maanden plaatsen we hem in de buurt van je huis.",
    ),
    (
        "parkeren",
        "Waarom is de parkeerplaats bij het station ineens betaald parkeren?",
        "Waarom is de parkeerplaats bij het station betaald parkeren?",
        "De gemeenteraad heeft in juni besloten tot betaald parkeren bij het station, "
        "zodat forenzen niet meer de buurt in rijden. Met de trein-parkeerkaart is het gratis.",
    ),
    (
        "parkeren",
        "Er wordt elke dag te hard gereden in de Schoolstraat. Komt er een drempel?",
        "Komt er een verkeersdrempel in de Schoolstraat?",
        "We meten in maart een maand lang de snelheid. Blijkt er te hard te worden "
        "gereden, dan komt de Schoolstraat op de lijst voor een drempel.",
    ),
    (
        "wegwerkzaamheden",
        "Hoe lang duurt de afsluiting van de Dorpsstraat nog? Ik heb daar mijn zaak.",
        "Hoe lang duurt de afsluiting van de Dorpsstraat?",
        "De werkzaamheden aan het riool duren tot en met 14 maart. Winkels blijven "
        "bereikbaar voor voetgangers en fietsers.",
    ),
    (
        "wegwerkzaamheden",
        "Wordt het fietspad langs de Eem ook verlicht als het vernieuwd wordt?",
        "Wordt het fietspad langs de Eem verlicht?",
        "Ja, er komt verlichting die vanzelf feller wordt als er iemand aankomt. Zo is het "
        "pad veilig en hebben dieren langs de rivier zo min mogelijk last.",
    ),
    (
        "overlast",
        "De buren van nummer 8 hebben elke nacht feest. Wat kan de gemeente doen?",
        "Wat kan de gemeente doen tegen geluidsoverlast van buren?",
        "Praat eerst met je buren; buurtbemiddeling kan helpen. Bij ernstige overlast in de "
        "nacht bel je de politie. Houd een logboek bij.",
    ),
    (
        "overlast",
        "Mogen er scooters op het voetpad bij de Markt parkeren?",
        "Mogen deelscooters op de stoep bij de Markt staan?",
        "Nee. Deelscooters horen in de vakken bij de Markt. Boa's spreken de aanbieders aan "
        "en laten scooters die verkeerd staan weghalen.",
    ),
    (
        "vergunningen",
        "Ik wil een straatfeest houden op Koningsdag. Heb ik een vergunning nodig?",
        "Heb ik een vergunning nodig voor een straatfeest?",
        "Voor een straatfeest zonder versterkte muziek en met de straat open voor hulpdiensten "
        "volstaat een melding, uiterlijk drie weken van tevoren.",
    ),
    (
        "vergunningen",
        "Mag ik een dakkapel plaatsen aan de achterkant van mijn huis?",
        "Mag ik een dakkapel aan de achterkant van mijn huis plaatsen?",
        "Aan de achterkant mag dat meestal zonder vergunning, als de dakkapel aan de regels "
        "voldoet. Kijk met de vergunningcheck wat voor jouw huis geldt.",
    ),
    (
        "vergunningen",
        "Hoe lang van tevoren moet ik een container voor bouwafval op straat aanvragen?",
        "Hoe lang van tevoren vraag ik een bouwcontainer op straat aan?",
        "Vraag het minstens vijf werkdagen van tevoren aan. Een container mag maximaal vier "
        "weken op straat staan.",
    ),
    (
        "overig",
        "Waar kan ik in Eemdal terecht voor hulp bij het invullen van formulieren?",
        "Waar kan ik terecht voor hulp bij formulieren?",
        "In de bibliotheek is elke woensdagochtend het Informatiepunt Digitale Overheid open. "
        "Je kunt zonder afspraak langskomen.",
    ),
    (
        "overig",
        "Komt er dit jaar weer een nieuwjaarsreceptie voor inwoners?",
        "Komt er een nieuwjaarsreceptie voor inwoners?",
        "Ja, op de tweede zondag van januari in het gemeentehuis, van 15 tot 17 uur. "
        "Iedereen is welkom.",
    ),
]
# Asked privately: the answer goes only to the asker.
PRIVATE = [
    (
        "afval",
        "Ik heb een boete voor afval naast de container gekregen, maar dat was niet van mij.",
    ),
    ("parkeren", "Mijn parkeervergunning is verlopen terwijl ik op tijd heb betaald. Hoe kan dat?"),
    ("vergunningen", "Wat is de stand van mijn aanvraag voor een uitrit bij de Kastanjelaan 21?"),
    ("overlast", "Bij mijn buurman staat al weken een caravan op de stoep. Mag dat?"),
    ("groen", "De boom voor mijn huis geeft zoveel schaduw dat mijn zonnepanelen niets doen."),
    ("overig", "Ik wil graag een gesprek met de wethouder over de plannen voor onze wijk."),
    ("afval", "Sinds mijn verhuizing krijg ik twee keer een aanslag afvalstoffenheffing."),
    ("parkeren", "Kan ik een gehandicaptenparkeerplaats voor mijn eigen deur aanvragen?"),
]
PRIVATE_ANSWER = (
    "Dank je wel voor je vraag. Een collega heeft je situatie bekeken; je hebt het "
    "antwoord ook per e-mail gekregen. Heb je nog vragen, stel ze gerust opnieuw."
)
# Still open: some within their term, some past it.
OPEN = [
    ("wegwerkzaamheden", "Wanneer wordt de Stationsweg opnieuw geasfalteerd?", True),
    ("parkeren", "Komen er meer fietsenrekken bij het station?", True),
    ("afval", "Kan de ondergrondse container bij de Vlierstraat vaker geleegd worden?", True),
    ("groen", "Mogen we als buurt een moestuin in het plantsoen aanleggen?", True),
    ("vergunningen", "Heb ik een vergunning nodig voor een zwembadje in mijn voortuin?", False),
    ("overlast", "Wat doet de gemeente tegen hangjongeren bij het speelveld?", False),
]
FEEDBACK_SHARE = 0.5
GRADES = {Answer.YES: (7, 10), Answer.PARTLY: (5, 7), Answer.NO: (2, 5)}
REMARKS = {
    Answer.YES: ["Duidelijk antwoord, dank je wel.", ""],
    Answer.PARTLY: ["Het antwoord kwam wel laat.", ""],
    Answer.NO: ["Mijn eigenlijke vraag is niet beantwoord.", ""],
}


def seed(demo) -> None:
    if Question.objects.exists():
        return
    topics = {topic.slug: topic for topic in Topic.objects.select_related("department")}
    residents = demo.residents
    if not residents or not all(slug in topics for slug, *_rest in QUESTIONS):
        return
    rng = random.Random(4)  # noqa: S311  # demo data, the same every run
    now = timezone.now()
    today = timezone.localdate()
    answerer = demo.superuser
    rows: list[Question] = []

    def asked(days_ago: float, slug: str, text: str, number: int, **fields) -> Question:
        topic = topics[slug]
        sent = now - timedelta(days=days_ago, hours=rng.uniform(0, 6))
        due = workdays.add_working_days(timezone.localdate(sent), topic.term_working_days)
        row = Question(
            topic=topic,
            text=text,
            department=topic.department,
            asker=residents[number % len(residents)],
            asker_language="nl",
            created_at=sent,
            submitted_at=sent,
            due_date=due,
            **fields,
        )
        rows.append(row)
        return row

    def answered_on(row: Question) -> datetime:
        # Most within the term, about one in five a few days late.
        lead = rng.randint(1, row.topic.term_working_days)
        if rng.random() < 0.2:
            lead += rng.randint(1, 4)
        day = workdays.add_working_days(timezone.localdate(row.submitted_at), lead)
        return timezone.make_aware(datetime.combine(min(day, today), time(14, 0)))

    for number, (slug, text, published, answer) in enumerate(QUESTIONS):
        row = asked(rng.uniform(20, 200), slug, text, number, is_public=True)
        row.status, row.public_text, row.public_answer = QuestionStatus.ANSWERED, published, answer
        row.answer = f"Dank je wel voor je vraag. {answer}"
        row.answered_at, row.answered_by, row.assigned_to = answered_on(row), answerer, answerer
    for number, (slug, text) in enumerate(PRIVATE):
        row = asked(rng.uniform(15, 150), slug, text, number + 2, is_public=False)
        row.status, row.answer = QuestionStatus.ANSWERED, PRIVATE_ANSWER
        row.answered_at, row.answered_by, row.assigned_to = answered_on(row), answerer, answerer
    for number, (slug, text, late) in enumerate(OPEN):
        days_ago = rng.uniform(18, 30) if late else rng.uniform(0, 2)
        asked(days_ago, slug, text, number + 3, is_public=number % 2 == 0, status="received")
    Question.objects.bulk_create(rows)
    _seed_feedback(rng, [row for row in rows if row.status == QuestionStatus.ANSWERED])


def _seed_feedback(rng: random.Random, answered: list[Question]) -> None:
    """Answers to "is your question answered?" for half of the answered questions."""

    def pick(question) -> tuple[datetime, str] | None:
        if rng.random() >= FEEDBACK_SHARE or question.answered_at is None:
            return None
        answer = rng.choices([Answer.YES, Answer.PARTLY, Answer.NO], [0.65, 0.22, 0.13])[0]
        return question.answered_at, answer

    seed_feedback(
        rng,
        answered,
        about="question",
        pick=pick,
        grades=GRADES,
        remarks=REMARKS,
        days_after=3,
        hour=2,
    )
