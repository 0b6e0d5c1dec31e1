"""Demo neighbourhoods of the fictional municipality Eemdal (CBS code 9999)."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from neighbourhoods import actions, cbs, letter_codes
from neighbourhoods.models import (
    AddressList,
    AgendaItem,
    Buurt,
    CbsImport,
    Event,
    Neighbourhood,
    Programme,
    ProgrammeProject,
    Residence,
)

# name, slug, population, postcode areas; boundaries are simple blocks on a 3 x 2 grid
# near Amersfoort. PC4 area 3816 crosses the boundary of De Weiden and Molenbuurt.
NEIGHBOURHOODS = [
    ("Binnenstad", "binnenstad", 11_840, "3811-3812"),
    ("Havenkwartier", "havenkwartier", 8_215, "3813"),
    ("De Weiden", "de-weiden", 14_502, "3814-3816"),
    ("Molenbuurt", "molenbuurt", 6_930, "3816-3817"),
    ("Bosrand", "bosrand", 9_377, "3818"),
    ("Nieuw-Oost", "nieuw-oost", 12_064, "3819, 3821-3822"),
]


def _block(index: int) -> dict:
    column, row = index % 3, index // 3
    west, south = 5.36 + column * 0.02, 52.14 + row * 0.015
    east, north = west + 0.02, south + 0.015
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


# The buurten of each wijk (west to east strips of its block), with their streets.
BUURTEN = [
    [("Centrum", ["Langestraat", "Markt"]), ("Stationskwartier", ["Stationsstraat", "Spoorlaan"])],
    [
        ("Oude Haven", ["Havenkade"]),
        ("Kadekwartier", ["Kadestraat", "Touwslagerij"]),
        ("Werfeiland", ["Werfweg"]),
    ],
    [("Weidehof", ["Weidelaan", "Koeienpad"]), ("Slootzicht", ["Slootkade"])],
    [
        ("Molenhoek", ["Molenweg"]),
        ("Korenbuurt", ["Korenstraat", "Graanhof"]),
        ("Maalderij", ["Maalderijplein"]),
    ],
    [("Bosrand-Noord", ["Boslaan", "Eikenlaan"]), ("Heidezoom", ["Heideweg"])],
    [
        ("Oostpark", ["Parkweg"]),
        ("Nieuwe Akkers", ["Akkerstraat", "Zaaierspad"]),
        ("Vlinderwijk", ["Vlinderlaan"]),
    ],
]
CBS_SAMPLE = Path(__file__).parent / "data" / "cbs_kwb_eemdal_demo_2024.csv"
CBS_SAMPLE_SOURCE = (
    "Fictieve demodata van de fictieve gemeente Eemdal in het formaat van "
    "CBS Kerncijfers wijken en buurten 2024 (geen CBS-cijfers)"
)


def _strip(block: dict, part: int, parts: int) -> dict:
    """The ``part``-th of ``parts`` strips (west to east) of a block."""
    ring = block["coordinates"][0]
    (west, south), (east, north) = ring[0], ring[2]
    width = (east - west) / parts
    left, right = west + part * width, west + (part + 1) * width
    strip = [[left, south], [right, south], [right, north], [left, north], [left, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in strip]]}


def streets_of(buurt: Buurt) -> list[str]:
    """The demo streets of a demo buurt (for the demo's reports' addresses)."""
    wijk, number = int(buurt.cbs_code[6:8]) - 1, int(buurt.cbs_code[8:10]) - 1
    return BUURTEN[wijk][number][1]


def seed_buurten(neighbourhoods: list[Neighbourhood]) -> None:
    """Two or three buurten per wijk, each a strip of the wijk's block."""
    for index, neighbourhood in enumerate(neighbourhoods):
        parts = BUURTEN[index % len(BUURTEN)]
        for number, (name, _streets) in enumerate(parts):
            Buurt.objects.get_or_create(
                cbs_code=f"BU9999{index + 1:02d}{number + 1:02d}",
                defaults={
                    "name": name,
                    "neighbourhood": neighbourhood,
                    "boundary": _strip(neighbourhood.boundary, number, len(parts))
                    if neighbourhood.boundary
                    else None,
                },
            )


