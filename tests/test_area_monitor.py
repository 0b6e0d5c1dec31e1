"""The monitor per wijk, buurt and street (issue 26, part 1 and 4): the CBS import, the
portal's reports located in buurten and streets, suppression, the page, open data."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff, signed_in_colleague
from common import figures, suppression
from neighbourhoods import actions, area_monitor, cbs
from neighbourhoods.models import (
    Buurt,
    CbsFigure,
    CbsImport,
    boundary_contains,
    street_of,
)
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports import actions as report_actions
from reports import monitor as report_monitor
from reports.models import Report, Status
from reports.tests.factories import ReportFactory, loose_paving

pytestmark = pytest.mark.django_db

UTRECHT = (
    Path(__file__).resolve().parent.parent / "neighbourhoods" / "data" / "cbs_kwb_utrecht_2024.csv"
)
HEADER = "code,name,level,parent_code,year,population,households,shoe_size\n"


def square(west: float, south: float, size: float = 0.01) -> dict:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def import_text(text: str, source: str = "") -> CbsImport:
    parsed = cbs.parse(text.encode())
    assert not parsed.errors, parsed.errors
    return actions.import_cbs_figures(parsed=parsed, source=source)


# --- the CBS file ---------------------------------------------------------------------


def test_the_real_utrecht_file_reads_whole():
    parsed = cbs.parse(UTRECHT.read_bytes())
    raw = list(csv.DictReader(UTRECHT.open(encoding="utf-8")))
    assert parsed.errors == []
    assert parsed.year == 2024
    assert [area.code for area in parsed.areas] == [row["code"] for row in raw]
    assert parsed.ignored_columns == []
    for area, row in zip(parsed.areas, raw, strict=True):
        assert area.figures["population"] == Decimal(row["population"])
        assert area.figures["area_water_ha"] == Decimal(row["area_water_ha"])


def test_import_stores_every_known_figure_with_its_source_and_replaces_the_year():
    parsed = cbs.parse(UTRECHT.read_bytes())
    first = actions.import_cbs_figures(parsed=parsed, source="")
    assert first.source == "CBS, Kerncijfers wijken en buurten 2024, CC BY 4.0"
    assert CbsFigure.objects.filter(cbs_import=first).count() == len(parsed.areas) * 8
    assert CbsFigure.objects.get(code="GM0344", key="population").value == 374238
    again = actions.import_cbs_figures(parsed=cbs.parse(UTRECHT.read_bytes()), source="CBS 2024")
    assert list(CbsImport.objects.values_list("pk", flat=True)) == [again.pk]
    assert CbsFigure.objects.count() == len(parsed.areas) * 8


def test_errors_name_their_line_and_unknown_columns_are_left_out():
    parsed = cbs.parse(
        (
            HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,9\n"
            "WK99,Kort,wijk,GM9999,2024,10,4,9\n"  # line 3: not a wijk code
            "WK999901,Oost,wijk,GM9999,2023,1O,4,9\n"  # line 4: year and number
            "BU99990101,Noord,buurt,WK999901,2024,.,,9\n"  # CBS's dot: not known
        ).encode()
    )
    assert parsed.ignored_columns == ["shoe_size"]
    assert [line for line, _message in parsed.errors] == [3, 4]
    assert "WK99" in parsed.errors[0][1]
    assert "2023" in parsed.errors[1][1]
    assert "population" in parsed.errors[1][1]
    assert parsed.areas[-1].figures == {}


def test_a_file_without_the_columns_or_not_utf8_is_refused_on_line_one():
    assert cbs.parse(b"gemeente;naam\nx;y\n").errors[0][0] == 1
    assert (
        cbs.parse("code,name,level,year\nGM0001,Ümlaut,gemeente,2024\n".encode("cp1252")).errors[0][
            0
        ]
        == 1
    )


def test_staff_upload_in_the_back_office_all_or_nothing(client):
    signed_in_colleague(client, Role.RESEARCHER)
    url = reverse("admin:neighbourhoods_cbsimport_add")
    assert client.get(url).status_code == 200
    bad = HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,9\nBU1,Fout,buurt,,2024,-5,4,9\n"
    response = client.post(url, {"file": SimpleUploadedFile("kwb.csv", bad.encode()), "source": ""})
    assert response.status_code == 400
    assert "Regel 3" in response.content.decode()
    assert not CbsImport.objects.exists()
    assert not CbsFigure.objects.exists()
    response = client.post(
        url, {"file": SimpleUploadedFile("kwb.csv", UTRECHT.read_bytes()), "source": ""}
    )
    assert response.status_code == 302
    imported = CbsImport.objects.get()
    assert (imported.year, imported.rows, imported.file_name) == (2024, 11, "kwb.csv")


def test_an_import_failing_halfway_leaves_the_previous_import_of_the_year_whole(monkeypatch):
    first = actions.import_cbs_figures(parsed=cbs.parse(UTRECHT.read_bytes()), source="CBS 2024")
    figures = CbsFigure.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(CbsFigure.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        actions.import_cbs_figures(parsed=cbs.parse(UTRECHT.read_bytes()), source="CBS again")
    assert list(CbsImport.objects.values_list("pk", "source")) == [(first.pk, "CBS 2024")]
    assert CbsFigure.objects.filter(cbs_import=first).count() == figures


def test_an_import_adds_the_buurten_of_the_portals_wijken():
    wijk = NeighbourhoodFactory(cbs_code="WK999901")
    import_text(
        HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,\n"
        "WK999901,Oost,wijk,GM9999,2024,60,20,\n"
        "BU99990101,Noord,buurt,WK999901,2024,35,12,\n"
        "BU99990201,Elders,buurt,WK999902,2024,25,8,\n"
    )
    assert list(Buurt.objects.values_list("cbs_code", "name", "neighbourhood")) == [
        ("BU99990101", "Noord", wijk.pk)
    ]


# --- reports located in buurten and streets -------------------------------------------


def test_street_of_an_address():
    assert street_of("Stationsstraat 12a, 3811 AB Eemdal") == "Stationsstraat"
    assert street_of("1e Dwarsstraat 4") == "1e Dwarsstraat"
    assert street_of("Binnenstad, Eemdal") == ""
    assert street_of("") == ""


def test_street_of_an_address_with_additions_numbered_names_and_any_case():
    assert street_of("Kerkstraat 12a 2") == "Kerkstraat"
    assert street_of("Kerkstraat 12 huis 2") == "Kerkstraat"
    assert street_of("Plein 1944 12") == "Plein 1944"
    assert street_of("Kerkstraat 12 3811 AB Eemdal") == "Kerkstraat"
    assert street_of("Kerkstraat 12 3811AB") == "Kerkstraat"
    assert street_of("kerkstraat 12") == "Kerkstraat"
    assert street_of("KERKSTRAAT  12") == "Kerkstraat"
    assert street_of("burgemeester van der werfstraat 3") == "Burgemeester van der Werfstraat"
    assert street_of("ijsselkade 4") == "IJsselkade"
    assert street_of("Kerkstraat") == ""


def test_a_report_is_placed_in_its_buurt_and_street(resident):
    wijk = NeighbourhoodFactory(boundary=square(5.0, 52.0, 0.02))
    west = Buurt.objects.create(
        cbs_code="BU00010001", name="West", neighbourhood=wijk, boundary=square(5.0, 52.0)
    )
    report = report_actions.submit_report(
        category=loose_paving(),
        description="Losse tegel",
        latitude=Decimal("52.005"),
        longitude=Decimal("5.005"),
        address="Kerkstraat 3, Eemdal",
        reporter=resident,
    )
    assert (report.neighbourhood, report.buurt, report.street) == (wijk, west, "Kerkstraat")
    east = Buurt.objects.create(cbs_code="BU00010002", name="Oost", neighbourhood=wijk)
    ReportFactory(neighbourhood=wijk, latitude=Decimal("52.005"), longitude=Decimal("5.015"))
    east.boundary = square(5.01, 52.0)
    east.save()
    assert report_monitor.locate_in_buurten(wijk) == 1
    assert Report.objects.filter(buurt=east).count() == 1


@pytest.fixture
def city(settings):
    """A wijk of four buurten with reports at random points: 7, 1, 3 and 0 in the
    buurten, 2 outside any buurt; some with a street."""
    settings.SURVEY_MIN_GROUP_SIZE = 3
    wijk = NeighbourhoodFactory(cbs_code="WK999901", boundary=square(5.0, 52.0, 0.04))
    buurten = [
        Buurt.objects.create(
            cbs_code=f"BU999901{n + 1:02d}",
            name=f"Buurt {n + 1}",
            neighbourhood=wijk,
            boundary=square(5.0 + n * 0.01, 52.0),
        )
        for n in range(4)
    ]
    points = [(0, 7), (1, 1), (2, 3), (3, 0)]
    streets = ["Kerkstraat", "Kerkstraat", "Molenweg", "Kerkstraat", "Dorpsplein"]
    number = 0
    for index, count in points:
        for k in range(count):
            number += 1
            ReportFactory(
                neighbourhood=wijk,
                buurt=buurts_of_point(buurten, 5.002 + index * 0.01 + k * 0.001, 52.005),
                latitude=Decimal("52.005"),
                longitude=Decimal(str(round(5.002 + index * 0.01 + k * 0.001, 6))),
                address=f"{streets[number % len(streets)]} {number}",
                street=street_of(f"{streets[number % len(streets)]} {number}"),
            )
    ReportFactory(neighbourhood=None, latitude=None, longitude=None, address="Ergens", street="")
    ReportFactory(neighbourhood=None, latitude=None, longitude=None, address="Ergens", street="")
    ReportFactory(
        neighbourhood=wijk, status=Status.UNCONFIRMED, reporter=None, reporter_email="a@example.org"
    )  # not public: not counted
    return wijk, buurten


def buurts_of_point(buurten, longitude, latitude):
    return next(b for b in buurten if boundary_contains(b.boundary, latitude, longitude))


def expected_counts(level: str, key) -> dict[str, int]:
    counts: dict[str, int] = {}
    for report in Report.objects.exclude(status=Status.UNCONFIRMED):
        area = key(report)
        if area:
            counts[area] = counts.get(area, 0) + 1
    return counts


def suppressed(counts: dict[str, int], areas: list[str], minimum: int) -> set[str]:
    """Primary and secondary suppression worked out from the raw counts."""
    hidden = {a for a in areas if 0 < counts.get(a, 0) < minimum}
    while True:
        shown = sorted(
            (counts.get(a, 0), a) for a in areas if a not in hidden and counts.get(a, 0) > 0
        )
        sizes = [counts[a] for a in hidden]
        # One hidden, together a small group, or each 1 or each minimum - 1: given away.
        given_away = (
            len(sizes) == 1
            or sum(sizes) < minimum
            or sum(sizes) == len(sizes)
            or (max(sizes, default=0) < minimum and sum(sizes) == len(sizes) * (minimum - 1))
        )
        if not hidden or not shown or not given_away:
            return hidden
        hidden.add(shown[0][1])


def test_reports_per_buurt_against_the_raw_rows_with_suppression(city):
    _wijk, buurten = city
    codes = [b.cbs_code for b in buurten]
    raw = expected_counts(
        "buurt",
        lambda r: next(
            (
                b.cbs_code
                for b in buurten
                if r.latitude is not None
                and boundary_contains(b.boundary, float(r.latitude), float(r.longitude))
            ),
            None,
        ),
    )
    assert raw == {"BU99990101": 7, "BU99990102": 1, "BU99990103": 3}
    hidden = suppressed(raw, codes, 3)
    assert hidden == {"BU99990102", "BU99990103"}  # the one below 3, and the next smallest
    monitor = area_monitor.compute({"level": "buurt", "figure": "reports"})
    by_code = {row.code: row for row in monitor.rows}
    for code in codes:
        assert by_code[code].hidden == (code in hidden)
        assert by_code[code].value == (None if code in hidden else Decimal(raw.get(code, 0)))
    assert monitor.reference.value == 13  # every public report of the municipality


def test_reports_per_street_against_the_raw_rows_with_suppression(city):
    raw = expected_counts("straat", lambda r: street_of(r.address))
    # Molenweg 2 and Dorpsplein 2 hidden: 4 = 2 x (3 - 1) gives both, so Kerkstraat too.
    assert raw == {"Kerkstraat": 7, "Molenweg": 2, "Dorpsplein": 2}
    assert suppressed(raw, list(raw), 3) == set(raw)
    monitor = area_monitor.compute({"level": "straat", "figure": "reports"})
    assert {row.code for row in monitor.rows} == set(raw)
    hidden = suppressed(raw, list(raw), 3)
    for row in monitor.rows:
        assert row.hidden == (row.code in hidden)
        assert row.value == (None if row.hidden else raw[row.code])
    assert [value for value, _label in monitor.choices] == ["reports"]  # nothing per 1,000


def test_per_1000_residents_uses_the_cbs_population(city):
    import_text(
        HEADER + "GM9999,Eemdal,gemeente,,2024,2000,,\n"
        "BU99990101,Buurt 1,buurt,WK999901,2024,700,,\n"
        "BU99990104,Buurt 4,buurt,WK999901,2024,90,,\n"
    )
    monitor = area_monitor.compute({"level": "buurt", "figure": "reports_per_1000"})
    by_code = {row.code: row for row in monitor.rows}
    assert by_code["BU99990101"].value == Decimal("10.0")  # 7 * 1000 / 700
    assert by_code["BU99990104"].value == Decimal("0.0")
    assert by_code["BU99990102"].value is None  # suppressed
    assert monitor.reference.value == Decimal("6.5")  # 13 * 1000 / 2000
    assert monitor.source == ""  # the count is the portal's own
    assert monitor.population_source == "CBS, Kerncijfers wijken en buurten 2024, CC BY 4.0"


def test_cbs_figure_per_buurt_and_wijk_classes_and_legend():
    wijk = NeighbourhoodFactory(cbs_code="WK999901")
    import_text(
        HEADER + "GM9999,Eemdal,gemeente,,2024,2000,800,\n"
        "WK999901,Oost,wijk,GM9999,2024,1000,400,\n"
        "BU99990101,Noord,buurt,WK999901,2024,100,40,\n"
        "BU99990102,Zuid,buurt,WK999901,2024,900,360,\n"
    )
    monitor = area_monitor.compute({"level": "buurt", "figure": "cbs_households"})
    assert [(row.name, row.value, row.colour_class) for row in monitor.rows] == [
        ("Noord", 40, 1),
        ("Zuid", 360, 2),
    ]
    assert [(c.low, c.high) for c in monitor.classes] == [(40, 200), (200, 360)]
    assert monitor.reference.value == 800
    wijken = area_monitor.compute({"level": "wijk", "figure": "cbs_population"})
    assert [(row.name, row.value) for row in wijken.rows] == [(wijk.name, 1000)]


# --- the page, CSV, open data ---------------------------------------------------------


def test_the_page_shows_table_legend_map_and_source(client, city):
    import_text(
        HEADER + "GM9999,Eemdal,gemeente,,2024,2000,,\n"
        "BU99990101,Buurt 1,buurt,WK999901,2024,700,,\n"
    )
    response = client.get(
        reverse("neighbourhoods:area_monitor"), {"level": "buurt", "figure": "reports"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Legenda" in page
    assert "Klasse 1: vanaf " in page
    assert " tot en met " in page  # only the last class includes its upper bound
    assert "niet getoond" in page  # suppressed cells said in words
    assert "Hele gemeente" in page
    assert 'id="map-shapes"' in page
    response = client.get(
        reverse("neighbourhoods:area_monitor"), {"level": "buurt", "figure": "cbs_population"}
    )
    assert "Bron: CBS, Kerncijfers wijken en buurten 2024, CC BY 4.0" in response.content.decode()


def test_the_levels_are_named_in_the_visitors_language(client, city):
    url = reverse("neighbourhoods:area_monitor")
    dutch = client.get(url, {"level": "buurt"}).content.decode()
    assert '<option value="buurt" selected>Buurt</option>' in dutch
    assert '<option value="wijk">Wijk</option>' in dutch
    client.cookies["portal_language"] = "en"
    english = client.get(url, {"level": "buurt"}).content.decode()
    assert '<option value="buurt" selected>Neighbourhood</option>' in english
    assert '<option value="wijk">District</option>' in english
    assert ">Buurt<" not in english


def test_the_suppression_rule_is_said_for_counts_only_not_beside_a_cbs_figure(client, city):
    import_text(HEADER + "GM9999,Eemdal,gemeente,,2024,2000,,\n")
    rule = "Een gebied met minder dan 3 registraties toont geen cijfer"
    url = reverse("neighbourhoods:area_monitor")
    for figure, said in [("reports", True), ("reports_per_1000", True), ("cbs_population", False)]:
        page = client.get(url, {"level": "wijk", "figure": figure}).content.decode()
        assert (rule in page) is said, figure


@pytest.mark.parametrize(
    "query", [{"level": "xyz"}, {"level": "buurt", "figure": "x" * 500}, {"figure": "<b>"}]
)
def test_bad_choices_show_the_default_page_and_a_400_from_the_api(client, city, query):
    assert client.get(reverse("neighbourhoods:area_monitor"), query).status_code == 200
    assert client.get(reverse("overview:api_area_figures"), query).status_code == 400


def test_csv_and_open_data_hold_the_same_suppressed_figures(client, city):
    query = {"level": "buurt", "figure": "reports"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("neighbourhoods:area_monitor_csv"), query).content.decode()
            )
        )
    )
    assert [(r["code"], r["value"], r["note"]) for r in rows] == [
        ("BU99990101", "7", ""),
        ("BU99990102", "", "suppressed"),
        ("BU99990103", "", "suppressed"),
        ("BU99990104", "0", ""),
        ("", "13", ""),
    ]
    data = client.get(reverse("overview:api_area_figures"), query).json()
    assert data["licence"]
    assert data["source"]
    assert [(a["code"], a["value"], a["suppressed"]) for a in data["areas"]][:2] == [
        ("BU99990101", 7.0, False),
        ("BU99990102", None, True),
    ]
    assert client.get(reverse("overview:api_area_figures_csv"), query).status_code == 200
    assert (
        reverse("overview:api_area_figures")
        in client.get(reverse("overview:open_data")).content.decode()
    )


def test_query_count_is_the_same_for_one_buurt_and_many(client, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 1
    url = reverse("neighbourhoods:area_monitor")
    api = reverse("overview:api_area_figures")
    import_text(HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,\n")

    def queries(buurten: int) -> int:
        wijk = NeighbourhoodFactory()
        for n in range(buurten):
            buurt = Buurt.objects.create(
                cbs_code=f"BU{wijk.pk:06d}{n:02d}",
                name=f"B{n}",
                neighbourhood=wijk,
                boundary=square(5 + n * 0.01, 52),
            )
            ReportFactory(neighbourhood=wijk, buurt=buurt, street=f"Straat {n}")
        with CaptureQueriesContext(connection) as captured:
            for level in ("wijk", "buurt", "straat"):
                for figure in ("reports", "reports_per_1000", "cbs_population"):
                    query = {"level": level, "figure": figure}
                    assert client.get(url, query).status_code == 200
                    # Streets have no residents' figures: the API says so rather than
                    # answering with another figure.
                    expected = 400 if level == "straat" and figure != "reports" else 200
                    assert client.get(api, query).status_code == expected
        return len(captured)

    assert queries(1) == queries(6)


# --- suppression within each wijk and beyond one hidden cell (review fixes) -----------


def test_a_hidden_buurt_cannot_be_worked_out_from_its_wijks_total(settings):
    """Oost: A=3 (hidden), B=40, C=30; West: D=20, E=60. Against the municipality's
    total (153) hiding A takes the smallest shown buurt, D in West, with it; Oost's own
    count (73, shown by the wijk monitor) minus B and C would still give A, so C is
    hidden too, and in West D alone beside West's count (80) takes E with it."""
    settings.SURVEY_MIN_GROUP_SIZE = 5
    oost = NeighbourhoodFactory(name="Oost", cbs_code="WK999901")
    west = NeighbourhoodFactory(name="West", cbs_code="WK999902")
    sizes = {
        "BU99990101": (oost, "A", 3),
        "BU99990102": (oost, "B", 40),
        "BU99990103": (oost, "C", 30),
        "BU99990201": (west, "D", 20),
        "BU99990202": (west, "E", 60),
    }
    for code, (wijk, name, count) in sizes.items():
        buurt = Buurt.objects.create(cbs_code=code, name=name, neighbourhood=wijk)
        ReportFactory.create_batch(count, neighbourhood=wijk, buurt=buurt)
    monitor = area_monitor.compute({"level": "buurt", "figure": "reports"})
    assert monitor.reference.value == 153
    shown = {row.name: row.value for row in monitor.rows}
    assert shown == {"A": None, "B": Decimal(40), "C": None, "D": None, "E": None}
    wijken = area_monitor.compute({"level": "wijk", "figure": "reports"})
    assert {row.name: row.value for row in wijken.rows} == {"Oost": 73, "West": 80}


