"""The procurement figures (public page and CSV) and category management (the officers'
spending per CPV division): each figure compared with the same figure computed here in
Python from the raw rows, constant query counts, who may open what, and bad filters."""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, signed_in_colleague
from procurement import figures
from procurement.models import (
    Contract,
    MviCriterion,
    MviTheme,
    SocialReturnActivity,
    Supplier,
    Tender,
    TenderCriterion,
)
from procurement.tests.factories import (
    ContractFactory,
    SupplierFactory,
    SupplierMemberFactory,
    TenderFactory,
    block,
)

pytestmark = pytest.mark.django_db

DEPARTMENTS = ["Beheer openbare ruimte", "Facilitair", "Projecten"]
CPV = ["45233000", "77310000", "90910000", "72000000"]


def _world(count: int = 12) -> None:
    """Contracts over three years and three departments, with local and non-local,
    SME and large suppliers, one invited company, MVI criteria on some tenders, and
    social-return activities in every status; plus a draft tender's contract that no
    figure may count."""
    today = timezone.localdate()
    local_sme = SupplierFactory(postcode="3811 AB")
    far_sme = SupplierFactory(postcode="1011 AB")
    local_large = SupplierFactory(postcode="3812 CD", staff_count=900, turnover="more")
    suppliers = [local_sme, far_sme, local_large]
    per_theme = {}
    for criterion in MviCriterion.objects.order_by("code"):
        per_theme.setdefault(criterion.theme, criterion)
    criteria = list(per_theme.values())
    for number in range(count):
        department = DEPARTMENTS[number % 3]
        tender = TenderFactory(
            department=department,
            status=Tender.Status.AWARDED,
            expected_publication=date(today.year - number % 3, 3, 1),
            codes=[CPV[number % 4]],
        )
        for criterion in criteria[: number % 4]:
            TenderCriterion.objects.create(tender=tender, criterion=criterion)
        start = date(today.year - number % 3, 1 + number % 12, 1)
        contract = ContractFactory(
            tender=tender,
            supplier=suppliers[number % 3],
            department=department,
            value=50_000 + number * 7_919,
            start_date=start,
            end_date=today + timedelta(days=20 * number),
            social_return_obligation=1_000 * number,
        )
        for status in SocialReturnActivity.Status.values[: 1 + number % 3]:
            SocialReturnActivity.objects.create(
                contract=contract,
                block=block(),
                description="Werk",
                quantity=1,
                period_start=start,
                period_end=start,
                value=Decimal("123.45") * (number + 1),
                status=status,
            )
    ContractFactory(
        tender=TenderFactory(department="Facilitair", status=Tender.Status.AWARDED),
        supplier=None,
        invited_name="Nog niet geregistreerd",
        invited_kvk="12345678",
        invited_email="info@nieuw.example",
        department="Facilitair",
        value=77_000,
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=40),
    )
    ContractFactory(tender=TenderFactory(status=Tender.Status.DRAFT), value=9_999_999)


# --- the same figures, computed from the raw rows in Python ---------------------------


def _raw_contracts(department="", year=None):
    rows = []
    for contract in Contract.objects.select_related("tender", "supplier"):
        if contract.tender.status == Tender.Status.DRAFT:
            continue
        if department and contract.department != department:
            continue
        if year and contract.start_date.year != year:
            continue
        rows.append(contract)
    return rows


def _expected_spending(contracts):
    local = [c for c in contracts if c.supplier and c.supplier.is_local]
    sme = [c for c in contracts if c.supplier and c.supplier.size in Supplier.SME_SIZES]
    return {
        "count": len(contracts),
        "value": sum(c.value for c in contracts),
        "local_count": len(local),
        "local_value": sum(c.value for c in local),
        "sme_count": len(sme),
        "sme_value": sum(c.value for c in sme),
    }


@pytest.mark.parametrize(
    ("department", "year_back"), [("", None), ("Facilitair", None), ("", 1), ("Projecten", 0)]
)
def test_spending_matches_the_raw_rows(department, year_back):
    _world()
    year = None if year_back is None else timezone.localdate().year - year_back
    total, per_year = figures.spending(figures.Filter(department, year))
    contracts = _raw_contracts(department, year)
    expected = _expected_spending(contracts)
    for name, value in expected.items():
        assert getattr(total, name) == value, name
    assert total.local_value_share == figures.share(expected["local_value"], expected["value"])
    by_year = defaultdict(list)
    for contract in contracts:
        by_year[contract.start_date.year].append(contract)
    assert [row.label for row in per_year] == [str(y) for y in sorted(by_year)]
    for row in per_year:
        for name, value in _expected_spending(by_year[int(row.label)]).items():
            assert getattr(row, name) == value, (row.label, name)


