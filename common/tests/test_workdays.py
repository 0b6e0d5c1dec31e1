from datetime import date, timedelta

import pytest

from common.workdays import (
    add_working_days,
    is_working_day,
    working_day_number,
    working_days_between,
)


def test_friday_plus_one_working_day_is_monday():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_weekend_submission_counts_from_monday():
    # Submitted on Saturday: Monday is the first working day, Friday the fifth.
    assert add_working_days(date(2026, 11, 21), 5) == date(2026, 11, 27)


def test_ten_working_days_span_two_weekends():
    assert add_working_days(date(2026, 11, 2), 10) == date(2026, 11, 16)


def test_kings_day_is_skipped():
    # 27 April 2026 is a Monday and King's Day.
    assert not is_working_day(date(2026, 4, 27))
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday():
    # 2025: King's Day on Saturday 26 April, so Monday 28 April is an ordinary day.
    assert is_working_day(date(2025, 4, 28))
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 28)


def test_christmas_and_boxing_day_are_skipped():
    # Thursday 24 December 2026; Friday 25 and Saturday 26 are holidays/weekend.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 5)  # also New Year


def test_liberation_day_counts_every_year_and_good_friday_does_not():
    # Algemene termijnenwet: 5 May is a holiday every year, Good Friday is not.
    assert not is_working_day(date(2026, 5, 5))
    assert is_working_day(date(2026, 4, 3))  # Good Friday 2026
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 20), date(2026, 11, 23), 1),
        (date(2026, 11, 23), date(2026, 11, 20), -1),
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 12, 24), date(2026, 12, 31), 4),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 1), -1)


def test_working_day_numbers_subtract_to_the_working_days_between():
    start = date(1998, 12, 20)
    for offset in range(0, 12_000, 37):
        day = start + timedelta(days=offset)
        for span in (-40, -3, 0, 1, 6, 30, 400):
            other = day + timedelta(days=span)
            assert working_day_number(other) - working_day_number(day) == (
                working_days_between(day, other)
            )
