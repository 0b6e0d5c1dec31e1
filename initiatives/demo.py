"""Demo initiatives in every status, spread over Eemdal's neighbourhoods, with
timelines, supporters, comments, a reported comment and a pitch at the market."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from common import workdays
from initiatives import actions
from initiatives.models import RESPONSES, Initiative, Status, SupportKind, Theme
from neighbourhoods.models import ProgrammeProject

# title, summary, theme slug, final status, support kinds, amount, location offset
INITIATIVES = [
    (
        "Moestuin achter de bibliotheek",
        "Een gezamenlijke moestuin voor buren en de school.",
        "groen",
        Status.REALISED,
        ["space", "materials"],
        2500,
        (0.004, 0.006),
    ),
    (
        "Jeu de boules-baan in het park",
        "Een baan voor jong en oud, met bankjes erbij.",
        "spelen-en-sport",
        Status.IN_PROGRESS,
        ["money", "permit"],
        6800,
        (0.011, 0.004),
    ),
    (
        "Buurtfeest op de kade",
        "Eén dag muziek, eten en ontmoeting aan het water.",
        "cultuur-en-ontmoeting",
        Status.ACCEPTED,
        ["money", "permit", "network"],
        3200,
        (0.03, 0.006),
    ),
    (
        "Snelheidsdisplay Molenweg",
        "Auto's rijden te hard langs de basisschool.",
        "verkeer-en-veiligheid",
        Status.REJECTED,
        ["advice"],
        None,
        (0.005, 0.02),
    ),
    (
        "Zonnepanelen op het wijkcentrum",
        "Samen investeren in zonne-energie voor de buurt.",
        "duurzaamheid",
        Status.NEEDS_INFO,
        ["advice", "network"],
        15000,
        (0.025, 0.02),
    ),
    (
        "Koffieochtend voor ouderen",
        "Elke week een warme plek om elkaar te ontmoeten.",
        "zorg-en-welzijn",
        Status.IN_REVIEW,
        ["space", "money"],
        1200,
        (0.045, 0.02),
    ),
    (
        "Geveltuintjes in de Bloemstraat",
        "Tegels eruit, planten erin: een groene straat.",
        "groen",
        Status.IN_REVIEW,
        ["materials", "permit"],
        900,
        (0.006, 0.008),
    ),
    (
        "Pannakooi bij de Weidenschool",
        "Een veilige plek om te voetballen na school.",
        "spelen-en-sport",
        Status.SUBMITTED,
        ["money", "space"],
        18000,
        (0.05, 0.005),
    ),
    (
        "Repair café in de Molenbuurt",
        "Maandelijks samen spullen repareren in plaats van weggooien.",
        "duurzaamheid",
        Status.SUBMITTED,
        ["space", "network"],
        600,
        (0.004, 0.022),
    ),
    (
        "Bankjes langs de bosrand",
        "Rustpunten voor wandelaars en ouderen.",
        "groen",
        Status.WITHDRAWN,
        ["materials"],
        1500,
        (0.03, 0.025),
    ),
    (
        "Muurschildering onderdoorgang",
        "Kunstenaars en kinderen maken de tunnel mooier.",
        "cultuur-en-ontmoeting",
        Status.DRAFT,
        ["money", "permit"],
        4000,
        (0.012, 0.01),
    ),
]

# An initiative whose name says where it is lies in that neighbourhood (the rest are
# spread over the neighbourhoods in turn).
PLACE = {
    "Buurtfeest op de kade": "havenkwartier",
    "Snelheidsdisplay Molenweg": "molenbuurt",
    "Pannakooi bij de Weidenschool": "de-weiden",
    "Repair café in de Molenbuurt": "molenbuurt",
    "Bankjes langs de bosrand": "bosrand",
}

PATH = {
    Status.SUBMITTED: [],
    Status.IN_REVIEW: [Status.IN_REVIEW],
    Status.NEEDS_INFO: [Status.IN_REVIEW, Status.NEEDS_INFO],
    Status.ACCEPTED: [Status.IN_REVIEW, Status.ACCEPTED],
    Status.REJECTED: [Status.IN_REVIEW, Status.REJECTED],
    Status.IN_PROGRESS: [Status.IN_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS],
    Status.REALISED: [Status.IN_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.REALISED],
}

MESSAGES = {
    Status.IN_REVIEW: "We hebben je initiatief ontvangen en bekijken het nu.",
    Status.NEEDS_INFO: "Kun je een begroting meesturen en laten weten wie het onderhoud doet?",
    Status.ACCEPTED: "Het plan past goed in de wijk en draagt bij aan ontmoeting. We steunen het "
    "met het gevraagde bedrag en helpen met de vergunning.",
    Status.REJECTED: "Een snelheidsdisplay op deze plek is niet toegestaan; we nemen de zorg mee "
    "in het verkeersplan van 2027 en nodigen je uit voor het overleg.",
    Status.IN_PROGRESS: "De uitvoering is gestart.",
    Status.REALISED: "Het initiatief is gerealiseerd. Dank aan alle vrijwilligers!",
}


def seed(demo) -> None:
    neighbourhoods = demo.extra["neighbourhoods"]
    by_slug = {neighbourhood.slug: neighbourhood for neighbourhood in neighbourhoods}
    residents = demo.residents
    broker = demo.staff.get(Role.INITIATIVE_BROKER)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    kinds = {kind.code: kind for kind in SupportKind.objects.all()}
    lead = next(iter(demo.extra.get("area_managers", [])), None)
    Theme.objects.filter(team_lead__isnull=True).update(team_lead=lead)
    for index, (title, summary, theme_slug, status, support, amount, offset) in enumerate(
        INITIATIVES
    ):
        if Initiative.objects.filter(title=title).exists():
            continue
        neighbourhood = by_slug.get(
            PLACE.get(title, ""), neighbourhoods[index % len(neighbourhoods)]
        )
        ring = neighbourhood.boundary["coordinates"][0]
        initiator = residents[index % len(residents)]
        initiative = Initiative.objects.create(
            title=title,
            summary=summary,
            description=(
                f"{summary}\n\nWe zijn een groep buren uit {neighbourhood.name}. "
                "We zoeken steun van de gemeente en van andere bewoners."
            ),
            neighbourhood=neighbourhood,
            theme=themes[theme_slug],
            address=f"{neighbourhood.name}, Eemdal",
            latitude=round(ring[0][1] + offset[1] / 2, 6),
            longitude=round(ring[0][0] + offset[0] / 2, 6),
            amount_requested=amount,
            initiator=initiator,
        )
        initiative.support_kinds.set([kinds[code] for code in support])
        if status == Status.DRAFT:
            continue
        actions.submit_initiative(initiative=initiative, by=initiator)
        if status == Status.WITHDRAWN:
            actions.withdraw_initiative(
                initiative=initiative, by=initiator, message="We hebben een andere plek gevonden."
            )
        if broker is not None and status not in {Status.SUBMITTED, Status.WITHDRAWN}:
            actions.assign_initiatives(initiatives=[initiative], assignee=broker, by=broker)
        for step in PATH.get(status, []):
            actions.change_initiative_status(
                initiative=initiative, to=step, by=broker, message=MESSAGES[step]
            )
        # Spread the history over the past weeks, so waiting times and deadlines vary
        # (the oldest open ones are overdue); each step follows the previous by 4 days.
        submitted = timezone.now() - timedelta(days=40 - index * 3)
        changes = list(initiative.status_changes.order_by("pk"))
        for step, change in enumerate(changes):
            change.created_at = submitted + timedelta(days=4 * step)
            change.save(update_fields=["created_at"])
        decided = [c.created_at for c in changes if c.is_decision]
        Initiative.objects.filter(pk=initiative.pk).update(
            created_at=submitted - timedelta(days=2),
            submitted_at=submitted,
            response_due=workdays.add_working_days(timezone.localdate(submitted), 10),
            responded_at=min(
                (c.created_at for c in changes if c.by_staff and c.to_status in RESPONSES),
                default=None,
            ),
            decided_at=decided[0] if decided else None,
        )
        initiative.refresh_from_db()
        for supporter in residents[: (index * 2) % len(residents) + 1]:
            if supporter != initiator and initiative.is_open_for_support:
                actions.support_initiative(initiative=initiative, user=supporter)
        if status not in {Status.WITHDRAWN}:
            commenter = residents[(index + 1) % len(residents)]
            comment = actions.post_comment(
                initiative=initiative,
                author=commenter,
                text="Goed plan! Ik wil graag helpen op zaterdagen.",
            )
            actions.post_comment(
                initiative=initiative,
                author=initiator,
                text="Dank je! Stuur ons een bericht via de wijkapp.",
                parent=comment,
            )
            if index == 2:
                actions.report_comment(
                    comment=comment,
                    reporter=residents[(index + 3) % len(residents)],
                    reason="Dit lijkt reclame voor een app.",
                )
        if status in {Status.ACCEPTED, Status.IN_PROGRESS, Status.REALISED}:
            _link_to_programme(initiative)
        markets = [event for event in demo.extra.get("events", []) if event.is_market]
        if markets and status in {Status.ACCEPTED, Status.IN_REVIEW}:
            actions.sign_up_for_market(initiative=initiative, event=markets[0], by=initiator)


def _link_to_programme(initiative: Initiative) -> None:
    """An accepted initiative becomes part of its neighbourhood's programme: the project
    shows where it came from."""
    project = (
        ProgrammeProject.objects.filter(programme__neighbourhood=initiative.neighbourhood)
        .order_by("pk")
        .first()
    )
    if project is not None:
        project.initiatives.add(initiative)