def seed_cbs_sample() -> None:
    """The fictional CBS figures of Eemdal, its wijken and buurten (clearly labelled)."""
    if not CbsImport.objects.exists():
        parsed = cbs.parse(CBS_SAMPLE.read_bytes())
        actions.import_cbs_figures(
            parsed=parsed, source=CBS_SAMPLE_SOURCE, file_name=CBS_SAMPLE.name
        )


def seed(demo) -> None:
    managers = demo.extra.get("area_managers", [])
    created = []
    for index, (name, slug, population, postcodes) in enumerate(NEIGHBOURHOODS):
        neighbourhood, _ = Neighbourhood.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cbs_code": f"WK9999{index + 1:02d}",
                "population": population,
                "postcodes": postcodes,
                "boundary": _block(index),
                "area_manager": managers[index % len(managers)] if managers else None,
            },
        )
        created.append(neighbourhood)
    for index, resident in enumerate(demo.residents):
        if resident.home_neighbourhood_id is None:
            resident.home_neighbourhood = created[index % len(created)]
            resident.save(update_fields=["home_neighbourhood"])
    demo.extra["neighbourhoods"] = created
    seed_buurten(created)
    seed_cbs_sample()
    seed_events(demo)
    seed_agendas(demo)
    seed_verification(demo)


def seed_events(demo) -> None:
    """An upcoming initiative market, a neighbourhood meeting and a safari."""
    neighbourhoods = demo.extra["neighbourhoods"]
    base = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0)
    events = [
        ("Initiatievenmarkt Eemdal", Event.Kind.MARKET, None, "Stadhuis, Raadzaal", 21, 180),
        (
            "Wijkavond De Weiden",
            Event.Kind.MEETING,
            neighbourhoods[2],
            "Wijkcentrum De Ster",
            9,
            120,
        ),
        (
            "Wijksafari Havenkwartier",
            Event.Kind.SAFARI,
            neighbourhoods[1],
            "Start: Havenplein",
            30,
            150,
        ),
    ]
    for title, kind, neighbourhood, location, days, minutes in events:
        starts = base + timedelta(days=days)
        event, _created = Event.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "neighbourhood": neighbourhood,
                "location": location,
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=minutes),
                "capacity": 80 if kind == Event.Kind.MARKET else None,
                "description": "Kom langs, praat mee en ontmoet je buren.",
            },
        )
        demo.extra.setdefault("events", []).append(event)


# title, why, final status, votes; per neighbourhood (cycled).
AGENDA = [
    ("Meer bankjes in het park", "Ouderen kunnen nergens even uitrusten.", "in_programme", 5),
    ("Veilige oversteek bij de school", "Kinderen steken over tussen de auto's.", "on_agenda", 4),
    ("Hondenpoep-bakken", "De stoepen liggen vol.", "declined", 1),
    ("Buurthuis langer open", "Jongeren hebben 's avonds geen plek.", "proposed", 3),
    ("Bomen in de Stationsstraat", "De straat is heet en grijs in de zomer.", "done", 2),
]
DECLINE_REASON = (
    "Afvalbakken voor hondenpoep plaatsen we alleen op hondenlosloopterreinen; "
    "we vragen handhaving om vaker te controleren."
)


