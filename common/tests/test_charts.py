"""The server-drawn bar charts write numbers as the reader does."""

from django.utils import translation

from common.charts import bar_chart


def test_large_totals_are_grouped_in_the_readers_language():
    rows = [
        ("Januari", 12345),
        ("Februari", 1234.5),
        ("Maart", 2500000),
        ("April", None),
    ]
    with translation.override("nl"):
        texts = [row["text"] for row in bar_chart(rows)["rows"]]
    assert texts == ["12.345", "1.234,5", "2.500.000", "geen gegevens"]
    with translation.override("en"):
        texts = [row["text"] for row in bar_chart(rows)["rows"]]
    assert texts == ["12,345", "1,234.5", "2,500,000", "no data"]
