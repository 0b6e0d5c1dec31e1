"""A panel, the resident survey of the last three years with published results (and
enough responses to publish), indicators with targets, an open panel poll with
invitations, and an open feedback survey."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from surveys import actions, evaluations
from surveys.models import (
    AgeBand,
    Answer,
    Choice,
    Indicator,
    IndicatorYear,
    Question,
    Response,
    Survey,
)

QUESTIONS = [
    (
        "waardering-betrekken",
        Question.Kind.RATING,
        "Welk rapportcijfer geef je de manier waarop de gemeente inwoners betrekt bij beleid?",
    ),
    (
        "waardering-dienstverlening",
        Question.Kind.RATING,
        "Welk rapportcijfer geef je de dienstverlening van de gemeente?",
    ),
    ("buurt-veilig", Question.Kind.LIKERT, "Ik voel me veilig in mijn buurt."),
    (
        "meegedaan",
        Question.Kind.YESNO,
        "Heb je het afgelopen jaar meegedaan aan een bewonersavond of initiatief?",
    ),
    ("verbeterpunt", Question.Kind.SINGLE, "Wat moet de gemeente als eerste verbeteren?"),
    ("toelichting", Question.Kind.TEXT, "Wil je je antwoord toelichten?"),
]
CHOICES = [
    ("groen", "Meer groen"),
    ("verkeer", "Verkeersveiligheid"),
    ("ontmoeting", "Plekken om elkaar te ontmoeten"),
    ("afval", "Afval en netheid"),
]
INDICATORS = [
    (
        "waardering-betrekken",
        "Waardering wijze waarop gemeente burgers betrekt bij beleid",
        "Rating of how the municipality involves residents in its policy",
        [6.0, 6.2, 6.4],
    ),
    (
        "waardering-dienstverlening",
        "Waardering dienstverlening gemeente",
        "Rating of the municipality's services",
        [7.0, 7.1, 7.2],
    ),
]
RESPONSES_PER_YEAR = 520
EVALUATION_RESPONSES = 64


def _survey(year: int, previous: Survey | None) -> Survey:
    opens = timezone.make_aware(timezone.datetime(year, 3, 1, 9, 0))
    survey, created = Survey.objects.get_or_create(
        slug=f"burgerpeiling-{year}",
        defaults={
            "title": f"Burgerpeiling {year}",
            "kind": Survey.Kind.RESIDENT,
            "audience": Survey.Audience.SAMPLE,
            "intro": "Hoe tevreden ben je over de gemeente en je buurt?",
            "opens_at": opens,
            "closes_at": opens + timedelta(days=28),
            "weighted": True,
            "previous": previous,
            "closed_at": opens + timedelta(days=28),
            "results_published_at": opens + timedelta(days=40),
        },
    )
    if not created:
        return survey
    for order, (code, kind, text) in enumerate(QUESTIONS):
        question = Question.objects.create(
            survey=survey,
            order=order,
            page=1 + order // 3,
            code=code,
            kind=kind,
            text=text,
            required=kind != Question.Kind.TEXT,
        )
        if kind == Question.Kind.SINGLE:
            for number, (value, label) in enumerate(CHOICES):
                Choice.objects.create(question=question, order=number, value=value, label=label)
    return survey


def _responses(survey: Survey, neighbourhoods, year: int, count: int = RESPONSES_PER_YEAR) -> None:
    """``count`` answered questionnaires; without neighbourhoods, without groups (as
    an evaluation's answers come in)."""
    if survey.responses.exists():
        return
    rng = random.Random(year)  # noqa: S311  demo data, repeatable
    questions = list(survey.questions.prefetch_related("choices"))
    shift = (year - 2024) * 0.2
    responses = []
    for _number in range(count):
        neighbourhood = rng.choice(neighbourhoods) if neighbourhoods else None
        responses.append(
            Response(
                survey=survey,
                neighbourhood=neighbourhood,
                age_band=rng.choice(AgeBand.values) if neighbourhoods else "",
                submitted_on=(survey.opens_at + timedelta(days=rng.randint(0, 27))).date(),
            )
        )
    Response.objects.bulk_create(responses)
    answers = []
    for response in responses:
        for question in questions:
            if question.kind == Question.Kind.RATING:
                value = min(10, max(1, round(rng.gauss(6.2 + shift, 1.4))))
                answers.append(Answer(response=response, question=question, value_number=value))
            elif question.kind == Question.Kind.LIKERT:
                value = min(5, max(1, round(rng.gauss(3.6, 0.9))))
                answers.append(Answer(response=response, question=question, value_number=value))
            elif question.kind == Question.Kind.YESNO:
                answers.append(
                    Answer(
                        response=response, question=question, value_number=int(rng.random() < 0.3)
                    )
                )
            elif question.kind == Question.Kind.SINGLE:
                answers.append(
                    Answer(
                        response=response,
                        question=question,
                        choice=rng.choice(list(question.choices.all())),
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=2000)


def seed(demo) -> None:
    neighbourhoods = demo.extra["neighbourhoods"]
    this_year = timezone.localdate().year
    previous = None
    surveys = {}
    for year in range(this_year - 2, this_year + 1):
        survey = _survey(year, previous)
        _responses(survey, neighbourhoods, year)
        surveys[year] = survey
        previous = survey
    # Participants asked how taking part went (the initiatives' demo decisions created
    # this year's evaluation): answers in, and a target for the participants' indicator.
    evaluation = evaluations.evaluation_survey(evaluations.TAKING_PART, this_year)
    _responses(evaluation, [], this_year, count=EVALUATION_RESPONSES)
    IndicatorYear.objects.filter(
        indicator__slug=evaluations.INDICATOR, year=this_year, target=None
    ).update(target=Decimal("6.5"))
    for code, name, name_en, targets in INDICATORS:
        indicator, _created = Indicator.objects.get_or_create(
            slug=code, defaults={"name": name, "name_en": name_en, "unit": "rapportcijfer"}
        )
        for offset, year in enumerate(sorted(surveys)):
            IndicatorYear.objects.get_or_create(
                indicator=indicator,
                year=year,
                defaults={
                    "target": targets[offset],
                    "question": surveys[year].questions.get(code=code),
                },
            )
        IndicatorYear.objects.get_or_create(
            indicator=indicator, year=this_year + 1, defaults={"target": targets[-1] + 0.1}
        )

    for index, resident in enumerate(demo.residents):
        actions.join_panel(
            user=resident,
            neighbourhood=resident.home_neighbourhood or neighbourhoods[0],
            age_band=AgeBand.values[index % len(AgeBand.values)],
        )
    now = timezone.now()
    poll, created = Survey.objects.get_or_create(
        slug="panelpeiling-groen",
        defaults={
            "title": "Panelpeiling: groen in de wijk",
            "kind": Survey.Kind.PANEL,
            "audience": Survey.Audience.PANEL,
            "intro": "Vijf minuten over het groen in je buurt.",
            "opens_at": now - timedelta(days=2),
            "closes_at": now + timedelta(days=26),
        },
    )
    if created:
        rating = Question.objects.create(
            survey=poll,
            order=1,
            page=1,
            code="groen-tevreden",
            kind=Question.Kind.RATING,
            text="Welk rapportcijfer geef je het groen in je buurt?",
        )
        wish = Question.objects.create(
            survey=poll,
            order=2,
            page=2,
            kind=Question.Kind.MULTIPLE,
            text="Wat wil je meer zien?",
            required=False,
        )
        for number, (value, label) in enumerate(
            [("bomen", "Bomen"), ("bloemen", "Bloemen en planten"), ("speelgroen", "Speelgroen")]
        ):
            Choice.objects.create(question=wish, order=number, value=value, label=label)
        Question.objects.create(
            survey=poll,
            order=3,
            page=2,
            kind=Question.Kind.TEXT,
            text="Waarom geef je dit cijfer?",
            required=False,
            show_if_question=rating,
            show_if_value="4",
        )
        actions.invite_whole_panel(survey=poll)
        actions.start_sending(survey=poll)  # the demo's emails are dropped, not delivered
    Survey.objects.get_or_create(
        slug="feedback-balie",
        defaults={
            "title": "Hoe was je bezoek aan de balie?",
            "kind": Survey.Kind.FEEDBACK,
            "audience": Survey.Audience.OPEN,
            "one_page": True,
            "opens_at": now - timedelta(days=30),
            "closes_at": now + timedelta(days=335),
            "reminder_days": "",
        },
    )
    feedback = Survey.objects.get(slug="feedback-balie")
    if not feedback.questions.exists():
        Question.objects.create(
            survey=feedback,
            order=1,
            kind=Question.Kind.RATING,
            text="Welk rapportcijfer geef je je bezoek?",
        )
        Question.objects.create(
            survey=feedback,
            order=2,
            kind=Question.Kind.TEXT,
            required=False,
            text="Wat kan beter?",
        )