def _cells(sizes: dict[str, int], minimum: int) -> set[str]:
    rows = [
        {"label": label, "size": size, "hidden": 0 < size < minimum}
        for label, size in sizes.items()
    ]
    suppression.protect_hidden(
        rows,
        size=lambda row: row["size"],
        hidden=lambda row: row["hidden"],
        hide=lambda row: row.update(hidden=True),
        label=lambda row: row["label"],
        minimum=minimum,
    )
    return {row["label"] for row in rows if row["hidden"]}


def test_two_hidden_cells_whose_sum_gives_them_away_take_more_with_them():
    # 1 + 1 = 2 < 5: the total minus the shown gives 2, so both are 1; the smallest
    # shown (7) is hidden too; 1 + 1 + 7 = 9 gives none of them away.
    assert _cells({"a": 1, "b": 1, "c": 7, "d": 9}, 5) == {"a", "b", "c"}
    # 4 + 4 = 8 = 2 x (5 - 1): each must be 4; hidden with the next smallest.
    assert _cells({"a": 4, "b": 4, "c": 12, "d": 9}, 5) == {"a", "b", "d"}
    # 3 + 3 = 6: 2 + 4, 3 + 3 or 4 + 2 — nothing more is hidden.
    assert _cells({"a": 3, "b": 3, "c": 12, "d": 9}, 5) == {"a", "b"}
    # One hidden cell takes the smallest shown with it, as before.
    assert _cells({"a": 2, "c": 12, "d": 9}, 5) == {"a", "d"}


