"""The figures the council asks for (issue 24): how much of the municipality's spending
goes to local suppliers and to small and medium-sized enterprises (by value and by
number of contracts), how many tenders carry MVI criteria per theme, social return
obliged against realised (accepted activities) per year and department, and the
contracts that end in the next six months; and, for the officers, spending per CPV
division (category management).

Every figure is one grouped query whatever the number of contracts (the number of
queries is constant); years are the years in which contracts started (spending, social
return) or in which tenders are expected to be published (MVI). Only contracts of
tenders on the public calendar count, as in the public contract register. A contract
with a company not yet registered counts as neither local nor SME (we do not know yet).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from common import stored_figures
from common.charts import bar_chart
from common.csv import spreadsheet_safe_writer
from procurement.models import (
    Contract,
    CpvCode,
    MviTheme,
    SocialReturnActivity,
    Supplier,
    Tender,
    TenderCriterion,
)

# "The next six months" of the contracts ending soon, in days.
ENDING_DAYS = 183
# How many of the contracts ending soon the page lists (the CSV has them all).
ENDING_LISTED = 100

LOCAL = Q(supplier__is_local=True)
SME = Q(supplier__size__in=Supplier.SME_SIZES)


@dataclass(frozen=True)
class Filter:
    """Which contracts and tenders the figures cover: one department, one year, or all."""

    department: str = ""
    year: int | None = None

    def stored(self) -> dict[str, Any]:
        """The filter as stored figures name it (``common.figures``)."""
        return {"department": self.department, "year": self.year}


def share(part: float, total: float) -> float | None:
    """``part`` as a percentage of ``total``, one decimal; None when there is no total."""
    return round(part * 100 / total, 1) if total else None


def public_contracts() -> QuerySet[Contract]:
    """The contracts of the public contract register (tenders on the public calendar)."""
    return Contract.objects.filter(tender__in=Tender.objects.public())


def figure_tenders() -> QuerySet[Tender]:
    """The tenders the MVI share is measured over: on the calendar and not cancelled."""
    return Tender.objects.public().exclude(status=Tender.Status.CANCELLED)


def filter_choices() -> tuple[list[str], list[int]]:
    """The departments and years one can filter on (two queries)."""
    departments = list(
        public_contracts().order_by("department").values_list("department", flat=True).distinct()
    )
    years = sorted(
        {day.year for day in public_contracts().dates("start_date", "year")}, reverse=True
    )
    return departments, years


def _contracts(selection: Filter) -> QuerySet[Contract]:
    contracts = public_contracts()
    if selection.department:
        contracts = contracts.filter(department=selection.department)
    if selection.year:
        contracts = contracts.filter(start_date__year=selection.year)
    return contracts


# --- spending with local suppliers and SMEs ----------------------------------------------


class LocalAndSmeShares:
    """The shares of a group of contracts that went to local suppliers and to SMEs, by
    value and by number (None when the group is empty)."""

    count: int
    value: int
    local_count: int
    local_value: int
    sme_count: int
    sme_value: int

    @property
    def local_value_share(self) -> float | None:
        return share(self.local_value, self.value)

    @property
    def local_count_share(self) -> float | None:
        return share(self.local_count, self.count)

    @property
    def sme_value_share(self) -> float | None:
        return share(self.sme_value, self.value)

    @property
    def sme_count_share(self) -> float | None:
        return share(self.sme_count, self.count)


@dataclass
class SpendingRow(LocalAndSmeShares):
    """Contracts of one year (or all of them): value and count, local and SME parts."""

    label: str
    count: int = 0
    value: int = 0
    local_count: int = 0
    local_value: int = 0
    sme_count: int = 0
    sme_value: int = 0

    def add(self, other: SpendingRow) -> None:
        for name in ("count", "value", "local_count", "local_value", "sme_count", "sme_value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def spending(selection: Filter) -> tuple[SpendingRow, list[SpendingRow]]:
    """The total and one row per year in which contracts started (one query)."""
    rows = (
        _contracts(selection)
        .annotate(year=ExtractYear("start_date"))
        .values("year")
        .annotate(
            n=Count("pk"),
            spent=Sum("value"),
            local_n=Count("pk", filter=LOCAL),
            local_spent=Sum("value", filter=LOCAL),
            sme_n=Count("pk", filter=SME),
            sme_spent=Sum("value", filter=SME),
        )
        .order_by("year")
    )
    per_year = [
        SpendingRow(
            str(row["year"]),
            row["n"],
            row["spent"] or 0,
            row["local_n"],
            row["local_spent"] or 0,
            row["sme_n"],
            row["sme_spent"] or 0,
        )
        for row in rows
    ]
    total = SpendingRow(_("All years") if not selection.year else str(selection.year))
    for row in per_year:
        total.add(row)
    return total, per_year


# --- MVI criteria per theme ---------------------------------------------------------------


@dataclass
class MviRow:
    theme: str
    label: str
    tenders: int
    total: int

    @property
    def percent(self) -> float | None:
        return share(self.tenders, self.total)


def mvi_shares(selection: Filter) -> tuple[int, int, list[MviRow]]:
    """(tenders, tenders with any MVI criterion, one row per theme), in one query."""
    tenders = figure_tenders()
    if selection.department:
        tenders = tenders.filter(department=selection.department)
    if selection.year:
        tenders = tenders.filter(expected_publication__year=selection.year)

    def carries(**theme) -> Exists:
        return Exists(TenderCriterion.objects.filter(tender=OuterRef("pk"), **theme))

    counts = tenders.aggregate(
        total=Count("pk"),
        any=Count("pk", filter=Q(carries())),
        **{value: Count("pk", filter=Q(carries(theme=value))) for value in MviTheme.values},
    )
    total = counts["total"]
    rows = [MviRow(value, str(label), counts[value], total) for value, label in MviTheme.choices]
    return total, counts["any"], rows


# --- social return obliged against realised ------------------------------------------------


@dataclass
class SocialReturnRow:
    year: int
    department: str
    contracts: int
    obliged: int
    realised: float

    @property
    def percent(self) -> float | None:
        return share(self.realised, self.obliged)


def social_return(selection: Filter) -> list[SocialReturnRow]:
    """Per year in which contracts started and per department: what the contracts oblige
    and the value of the activities the coordinator accepted (two queries)."""
    contracts = _contracts(selection)
    obliged = (
        contracts.annotate(year=ExtractYear("start_date"))
        .values("year", "department")
        .annotate(contracts=Count("pk"), obliged=Sum("social_return_obligation"))
        .order_by("year", "department")
    )
    realised = {
        (row["year"], row["contract__department"]): row["realised"]
        for row in SocialReturnActivity.objects.filter(
            status=SocialReturnActivity.Status.ACCEPTED, contract__in=contracts
        )
        .annotate(year=ExtractYear("contract__start_date"))
        .values("year", "contract__department")
        .annotate(realised=Sum("value"))
        .order_by()
    }
    return [
        SocialReturnRow(
            row["year"],
            row["department"],
            row["contracts"],
            row["obliged"] or 0,
            float(realised.get((row["year"], row["department"])) or 0),
        )
        for row in obliged
    ]


# --- contracts ending soon ----------------------------------------------------------------


def ending_soon(department: str = "", today: datetime.date | None = None) -> QuerySet[Contract]:
    """Running or extended contracts whose end date lies in the next six months, soonest
    first. Company facts only: no contract manager, no person."""
    today = today or timezone.localdate()
    contracts = public_contracts().filter(
        status__in=[Contract.Status.RUNNING, Contract.Status.EXTENDED],
        end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=ENDING_DAYS),
    )
    if department:
        contracts = contracts.filter(department=department)
    return contracts.select_related("tender", "supplier").order_by("end_date", "pk")


@dataclass
class EndingContract:
    """What the page and the CSV show of a contract ending soon (no persons)."""

    pk: int
    tender_id: int
    title: str
    party: str
    department: str
    value: int
    end_date: datetime.date


def ending_rows(contracts: QuerySet[Contract], limit: int | None = None) -> list[EndingContract]:
    rows = contracts.values_list(
        "pk",
        "tender_id",
        "tender__title",
        "supplier__name",
        "invited_name",
        "department",
        "value",
        "end_date",
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        EndingContract(pk, tender, title, name or invited, department, value, end)
        for pk, tender, title, name, invited, department, value, end in rows
    ]


# --- the page's figures together ----------------------------------------------------------


@dataclass
class ProcurementFigures:
    computed_at: datetime.datetime
    selection: Filter
    total: SpendingRow
    per_year: list[SpendingRow]
    tenders: int
    tenders_with_mvi: int
    mvi: list[MviRow]
    social_return: list[SocialReturnRow]
    ending_count: int
    ending: list[EndingContract] = field(default_factory=list)

    @property
    def tenders_with_mvi_percent(self) -> float | None:
        return share(self.tenders_with_mvi, self.tenders)

    @property
    def mvi_chart(self) -> dict:
        return bar_chart([(row.label, row.percent or 0.0) for row in self.mvi], suffix="%")

    @property
    def spending_chart(self) -> dict:
        total = self.total
        return bar_chart(
            [
                (_("Local, by value"), total.local_value_share or 0.0),
                (_("Local, by number of contracts"), total.local_count_share or 0.0),
                (_("SME, by value"), total.sme_value_share or 0.0),
                (_("SME, by number of contracts"), total.sme_count_share or 0.0),
            ],
            suffix="%",
        )

    @property
    def social_return_obliged(self) -> int:
        return sum(row.obliged for row in self.social_return)

    @property
    def social_return_realised(self) -> float:
        return sum(row.realised for row in self.social_return)

    @property
    def social_return_percent(self) -> float | None:
        return share(self.social_return_realised, self.social_return_obliged)

    def csv(self, all_ending: list[EndingContract]) -> str:
        """Every figure of the page, one value a row, and every contract ending soon."""
        out = io.StringIO()
        writer = spreadsheet_safe_writer(out)
        selection = [self.selection.department, self.selection.year or ""]
        writer.writerow(["figure", "label", "measure", "value", "department", "year"])
        for row in [self.total, *self.per_year]:
            key = "spending_total" if row is self.total else "spending_year"
            for measure in (
                "count",
                "value",
                "local_count",
                "local_value",
                "sme_count",
                "sme_value",
                "local_value_share",
                "local_count_share",
                "sme_value_share",
                "sme_count_share",
            ):
                value = getattr(row, measure)
                writer.writerow(
                    [key, row.label, measure, "" if value is None else value, *selection]
                )
        writer.writerow(["mvi", "all", "tenders", self.tenders, *selection])
        writer.writerow(["mvi", "any", "tenders", self.tenders_with_mvi, *selection])
        for theme in self.mvi:
            writer.writerow(["mvi", theme.theme, "tenders", theme.tenders, *selection])
            percent = "" if theme.percent is None else theme.percent
            writer.writerow(["mvi", theme.theme, "percent", percent, *selection])
        for group in self.social_return:
            label = f"{group.year}:{group.department}"
            realised = f"{group.realised:.2f}"
            writer.writerow(["social_return", label, "contracts", group.contracts, *selection])
            writer.writerow(["social_return", label, "obliged", group.obliged, *selection])
            writer.writerow(["social_return", label, "realised", realised, *selection])
        writer.writerow(["ending_6_months", "all", "count", self.ending_count, *selection])
        writer.writerow([])
        writer.writerow(
            ["contract_id", "tender_id", "tender_title", "supplier", "department", "value_eur",
             "end_date"]
        )  # fmt: skip
        for ending in all_ending:
            writer.writerow(
                [ending.pk, ending.tender_id, ending.title, ending.party, ending.department,
                 ending.value, ending.end_date.isoformat()]
            )  # fmt: skip
        return out.getvalue()


def build(selection: Filter, today: datetime.date | None = None) -> ProcurementFigures:
    total, per_year = spending(selection)
    tenders, with_mvi, mvi = mvi_shares(selection)
    ending = ending_soon(selection.department, today)
    return ProcurementFigures(
        computed_at=timezone.now(),
        selection=selection,
        total=total,
        per_year=per_year,
        tenders=tenders,
        tenders_with_mvi=with_mvi,
        mvi=mvi,
        social_return=social_return(selection),
        ending_count=ending.count(),
        ending=ending_rows(ending, ENDING_LISTED),
    )


FIGURES = "procurement"


def build_cached(selection: Filter) -> ProcurementFigures:
    """The figures as stored (``common.stored_figures``; the page says as of when), per
    filter and language; the beat schedule computes the unfiltered page ahead of time."""
    kept = stored_figures.figures(FIGURES, selection.stored())
    return dataclasses.replace(kept.value, computed_at=kept.computed_at)


def build_selection(selection: dict[str, Any]) -> ProcurementFigures:
    """``build`` for a stored selection (``Filter.stored``)."""
    return build(Filter(selection["department"], selection["year"]))


def default_selections() -> list[dict[str, Any]]:
    """What the page shows by default: every department, every year."""
    return [Filter().stored()]


# --- the city dashboard's headline figures --------------------------------------------------


def headline(start: datetime.date, end: datetime.date) -> dict[str, float | int | None]:
    """For the city dashboard: contracts that started in the period, the shares local and
    SME by value, and social return obliged against realised (two queries)."""
    contracts = public_contracts().filter(start_date__gte=start, start_date__lte=end)
    row = contracts.aggregate(
        n=Count("pk"),
        spent=Sum("value"),
        local_spent=Sum("value", filter=LOCAL),
        sme_spent=Sum("value", filter=SME),
        obliged=Sum("social_return_obligation"),
    )
    realised = SocialReturnActivity.objects.filter(
        status=SocialReturnActivity.Status.ACCEPTED, contract__in=contracts
    ).aggregate(total=Sum("value"))["total"]
    value = row["spent"] or 0
    return {
        "contracts": row["n"],
        "value": value,
        "local_value_share": share(row["local_spent"] or 0, value),
        "sme_value_share": share(row["sme_spent"] or 0, value),
        "obliged": row["obliged"] or 0,
        "realised": round(float(realised or 0)),
    }


# --- category management (officers) --------------------------------------------------------

NO_DIVISION = ""


def _division() -> Substr:
    """The CPV division (two digits) of a contract: of its tender's first CPV code."""
    first_code = CpvCode.objects.filter(tenders=OuterRef("tender_id")).order_by("code")
    return Substr(Subquery(first_code.values("code")[:1]), 1, 2)