def seed_agendas(demo) -> None:
    """Agenda items with votes and answers, a published programme per neighbourhood
    (one still in draft), follows and RSVPs, so the monitor has something to show."""
    year = timezone.localdate().year
    residents = demo.residents
    for index, neighbourhood in enumerate(demo.extra["neighbourhoods"]):
        for resident in residents:
            if resident.home_neighbourhood_id == neighbourhood.pk:
                actions.follow_neighbourhood(neighbourhood=neighbourhood, user=resident)
        programme, _created = Programme.objects.get_or_create(
            neighbourhood=neighbourhood,
            year=year,
            defaults={
                "budget": Decimal(120_000 + index * 15_000),
                "introduction": f"Wat we in {year} samen met bewoners doen in "
                f"{neighbourhood.name}.",
            },
        )
        project, _created = ProgrammeProject.objects.get_or_create(
            programme=programme,
            title=f"Groen en ontmoeten in {neighbourhood.name}",
            defaults={
                "budget": Decimal(40_000 + index * 5_000),
                "spent": Decimal(10_000 + index * 4_000),
                "status": ProgrammeProject.Status.IN_PROGRESS,
                "survey_finding": "Bewoners missen plekken om elkaar te ontmoeten.",
            },
        )
        ProgrammeProject.objects.get_or_create(
            programme=programme,
            title="Verkeersveiligheid rond scholen",
            defaults={"budget": Decimal(25_000), "status": ProgrammeProject.Status.PLANNED},
        )
        manager = neighbourhood.area_manager
        for number, (title, why, status, votes) in enumerate(AGENDA):
            if (index + number) % 5 == 4 or AgendaItem.objects.filter(
                neighbourhood=neighbourhood, title=title
            ).exists():
                continue
            proposer = residents[(index + number) % len(residents)]
            item = actions.propose_agenda_item(
                neighbourhood=neighbourhood, by=proposer, title=title, description=why
            )
            for voter in residents[:votes]:
                actions.vote_for_item(item=item, user=voter)
            path = {
                "on_agenda": ["on_agenda"],
                "declined": ["declined"],
                "in_programme": ["on_agenda", "in_programme"],
                "done": ["on_agenda", "in_programme", "done"],
            }.get(status, [])
            for step in path:
                actions.change_agenda_status(
                    item=item,
                    to=step,
                    by=manager,
                    message=DECLINE_REASON if step == "declined" else "",
                    project=project if step == "in_programme" else None,
                )
        if index != 5 and programme.published_at is None and manager is not None:
            programme.published_at = timezone.now()
            programme.save(update_fields=["published_at"])
    for event in demo.extra.get("events", []):
        for resident in residents[:4]:
            actions.rsvp_event(event=event, user=resident)


def seed_verification(demo) -> None:
    """An address list of Havenkwartier (40 addresses, no names) whose letter codes were
    issued; most demo residents have shown where they live, alternately with a letter
    code and through DigiD; the last resident has not, to try the verification page."""
    neighbourhoods = demo.extra["neighbourhoods"]
    if not AddressList.objects.exists():
        haven = neighbourhoods[1]
        rows = ["postcode,house_number,addition,neighbourhood"] + [
            f"3813{'AB' if number <= 20 else 'AC'},{number},{'A' if number % 7 == 0 else ''},"
            f"{haven.cbs_code}"
            for number in range(1, 41)
        ]
        parsed = letter_codes.parse("\n".join(rows).encode(), neighbourhoods)
        address_list = actions.import_addresses(
            parsed=parsed, file_name="havenkwartier-adressen.csv", user=haven.area_manager
        )
        issued = actions.issue_letter_codes(address_list=address_list, by=haven.area_manager)
        codes = [code for _row, code in issued]
        for resident in [r for r in demo.residents if r.home_neighbourhood_id == haven.pk][:2]:
            if not Residence.objects.filter(user=resident).exists():
                actions.redeem_letter_code(user=resident, code=codes.pop())
    for index, resident in enumerate(demo.residents[2:-1]):
        if resident.home_neighbourhood_id and not Residence.objects.filter(user=resident).exists():
            actions.record_residence(
                user=resident,
                neighbourhood=resident.home_neighbourhood,
                method=Residence.Method.DIGID if index % 2 else Residence.Method.LETTER_CODE,
            )
