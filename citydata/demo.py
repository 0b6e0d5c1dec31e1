"""Demo data of the inner city (clearly demo, made up): the entrepreneurs' association
"Binnenstadsondernemers" with a member account, an API token, footfall per street per
day for the past four months and vacant shop units per month for the past year, both
approved for publication."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.demo import DemoLogin
from citydata import actions
from citydata.dashboard import months_until
from citydata.models import Aggregation, ApiToken, Dataset, Granularity, Partner

STREETS = {"Langestraat": 9_000, "Krommestraat": 5_500, "Hof": 4_200, "Utrechtsestraat": 3_100}
# Saturday busiest, Sunday (shops open in the afternoon) quietest.
WEEKDAY = [0.85, 0.9, 0.95, 1.0, 1.15, 1.45, 0.55]


def seed(demo) -> None:
    if Partner.objects.filter(name="Binnenstadsondernemers").exists():
        return
    partner = Partner.objects.create(name="Binnenstadsondernemers")
    if demo.residents:
        member = demo.residents[-1]
        partner.members.add(member)
        demo.logins.append(DemoLogin(member.email, "Data partner (Binnenstadsondernemers)"))
    token = ApiToken(partner=partner, name="Telpalen (demo)")
    token.new_token()
    token.save()
    footfall = Dataset.objects.create(
        partner=partner,
        slug="passanten-binnenstad",
        name_nl="Passanten per straat per dag (demo)",
        name_en="Footfall per street per day (demo)",
        description_nl="Getelde voorbijgangers bij de telpalen in de winkelstraten. Demogegevens.",
        description_en="Passers-by counted at the counting posts in the shopping streets. "
        "Demo data.",
        granularity=Granularity.DAY,
        dimensions=[
            {
                "name": "street",
                "label_nl": "straat",
                "label_en": "street",
                "values": list(STREETS),
            }
        ],
        measure_nl="passanten",
        measure_en="passers-by",
        unit="",
        minimum=0,
        maximum=200_000,
        licence="CC BY 4.0",
        source="Binnenstadsondernemers Eemdal (demo)",
    )
    vacancy = Dataset.objects.create(
        partner=partner,
        slug="leegstand-winkelpanden",
        name_nl="Leegstaande winkelpanden per maand (demo)",
        name_en="Vacant shop units per month (demo)",
        granularity=Granularity.MONTH,
        dimensions=[],
        measure_nl="leegstaande panden",
        measure_en="vacant units",
        aggregation=Aggregation.LAST,
        minimum=0,
        maximum=1_000,
        licence="CC BY 4.0",
        source="Binnenstadsondernemers Eemdal (demo)",
    )
    chance = random.Random(26)  # noqa: S311  made-up demo figures, not security
    today = timezone.localdate()
    rows = []
    day = today - timedelta(days=120)
    while day < today:
        for street, base in STREETS.items():
            count = base * WEEKDAY[day.weekday()] * chance.uniform(0.9, 1.1)
            rows.append({"period": day.isoformat(), "street": street, "value": round(count)})
        day += timedelta(days=1)
    actions.publish_observations(dataset=footfall, rows=rows)
    units = 31
    vacant = []
    for month in months_until(today):
        units = max(18, units + chance.choice([-2, -1, -1, 0, 1]))
        vacant.append({"period": month.strftime("%Y-%m"), "value": units})
    actions.publish_observations(dataset=vacancy, rows=vacant)
    actions.approve_datasets(datasets=Dataset.objects.filter(partner=partner), by=demo.superuser)
