"""Benchmark (not a test): the portal under traffic as a city makes it, served by gunicorn
(2 workers, Redis) with production settings and loaded by wrk from a second process.

Two parts, both on the city-scale dataset, each wrk run bounded in time:

1. **Spread over the dataset.** For each key page (an initiative's page, a page of the
   initiatives list, a two-word search, a neighbourhood, a public-space report, a
   tender) three runs: the hot URL (one address again and again, what ``bench_load``
   measures), URLs drawn with a Zipf skew over every address of that page (a few are
   popular, most are asked now and then: search engines, shared links, followers'
   emails), and URLs drawn uniformly over all of them. Next to the baseline (the base
   layout, no queries) measured in the same run.
2. **One mixed run.** Visitors browsing the key pages (90% of requests), signed-in
   residents browsing them (8%) and residents writing (2%: supports, comments, agenda
   votes, survey pages, "ik heb dit ook gezien", language switches, sign-ins), at the
   same time; the same requests without the writes run in slices alternating with it,
   so each page's figures under the writes stand next to its read-only figures of the
   same run.

The addresses are drawn in this command (from ids in the database, with a fixed seed)
and written to files that ``bench/traffic.lua`` walks; that script times each response
and reads the ``X-Public-Cache`` header the portal adds under ``BENCHMARK_VIEWS`` (what
the shared cache served), so hit rates are per page. Residents' sessions and form tokens
(CSRF) are made beforehand, for a pool of bench residents. Each simulated person has an
address of their own (``X-Bench-Client``, which gunicorn is told to read as the client's
address), so rate limits count per person, as they do for a city's residents.
"""

import bisect
import itertools
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import User
from bench.dataset import MARK, OPEN_SURVEY, PREFIX, build_city
from bench.management.commands.bench_load import Command as LoadCommand
from bench.management.commands.bench_load import _free_port
from bench.markdown import machine, write_between_markers
from bench.timing import percentile
from initiatives.models import OPEN_FOR_SUPPORT, Initiative, Status
from initiatives.views import PAGE_SIZE
from neighbourhoods.models import OPEN_FOR_VOTES, AgendaItem, Neighbourhood
from procurement.models import Tender
from reports.models import OPEN as OPEN_REPORTS
from reports.models import Report
from surveys.models import Question, Survey

SCRIPT = Path(__file__).resolve().parents[2] / "traffic.lua"
CLIENT_HEADER = "X-Bench-Client"
FORM = "Content-Type: application/x-www-form-urlencoded"
PASSWORD = "bench-traffic-sign-in"  # noqa: S105 (made-up residents of the benchmark)

# The mixed run: who sends each request, which page a reader asks for, and which write.
MIX = {"visitor": 90, "resident": 8, "write": 2}
PAGE_MIX = {
    "home": 10,
    "initiative": 35,
    "list": 15,
    "search": 10,
    "neighbourhood": 10,
    "report": 10,
    "tender": 10,
}
WRITE_MIX = {
    "support": 3,
    "comment": 2,
    "agenda vote": 2,
    "survey page": 2,
    "seen it too": 1,
    "language": 1,
    "sign-in": 1,
}
# What a write that worked answers (a refusal redirects too, with a message, but a
# form that failed or a rate limit does not).
WRITE_ANSWERS = {
    "support": {200},  # htmx: the new support region
    "sign-in": {302},
    "seen it too": {302, 303},
}
LABELS = {
    "baseline": "baseline (base layout, no queries)",
    "home": "home",
    "initiative": "initiative detail",
    "list": "initiatives list page",
    "search": "two-word search",
    "neighbourhood": "neighbourhood page",
    "report": "public-space report",
    "tender": "tender page",
}


@dataclass
class Population:
    """Every address of one key page, most popular first (the Zipf ranks)."""

    urls: list[str]
    cumulative: list[float] = field(default_factory=list)

    def zipf(self, rng: random.Random, count: int, exponent: float) -> list[str]:
        if not self.cumulative:
            weights = (1 / rank**exponent for rank in range(1, len(self.urls) + 1))
            self.cumulative = list(itertools.accumulate(weights))
        return rng.choices(self.urls, cum_weights=self.cumulative, k=count)

    def uniform(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.urls, k=count)