# --- one municipality per file, and only the portal's own (review fixes) ---------------


def test_a_file_holds_exactly_one_municipality_and_only_its_areas():
    none = cbs.parse((HEADER + "WK999901,Oost,wijk,GM9999,2024,60,20,\n").encode())
    assert [line for line, _message in none.errors] == [1]
    assert "gemeente" in none.errors[0][1]
    two = cbs.parse(
        (
            HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,\nGM0344,Utrecht,gemeente,,2024,100,40,\n"
        ).encode()
    )
    assert [line for line, _message in two.errors] == [3]
    wrong = cbs.parse(
        (
            HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,\n"
            "WK999901,Oost,wijk,GM0344,2024,60,20,\n"  # line 3: parent not its code's
            "BU99990101,Noord,buurt,WK999902,2024,35,12,\n"  # line 4: likewise
            "WK034401,West,wijk,GM0344,2024,60,20,\n"  # line 5: another municipality's
            "BU99990102,Zuid,buurt,,2024,35,12,\n"  # parent left empty: its code's
        ).encode()
    )
    assert [line for line, _message in wrong.errors] == [3, 4, 5]
    assert "GM0344" in wrong.errors[0][1]
    assert "GM9999" in wrong.errors[0][1]
    assert "WK999902" in wrong.errors[1][1]
    assert "WK999901" in wrong.errors[1][1]
    assert "WK034401" in wrong.errors[2][1]
    right = cbs.parse(
        (
            HEADER + "GM9999,Eemdal,gemeente,,2024,100,40,\nBU99990102,Zuid,buurt,,2024,35,12,\n"
        ).encode()
    )
    assert right.errors == []
    assert right.areas[-1].parent_code == "WK999901"


