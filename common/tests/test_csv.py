"""The one CSV writer: text that a spreadsheet would run as a formula is made text; and
the one reader of uploaded tables."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils.functional import lazy

from common.csv import CsvProblem, read_table, spreadsheet_safe_writer


def written(row) -> list[str]:
    out = io.StringIO()
    spreadsheet_safe_writer(out).writerow(row)
    return next(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","klik")',
        "+31 6 12345678",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_starting_a_formula_is_prefixed_with_a_quote(text):
    assert written([text]) == [f"'{text}"]


@pytest.mark.parametrize("number", [-3, 0, 7, -2.5, Decimal("-12.50"), True])
def test_numbers_stay_numbers(number):
    assert written([number]) == [str(number)]


@pytest.mark.parametrize(
    "text", ["Speeltuin opknappen", "Kosten: =100 euro", "", "'al geciteerd", "3811 AB"]
)
def test_ordinary_text_is_untouched(text):
    assert written([text]) == [text]


def test_none_dates_and_lazy_text():
    lazy_text = lazy(lambda: "=1+1", str)()
    assert written([None, date(2026, 3, 1), lazy_text]) == ["", "2026-03-01", "'=1+1"]


def test_streamed_rows_return_the_written_line():
    class Echo:
        def write(self, value):
            return value

    assert spreadsheet_safe_writer(Echo()).writerow(["=A1", -1]) == "'=A1,-1\r\n"


def test_writerows_neutralises_every_row():
    out = io.StringIO()
    spreadsheet_safe_writer(out).writerows([["@a"], ["b"]])
    assert out.getvalue() == "'@a\r\nb\r\n"


@override_settings(LANGUAGE_CODE="en")
def test_an_uploaded_table_is_read_the_same_way_for_every_import():
    # Excel's byte order mark, semicolons, a column renamed, a row too long, the cap.
    content = "\ufeffPost code;Huis\n9712CP;1\n9712CP;2;extra\n9712CP;3\n9712CP;4\n".encode()
    table = read_table(
        content,
        required=["post_code", "huis"],
        max_rows=3,
        column=lambda name: name.strip().lower().replace(" ", "_"),
        delimiters=",;",
    )
    assert table.header == ["post_code", "huis"]
    rows = list(table.rows)
    assert (rows[0].line, rows[0].values) == (2, {"post_code": "9712CP", "huis": "1"})
    assert rows[1].line == 3
    assert "more values" in rows[1].problem
    assert rows[2].values == {"post_code": "9712CP", "huis": "3"}
    assert rows[3].line == 5
    assert "too many rows" in rows[3].problem
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfecode", "not UTF-8"), (b"code,name\nA,b\n", "missing: level")],
)
@override_settings(LANGUAGE_CODE="en")
def test_a_file_that_is_no_table_is_refused_on_its_first_line(content, message):
    with pytest.raises(CsvProblem) as refused:
        read_table(content, required=["code", "level"], max_rows=10)
    assert refused.value.line == 1
    assert message in refused.value.message