@dataclass
class DivisionRow(LocalAndSmeShares):
    """Contracts of one CPV division (over the selection, or in one year)."""

    division: str
    label: str
    year: int | None
    count: int
    suppliers: int
    value: int
    local_value: int
    sme_value: int
    local_count: int
    sme_count: int


@dataclass
class Categories:
    selection: Filter
    divisions: list[DivisionRow]
    per_year: list[DivisionRow]

    @property
    def chart(self) -> dict:
        return bar_chart(
            [(f"{row.division} {row.label}".strip()[:40], row.value) for row in self.divisions]
        )

    def csv(self) -> str:
        out = io.StringIO()
        writer = spreadsheet_safe_writer(out)
        writer.writerow(
            ["cpv_division", "label", "year", "contracts", "suppliers", "value_eur",
             "local_value_eur", "sme_value_eur", "local_contracts", "sme_contracts",
             "local_value_percent", "sme_value_percent", "department"]
        )  # fmt: skip
        for row in [*self.divisions, *self.per_year]:
            writer.writerow(
                [row.division, row.label, row.year or "all", row.count, row.suppliers,
                 row.value, row.local_value, row.sme_value, row.local_count, row.sme_count,
                 "" if row.local_value_share is None else row.local_value_share,
                 "" if row.sme_value_share is None else row.sme_value_share,
                 self.selection.department]
            )  # fmt: skip
        return out.getvalue()


