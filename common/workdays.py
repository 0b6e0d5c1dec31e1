"""Dutch working days, for answer deadlines (antwoordtermijnen).

A working day is Monday to Friday and not a public holiday of the Algemene termijnenwet
(art. 3), which governs the deadlines of Dutch government bodies: New Year's Day, Easter
Monday, Whit Monday, both Christmas days, Ascension Day, King's Day and 5 May every year.
The dates come from the maintained ``holidays`` library (which knows when King's Day
moves); we drop Good Friday, which the law does not count, and add 5 May in the years
the library leaves it out. Dates are calendar dates in the municipality's time zone.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    days = set(holidays.country_holidays("NL", years=year))
    days.discard(easter(year) - timedelta(days=2))  # Good Friday
    days.add(date(year, 5, 5))  # Liberation Day
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself never counts)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end``
    lies before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset))
    )


# Working-day numbers: the working days from an epoch up to and including a day, so the
# working days between two days are one subtraction (figures over many reports).
_EPOCH_YEAR = 2000


@lru_cache(maxsize=64)
def _year_running_counts(year: int) -> tuple[int, ...]:
    """For each day of ``year`` (1 January first): its working days so far this year."""
    counts, total, day = [], 0, date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += timedelta(days=1)
    return tuple(counts)


@lru_cache(maxsize=256)
def _working_days_before_year(year: int) -> int:
    if year == _EPOCH_YEAR:
        return 0
    if year > _EPOCH_YEAR:
        return _working_days_before_year(year - 1) + _year_running_counts(year - 1)[-1]
    return _working_days_before_year(year + 1) - _year_running_counts(year)[-1]


@lru_cache(maxsize=8192)
def working_day_number(day: date) -> int:
    """A number that grows by one on each working day: ``working_days_between(start,
    end) == working_day_number(end) - working_day_number(start)``."""
    return (
        _working_days_before_year(day.year)
        + _year_running_counts(day.year)[day.timetuple().tm_yday - 1]
    )