def test_the_utrecht_file_is_refused_in_a_portal_whose_wijken_are_elsewhere(client):
    NeighbourhoodFactory(cbs_code="WK999901")
    parsed = cbs.parse(UTRECHT.read_bytes())
    assert parsed.errors == []
    with pytest.raises(ValueError, match="own municipality"):
        actions.import_cbs_figures(parsed=parsed, source="")
    signed_in_colleague(client, Role.RESEARCHER)
    response = client.post(
        reverse("admin:neighbourhoods_cbsimport_add"),
        {"file": SimpleUploadedFile("kwb.csv", UTRECHT.read_bytes()), "source": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Utrecht (GM0344)" in page
    assert "WK0344" in page
    assert not CbsImport.objects.exists()
    assert not CbsFigure.objects.exists()


def test_a_foreign_municipality_is_never_the_reference():
    """Figures stored before the check (or a wijk added since): the monitor leaves the
    reference empty rather than compare with another municipality."""
    NeighbourhoodFactory(cbs_code="WK999901")
    imported = CbsImport.objects.create(year=2024, source="CBS", rows=1)
    CbsFigure.objects.create(
        cbs_import=imported,
        code="GM0344",
        name="Utrecht",
        level="gemeente",
        key="population",
        value=374238,
    )
    monitor = area_monitor.compute({"level": "wijk", "figure": "cbs_population"})
    assert (monitor.reference.code, monitor.reference.value) == ("", None)
    CbsFigure.objects.create(
        cbs_import=imported,
        code="GM9999",
        name="Eemdal",
        level="gemeente",
        key="population",
        value=2000,
    )
    monitor = area_monitor.compute({"level": "wijk", "figure": "cbs_population"})
    assert (monitor.reference.code, monitor.reference.value) == ("GM9999", 2000)


def test_moving_a_buurt_to_another_wijk_takes_no_reports_of_the_old_wijk_with_it(client):
    oost = NeighbourhoodFactory(name="Oost", boundary=square(5.0, 52.0, 0.02))
    west = NeighbourhoodFactory(name="West", boundary=square(4.0, 52.0, 0.02))
    buurt = Buurt.objects.create(
        cbs_code="BU00010001", name="Noord", neighbourhood=oost, boundary=square(5.0, 52.0)
    )
    report = ReportFactory(
        neighbourhood=oost, buurt=buurt, latitude=Decimal("52.005"), longitude=Decimal("5.005")
    )
    sign_in_staff(client, StaffFactory(is_superuser=True))
    response = client.post(
        reverse("admin:neighbourhoods_buurt_change", args=[buurt.pk]),
        {
            "cbs_code": "BU00010001",
            "name": "Noord",
            "neighbourhood": west.pk,
            "boundary": json.dumps(square(5.0, 52.0)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    buurt.refresh_from_db()
    assert buurt.neighbourhood == west
    report.refresh_from_db()
    assert (report.neighbourhood, report.buurt) == (oost, None)


def test_the_licence_is_said_beside_a_source_line_that_leaves_it_out(client):
    wijk = NeighbourhoodFactory(cbs_code="WK999901")
    import_text(
        HEADER + "GM9999,Eemdal,gemeente,,2024,2000,,\nWK999901,Oost,wijk,GM9999,2024,700,,\n",
        source="CBS Kerncijfers 2024",
    )
    query = {"level": "wijk", "figure": "cbs_population"}
    page = client.get(reverse("neighbourhoods:area_monitor"), query).content.decode()
    assert "Bron: CBS Kerncijfers 2024" in page
    assert "Licentie van de CBS-cijfers: CC BY 4.0" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("neighbourhoods:area_monitor_csv"), query).content.decode()
            )
        )
    )
    assert [(r["code"], r["value"], r["licence"]) for r in rows] == [
        (wijk.cbs_code, "700.00", "CC BY 4.0"),
        ("GM9999", "2000.00", "CC BY 4.0"),
    ]
    own = {"level": "wijk", "figure": "reports"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("neighbourhoods:area_monitor_csv"), own).content.decode()
            )
        )
    )
    assert {r["licence"] for r in rows} == {"CC0 1.0"}


