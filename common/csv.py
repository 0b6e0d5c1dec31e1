"""CSV that opens safely in a spreadsheet, and uploaded CSV read the same way everywhere.

Staff open our CSV downloads in Excel or LibreOffice, which run a cell starting with
``=``, ``+``, ``-`` or ``@`` (and, in some versions, a tab or carriage return) as a
formula. Residents and suppliers write text that ends up in those cells, so such a text
cell is prefixed with a single quote, as OWASP's CSV injection guidance advises: the
spreadsheet then shows it as text. Numbers are left as they are, so ``-3`` stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

if TYPE_CHECKING:
    from _csv import Dialect

    from _typeshed import SupportsWrite

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """The cell as a spreadsheet should see it: numbers and empty cells unchanged, text
    (including lazy translations, dates and the like, which the csv module would turn
    into text anyway) prefixed with ``'`` when it would start a formula."""
    if value is None or isinstance(value, int | float | Decimal):  # bool is an int
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through ``neutralise``."""

    def __init__(self, file: SupportsWrite[str], **kwargs: Any) -> None:
        self._writer = csv.writer(file, **kwargs)

    @property
    def dialect(self) -> Dialect:
        return self._writer.dialect

    def writerow(self, row: Iterable[object]) -> Any:
        # Returns what the file's write returned: streamed exports yield it.
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_safe_writer(file: SupportsWrite[str], **kwargs: Any) -> SafeCsvWriter:
    """The CSV writer every download of the portal uses."""
    return SafeCsvWriter(file, **kwargs)


class CsvProblem(Exception):
    """A file that cannot be read as a table at all (not UTF-8, columns missing): its
    line number and a message staff can act on."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class CsvRow:
    """One row of an uploaded table: its line number, its values by column (stripped),
    or a problem of its shape (then ``values`` is empty)."""

    line: int
    values: dict[str, str]
    problem: str = ""


@dataclass
class CsvTable:
    header: list[str]
    rows: Iterator[CsvRow]


def read_table(
    content: bytes,
    *,
    required: Sequence[str],
    max_rows: int,
    column: Callable[[str], str] = str.strip,
    delimiters: str = ",",
) -> CsvTable:
    """Read an uploaded CSV file as staff save it from a spreadsheet: UTF-8 (with or
    without the byte order mark Excel writes), the first line naming the columns
    (``column`` turns a name into the one the importer knows), the delimiter the one of
    ``delimiters`` the first line has most of, the first on a tie (Dutch spreadsheets
    save semicolons).
    Raises ``CsvProblem`` for a file that is not UTF-8 or misses a required column.
    The rows are read lazily; a row with more values than the header, and the row after
    ``max_rows``, come with a problem (the latter ends the reading)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvProblem(1, gettext("The file is not UTF-8 text. Save it as CSV UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(delimiters, key=first_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [column(name or "") for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    if missing:
        raise CsvProblem(
            1,
            gettext("The first line must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)},
        )
    reader.fieldnames = header

    def rows() -> Iterator[CsvRow]:
        for number, row in enumerate(reader):
            line = reader.line_num
            if number >= max_rows:
                yield CsvRow(line, {}, gettext("The file has too many rows."))
                return
            if None in row:
                yield CsvRow(
                    line, {}, gettext("This row has more values than the header has columns.")
                )
                continue
            yield CsvRow(line, {key: (value or "").strip() for key, value in row.items()})

    return CsvTable(header, rows())
