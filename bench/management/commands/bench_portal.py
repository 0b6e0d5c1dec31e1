"""Benchmark (not a test): response times of the home page, the portal-wide search, the
city dashboard with 100,000 initiatives and the rest in proportion, the contract register
and the procurement figures (20,000 contracts), the monitor per buurt and street, and the
pages of public-space reports
with 100,000 reports (the public map and list, "U zei, wij deden", and, signed in as an
administrator with TOTP, the back office's queue and figures), on PostgreSQL.

The data goes in with bulk inserts once and stays in the benchmark database, so a
second run only measures. Pages are requested in-process with Django's test client
(production settings from ``make bench``); each figure is the median and 95th
percentile of ``--repeat`` requests after a warm-up, with the queries per request.
"""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.clients import staff_client
from bench.dataset import build_city
from bench.timing import percentile, time_page
from initiatives.models import Initiative
from neighbourhoods.models import AgendaItem, Event, Neighbourhood, ProgrammeProject
from procurement import figures
from procurement.forms import SupplierSearchForm
from procurement.models import Contract, Supplier, Tender
from reports.models import Report


class Command(BaseCommand):
    help = "Time home, search, dashboard and report pages at city scale (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=100_000)
        parser.add_argument("--reports", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, initiatives, reports, repeat, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        build_city(self.stdout, initiatives=initiatives, reports=reports)
        self.stdout.write(
            f"data: {Initiative.objects.count():,} initiatives, "
            f"{Neighbourhood.objects.count()} neighbourhoods, {AgendaItem.objects.count():,} "
            f"agenda items, {ProgrammeProject.objects.count():,} programme projects, "
            f"{Event.objects.count():,} events, {Tender.objects.count():,} tenders, "
            f"{Supplier.objects.count():,} suppliers, {Contract.objects.count():,} contracts, "
            f"{Report.objects.count():,} public-space reports"
        )
        today = timezone.localdate()
        three_years = f"/cijfers/?start={today.replace(year=today.year - 3)}&end={today}"
        overdue = "/beheer/reports/report/?term=overdue"
        pages = [
            ("baseline: privacy statement", "/pagina/privacy/"),
            ("home", "/"),
            ("search 'speeltuin'", "/zoeken/?q=speeltuin"),
            ("search 'buurtfeest havenplein'", "/zoeken/?q=buurtfeest+havenplein"),
            ("search, no hits", "/zoeken/?q=xylofoonorkest"),
            ("dashboard, 12 months, computed", "/cijfers/", "cold"),
            ("dashboard, 12 months, cached (<10 min)", "/cijfers/"),
            ("dashboard, 3 years, computed", three_years, "cold"),
            ("dashboard, 3 years, cached (<10 min)", three_years),
            ("contract register", "/inkoop/contracten/"),
            ("contract register, page 200", "/inkoop/contracten/?page=200"),
            ("procurement figures, computed", "/inkoop/cijfers/", "cold"),
            ("procurement figures, cached (<10 min)", "/inkoop/cijfers/"),
            (
                "procurement figures, dept+year, computed",
                f"/inkoop/cijfers/?department=Facilitair&year={today.year - 1}",
                "cold",
            ),
            ("reports: public map and list", "/openbare-ruimte/"),
            ("reports: public list, page 50", "/openbare-ruimte/?page=50"),
            ("reports: you said, we did, computed", "/openbare-ruimte/jij-zei-wij-deden/", "cold"),
            ("monitor: reports per buurt, computed", "/wijken/monitor/", "cold"),
            ("monitor: reports per buurt, cached", "/wijken/monitor/"),
            (
                "monitor: per 1,000 per buurt, computed",
                "/wijken/monitor/?level=buurt&figure=reports_per_1000",
                "cold",
            ),
            ("monitor: reports per street, computed", "/wijken/monitor/?level=straat", "cold"),
            ("initiatives: triage (staff)", "/beheer/initiatives/initiative/", "", "staff"),
            ("reports: queue (staff)", "/beheer/reports/report/", "", "staff"),
            ("reports: queue, overdue (staff)", overdue, "", "staff"),
            (
                "reports: figures, 12 months, computed",
                "/beheer/reports/report/cijfers/",
                "cold",
                "staff",
            ),
            ("reports: figures, 12 months, cached", "/beheer/reports/report/cijfers/", "", "staff"),
        ]
        visitor = Client(HTTP_HOST="localhost")
        staff = staff_client()
        self.stdout.write(f"{'page':38} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for label, url, *options in pages:
            cold = bool(options and options[0])
            client = staff if options[1:] == ["staff"] else visitor
            queries, timings = time_page(client, url, repeat=repeat, cold=cold)
            self.stdout.write(
                f"{label:38} {queries:>7} {statistics.median(timings):>8.1f} "
                f"{percentile(timings, 0.95):>8.1f}"
            )
        self._supplier_search(repeat)
        self._category_management(repeat)

    def _category_management(self, repeat: int) -> None:
        """The officers' spending per CPV division (a back-office page, so measured as
        its view computes it): all contracts, and one department."""
        for label, selection in [
            ("categories: all contracts", figures.Filter()),
            ("categories: one department", figures.Filter("Facilitair")),
        ]:
            timings = []
            for run in range(repeat + 3):
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    result = figures.categories(selection)
                    elapsed = (time.perf_counter() - begin) * 1000
                if run >= 3:
                    timings.append(elapsed)
            self.stdout.write(
                f"{label:38} {queries:>7} {statistics.median(timings):>8.1f} "
                f"{percentile(timings, 0.95):>8.1f}  ({len(result.divisions)} divisions)"
            )

    def _supplier_search(self, repeat: int) -> None:
        """The officers' supplier search itself, as its page computes it when nothing is
        cached (``SupplierSearchForm.results``): the number of matches, the ids of the first
        50 by name, those suppliers, and their valid certificates."""
        searches = [
            ("suppliers: CPV 45 subtree, small", {"cpv": "45", "size": "small"}),
            (
                "suppliers: CPV 4521, small, region",
                {"cpv": "4521", "size": "small", "service_area": "region"},
            ),
            ("suppliers: CPV 7231 subtree", {"cpv": "7231"}),
            ("suppliers: SME, local, CPV 45", {"cpv": "45", "size": "sme", "local": "on"}),
            ("suppliers: the page as it opens", {}),
            ("suppliers: name contains 'bouw'", {"q": "bouw"}),
        ]
        for label, criteria in searches:
            timings = []
            for run in range(repeat + 3):
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    page = SupplierSearchForm(criteria).results(1)
                    total, first = page.paginator.count, page.object_list
                    elapsed = (time.perf_counter() - begin) * 1000
                if run >= 3:
                    timings.append(elapsed)
            self.stdout.write(
                f"{label:38} {queries:>7} {statistics.median(timings):>8.1f} "
                f"{percentile(timings, 0.95):>8.1f}  ({total:,} found, {len(first)} shown)"
            )
