"""Demo neighbourhoods of the fictional municipality Eemdal (CBS code 9999)."""

from neighbourhoods.models import Neighbourhood

# name, slug, population; boundaries are simple blocks on a 3 x 2 grid near Amersfoort.
NEIGHBOURHOODS = [
    ("Binnenstad", "binnenstad", 11_840),
    ("Havenkwartier", "havenkwartier", 8_215),
    ("De Weiden", "de-weiden", 14_502),
    ("Molenbuurt", "molenbuurt", 6_930),
    ("Bosrand", "bosrand", 9_377),
    ("Nieuw-Oost", "nieuw-oost", 12_064),
]


def _block(index: int) -> dict:
    column, row = index % 3, index // 3
    west, south = 5.36 + column * 0.02, 52.14 + row * 0.015
    east, north = west + 0.02, south + 0.015
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}


def seed(demo) -> None:
    managers = demo.extra.get("area_managers", [])
    created = []
    for index, (name, slug, population) in enumerate(NEIGHBOURHOODS):
        neighbourhood, _ = Neighbourhood.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "cbs_code": f"WK9999{index + 1:02d}",
                "population": population,
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
    seed_events(demo)


def seed_events(demo) -> None:
    """An upcoming initiative market, a neighbourhood meeting and a safari."""
    from datetime import timedelta

    from django.utils import timezone

    from neighbourhoods.models import Event

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
