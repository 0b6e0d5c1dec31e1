"""The city-scale dataset of the benchmarks (``make bench``), on PostgreSQL only.

100,000 initiatives with 500,000 supports and 200,000 comments over 60 neighbourhoods,
100,000 public-space reports over the past year (most closed, a fifth of those answered
"is it solved?", three recorded improvements),
5,000 agenda items, 3 years of programmes, 2,000 events, 50,000 suppliers with CPV
interests, 2,000 tenders with 20,000 contracts (MVI criteria, 10,000 social-return
activities), a panel of 20,000 members and 3 resident surveys with 50,000 responses
of 20 questions in total, and one open survey that residents answer while
``bench_traffic`` runs. Big tables go in with COPY, the rest with bulk_create; each
part is made once and recognised by its "[bench]" marker, so later runs only measure.
Made-up data: nobody real, nothing emailed.
"""

import random
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from common import workdays
from initiatives.models import Initiative, Status, Support, Theme
from neighbourhoods import actions as neighbourhood_actions
from neighbourhoods import cbs
from neighbourhoods.models import (
    AgendaItem,
    AgendaStatus,
    Buurt,
    Event,
    Neighbourhood,
    Programme,
    ProgrammeProject,
    street_of,
)
from procurement.models import (
    Contract,
    CpvCode,
    MviCriterion,
    SocialReturnBlock,
    Supplier,
    SupplierCpvPrefix,
    Tender,
)
from reports.models import (
    Answer,
    Category,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    Improvement,
    Report,
)
from reports.models import Status as ReportStatus
from surveys.models import AgeBand, Question, Survey

PREFIX = "bench"
MARK = f"[{PREFIX}]"
OPEN_SURVEY = f"{PREFIX}-open"
WHAT = ["Speeltuin", "Bankjes", "Moestuin", "Buurtfeest", "Geveltuin", "Repair café",
        "Boomspiegels", "Jeu de boules-baan", "Buurtbieb", "Zwerfvuilactie", "Wadi",
        "Kunstwerk", "Hondenveldje", "Pannakooi", "Ontmoetingsplek"]  # fmt: skip
WHERE = ["Havenplein", "Molenweg", "Kerkstraat", "Parklaan", "Dorpsstraat", "Stationsplein",
         "Schoolstraat", "Weidelaan", "Bosrand", "Kade"]  # fmt: skip


def _rng(part: str) -> random.Random:
    return random.Random(f"{PREFIX}-{part}")  # noqa: S311 (made-up benchmark data)


def _copy(table: str, columns: list[str], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        cursor.execute(f"ANALYZE {table}")
    return count


def add_questions(survey, count: int) -> None:
    """Rating and agree/disagree questions in turn, five to a page."""
    Question.objects.bulk_create(
        Question(
            survey=survey,
            order=n,
            page=1 + n // 5,
            code=f"q{n}",
            kind=Question.Kind.RATING if n % 2 == 0 else Question.Kind.LIKERT,
            text=f"Vraag {n}",
        )
        for n in range(count)
    )


def add_responses(survey, count: int, neighbourhoods: list[int], rng: random.Random) -> None:
    """``count`` anonymous responses answering every question of ``survey`` (COPY)."""
    questions = list(survey.questions.values_list("pk", "kind"))
    today = timezone.localdate()
    ids = [uuid.uuid4() for _ in range(count)]
    _copy(
        "surveys_response",
        ["id", "survey_id", "neighbourhood_id", "age_band", "submitted_on"],
        (
            (rid, survey.pk, rng.choice(neighbourhoods), rng.choice(AgeBand.values), today)
            for rid in ids
        ),
    )
    _copy(
        "surveys_answer",
        ["response_id", "question_id", "value_number", "value_text"],
        (
            (rid, qid, rng.randint(1, 10 if kind == Question.Kind.RATING else 5), "")
            for rid in ids
            for qid, kind in questions
        ),
    )


def _report_rows(count: int, categories, neighbourhoods: list[int], rng: random.Random):
    """Reports sent over the past year: 85% closed (mostly solved) after a lead time
    around their term, the rest open (some past their due date)."""
    now = timezone.now()
    for number in range(count):
        category, department, term = rng.choice(categories)
        submitted = now - timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 8))
        went_in = timezone.localdate(submitted)
        due = workdays.add_working_days(went_in, term)
        closed_at, status = None, rng.choice(OPEN_REPORT_STATUSES)
        days = max(0.2, rng.lognormvariate(0, 0.6) * term * 1.3)
        if rng.random() < 0.85 and submitted + timedelta(days=days) < now:
            closed_at = submitted + timedelta(days=days)
            status = ReportStatus.SOLVED if rng.random() < 0.88 else ReportStatus.DECLINED
        yield (
            category,
            f"{MARK} {rng.choice(REPORT_WHAT)} bij {rng.choice(WHERE)} {number}",
            f"{52.14 + rng.uniform(0, 0.04):.6f}",
            f"{5.35 + rng.uniform(0, 0.06):.6f}",
            *_address(rng),
            rng.choice(neighbourhoods),
            status,
            department,
            "",
            "nl",
            submitted,
            submitted,
            closed_at or submitted,
            due,
            closed_at,
            rng.choice([0, 0, 0, 1, 2]),
            False,
        )


