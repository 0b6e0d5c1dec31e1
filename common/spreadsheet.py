"""XLSX that opens safely, for staff who would rather have a spreadsheet than a CSV.

The one XLSX writer of the portal, beside the one CSV writer (``common.csv``), with the
same rows and the same rule for what is dangerous. Every text goes into the workbook as
a string cell (type ``s``), never as a formula, whatever it starts with; a text that
would start a formula (``common.csv.FORMULA_PREFIXES``) also gets Excel's own "quote
prefix", so editing the cell later does not turn it into a formula either. The text
itself is kept as it was written (no ``'`` in front, unlike the CSV, where a leading
``'`` is the only way to say "text"). Characters an XLSX file cannot hold (control
characters other than tab, line feed and carriage return) are left out instead of
failing the download.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from common.csv import FORMULA_PREFIXES

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SafeXlsxWriter:
    """Rows into one worksheet, with the CSV writer's ``writerow``/``writerows``, so an
    export can hand the same rows to either."""

    def __init__(self, title: str = "export") -> None:
        # Write-only: rows go straight to the file, so a city-sized export stays small
        # in memory.
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(title[:31])

    def writerow(self, row: Iterable[object]) -> None:
        self._sheet.append([self._cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)

    def _cell(self, value: object) -> object:
        if value is None or isinstance(value, int | float | Decimal):  # bool is an int
            return value
        if isinstance(value, datetime):
            # Excel has no time zones: the municipality's local time, as the pages show.
            return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
        if isinstance(value, date):
            return value
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(self._sheet, value=text)
        cell.data_type = "s"  # a string, even when it looks like a formula
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
        return cell

    def getvalue(self) -> bytes:
        out = io.BytesIO()
        self._workbook.save(out)
        return out.getvalue()

    def response(self, filename: str) -> HttpResponse:
        """The workbook as a download named ``filename``."""
        response = HttpResponse(self.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def spreadsheet_safe_xlsx(title: str = "export") -> SafeXlsxWriter:
    """The XLSX writer every spreadsheet download of the portal uses."""
    return SafeXlsxWriter(title)