@dataclass
class Request:
    label: str
    method: str = "GET"
    path: str = "/"
    headers: tuple[str, ...] = ()
    body: str = ""

    def line(self) -> str:
        return "\t".join([self.label, self.method, self.path, "|".join(self.headers), self.body])


@dataclass
class Figures:
    count: int
    p50_ms: float
    p95_ms: float
    rps: float
    hits: float | None
    statuses: dict[int, int]

    def unexpected(self, expected: set[int] | None = None) -> int:
        good = expected or set(range(200, 400))
        return sum(n for status, n in self.statuses.items() if status not in good)


@dataclass
class Run:
    seconds: float
    errors: int
    records: dict[str, list[tuple[int, int, str]]]

    @property
    def requests(self) -> int:
        return sum(len(kept) for kept in self.records.values())

    def figures(self, label: str) -> Figures | None:
        kept = self.records.get(label)
        if not kept:
            return None
        micros = sorted(record[1] for record in kept)
        statuses: dict[int, int] = defaultdict(int)
        for status, _micros, _cache in kept:
            statuses[status] += 1
        return Figures(
            count=len(kept),
            p50_ms=percentile(micros, 0.50) / 1000,
            p95_ms=percentile(micros, 0.95) / 1000,
            rps=len(kept) / self.seconds,
            hits=_hit_rate(record[2] for record in kept),
            statuses=dict(statuses),
        )


def _hit_rate(headers: Iterable[str]) -> float | None:
    """The share served from the shared cache: of visitors' pages, the pages; of pages
    rendered for one person, their cached parts. None: the page is not cached."""
    hits = total = 0
    for header in headers:
        kind, _, parts = header.partition("; parts=")
        if kind == "personal" and parts:
            cached, of = parts.split("/")
            hits, total = hits + int(cached), total + int(of)
        elif kind in ("hit", "miss"):
            hits, total = hits + (kind == "hit"), total + 1
    return hits / total if total else None


def _address(number: int) -> str:
    """A made-up client address per simulated person (documentation range 198.18/15)."""
    return f"198.{18 + number // 65536 % 2}.{number // 256 % 256}.{number % 256}"


