"""The researchers' file of anonymised answers: one row per response with its period,
neighbourhood and age band, then one column per question.

In a small survey the combination of month, neighbourhood and age band would single out
a respondent, so the file applies the results page's minimum group size
(``SURVEY_MIN_GROUP_SIZE``) to it: it coarsens the three columns for the whole file, step
by step (month to quarter, age bands to under and over 45, quarter to year, then leaves
out age band, neighbourhood, period), until every combination in it occurs at least that
many times; at the step where only a few rows (at most 5 %) are still in too small a
group, those rows are left out. The last row of the file says what was done."""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext, ngettext

from common.csv import spreadsheet_safe_writer
from surveys.models import Answer, Question, Response, Survey
from surveys.results import min_group_size

# Shown instead of a value that was left out for the whole file.
ALL = "*"
# At most this share of the responses is left out instead of coarsening further.
SUPPRESSION_SHARE = 0.05
WIDER_AGE = {"u25": "u45", "25-44": "u45", "45-64": "45+", "65+": "45+"}


@dataclass(frozen=True)
class Level:
    """One step of coarsening: how each of the three columns is shown."""

    period: str  # month, quarter, year or "" (left out)
    neighbourhood: bool
    age: str  # band, wide or "" (left out)

    def key(self, submitted_on: date, neighbourhood: str, age_band: str) -> tuple[str, str, str]:
        periods: dict[str, Callable[[date], str]] = {
            "month": lambda day: day.strftime("%Y-%m"),
            "quarter": lambda day: f"{day.year}-Q{(day.month - 1) // 3 + 1}",
            "year": lambda day: str(day.year),
            "": lambda day: ALL,
        }
        ages = {
            "band": age_band,
            "wide": WIDER_AGE.get(age_band, age_band),
            "": ALL,
        }
        return (
            periods[self.period](submitted_on),
            neighbourhood if self.neighbourhood else ALL,
            ages[self.age],
        )

    def description(self) -> list[str]:
        steps = []
        if self.period == "quarter":
            steps.append(gettext("period per quarter instead of month"))
        elif self.period == "year":
            steps.append(gettext("period per year instead of month"))
        elif not self.period:
            steps.append(gettext("period left out (*)"))
        if not self.neighbourhood:
            steps.append(gettext("neighbourhood left out (*)"))
        if self.age == "wide":
            steps.append(gettext("age under or over 45 instead of the age band"))
        elif not self.age:
            steps.append(gettext("age band left out (*)"))
        return steps


LEVELS = [
    Level("month", True, "band"),
    Level("quarter", True, "band"),
    Level("quarter", True, "wide"),
    Level("year", True, "wide"),
    Level("year", True, ""),
    Level("year", False, "wide"),
    Level("year", False, ""),
    Level("", False, ""),
]


@dataclass
class Coarsening:
    level: Level
    keys: dict  # response id -> (period, neighbourhood, age band) as shown
    suppressed: set  # response ids left out
    minimum: int


def coarsen(rows: list[tuple], minimum: int) -> Coarsening:
    """The first level at which every combination occurs at least ``minimum`` times,
    but for at most ``SUPPRESSION_SHARE`` of the rows, which are left out. ``rows`` are
    (response id, date, neighbourhood name, age band)."""
    allowed = int(len(rows) * SUPPRESSION_SHARE)
    for level in LEVELS:
        keys = {pk: level.key(day, nb or "", age or "") for pk, day, nb, age in rows}
        sizes = Counter(keys.values())
        small = {pk for pk, key in keys.items() if sizes[key] < minimum}
        if len(small) <= allowed or level is LEVELS[-1]:
            return Coarsening(level, keys, small, minimum)
    raise AssertionError("unreachable")  # pragma: no cover


class _Echo:
    def write(self, value):
        return value


def answer_rows(survey: Survey, writer: Any = None) -> Iterator[Any]:
    """The file, row by row: the header, one row per response (in the random order of
    their keys), and a last row that says how the file was anonymised. Written as CSV
    text (streamed) unless another writer of the same shape is given (the XLSX one)."""
    questions: list[Question] = list(survey.questions.all())
    writer = writer or spreadsheet_safe_writer(_Echo())
    rows = list(
        Response.objects.filter(survey=survey, answers__isnull=False)
        .distinct()
        .values_list("id", "submitted_on", "neighbourhood__name", "age_band")
    )
    result = coarsen(rows, min_group_size())
    period = result.level.period or "period"
    yield writer.writerow(
        [period, "neighbourhood", "age_band", *[q.code or q.pk for q in questions]]
    )
    answers = (
        Answer.objects.filter(response__survey=survey)
        .exclude(response_id__in=result.suppressed)
        .select_related("choice")
        .order_by("response_id")
        .iterator(chunk_size=5000)
    )
    current = None
    row: dict[int, object] = {}
    for answer in answers:
        if answer.response_id != current:
            if current is not None:
                yield writer.writerow(
                    [*result.keys[current], *[row.get(q.pk, "") for q in questions]]
                )
            current, row = answer.response_id, {}
        value: object = answer.value_text
        if answer.choice is not None:
            value = answer.choice.value
        elif answer.value_number is not None:
            value = answer.value_number
        row[answer.question_id] = (
            f"{row[answer.question_id]};{value}" if answer.question_id in row else value
        )
    if current is not None:
        yield writer.writerow([*result.keys[current], *[row.get(q.pk, "") for q in questions]])
    yield writer.writerow([note(result)])


def note(result: Coarsening) -> str:
    """What the file's last row says about its anonymisation."""
    parts = [
        gettext(
            "Anonymised: every combination of period, neighbourhood and age band in this "
            "file occurs at least %(minimum)d times, the minimum group size of the results "
            "page."
        )
        % {"minimum": result.minimum}
    ]
    steps = result.level.description()
    if steps:
        parts.append(gettext("Coarsened: %(steps)s.") % {"steps": "; ".join(steps)})
    if result.suppressed:
        count = len(result.suppressed)
        parts.append(
            ngettext(
                "%(count)d response in a smaller group was left out.",
                "%(count)d responses in smaller groups were left out.",
                count,
            )
            % {"count": count}
        )
    return " ".join(parts)