def categories(selection: Filter) -> Categories:
    """Spending per CPV division, over the whole selection and per year (three queries:
    the two groupings and the divisions' labels)."""
    contracts = _contracts(selection).annotate(division=_division())
    measures = {
        "n": Count("pk"),
        # Companies: registered suppliers, and those invited to register by KvK number.
        "suppliers": Count("supplier", distinct=True),
        "invited": Count("invited_kvk", distinct=True, filter=Q(supplier=None)),
        "spent": Sum("value"),
        "local_spent": Sum("value", filter=LOCAL),
        "sme_spent": Sum("value", filter=SME),
        "local_n": Count("pk", filter=LOCAL),
        "sme_n": Count("pk", filter=SME),
    }
    # The stubs cannot see annotations passed as a dict.
    overall = list(
        contracts.values("division").annotate(**measures).order_by("-spent", "division")  # type: ignore[misc]
    )
    yearly = list(
        contracts.annotate(year=ExtractYear("start_date"))
        .values("division", "year")
        .annotate(**measures)
        .order_by("division", "year")
    )
    divisions = {row["division"] for row in overall if row["division"]}
    labels = {
        code.code[:2]: code.localized_label
        for code in CpvCode.objects.filter(code__in=[f"{d}000000" for d in divisions])
    }

    def make(row: Mapping[str, Any]) -> DivisionRow:
        division = row["division"] or NO_DIVISION
        return DivisionRow(
            division,
            labels.get(division, "") if division else _("No CPV code"),
            row.get("year"),
            row["n"],
            row["suppliers"] + row["invited"],
            row["spent"] or 0,
            row["local_spent"] or 0,
            row["sme_spent"] or 0,
            row["local_n"],
            row["sme_n"],
        )

    return Categories(selection, [make(row) for row in overall], [make(row) for row in yearly])