def test_mvi_shares_match_the_raw_rows():
    _world()
    TenderFactory(status=Tender.Status.CANCELLED)
    total, with_any, rows = figures.mvi_shares(figures.Filter())
    tenders = [
        t
        for t in Tender.objects.prefetch_related("criteria")
        if t.status not in (Tender.Status.DRAFT, Tender.Status.CANCELLED)
    ]
    assert total == len(tenders)
    assert with_any == sum(1 for t in tenders if t.criteria.all())
    for row in rows:
        expected = sum(1 for t in tenders if any(c.theme == row.theme for c in t.criteria.all()))
        assert row.tenders == expected, row.theme
    assert [row.theme for row in rows] == MviTheme.values
    assert any(row.tenders for row in rows)


def test_social_return_matches_the_raw_rows():
    _world()
    rows = figures.social_return(figures.Filter())
    expected = defaultdict(lambda: [0, 0, Decimal(0)])
    for contract in _raw_contracts():
        key = (contract.start_date.year, contract.department)
        expected[key][0] += 1
        expected[key][1] += contract.social_return_obligation
        for activity in contract.social_return_activities.all():
            if activity.status == SocialReturnActivity.Status.ACCEPTED:
                expected[key][2] += activity.value
    assert {(r.year, r.department): [r.contracts, r.obliged, r.realised] for r in rows} == {
        key: [n, obliged, float(realised)] for key, (n, obliged, realised) in expected.items()
    }
    assert any(r.realised for r in rows)


def test_contracts_ending_soon_match_the_raw_rows():
    _world()
    today = timezone.localdate()
    Contract.objects.filter(pk=Contract.objects.order_by("end_date").first().pk).update(
        status=Contract.Status.ENDED
    )
    rows = figures.ending_rows(figures.ending_soon())
    expected = sorted(
        (c.end_date, c.pk)
        for c in _raw_contracts()
        if c.status in (Contract.Status.RUNNING, Contract.Status.EXTENDED)
        and today <= c.end_date <= today + timedelta(days=figures.ENDING_DAYS)
    )
    assert [(r.end_date, r.pk) for r in rows] == expected
    assert "Nog niet geregistreerd" in {r.party for r in rows}


def test_categories_match_the_raw_rows():
    _world()
    result = figures.categories(figures.Filter())
    groups = defaultdict(list)
    for contract in _raw_contracts():
        codes = sorted(code.code for code in contract.tender.cpv_codes.all())
        groups[codes[0][:2] if codes else ""].append(contract)
    assert {row.division for row in result.divisions} == set(groups)
    for row in result.divisions:
        contracts = groups[row.division]
        spent = _expected_spending(contracts)
        assert row.count == spent["count"]
        assert row.value == spent["value"]
        assert row.local_value == spent["local_value"]
        assert row.sme_count == spent["sme_count"]
        # Companies: registered suppliers and those not yet registered (by KvK number).
        assert row.suppliers == len({c.supplier_id or f"kvk:{c.invited_kvk}" for c in contracts})
    assert [row.value for row in result.divisions] == sorted(
        (row.value for row in result.divisions), reverse=True
    )
    labelled = {row.division: row.label for row in result.divisions}
    assert labelled["45"] == "Bouwwerkzaamheden"  # Dutch is the default language
    yearly = defaultdict(int)
    for division, contracts in groups.items():
        for contract in contracts:
            yearly[(division, contract.start_date.year)] += contract.value
    assert {(r.division, r.year): r.value for r in result.per_year} == dict(yearly)


def test_headline_for_the_city_dashboard_matches_the_raw_rows():
    _world()
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    head = figures.headline(start, today)
    contracts = [c for c in _raw_contracts() if start <= c.start_date <= today]
    spent = _expected_spending(contracts)
    assert head["contracts"] == spent["count"]
    assert head["local_value_share"] == figures.share(spent["local_value"], spent["value"])
    assert head["obliged"] == sum(c.social_return_obligation for c in contracts)


# --- the pages ---------------------------------------------------------------------------


def test_figures_page_shows_the_figures_in_dutch(client):
    _world()
    response = client.get(reverse("procurement:figures"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Inkoop in cijfers" in body
    assert "Social return verplicht en gerealiseerd" in body
    assert "Facilitair" in body
    # Numbers as a Dutch reader writes them: a decimal comma, a thousands point.
    total, _years = figures.spending(figures.Filter())
    assert f"{total.value:,}".replace(",", ".") in body


def test_the_tables_of_the_percentage_charts_are_headed_percentage_not_number(client):
    """Walk finding 8: a share (67,6) stood under a column headed "Aantal"."""
    import re

    _world()
    body = client.get(reverse("procurement:figures")).content.decode()
    for chart in ("spending-chart", "mvi-chart"):
        table = body[body.index(f'id="{chart}-caption"') :]
        table = table[table.index("<thead") : table.index("</thead>")]
        headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
        assert headers[-1] == "Percentage", (chart, headers)


def test_figures_page_filters_by_department_and_year(client):
    _world()
    year = timezone.localdate().year - 2  # Projecten's contracts start two years back
    response = client.get(reverse("procurement:figures"), {"department": "Projecten", "year": year})
    assert response.status_code == 200
    rows = response.context["figures"].social_return
    assert rows
    assert {(r.department, r.year) for r in rows} == {("Projecten", year)}


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"department": "Onbekende afdeling"}, {"year": "1800"}],
)
def test_bad_filters_are_said_and_left_out_never_a_500(client, query):
    _world(3)
    response = client.get(reverse("procurement:figures"), query)
    assert response.status_code == 400
    assert "staat er niet in." in response.content.decode()
    assert response.context["figures"].selection == figures.Filter()
    answer = client.get(reverse("procurement:figures_csv"), query)
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/plain")


