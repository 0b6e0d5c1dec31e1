"""Demo public-space reports: 300 over the past year in Eemdal's neighbourhoods, with
realistic lead times (most within their category's term, some late), people who also
saw them, the open ones of the past weeks on the map, and the reporters' answers to
"is it solved?" for about four in ten closed ones; and three improvements made from those
answers ("U zei, wij deden")."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from common import workdays
from neighbourhoods.demo import streets_of
from neighbourhoods.models import Buurt, street_of
from reports import question_demo
from reports.demo_feedback import seed_feedback
from reports.models import (
    Answer,
    Category,
    FeedbackReason,
    Improvement,
    Report,
    Status,
    StatusChange,
    Supporter,
)

REPORTS = 300
FEEDBACK_SHARE = 0.4
# How a reporter answers, by how the report closed, and the grades that go with it.
ANSWERS = {
    Status.SOLVED: [(Answer.YES, 0.7), (Answer.PARTLY, 0.18), (Answer.NO, 0.12)],
    Status.DECLINED: [(Answer.YES, 0.05), (Answer.PARTLY, 0.15), (Answer.NO, 0.8)],
}
GRADES = {Answer.YES: (7, 10), Answer.PARTLY: (4, 7), Answer.NO: (1, 5)}
REMARKS = {
    Answer.YES: ["Snel en netjes, dank je wel!", ""],
    Answer.PARTLY: ["De tegels liggen er weer, maar de rommel is blijven liggen.", ""],
    Answer.NO: ["Er is niets veranderd.", ""],
}
WHAT = {
    "onderhoud-stoep-straat-en-fietspad": "Losse stoeptegels, je struikelt er zo over.",
    "lantaarnpaal-straatverlichting": "De lantaarnpaal brandt al een week niet meer.",
    "veegzwerfvuil": "Veel zwerfafval rond de bankjes.",
    "graffitiwildplak": "Graffiti op de muur van de onderdoorgang.",
    "container-is-vol": "De container zit vol, zakken staan ernaast.",
    "speelplaats": "De schommel in de speeltuin is kapot.",
    "boom": "Een grote tak hangt half los boven het fietspad.",
    "fietswrak": "Fietswrak staat al maanden aan het hek.",
}


def seed(demo) -> None:
    question_demo.seed(demo)
    if Report.objects.exists():
        return
    rng = random.Random(22)  # noqa: S311  # demo data, the same every run
    neighbourhoods = demo.extra.get("neighbourhoods", [])
    residents = demo.residents
    categories = list(Category.objects.reportable().filter(slug__in=WHAT))
    if not neighbourhoods or not residents or not categories:
        return
    now = timezone.now()
    today = timezone.localdate()
    reports, changes, supporters = [], [], []
    for number in range(REPORTS):
        category = rng.choice(categories)
        neighbourhood = rng.choice(neighbourhoods)
        ring = neighbourhood.boundary["coordinates"][0]
        west, south = ring[0]
        east, north = ring[2]
        sent = now - timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 8))
        sent_day = timezone.localdate(sent)
        due = workdays.add_working_days(sent_day, category.term_working_days)
        # Lead time: mostly within the term, a tail beyond it (about one in six late).
        lead = max(0, round(rng.lognormvariate(0, 0.6) * category.term_working_days * 0.6))
        closed_day = workdays.add_working_days(sent_day, lead)
        status, closed_at = Status.SOLVED, None
        if closed_day <= today:
            closed_at = timezone.make_aware(datetime.combine(closed_day, time(11, 30)))
            if rng.random() < 0.08:
                status = Status.DECLINED
        else:
            status = rng.choice([Status.RECEIVED, Status.IN_PROGRESS, Status.IN_PROGRESS])
        latitude, longitude = round(rng.uniform(south, north), 6), round(rng.uniform(west, east), 6)
        buurt = Buurt.objects.filter(neighbourhood=neighbourhood).containing(latitude, longitude)
        address = f"{neighbourhood.name}, Eemdal"
        if buurt is not None and rng.random() < 0.8:  # most with a street and number
            address = f"{rng.choice(streets_of(buurt))} {rng.randint(1, 120)}, Eemdal"
        report = Report(
            category=category,
            description=WHAT[category.slug],
            latitude=latitude,
            longitude=longitude,
            address=address,
            neighbourhood=neighbourhood,
            buurt=buurt,
            street=street_of(address),
            status=status,
            department=category.department_for(neighbourhood),
            reporter=residents[number % len(residents)],
            reporter_language="nl",
            created_at=sent,
            submitted_at=sent,
            due_date=due,
            closed_at=closed_at,
            photos_checked=True,
        )
        reports.append(report)
    Report.objects.bulk_create(reports)
    for report in reports:
        changes.append(
            StatusChange(
                report=report,
                status=Status.RECEIVED,
                key="received",
                created_at=report.submitted_at,
            )
        )
        if report.department_id:
            changes.append(
                StatusChange(
                    report=report,
                    status=Status.RECEIVED,
                    key="routed",
                    params={"department": report.department.name},
                    created_at=report.submitted_at,
                )
            )
        if report.status != Status.RECEIVED:
            changes.append(
                StatusChange(
                    report=report,
                    status=Status.IN_PROGRESS,
                    key="in_progress",
                    created_at=report.submitted_at + timedelta(hours=20),
                )
            )
        if report.closed_at:
            changes.append(
                StatusChange(
                    report=report,
                    status=report.status,
                    key=report.status,
                    created_at=report.closed_at,
                )
            )
        if rng.random() < 0.2:
            others = [r for r in residents if r.pk != report.reporter_id]
            for person in rng.sample(others, k=min(len(others), rng.randint(1, 3))):
                supporters.append(
                    Supporter(
                        report=report,
                        user=person,
                        language="nl",
                        confirmed_at=report.submitted_at + timedelta(days=1),
                    )
                )
            report.supporter_count = sum(1 for s in supporters if s.report is report)
    StatusChange.objects.bulk_create(changes)
    Supporter.objects.bulk_create(supporters)
    Report.objects.bulk_update(
        [report for report in reports if report.supporter_count], ["supporter_count"]
    )
    _seed_feedback(rng, [report for report in reports if report.closed_at])
    _seed_improvements(today)


def _seed_feedback(rng: random.Random, closed: list[Report]) -> None:
    """Answers to "is it solved?" for a share of the closed reports, a day or a few
    after closing."""

    def pick(report) -> tuple[datetime, str] | None:
        if rng.random() >= FEEDBACK_SHARE or report.closed_at is None:
            return None
        answers = ANSWERS[Status(report.status)]
        return report.closed_at, rng.choices([a for a, _w in answers], [w for _a, w in answers])[0]

    seed_feedback(
        rng, closed, about="report", pick=pick, grades=GRADES, remarks=REMARKS, days_after=4, hour=3
    )


# What the municipality changed because of reporters' answers: (days ago, Dutch and
# English title, what was said, what was done, the department's slug or None for all,
# the answer whose reasons it comes from).
IMPROVEMENTS = [
    (
        170,
        ("Je hoort eerder wat er met je melding gebeurt", "You hear sooner what happens"),
        (
            "Melders zeiden dat ze niets hoorden nadat hun melding binnen was.",
            "Reporters said they heard nothing after their report went in.",
        ),
        (
            "Elke melding krijgt binnen twee werkdagen een eerste bericht met de planning.",
            "Every report gets a first message with the planning within two working days.",
        ),
        None,
        Answer.NO,
    ),
    (
        110,
        ("Een vaste ploeg voor losse tegels", "A fixed crew for loose paving"),
        (
            "Losse tegels lagen er na de melding nog weken, of werden maar half hersteld.",
            "Loose paving stayed for weeks after a report, or was only half repaired.",
        ),
        (
            "Een vaste ploeg herstelt losse tegels en gaten in vaste rondes per wijk.",
            "A fixed crew repairs loose paving and holes in fixed rounds per neighbourhood.",
        ),
        "wegen",
        Answer.PARTLY,
    ),
    (
        45,
        ("We leggen uit waarom we iets niet doen", "We explain why we do not handle something"),
        (
            "Wie een melding afgewezen kreeg, begreep vaak niet waarom.",
            "People whose report was declined often did not understand why.",
        ),
        (
            "Bij elke afwijzing staat nu de reden en wie het wel kan oplossen.",
            "Every decline now says why, and who can solve it instead.",
        ),
        None,
        Answer.NO,
    ),
]


def _seed_improvements(today) -> None:
    if Improvement.objects.exists():
        return
    departments = {
        c.department.slug: c.department
        for c in Category.objects.filter(department__isnull=False).select_related("department")
    }
    for days, title, said, done, department, answer in IMPROVEMENTS:
        improvement = Improvement.objects.create(
            title_nl=title[0],
            title_en=title[1],
            said_nl=said[0],
            said_en=said[1],
            done_nl=done[0],
            done_en=done[1],
            changed_on=today - timedelta(days=days),
            department=departments.get(department) if department else None,
        )
        improvement.reasons.set(
            FeedbackReason.objects.filter(answer=answer, applies_to="report")[:2]
        )
