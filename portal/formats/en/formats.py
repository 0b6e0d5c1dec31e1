"""English dates as they are written in Europe (day before month, 24-hour clock), not
Django's American defaults ("Dec. 5, 2026", "12/05/2026", "4 p.m."): the portal's
English readers live in a Dutch municipality. What is typed into a date field is read
the same way round: "05/12/2026" is 5 December, never 12 May (the ISO form the date
fields send is read first)."""

DATE_FORMAT = "j F Y"  # 5 December 2026
SHORT_DATE_FORMAT = "d/m/Y"  # 05/12/2026
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
