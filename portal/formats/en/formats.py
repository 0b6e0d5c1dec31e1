"""English dates as they are written in Europe (day before month, 24-hour clock), not
Django's American defaults ("Dec. 5, 2026", "12/05/2026", "4 p.m."): the portal's
English readers live in a Dutch municipality. Only the formats that are shown; what
is typed into a date field stays Django's English input formats."""

DATE_FORMAT = "j F Y"  # 5 December 2026
SHORT_DATE_FORMAT = "d/m/Y"  # 05/12/2026
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
