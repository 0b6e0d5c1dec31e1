"""Benchmark (not a test): response times of the home page, the portal-wide search and
the city dashboard with 100,000 initiatives and the rest in proportion, on PostgreSQL.

The data goes in with bulk inserts once and stays in the benchmark database, so a
second run only measures. Pages are requested in-process with Django's test client
(production settings from ``make bench``); each figure is the median and 95th
percentile of ``--repeat`` requests after a warm-up, with the queries per request.
"""

import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Initiative, Status, Theme
from neighbourhoods.models import (
    AgendaItem,
    AgendaStatus,
    Event,
    Neighbourhood,
    Programme,
    ProgrammeProject,
)
from procurement.models import Supplier, Tender

PREFIX = "bench"
WHAT = ["Speeltuin", "Bankjes", "Moestuin", "Buurtfeest", "Geveltuin", "Repair café",
        "Boomspiegels", "Jeu de boules-baan", "Buurtbieb", "Zwerfvuilactie", "Wadi",
        "Kunstwerk", "Hondenveldje", "Pannakooi", "Ontmoetingsplek"]  # fmt: skip
WHERE = ["Havenplein", "Molenweg", "Kerkstraat", "Parklaan", "Dorpsstraat", "Stationsplein",
         "Schoolstraat", "Weidelaan", "Bosrand", "Kade"]  # fmt: skip
