"""The one CSV writer: text that a spreadsheet would run as a formula is made text."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils.functional import lazy

from common.csv import spreadsheet_safe_writer


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
