"""CSV that opens safely in a spreadsheet.

Staff open our CSV downloads in Excel or LibreOffice, which run a cell starting with
``=``, ``+``, ``-`` or ``@`` (and, in some versions, a tab or carriage return) as a
formula. Residents and suppliers write text that ends up in those cells, so such a text
cell is prefixed with a single quote, as OWASP's CSV injection guidance advises: the
spreadsheet then shows it as text. Numbers are left as they are, so ``-3`` stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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