def test_only_a_known_figure_makes_a_stored_selection(client, city, monkeypatch):
    asked = []
    real = area_monitor.selection_of
    monkeypatch.setattr(
        area_monitor, "selection_of", lambda *args: asked.append(real(*args)) or asked[-1]
    )
    for figure in ("reports", "reports_per_1000", "cbs_population", "made-up", "reports_x"):
        client.get(reverse("neighbourhoods:area_monitor"), {"level": "buurt", "figure": figure})
        client.get(reverse("overview:api_area_figures"), {"level": "wijk", "figure": figure})
    assert asked[::2] == [
        {"level": "buurt", "figure": "reports"},
        {"level": "buurt", "figure": "reports_per_1000"},
        {"level": "buurt", "figure": "cbs_population"},
        {"level": "buurt"},
        {"level": "buurt"},
    ]
    assert asked[-1] == {"level": "wijk"}
    assert real("nowhere", "reports") == {}


def test_a_value_on_a_class_edge_is_in_the_class_the_legend_names():
    """Legend "from 14 to below 18" and "from 18 …": 14 and 18 each open their class."""
    rows = [SimpleNamespace(value=Decimal(v), colour_class=None) for v in (10, 14, 18, 22, 26, 30)]
    monitor = area_monitor.Monitor(
        level="buurt", figure="x", figure_label="x", choices=[], rows=rows, reference=None
    )
    area_monitor._classify(monitor)
    assert [(c.low, c.high) for c in monitor.classes] == [
        (10, 14),
        (14, 18),
        (18, 22),
        (22, 26),
        (26, 30),
    ]
    assert [row.colour_class for row in rows] == [1, 2, 3, 4, 5, 5]