def test_figures_csv_parses_with_the_page_figures(client):
    _world()
    response = client.get(reverse("procurement:figures_csv"), {"department": "Facilitair"})
    assert response.status_code == 200
    text = response.content.decode()
    figures_part, contracts_part = text.split("\r\n\r\n")
    rows = list(csv.DictReader(io.StringIO(figures_part)))
    total = {row["measure"]: row["value"] for row in rows if row["figure"] == "spending_total"}
    expected = _expected_spending(_raw_contracts("Facilitair"))
    assert int(total["value"]) == expected["value"]
    assert int(total["local_count"]) == expected["local_count"]
    assert all(row["department"] == "Facilitair" for row in rows)
    ending = list(csv.DictReader(io.StringIO(contracts_part)))
    assert ending
    assert {row["department"] for row in ending} == {"Facilitair"}
    assert "contract_manager" not in contracts_part
    assert "@" not in text


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_figures_and_spending_pages_take_the_same_queries_for_one_contract_or_many(client):
    ContractFactory(tender=TenderFactory(status=Tender.Status.AWARDED, codes=["45233000"]))
    urls = [reverse("procurement:figures"), reverse("procurement:figures_csv")]
    one = [_count_queries(client, url) for url in urls]
    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    staff_urls = [
        reverse("admin:procurement_contract_spending"),
        reverse("admin:procurement_contract_spendingcsv"),
    ]
    staff_one = [_count_queries(client, url) for url in staff_urls]
    client.logout()
    _world(15)
    assert [_count_queries(client, url) for url in urls] == one
    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    assert [_count_queries(client, url) for url in staff_urls] == staff_one


# --- category management: who may open it -----------------------------------------------


def test_spending_per_division_for_officers_with_csv(client):
    _world()
    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    response = client.get(reverse("admin:procurement_contract_spending"))
    assert response.status_code == 200
    assert "Bouwwerkzaamheden" in response.content.decode()
    answer = client.get(reverse("admin:procurement_contract_spendingcsv"), {"year": "abc"})
    assert answer.status_code == 400
    answer = client.get(reverse("admin:procurement_contract_spendingcsv"))
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    overall = [row for row in rows if row["year"] == "all"]
    assert sum(int(row["value_eur"]) for row in overall) == sum(c.value for c in _raw_contracts())


@pytest.mark.parametrize("who", ["anonymous", "resident", "supplier", "other_staff"])
def test_spending_per_division_is_for_procurement_officers_only(client, who):
    _world(3)
    if who == "resident":
        client.force_login(UserFactory())
    elif who == "supplier":
        client.force_login(SupplierMemberFactory().user)
    elif who == "other_staff":
        signed_in_colleague(client, Role.AREA_MANAGER)
    for name in ("admin:procurement_contract_spending", "admin:procurement_contract_spendingcsv"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), (who, name)
        assert "Bouwwerkzaamheden" not in response.content.decode()
        if response.status_code == 302:
            assert "/login" in response["Location"] or "inloggen" in response["Location"]


def test_the_figures_page_is_public_and_holds_no_person(client):
    _world(3)
    ContractFactory(
        tender=TenderFactory(status=Tender.Status.AWARDED),
        contract_manager=UserFactory(display_name="Piet Persoon", email="piet@gemeente.example"),
        end_date=timezone.localdate() + timedelta(days=30),
    )
    body = client.get(reverse("procurement:figures")).content.decode()
    assert "Piet Persoon" not in body
    assert "piet@gemeente.example" not in body
    csv_body = client.get(reverse("procurement:figures_csv")).content.decode()
    assert "Piet Persoon" not in csv_body
    assert "piet@" not in csv_body


def test_the_demo_gives_every_figure_something_to_show():
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    data = figures.build(figures.Filter())
    assert len(data.per_year) >= 3
    assert len({row.department for row in data.social_return}) >= 3
    assert 0 < data.total.local_value_share < 100
    assert 0 < data.total.sme_value_share < 100
    assert 0 < data.social_return_realised < data.social_return_obliged
    assert 0 < data.tenders_with_mvi < data.tenders
    assert data.ending_count >= 2
    assert len(figures.categories(figures.Filter()).divisions) >= 3