class Command(BaseCommand):
    help = (
        "Real traffic: key pages with URLs drawn over the whole dataset (Zipf and uniform) "
        "next to the hot URLs, and one mixed run of visitors, residents and writes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=100_000)
        parser.add_argument("--duration", type=int, default=8, help="seconds per run")
        parser.add_argument("--warm", type=int, default=3, help="seconds of warm-up per run")
        parser.add_argument(
            "--mixed-duration", type=int, default=30, help="seconds of each mixed phase"
        )
        parser.add_argument(
            "--rounds", type=int, default=3, help="alternating read-only and mixed slices"
        )
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--residents", type=int, default=40, help="signed-in residents")
        parser.add_argument("--zipf", type=float, default=1.0, help="the Zipf exponent")
        parser.add_argument("--seed", default="issue-27")
        parser.add_argument("--no-mixed", action="store_true", help="part 1 only")
        parser.add_argument(
            "--mix",
            default="90/8/2",
            help="per cent of requests from visitors / signed-in residents / writes",
        )
        parser.add_argument("--write", help="also write the tables to this Markdown file")
        parser.add_argument(
            "--only", help="part 1 only for the pages whose name contains this; 'mixed': none"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Run the benchmark on PostgreSQL (make bench).")
        if not shutil.which("wrk"):
            raise CommandError("wrk is missing: scripts/bench-tools installs it.")
        self.options = options
        try:
            shares = [int(share) for share in options["mix"].split("/")]
            self.mix = dict(zip(MIX, shares, strict=True))
        except ValueError:
            raise CommandError("--mix takes three whole numbers: 90/8/2") from None
        self.connections = options["connections"]
        build_city(self.stdout, initiatives=options["initiatives"])
        self.rng = self._random("ranks")
        populations = self._populations()
        people = self._residents(options["residents"])
        directory = Path(tempfile.mkdtemp(prefix="bench-traffic-"))
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        server = LoadCommand()._start_gunicorn(
            port, CLIENT_IP_HEADER=f"HTTP_{CLIENT_HEADER.upper().replace('-', '_')}"
        )
        try:
            spread = self._spread(populations, directory)
            mixed = [] if options["no_mixed"] else self._mixed(populations, people, directory)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            shutil.rmtree(directory, ignore_errors=True)
        table = "\n".join([*spread, "", *mixed])
        self.stdout.write(table)
        if options["write"]:
            self._write(Path(options["write"]), table)

    # --- what is asked for ------------------------------------------------------------

    def _random(self, part: str) -> random.Random:
        """Draws of their own per part, from the fixed seed: a part draws the same
        whichever others run (``--only``, ``--no-mixed``)."""
        return random.Random(f"{self.options['seed']}-{part}")  # noqa: S311 (a benchmark's draws)

    def _populations(self) -> dict[str, Population]:
        """Every address of each key page, ranked for Zipf by a seeded shuffle (list pages
        by their number: the first is the most read)."""

        def shuffled(urls: list[str]) -> Population:
            self.rng.shuffle(urls)
            return Population(urls)

        initiatives = list(Initiative.objects.public().order_by("pk").values_list("pk", flat=True))
        return {
            "initiative": shuffled([f"/initiatieven/{pk}/" for pk in initiatives]),
            "list": Population(self._list_pages()),
            "search": shuffled(self._searches(initiatives)),
            "neighbourhood": shuffled(
                [
                    f"/wijken/{slug}/"
                    for slug in Neighbourhood.objects.order_by("slug").values_list(
                        "slug", flat=True
                    )
                ]
            ),
            "report": shuffled(
                [
                    f"/openbare-ruimte/{pk}/"
                    for pk in Report.objects.public().order_by("pk").values_list("pk", flat=True)
                ]
            ),
            "tender": shuffled(
                [
                    f"/inkoop/aanbesteding/{pk}/"
                    for pk in Tender.objects.public().order_by("pk").values_list("pk", flat=True)
                ]
            ),
            "home": Population(["/"]),
        }

    def _list_pages(self) -> list[str]:
        """Every page of the initiatives list as its links reach it: the first, then each
        after the last initiative of the page before (``SeekPaginator``'s next link)."""
        newest = Initiative.objects.public().sorted_by("newest").values_list("pk", flat=True)
        ends = list(newest)[PAGE_SIZE - 1 : -1 : PAGE_SIZE]  # the last has none after it
        return ["/initiatieven/"] + [
            f"/initiatieven/?page={number}&na={pk}" for number, pk in enumerate(ends, start=2)
        ]

    def _searches(self, initiatives: list[int]) -> list[str]:
        """Two-word queries from words that occur in initiatives' titles (a sample of
        2,000 titles), every pair of two different words."""
        sample = self.rng.sample(initiatives, min(2000, len(initiatives)))
        titles = Initiative.objects.filter(pk__in=sample).values_list("title", flat=True)
        marker = MARK.strip("[]").lower()
        words = sorted(
            {
                word
                for title in titles
                for word in re.findall(r"[^\W\d_]{4,}", title.lower())
                if word != marker
            }
        )
        return [
            "/zoeken/?" + urlencode({"q": f"{first} {second}"})
            for first, second in itertools.permutations(words, 2)
        ] or ["/zoeken/?q=speeltuin"]

    # --- part 1: spread over the dataset ----------------------------------------------

    def _spread(self, populations: dict[str, Population], directory: Path) -> list[str]:
        only = self.options["only"]
        kinds = [kind for kind in LABELS if kind not in ("baseline", "home")]
        if only:
            kinds = [kind for kind in kinds if only in LABELS[kind] or only == kind]
        duration, warm = self.options["duration"], self.options["warm"]
        exponent = self.options["zipf"]
        count = max(20_000, 1500 * (duration + warm))
        baseline, _one = self._measure(directory, "baseline", ["/_bench/baseline/"], duration, warm)
        rows = [
            "Each key page three ways: one URL again and again (hot), URLs drawn with a Zipf "
            f"skew (s = {exponent:g}) over every address of the page, and drawn uniformly "
            "(visitors, not signed in):",
            "",
            "| page | URLs | distinct | p50 ms | p95 ms | requests/s | share of baseline | "
            "cache hits | non-2xx/3xx |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            self._spread_row(LABELS["baseline"], "one", 1, baseline, baseline),
        ]
        for kind in kinds:
            population, rng = populations[kind], self._random(kind)
            draws = [
                ("hot (one URL)", population.urls[:1]),
                (f"Zipf over {len(population.urls):,}", population.zipf(rng, count, exponent)),
                (f"uniform over {len(population.urls):,}", population.uniform(rng, count)),
            ]
            for how, urls in draws:
                figures, distinct = self._measure(directory, kind, urls, duration, warm)
                rows.append(self._spread_row(LABELS[kind], how, distinct, figures, baseline))
        rows.append(
            f"(wrk: {self.connections} connections, {warm} s warm-up then {duration} s per "
            "row; the run after the warm-up continues the same drawn sequence. Cache hits: "
            "the share of pages served from the shared cache (n/a: not a cached page). "
            f"gunicorn: 2 workers, Redis cache; {timezone.now():%Y-%m-%d %H:%M})"
        )
        return rows

    def _measure(
        self, directory: Path, kind: str, urls: list[str], duration: int, warm: int
    ) -> tuple[Figures, int]:
        """One row: a warm-up over the start of ``urls``, then the run that continues
        where it stopped; the figures and how many different addresses the run asked."""
        path = directory / f"{kind}.txt"
        path.write_text("".join(Request(kind, path=url).line() + "\n" for url in urls))
        warmed = self._wrk(path, 0, warm)
        start = warmed.requests + warmed.errors
        run = self._wrk(path, start, duration)
        asked = start + run.requests + run.errors
        seen = [urls[n % len(urls)] for n in range(start, asked)]
        figures = run.figures(kind)
        if figures is None:
            raise CommandError(f"no answers from {kind}: {run.errors} errors")
        figures.statuses[0] = figures.statuses.get(0, 0) + run.errors
        return figures, len(set(seen))

    def _spread_row(
        self, label: str, how: str, distinct: int, figures: Figures, base: Figures
    ) -> str:
        return (
            f"| {label} | {how} | {distinct:,} | {figures.p50_ms:.1f} | {figures.p95_ms:.1f} | "
            f"{figures.rps:.0f} | {figures.rps * 100 / (base.rps or 1):.0f}% | "
            f"{_percent(figures.hits)} | {figures.unexpected()} |"
        )

    # --- part 2: the mixed run -----------------------------------------------------------

    def _residents(self, count: int) -> list[dict]:
        """A pool of bench residents with a session each (made directly, as the other
        benchmarks do), a form token (CSRF) and a key to the open survey; and residents
        with a password for the sign-ins."""
        users = list(
            User.objects.filter(email__endswith=f"@{PREFIX}.invalid", email__startswith="inwoner")
            .exclude(email=f"inwoner@{PREFIX}.invalid")
            .order_by("pk")[:count]
        )
        if len(users) < count:
            raise CommandError("The dataset has too few residents.")
        store = import_module(settings.SESSION_ENGINE).SessionStore
        people = []
        for number, user in enumerate(users):
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session["account_authentication_methods"] = [
                {"method": "password", "at": time.time(), "email": user.email}
            ]
            session["survey_keys"] = {OPEN_SURVEY: f"open:{get_random_string(32)}"}
            session.create()
            token = get_random_string(32)
            people.append(
                {
                    "user": user.pk,
                    "address": _address(10_000 + number),
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                    f"{settings.CSRF_COOKIE_NAME}={token}",
                    "token": token,
                }
            )
        signers = []
        encoded = None
        for number in range(10):
            user, _created = User.objects.get_or_create(
                email=f"aanmelder{number}@{PREFIX}.invalid",
                defaults={"display_name": f"Aanmelder {number}"},
            )
            # Hashed as the portal hashes now (an earlier run's hash may be an older
            # kind, rehashed at the first sign-in: not what a sign-in costs).
            if encoded is None:
                user.set_password(PASSWORD)
                encoded = user.password
            User.objects.filter(pk=user.pk).update(password=encoded)
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            signers.append(user.email)
        self.signers = signers
        return people

    def _writes(self, people: list[dict]) -> dict[str, Callable[[dict], Request]]:
        """Each kind of write, as a function of the resident who writes."""
        rng = self.mixed_rng
        supportable = list(
            Initiative.objects.filter(title__startswith=MARK, status__in=OPEN_FOR_SUPPORT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        commentable = list(
            Initiative.objects.public()
            .exclude(status=Status.WITHDRAWN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        votable = list(
            AgendaItem.objects.filter(status__in=OPEN_FOR_VOTES)
            .order_by("pk")
            .values_list("pk", "neighbourhood__slug")
        )
        open_reports = list(
            Report.objects.public()
            .filter(status__in=OPEN_REPORTS)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        survey = Survey.objects.get(slug=OPEN_SURVEY)
        first_page = min(survey.pages())
        answers = urlencode(
            {
                str(pk): "3" if kind == Question.Kind.LIKERT else "7"
                for pk, kind in survey.questions.filter(page=first_page).values_list("pk", "kind")
            }
        )
        if not (supportable and commentable and votable and open_reports):
            raise CommandError("The dataset has nothing to support, comment on or vote for.")
        # Supports and votes are given and, later in the run, taken back by the same
        # resident: every one is a real write, and the dataset stays as it was.
        given: dict[tuple[str, int], list] = defaultdict(list)
        language: dict[int, itertools.count[int]] = defaultdict(itertools.count)
        comments = itertools.count(1)

        def signed_in(person: dict, label: str, path: str, body: str, *extra: str) -> Request:
            headers = (
                f"Cookie: {person['cookie']}",
                f"X-CSRFToken: {person['token']}",
                f"{CLIENT_HEADER}: {person['address']}",
                FORM,
                *extra,
            )
            return Request(f"write|{label}", "POST", path, headers, body)

        def give_or_take(person: dict, kind: str, targets: list) -> tuple[object, str]:
            pending = given[kind, person["user"]]
            if pending and rng.random() < 0.5:
                return pending.pop(0), "withdraw=1"
            target = rng.choice(targets)
            pending.append(target)
            return target, ""

        def support(person):
            pk, body = give_or_take(person, "support", supportable)
            path = f"/initiatieven/{pk}/steunen/"
            return signed_in(person, "support", path, body, "HX-Request: true")

        def comment(person):
            text = f"Goed plan, ik doe mee! (bench {next(comments)})"
            path = f"/initiatieven/{rng.choice(commentable)}/reageren/"
            return signed_in(person, "comment", path, urlencode({"text": text}))

        def vote(person):
            (pk, slug), body = give_or_take(person, "vote", votable)
            return signed_in(person, "agenda vote", f"/wijken/{slug}/agenda/{pk}/stem/", body)

        def survey_page(person):
            path = f"/enquetes/{OPEN_SURVEY}/pagina/{first_page}/"
            return signed_in(person, "survey page", path, answers)

        def seen_too(person):
            path = f"/openbare-ruimte/{rng.choice(open_reports)}/ook-gezien/"
            return signed_in(person, "seen it too", path, "")

        def switch(person):
            chosen = "en" if next(language[person["user"]]) % 2 == 0 else "nl"
            return signed_in(person, "language", "/taal/", f"language={chosen}&next=/")

        def sign_in(person):
            token = get_random_string(32)
            headers = (
                f"Cookie: {settings.CSRF_COOKIE_NAME}={token}",
                f"X-CSRFToken: {token}",
                f"{CLIENT_HEADER}: {_address(rng.randrange(10_000))}",
                FORM,
            )
            body = urlencode({"login": rng.choice(self.signers), "password": PASSWORD})
            return Request("write|sign-in", "POST", "/account/login/", headers, body)

        return {
            "support": support,
            "comment": comment,
            "agenda vote": vote,
            "survey page": survey_page,
            "seen it too": seen_too,
            "language": switch,
            "sign-in": sign_in,
        }

    def _sequence(self, populations, people, count) -> list[tuple[bool, Request]]:
        """``count`` requests in the stated mix; each read drawn with the Zipf skew."""
        rng, exponent = self.mixed_rng, self.options["zipf"]
        writes = self._writes(people)
        who = rng.choices(list(self.mix), weights=list(self.mix.values()), k=count)
        pages = rng.choices(list(PAGE_MIX), weights=list(PAGE_MIX.values()), k=count)
        urls = {kind: iter(populations[kind].zipf(rng, count, exponent)) for kind in PAGE_MIX}
        sequence = []
        headers: tuple[str, ...]
        for reader, page in zip(who, pages, strict=True):
            if reader == "write":
                kind = rng.choices(list(WRITE_MIX), weights=list(WRITE_MIX.values()))[0]
                sequence.append((True, writes[kind](rng.choice(people))))
            elif reader == "resident":
                person = rng.choice(people)
                headers = (f"Cookie: {person['cookie']}", f"{CLIENT_HEADER}: {person['address']}")
                sequence.append(
                    (False, Request(f"resident|{page}", path=next(urls[page]), headers=headers))
                )
            else:
                headers = (f"{CLIENT_HEADER}: {_address(rng.randrange(10_000))}",)
                sequence.append(
                    (False, Request(f"visitor|{page}", path=next(urls[page]), headers=headers))
                )
        return sequence

    def _mixed(self, populations, people, directory: Path) -> list[str]:
        """The read-only phase (the mix without its writes) and the same stream with the
        writes, on the same server, in ``--rounds`` alternating slices (a change in the
        machine's load meets both alike); every slice continues one warmed sequence where
        the one before stopped, so none replays the addresses another just cached."""
        duration, warm = self.options["mixed_duration"], self.options["warm"]
        self.mixed_rng = self._random("mixed")
        sequence = self._sequence(populations, people, max(30_000, 1500 * (warm + 2 * duration)))
        reads = [position for position, (write, _request) in enumerate(sequence) if not write]
        everything, read_only = directory / "mixed.txt", directory / "read-only.txt"
        everything.write_text("".join(request.line() + "\n" for _w, request in sequence))
        read_only.write_text("".join(sequence[p][1].line() + "\n" for p in reads))
        rounds = self.options["rounds"]
        seconds = max(1, round(duration / rounds))
        warmed = self._wrk(read_only, 0, warm)
        at = warmed.requests + warmed.errors  # where the next read-only slice starts
        quiet, busy = [], []
        for _round in range(rounds):
            quiet.append(self._wrk(read_only, at, seconds))
            position = reads[(at + quiet[-1].requests + quiet[-1].errors) % len(reads)]
            busy.append(self._wrk(everything, position, seconds))
            position += busy[-1].requests + busy[-1].errors
            at = bisect.bisect_left(reads, position % len(sequence))
        return self._mixed_tables(_merged(quiet), _merged(busy), seconds * rounds)

    def _mixed_tables(self, quiet: Run, busy: Run, duration: int) -> list[str]:
        rows = [
            f"Mixed: visitors {self.mix['visitor']}%, signed-in residents "
            f"{self.mix['resident']}%, writes {self.mix['write']}% of requests, at once; next "
            "to the same pages read-only (the mix without its writes) in slices alternating "
            "with it, in the same run:",
            "",
            "| page | who | read-only p50 ms | p95 ms | requests/s | cache hits | "
            "with writes p50 ms | p95 ms | requests/s | cache hits | requests/s with writes "
            "/ read-only | non-2xx/3xx |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for reader in ("visitor", "resident"):
            for page in PAGE_MIX:
                label = f"{reader}|{page}"
                before, under = quiet.figures(label), busy.figures(label)
                if before is None or under is None:
                    continue
                rows.append(
                    f"| {LABELS[page]} | {reader} | {before.p50_ms:.1f} | {before.p95_ms:.1f} | "
                    f"{before.rps:.1f} | {_percent(before.hits)} | {under.p50_ms:.1f} | "
                    f"{under.p95_ms:.1f} | {under.rps:.1f} | {_percent(under.hits)} | "
                    f"{under.rps * 100 / (before.rps or 1):.0f}% | "
                    f"{before.unexpected() + under.unexpected()} |"
                )
        rows += [
            "",
            "The writes in the same run:",
            "",
            "| write | requests | p50 ms | p95 ms | requests/s | answers | not as expected |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for kind in WRITE_MIX:
            figures = busy.figures(f"write|{kind}")
            if figures is None:
                rows.append(f"| {kind} | 0 | | | | | |")
                continue
            answers = ", ".join(f"{n} x {status}" for status, n in sorted(figures.statuses.items()))
            expected = WRITE_ANSWERS.get(kind, {302})
            rows.append(
                f"| {kind} | {figures.count} | {figures.p50_ms:.1f} | {figures.p95_ms:.1f} | "
                f"{figures.rps:.1f} | {answers} | {figures.unexpected(expected)} |"
            )
        every = [
            r for label, kept in busy.records.items() if label.startswith("write|") for r in kept
        ]
        pooled = Run(busy.seconds, 0, {"all": every}).figures("all")
        if pooled is not None:
            rows.append(
                f"| all writes | {pooled.count} | {pooled.p50_ms:.1f} | {pooled.p95_ms:.1f} | "
                f"{pooled.rps:.1f} | | |"
            )
        writes = len(every)
        rows.append(
            f"(wrk: {self.connections} connections, {self.options['warm']} s warm-up, then "
            f"{duration} s read-only and {duration} s with writes in "
            f"{self.options['rounds']} alternating slices: {quiet.requests:,} and "
            f"{busy.requests:,} requests, {quiet.requests / quiet.seconds:.0f} and "
            f"{busy.requests / busy.seconds:.0f} requests/s, of which {writes:,} writes "
            f"({writes * 100 / (busy.requests or 1):.1f}%); {quiet.errors + busy.errors} "
            f"connection errors. Reads drawn with the Zipf skew over each page's addresses; "
            f"{len(self.signers)} residents sign in, {self.options['residents']} browse and "
            f"write. Cache hits: visitors' pages served from the cache; for residents, the "
            f"cached parts and values of their pages; n/a: not a cached page. "
            f"{timezone.now():%Y-%m-%d %H:%M})"
        )
        return rows

    # --- wrk --------------------------------------------------------------------------

    def _wrk(self, requests: Path, start: int, seconds: int) -> Run:
        """One wrk run over the file from line ``start``: one connection per thread, so
        the script can time each response."""
        command = [
            "wrk",
            f"-t{self.connections}",
            f"-c{self.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(SCRIPT),
            "-H",
            "Host: localhost",
            f"{self.base}/",
            str(requests),
            str(start),
            str(self.connections),
        ]
        output = subprocess.run(  # noqa: S603 (our own fixed command line, loopback URL)
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
        summary = re.search(
            r"^SUMMARY\t(\d+)\t(\d+)\t(\d+)\t(\d+)\t(\d+)\t(\d+)\t(\d+)$", output, re.M
        )
        if not summary:
            raise CommandError(f"wrk said: {output[:2000]}")
        numbers = [int(value) for value in summary.groups()]
        records: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for line in output.splitlines():
            if line.startswith("R\t"):
                _r, label, status, micros, cache = line.split("\t", 4)
                records[label].append((int(status), int(micros), cache))
        # Connection errors, read and write errors and timeouts (not statuses: kept above).
        errors = numbers[2] + numbers[3] + numbers[4] + numbers[6]
        return Run(seconds=numbers[1] / 1e6, errors=errors, records=dict(records))

    def _write(self, path: Path, table: str) -> None:
        """Replace this benchmark's tables between their markers; the rest is prose."""
        options = self.options
        write_between_markers(
            path,
            "bench_traffic",
            f"Machine: {machine()}, PostgreSQL, Redis and wrk on the same machine. Command: "
            f"`make bench` (these tables: `manage.py bench_traffic --initiatives "
            f"{options['initiatives']} --duration {options['duration']} --warm "
            f"{options['warm']} --mixed-duration {options['mixed_duration']} --rounds "
            f"{options['rounds']} --connections {self.connections} --residents "
            f"{options['residents']} --zipf {options['zipf']:g} --seed {options['seed']}`)."
            f"\n\n{table}",
        )


def _merged(runs: list[Run]) -> Run:
    """Slices of one phase as one run."""
    records: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for run in runs:
        for label, kept in run.records.items():
            records[label].extend(kept)
    return Run(
        seconds=sum(run.seconds for run in runs),
        errors=sum(run.errors for run in runs),
        records=dict(records),
    )


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"