@pytest.mark.parametrize("name", ["overview:api_area_figures", "overview:api_area_figures_csv"])
def test_the_open_data_refuses_a_level_or_figure_it_does_not_have(client, name):
    """A data user gets what they asked for or a clear 400, never another figure."""
    url = reverse(name)
    unknown_level = client.get(url, {"level": "foo"})
    assert unknown_level.status_code == 400
    assert unknown_level.json()["error"] == "unknown level"
    assert "buurt" in unknown_level.json()["levels"]
    not_at_street = client.get(url, {"level": "straat", "figure": "cbs_population"})
    assert not_at_street.status_code == 400
    assert "reports" in not_at_street.json()["figures"]
    assert client.get(url, {"level": "buurt", "figure": "reports"}).status_code == 200
    assert client.get(url).status_code == 200


def test_a_new_import_shows_at_once_at_every_level_and_figure(
    client, settings, redis_cache, django_capture_on_commit_callbacks
):
    """Stored figures name the imports they rest on: a figure asked for just before an
    import is not served from before it, and the default page is computed ahead of the
    next visitor."""
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 600
    NeighbourhoodFactory(cbs_code="WK999901")
    query = {"level": "wijk", "figure": "cbs_population"}

    def population(value: int) -> str:
        return f"GM9999,Eemdal,gemeente,,2024,2000,,\nWK999901,Oost,wijk,GM9999,2024,{value},,\n"

    with django_capture_on_commit_callbacks(execute=True):
        import_text(HEADER + population(700))
    assert "700" in client.get(reverse("neighbourhoods:area_monitor"), query).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        import_text(HEADER + population(913))
    page = client.get(reverse("neighbourhoods:area_monitor"), query).content.decode()
    assert "913" in page
    assert ">700<" not in page
    (default,) = area_monitor.default_selections()
    for language in ("nl", "en"):
        assert figures.read(area_monitor.FIGURES, default, language) is not None, language