STATUSES = [
    (Status.SUBMITTED, 8),
    (Status.IN_REVIEW, 10),
    (Status.NEEDS_INFO, 4),
    (Status.ACCEPTED, 20),
    (Status.REJECTED, 10),
    (Status.IN_PROGRESS, 15),
    (Status.REALISED, 28),
    (Status.WITHDRAWN, 5),
]
DECIDED = {Status.ACCEPTED, Status.REJECTED, Status.IN_PROGRESS, Status.REALISED}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time home, search and dashboard with 100,000 initiatives (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, initiatives, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        started = time.perf_counter()
        created = self._ensure_data(initiatives)
        if created:
            self.stdout.write(f"setup: bulk inserts in {time.perf_counter() - started:.1f} s")
        self.stdout.write(
            f"data: {Initiative.objects.count():,} initiatives, "
            f"{Neighbourhood.objects.count()} neighbourhoods, {AgendaItem.objects.count():,} "
            f"agenda items, {ProgrammeProject.objects.count():,} programme projects, "
            f"{Event.objects.count():,} events, {Tender.objects.count():,} tenders, "
            f"{Supplier.objects.count():,} suppliers"
        )
        today = timezone.localdate()
        three_years = f"/cijfers/?start={today.replace(year=today.year - 3)}&end={today}"
        pages = [
            ("baseline: privacy statement", "/pagina/privacy/"),
            ("home", "/"),
            ("search 'speeltuin'", "/zoeken/?q=speeltuin"),
            ("search 'buurtfeest havenplein'", "/zoeken/?q=buurtfeest+havenplein"),
            ("search, no hits", "/zoeken/?q=xylofoonorkest"),
            ("dashboard, 12 months, computed", "/cijfers/", "cold"),
            ("dashboard, 12 months, kept (<10 min)", "/cijfers/"),
            ("dashboard, 3 years, computed", three_years, "cold"),
            ("dashboard, 3 years, kept (<10 min)", three_years),
        ]
        client = Client(HTTP_HOST="localhost")
        self.stdout.write(f"{'page':38} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for label, url, *cold in pages:
            for _warm in range(3):
                client.get(url)
            timings = []
            for _run in range(repeat):
                if cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            self.stdout.write(
                f"{label:38} {len(queries):>7} {statistics.median(timings):>8.1f} "
                f"{_percentile(timings, 0.95):>8.1f}"
            )

    @transaction.atomic
    def _ensure_data(self, target: int) -> bool:
        """Tops the benchmark rows up to ``target`` initiatives; the rest only once."""
        present = Initiative.objects.filter(title__startswith=f"[{PREFIX}]").count()
        if present >= target:
            return False
        rng = random.Random(2026 + present)  # noqa: S311 (made-up benchmark data)
        now = timezone.now()
        neighbourhoods = self._neighbourhoods()
        theme = Theme.objects.first()
        batch = []
        for number in range(present, target):
            status = rng.choices([s for s, _w in STATUSES], [w for _s, w in STATUSES])[0]
            submitted = now - timedelta(days=rng.uniform(1, 3 * 365))
            answered = status not in {Status.SUBMITTED} and rng.random() < 0.95
            responded = submitted + timedelta(days=rng.uniform(0.5, 25)) if answered else None
            located = rng.random() < 0.5
            what, where = rng.choice(WHAT), rng.choice(WHERE)
            batch.append(
                Initiative(
                    title=f"[{PREFIX}] {what} {where} {number}",
                    summary=f"{what} bij de {where} voor en door de buurt.",
                    description=(
                        f"Bewoners rond de {where} willen een {what.lower()} maken. "
                        "We vragen de gemeente om advies, een vergunning en wat geld."
                    ),
                    neighbourhood=neighbourhoods[number % len(neighbourhoods)],
                    theme=theme,
                    status=status,
                    submitted_at=submitted,
                    response_due=(submitted + timedelta(days=14)).date(),
                    responded_at=responded,
                    decided_at=responded if status in DECIDED else None,
                    supporter_count=rng.randint(0, 60),
                    latitude=Decimal(f"{52.14 + rng.random() * 0.03:.6f}") if located else None,
                    longitude=Decimal(f"{5.36 + rng.random() * 0.06:.6f}") if located else None,
                )
            )
            if len(batch) == 5000:
                Initiative.objects.bulk_create(batch)
                batch = []
        Initiative.objects.bulk_create(batch)
        if not present:
            self._agenda_and_programmes(rng, neighbourhoods, target)
            self._events_tenders_suppliers(rng, neighbourhoods, target)
        return True

    def _neighbourhoods(self) -> list[Neighbourhood]:
        existing = list(Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-"))
        if existing:
            return existing
        return Neighbourhood.objects.bulk_create(
            Neighbourhood(
                name=f"Benchwijk {number}",
                slug=f"{PREFIX}-{number}",
                cbs_code=f"WK98{number:04d}",
                population=5_000 + number * 97,
            )
            for number in range(60)
        )

    def _agenda_and_programmes(self, rng, neighbourhoods, target: int) -> None:
        statuses = AgendaStatus.values
        AgendaItem.objects.bulk_create(
            AgendaItem(
                neighbourhood=rng.choice(neighbourhoods),
                title=f"[{PREFIX}] {rng.choice(WHAT)} bij {rng.choice(WHERE)}",
                description="Een wens uit de buurt.",
                origin=AgendaItem.Origin.RESIDENT,
                status=rng.choice(statuses),
                answer="Een antwoord van de gebiedsmanager.",
                vote_count=rng.randint(0, 40),
            )
            for _number in range(target // 20)
        )
        year = timezone.localdate().year
        programmes = Programme.objects.bulk_create(
            Programme(
                neighbourhood=neighbourhood,
                year=year - offset,
                budget=Decimal(250_000),
                published_at=timezone.now(),
            )
            for neighbourhood in neighbourhoods
            for offset in range(3)
        )
        ProgrammeProject.objects.bulk_create(
            ProgrammeProject(
                programme=programme,
                title=f"[{PREFIX}] {rng.choice(WHAT)} {rng.choice(WHERE)}",
                description="Een project uit het wijkprogramma.",
                budget=Decimal(rng.randint(5, 50) * 1000),
                spent=Decimal(rng.randint(0, 5) * 1000),
                status=rng.choice(ProgrammeProject.Status.values),
            )
            for programme in programmes
            for _number in range(10)
        )

    def _events_tenders_suppliers(self, rng, neighbourhoods, target: int) -> None:
        now = timezone.now()
        Event.objects.bulk_create(
            Event(
                kind=rng.choice(Event.Kind.values),
                title=f"[{PREFIX}] Wijkavond {rng.choice(WHERE)}",
                neighbourhood=rng.choice(neighbourhoods),
                location="Buurthuis",
                starts_at=(start := now + timedelta(days=rng.uniform(-700, 300))),
                ends_at=start + timedelta(hours=2),
            )
            for _number in range(target // 50)
        )
        today = timezone.localdate()
        Tender.objects.bulk_create(
            Tender(
                title=f"[{PREFIX}] {rng.choice(['Onderhoud', 'Levering', 'Aanleg'])} "
                f"{rng.choice(WHAT).lower()}",
                department="Beheer openbare ruimte",
                category=rng.choice(Tender.Category.values),
                procedure=rng.choice(Tender.Procedure.values),
                value_low=50_000,
                value_high=150_000,
                expected_publication=today + timedelta(days=rng.randint(-700, 400)),
                contact_name="Inkoop",
                contact_email="inkoop@gemeente.example",
                status=rng.choice([Tender.Status.PLANNED, Tender.Status.PUBLISHED]),
            )
            for _number in range(target // 50)
        )
        Supplier.objects.bulk_create(
            (
                Supplier(
                    kvk_number=f"{60_000_000 + number}",
                    name=f"[{PREFIX}] Leverancier {number}",
                    street="Havenstraat 1",
                    postcode="3811 AB",
                    city="Eemdal",
                    contact_name="Contact",
                    contact_email=f"info{number}@leverancier.example",
                    staff_count=rng.randint(1, 400),
                    turnover="2m",
                    size=rng.choice(Supplier.Size.values),
                    is_local=rng.random() < 0.3,
                    status=Supplier.Status.VERIFIED,
                    feed_token=f"{PREFIX}{number:026d}",
                )
                for number in range(target // 2)
            ),
            batch_size=5000,
        )