def _address(rng: random.Random) -> tuple[str, str]:
    """An address and its street (as ``street_of`` reads it)."""
    address = f"{rng.choice(WHERE)} {rng.randint(1, 120)}"
    return address, street_of(address)


REPORT_WHAT = ["Losse stoeptegel", "Kapotte lantaarnpaal", "Zwerfvuil", "Graffiti",
               "Takken", "Kapotte schommel", "Volle afvalbak", "Gat in de weg"]  # fmt: skip
# Comments are made of an opening, a subject and a wish, so that the mood of the city
# (``bench_mood``) reads texts that differ as residents' do, not one sentence 200,000 times.
COMMENT_OPENING = ["Goed plan!", "Mooi idee.", "Ik twijfel nog.", "Eindelijk!", "Graag!",
                   "Liever niet zo.", "Prima, maar", "Top,"]  # fmt: skip
COMMENT_SUBJECT = ["de verkeersveiligheid bij de school", "het parkeren in de straat",
                   "het groen en de bomen", "de speelplek voor kinderen", "het zwerfvuil",
                   "de verlichting 's avonds", "overlast van hangjongeren", "de fietsenstalling",
                   "het bankje voor ouderen", "de hondenpoep op het gras",
                   "de kosten voor de buurt", "het onderhoud daarna"]  # fmt: skip
COMMENT_WISH = ["ik help mee", "denk aan de buren", "vraag de gemeente om geld",
                "houd het veilig", "begin snel", "betrek de school", "maak het duurzaam",
                "zorg voor toezicht"]  # fmt: skip


def _comment(rng: random.Random) -> str:
    return (
        f"{rng.choice(COMMENT_OPENING)} Over {rng.choice(COMMENT_SUBJECT)} bij de "
        f"{rng.choice(WHERE)}: {rng.choice(COMMENT_WISH)}."
    )


OPEN_REPORT_STATUSES = [ReportStatus.RECEIVED, ReportStatus.IN_PROGRESS, ReportStatus.FORWARDED]


BUURTEN_PER_WIJK = 4

# Supports and comments grow with the initiatives (5 and 2 per initiative: 500,000 and
# 200,000 at 100,000 initiatives, 5,000,000 and 2,000,000 at a million).
SUPPORTS_PER_INITIATIVE = 5
COMMENTS_PER_INITIATIVE = 2


class CityDataset:
    def __init__(self, out, *, initiatives: int = 100_000, reports: int = 100_000):
        self.out = out
        self.size = initiatives
        self.reports = reports

    def build(self) -> None:
        built = False
        for part in [
            self.neighbourhoods,
            self.initiatives,
            self.agenda_and_programmes,
            self.events_and_tenders,
            self.suppliers,
            self.contracts,
            self.residents_and_panel,
            self.supports_and_comments,
            self.surveys,
            self.open_survey,
            self.public_space_reports,
            self.report_feedback,
            self.buurten,
        ]:
            started = time.perf_counter()
            with transaction.atomic():
                made = part()
            if made:
                self.out.write(
                    f"  {part.__name__}: {made} in {time.perf_counter() - started:.1f} s"
                )
                built = True
        if built:
            # A city's database has been vacuumed many times over; rows just copied in
            # have not, and index-only scans need the visibility map that VACUUM sets.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            self.out.write(f"  vacuum: {time.perf_counter() - started:.1f} s")

    # --- parts ------------------------------------------------------------------------

    def neighbourhoods(self) -> str:
        if Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-").exists():
            return ""
        Neighbourhood.objects.bulk_create(
            Neighbourhood(
                name=f"Benchwijk {number}",
                slug=f"{PREFIX}-{number}",
                cbs_code=f"WK98{number:04d}",
                population=5_000 + number * 97,
            )
            for number in range(60)
        )
        return "60 neighbourhoods"

    def _neighbourhood_ids(self) -> list[int]:
        return list(
            Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-").values_list("pk", flat=True)
        )

    def initiatives(self) -> str:
        present = Initiative.objects.filter(title__startswith=MARK).count()
        if present >= self.size:
            return ""
        weights = [
            (Status.SUBMITTED, 8), (Status.IN_REVIEW, 10), (Status.NEEDS_INFO, 4),
            (Status.ACCEPTED, 20), (Status.REJECTED, 10), (Status.IN_PROGRESS, 15),
            (Status.REALISED, 28), (Status.WITHDRAWN, 5),
        ]  # fmt: skip
        decided = {Status.ACCEPTED, Status.REJECTED, Status.IN_PROGRESS, Status.REALISED}
        rng = _rng(f"initiatives-{present}")
        now = timezone.now()
        neighbourhoods = self._neighbourhood_ids()
        theme = Theme.objects.first()
        batch = []
        for number in range(present, self.size):
            status = rng.choices([s for s, _w in weights], [w for _s, w in weights])[0]
            submitted = now - timedelta(days=rng.uniform(1, 3 * 365))
            answered = status != Status.SUBMITTED and rng.random() < 0.95
            responded = submitted + timedelta(days=rng.uniform(0.5, 25)) if answered else None
            located = rng.random() < 0.5
            what, where = rng.choice(WHAT), rng.choice(WHERE)
            batch.append(
                Initiative(
                    title=f"{MARK} {what} {where} {number}",
                    summary=f"{what} bij de {where} voor en door de buurt.",
                    description=(
                        f"Bewoners rond de {where} willen een {what.lower()} maken. "
                        "We vragen de gemeente om advies, een vergunning en wat geld."
                    ),
                    neighbourhood_id=neighbourhoods[number % len(neighbourhoods)],
                    theme=theme,
                    status=status,
                    submitted_at=submitted,
                    response_due=(submitted + timedelta(days=14)).date(),
                    responded_at=responded,
                    decided_at=responded if status in decided else None,
                    latitude=Decimal(f"{52.14 + rng.random() * 0.03:.6f}") if located else None,
                    longitude=Decimal(f"{5.36 + rng.random() * 0.06:.6f}") if located else None,
                )
            )
            if len(batch) == 5000:
                Initiative.objects.bulk_create(batch)
                batch = []
        Initiative.objects.bulk_create(batch)
        return f"{self.size - present:,} initiatives"

    def agenda_and_programmes(self) -> str:
        if AgendaItem.objects.filter(title__startswith=MARK).exists():
            return ""
        rng = _rng("agenda")
        neighbourhoods = self._neighbourhood_ids()
        AgendaItem.objects.bulk_create(
            AgendaItem(
                neighbourhood_id=rng.choice(neighbourhoods),
                title=f"{MARK} {rng.choice(WHAT)} bij {rng.choice(WHERE)}",
                description="Een wens uit de buurt.",
                origin=AgendaItem.Origin.RESIDENT,
                status=rng.choice(AgendaStatus.values),
                answer="Een antwoord van de gebiedsmanager.",
                vote_count=rng.randint(0, 40),
            )
            for _number in range(self.size // 20)
        )
        year = timezone.localdate().year
        programmes = Programme.objects.bulk_create(
            Programme(
                neighbourhood_id=neighbourhood,
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
                title=f"{MARK} {rng.choice(WHAT)} {rng.choice(WHERE)}",
                description="Een project uit het wijkprogramma.",
                budget=Decimal(rng.randint(5, 50) * 1000),
                spent=Decimal(rng.randint(0, 5) * 1000),
                status=rng.choice(ProgrammeProject.Status.values),
            )
            for programme in programmes
            for _number in range(10)
        )
        return f"{self.size // 20:,} agenda items, {len(programmes)} programmes"

    def events_and_tenders(self) -> str:
        if Event.objects.filter(title__startswith=MARK).exists():
            return ""
        rng = _rng("events")
        now = timezone.now()
        neighbourhoods = self._neighbourhood_ids()
        events = []
        for _number in range(self.size // 50):
            start = now + timedelta(days=rng.uniform(-700, 300))
            events.append(
                Event(
                    kind=rng.choice(Event.Kind.values),
                    title=f"{MARK} Wijkavond {rng.choice(WHERE)}",
                    neighbourhood_id=rng.choice(neighbourhoods),
                    location="Buurthuis",
                    starts_at=start,
                    ends_at=start + timedelta(hours=2),
                )
            )
        Event.objects.bulk_create(events)
        today = timezone.localdate()
        Tender.objects.bulk_create(
            Tender(
                title=f"{MARK} {rng.choice(['Onderhoud', 'Levering', 'Aanleg'])} "
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
            for _number in range(self.size // 50)
        )
        return f"{len(events):,} events and as many tenders"

    def suppliers(self) -> str:
        if Supplier.objects.filter(name__startswith=MARK).exists():
            return ""
        rng = _rng("suppliers")
        count = self.size // 2
        Supplier.objects.bulk_create(
            (
                Supplier(
                    kvk_number=f"{60_000_000 + number}",
                    name=f"{MARK} Leverancier {number}",
                    street="Havenstraat 1",
                    postcode=rng.choice(["3811 AB", "3822 CD", "1011 AB", "3511 EF"]),
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
                for number in range(count)
            ),
            batch_size=5000,
        )
        codes = list(CpvCode.objects.values_list("pk", flat=True))
        suppliers = Supplier.objects.filter(name__startswith=MARK).values_list("pk", flat=True)
        links = _copy(
            "procurement_supplier_cpv_codes",
            ["supplier_id", "cpvcode_id"],
            ((supplier, code) for supplier in suppliers for code in rng.sample(codes, 3)),
        )
        SupplierCpvPrefix.rebuild()  # what the signal does for suppliers saved one by one
        return f"{count:,} suppliers with {links:,} CPV interests"

    def contracts(self) -> str:
        """Contracts of the bench tenders with bench suppliers (a fifth of the
        initiatives: 20,000), over five departments and four years, with a CPV code and
        MVI criteria on the tenders and accepted or waiting social-return activities."""
        if Contract.objects.filter(tender__title__startswith=MARK).exists():
            return ""
        rng = _rng("contracts")
        count = self.size // 5
        today = timezone.localdate()
        now = timezone.now()
        tenders = list(
            Tender.objects.filter(title__startswith=MARK)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        suppliers = list(
            Supplier.objects.filter(name__startswith=MARK).values_list("pk", flat=True)
        )
        divisions = list(
            CpvCode.objects.filter(prefix__regex=r"^[0-9]{2}$").values_list("pk", flat=True)
        )
        _copy(
            "procurement_tender_cpv_codes",
            ["tender_id", "cpvcode_id"],
            ((tender, rng.choice(divisions)) for tender in tenders),
        )
        criteria: dict[str, list[int]] = {}
        for pk, theme in MviCriterion.objects.values_list("pk", "theme"):
            criteria.setdefault(theme, []).append(pk)
        _copy(
            "procurement_tendercriterion",
            ["tender_id", "criterion_id", "theme"],
            (
                (tender, rng.choice(pks), theme)
                for tender in tenders
                for theme, pks in criteria.items()
                if rng.random() < 0.3
            ),
        )
        departments = ["Beheer openbare ruimte", "Facilitair", "Projecten", "Sociaal domein",
                       "Informatievoorziening"]  # fmt: skip

        def rows():
            for number in range(count):
                start = today - timedelta(days=rng.randint(0, 4 * 365))
                end = start + timedelta(days=rng.randint(180, 4 * 365))
                value = rng.randint(20, 2_000) * 1_000
                status = Contract.Status.ENDED if end < today else Contract.Status.RUNNING
                yield (
                    tenders[number % len(tenders)], rng.choice(suppliers), "", "", "",
                    rng.choice(departments), value, start, end, status,
                    value * 5 // 100 if rng.random() < 0.6 else 0, now,
                )  # fmt: skip

        made = _copy(
            "procurement_contract",
            ["tender_id", "supplier_id", "invited_name", "invited_kvk", "invited_email",
             "department", "value", "start_date", "end_date", "status",
             "social_return_obligation", "awarded_at"],
            rows(),
        )  # fmt: skip
        Tender.objects.filter(title__startswith=MARK, contracts__isnull=False).update(
            status=Tender.Status.AWARDED
        )
        block = SocialReturnBlock.objects.order_by("pk").first()
        obliged = list(
            Contract.objects.filter(
                tender__title__startswith=MARK, social_return_obligation__gt=0
            ).values_list("pk", "social_return_obligation", "start_date")
        )
        picked = rng.sample(obliged, min(len(obliged), count // 2))
        activities = _copy(
            "procurement_socialreturnactivity",
            ["contract_id", "block_id", "description", "quantity", "period_start",
             "period_end", "value", "status", "reported_at", "review_note"],
            (
                (pk, block.pk, "Werkzoekende in dienst", Decimal(1), start, start,
                 Decimal(obligation) * Decimal(rng.randint(10, 120)) / 100,
                 rng.choice(["accepted", "accepted", "submitted"]), now, "")
                for pk, obligation, start in picked
            ),
        ) if block is not None else 0  # fmt: skip
        return f"{made:,} contracts, {activities:,} social-return activities"

    def residents_and_panel(self) -> str:
        # The panel's own first member, not any bench address: other benchmarks add a
        # resident of their own (bench_budget's voter), whichever runs first.
        if User.objects.filter(email=f"inwoner0@{PREFIX}.invalid").exists():
            return ""
        rng = _rng("panel")
        now = timezone.now()
        count = 20_000
        _copy(
            "accounts_user",
            [
                "email",
                "password",
                "display_name",
                "language",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
            ],
            (
                (f"inwoner{n}@{PREFIX}.invalid", "!", f"Inwoner {n}", "nl", False, True, False, now)
                for n in range(count)
            ),
        )
        neighbourhoods = self._neighbourhood_ids()
        users = User.objects.filter(email__endswith=f"@{PREFIX}.invalid").values_list(
            "pk", flat=True
        )
        _copy(
            "surveys_panelmember",
            ["user_id", "neighbourhood_id", "age_band", "consent_at"],
            ((user, rng.choice(neighbourhoods), rng.choice(AgeBand.values), now) for user in users),
        )
        return f"{count:,} residents in the panel"

    def supports_and_comments(self) -> str:
        if Support.objects.filter(user__email__endswith=f"@{PREFIX}.invalid").exists():
            return ""
        rng = _rng("supports")
        now = timezone.now()
        users = list(
            User.objects.filter(email__endswith=f"@{PREFIX}.invalid").values_list("pk", flat=True)
        )
        initiatives = list(
            Initiative.objects.filter(title__startswith=MARK).values_list("pk", flat=True)
        )
        per_user = min(len(initiatives), SUPPORTS_PER_INITIATIVE * self.size // len(users))
        pairs = (
            (user, initiative) for user in users for initiative in rng.sample(initiatives, per_user)
        )
        supports = _copy(
            "initiatives_support", ["user_id", "initiative_id", "created_at"],
            ((user, initiative, now) for user, initiative in pairs),
        )  # fmt: skip
        # The denormalised counter, as the actions keep it.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE initiatives_initiative i SET supporter_count = s.n FROM "
                "(SELECT initiative_id, count(*) n FROM initiatives_support GROUP BY 1) s "
                "WHERE s.initiative_id = i.id"
            )
        comments = _copy(
            "initiatives_comment",
            ["initiative_id", "author_id", "text", "created_at", "hidden_reason"],
            (
                (
                    rng.choice(initiatives),
                    rng.choice(users),
                    _comment(rng),
                    now - timedelta(days=rng.uniform(0, 365)),
                    "",
                )
                for _n in range(COMMENTS_PER_INITIATIVE * self.size)
            ),
        )
        return f"{supports:,} supports, {comments:,} comments"

    def surveys(self) -> str:
        if Survey.objects.filter(slug__startswith=f"{PREFIX}-peiling-").exists():
            return ""
        rng = _rng("surveys")
        now = timezone.now()
        neighbourhoods = self._neighbourhood_ids()
        total = 0
        for index, responses in enumerate([20_000, 15_000, 15_000]):
            survey = Survey.objects.create(
                title=f"{MARK} Inwonersenquête {timezone.localdate().year - index}",
                slug=f"{PREFIX}-peiling-{index}",
                kind=Survey.Kind.RESIDENT,
                audience=Survey.Audience.SAMPLE,
                opens_at=now - timedelta(days=400 * (index + 1)),
                closes_at=now - timedelta(days=400 * (index + 1) - 30),
                weighted=True,
                closed_at=now - timedelta(days=400 * (index + 1) - 30),
                results_published_at=now - timedelta(days=400 * (index + 1) - 31),
            )
            add_questions(survey, 20)
            add_responses(survey, responses, neighbourhoods, rng)
            total += responses
        return f"3 surveys, {total:,} responses x 20 questions"

    def open_survey(self) -> str:
        """An open survey anyone may answer, for the writes of ``bench_traffic`` (each page
        answered is a draft saved, the way residents fill in a survey)."""
        if Survey.objects.filter(slug=OPEN_SURVEY).exists():
            return ""
        now = timezone.now()
        survey = Survey.objects.create(
            title=f"{MARK} Open enquête",
            slug=OPEN_SURVEY,
            kind=Survey.Kind.RESIDENT,
            audience=Survey.Audience.OPEN,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=3650),
        )
        add_questions(survey, 10)
        return "1 open survey of 10 questions"

    def public_space_reports(self) -> str:
        if Report.objects.filter(description__startswith=MARK).exists():
            return ""
        rng = _rng("reports")
        categories = []
        for category in Category.objects.reportable():
            department = category.department_for(None)
            categories.append(
                (category.pk, department.pk if department else None, category.term_working_days)
            )
        made = _copy(
            "reports_report",
            [
                "category_id",
                "description",
                "latitude",
                "longitude",
                "address",
                "street",
                "neighbourhood_id",
                "status",
                "department_id",
                "reporter_email",
                "reporter_language",
                "created_at",
                "submitted_at",
                "updated_at",
                "due_date",
                "closed_at",
                "supporter_count",
                "photos_checked",
            ],
            _report_rows(self.reports, categories, self._neighbourhood_ids(), rng),
        )
        today = timezone.localdate()
        roads = Category.objects.main().order_by("position").first()
        Improvement.objects.bulk_create(
            Improvement(
                title_nl=f"{MARK} {title}",
                said_nl="Het duurde te lang en we hoorden niets.",
                done_nl="We plannen anders en laten eerder iets weten.",
                changed_on=today - timedelta(days=days),
                category=roads if index == 0 else None,
            )
            for index, (title, days) in enumerate(
                [("Sneller vast", 60), ("Eerder bericht", 150), ("Beter uitleggen", 250)]
            )
        )
        return f"{made:,} public-space reports and 3 improvements"

    def buurten(self) -> str:
        """Four buurten per bench wijk with CBS figures (population, households), and each
        bench report placed in one of its wijk's buurten (one UPDATE; the bench wijken
        have no boundary, so the buurt is one of its wijk's in turn)."""
        if Buurt.objects.filter(cbs_code__startswith="BU98").exists():
            return ""
        wijken = list(Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-").order_by("pk"))
        rows = [
            "code,name,level,parent_code,year,population,households",
            f"GM9800,Benchgemeente,gemeente,,2024,{sum(w.population for w in wijken)},",
        ]
        for wijk in wijken:
            rows.append(f"{wijk.cbs_code},{wijk.name},wijk,GM9800,2024,{wijk.population},")
            for number in range(BUURTEN_PER_WIJK):
                rows.append(
                    f"BU{wijk.cbs_code[2:]}{number + 1:02d},{wijk.name} {number + 1},buurt,"
                    f"{wijk.cbs_code},2024,{wijk.population // BUURTEN_PER_WIJK},"
                    f"{wijk.population // (BUURTEN_PER_WIJK * 2)}"
                )
        # The import adds the buurten of the portal's wijken that the file names.
        parsed = cbs.parse("\n".join(rows).encode())
        neighbourhood_actions.import_cbs_figures(parsed=parsed, source=f"{MARK} CBS-format")
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE reports_report AS r
                   SET buurt_id = (SELECT b.id FROM neighbourhoods_buurt AS b
                                    WHERE b.neighbourhood_id = r.neighbourhood_id
                                    ORDER BY b.id OFFSET (r.id %% %s) LIMIT 1)
                 WHERE r.description LIKE %s
                """,
                [BUURTEN_PER_WIJK, f"{MARK}%"],
            )
            located = cursor.rowcount
        return f"{len(wijken) * BUURTEN_PER_WIJK} buurten, {located:,} reports located in them"

    def report_feedback(self) -> str:
        """ "Is it solved?" asked for a fifth of the closed reports, and answered."""
        closed = Report.objects.filter(
            description__startswith=MARK, status=ReportStatus.SOLVED
        ).values_list("pk", "closed_at")
        if Report.objects.filter(
            description__startswith=MARK, feedback_requests__isnull=False
        ).exists():
            return ""
        rng = _rng("feedback")
        asked = [
            (pk, closed_at)
            for pk, closed_at in closed
            if closed_at is not None and rng.random() < 0.2
        ]
        _copy(
            "reports_feedbackrequest",
            ["report_id", "token_hash", "created_at", "expires_at"],
            ((pk, f"{PREFIX}{pk:059d}", at, at + timedelta(days=14)) for pk, at in asked),
        )
        answers = {pk: _feedback_for(rng) for pk, _at in asked}
        # Read before COPY starts: the connection cannot answer a query during a COPY.
        requests = list(
            FeedbackRequest.objects.filter(token_hash__startswith=PREFIX).values_list(
                "pk", "report_id", "created_at"
            )
        )
        _copy(
            "reports_feedback",
            ["report_id", "request_id", "solved", "grade", "remark", "created_at"],
            (
                (report, request, *answers[report], "", at + timedelta(days=1))
                for request, report, at in requests
            ),
        )
        reasons: dict[str, list[int]] = {
            answer: list(
                FeedbackReason.objects.filter(answer=answer, applies_to="report").values_list(
                    "pk", flat=True
                )
            )
            for answer in (Answer.PARTLY, Answer.NO)
        }
        unhappy = (
            Feedback.objects.filter(request__token_hash__startswith=PREFIX)
            .exclude(solved=Answer.YES)
            .values_list("pk", "solved")
        )
        links = _copy(
            "reports_feedback_reasons",
            ["feedback_id", "feedbackreason_id"],
            (
                (feedback, reason)
                for feedback, solved in unhappy
                for reason in rng.sample(reasons[solved], min(len(reasons[solved]), 2))
            ),
        )
        return f"{len(asked):,} answers to 'is it solved?', {links:,} reasons"


def _feedback_for(rng: random.Random) -> tuple[str, int]:
    solved = rng.choices([Answer.YES, Answer.PARTLY, Answer.NO], weights=[6, 2, 2])[0]
    base = {Answer.YES: 8, Answer.PARTLY: 6, Answer.NO: 4}[solved]
    return solved, max(1, min(10, base + rng.randint(-2, 2)))


def build_city(out, *, initiatives: int = 100_000, reports: int = 100_000) -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset needs PostgreSQL (make bench).")
    out.write("dataset:")
    CityDataset(out, initiatives=initiatives, reports=reports).build()
