"""Where residents write, read for the mood of the city. Each source gives its texts of
a period and area as :class:`mood.topics.Text`, and, for the staff page, the texts behind
a topic with a link to where they are handled in the back office.

Open survey answers are read only from anonymous surveys that have closed, and only once
their batch was released (``surveys.Response``): they cannot be linked to a person, and
nothing is read while a survey still runs. Answers waiting in a sealed batch, and
answers of surveys that know their respondents, or of a response linked to a
respondent, are never read (a survey's "anonymous" cannot change once it has responses).
Hidden comments, initiatives still in draft or withdrawn, and reports whose email was
never confirmed are left out too. Of the questions only those published on the portal are
read, as a colleague published them (``public_text``: no name, nothing personal), never
what the asker wrote; reports and questions link to their public page, which anyone may
open, not to a department's work list."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, IntegerField, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Comment, Initiative
from initiatives.models import Status as InitiativeStatus
from mood.masking import mask
from mood.models import Kind
from mood.topics import Text
from neighbourhoods.models import AgendaItem, Neighbourhood
from reports.models import Question, Report
from surveys.models import Answer
from surveys.models import Question as SurveyQuestion


@dataclass(frozen=True)
class Source:
    """One kind of text: its rows in a period (written between two moments), the column
    of the moment, the column of the neighbourhood (None: it has none), the text and the
    back office's page of a row."""

    kind: str
    rows: Callable[[], QuerySet[Any]]
    moment: str
    neighbourhood: str | None
    text: Any
    admin_url: Callable[[dict[str, Any]], str]


def _admin(name: str, field: str = "pk") -> Callable[[dict[str, Any]], str]:
    return lambda row: reverse(f"admin:{name}_change", args=[row[field]])


def _public(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: reverse(name, args=[row["pk"]])


SOURCES = [
    Source(
        Kind.INITIATIVE,
        lambda: Initiative.objects.filter(submitted_at__isnull=False).exclude(
            status=InitiativeStatus.WITHDRAWN
        ),
        "submitted_at",
        "neighbourhood_id",
        Concat("title", Value("\n"), "description", output_field=TextField()),
        _admin("initiatives_initiative"),
    ),
    Source(
        Kind.COMMENT,
        lambda: Comment.objects.filter(hidden_at__isnull=True),
        "created_at",
        "initiative__neighbourhood_id",
        F("text"),
        _admin("initiatives_comment"),
    ),
    Source(
        Kind.AGENDA_ITEM,
        lambda: AgendaItem.objects.all(),
        "created_at",
        "neighbourhood_id",
        Concat("title", Value("\n"), "description", output_field=TextField()),
        _admin("neighbourhoods_agendaitem"),
    ),
    Source(
        Kind.SURVEY_ANSWER,
        lambda: Answer.objects.filter(
            question__kind=SurveyQuestion.Kind.TEXT,
            response__survey__anonymous=True,
            response__survey__closed_at__isnull=False,
            response__respondent__isnull=True,
        ).exclude(value_text=""),
        "response__submitted_on",
        "response__neighbourhood_id",
        F("value_text"),
        _admin("surveys_survey", "survey"),
    ),
    Source(
        Kind.REPORT,
        lambda: Report.objects.public().filter(submitted_at__isnull=False),
        "submitted_at",
        "neighbourhood_id",
        F("description"),
        _public("reports:detail"),
    ),
    Source(
        Kind.QUESTION,
        lambda: Question.objects.published().filter(submitted_at__isnull=False),
        "submitted_at",
        None,
        F("public_text"),
        _public("reports:question"),
    ),
]
BY_KIND = {source.kind: source for source in SOURCES}


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def collect(
    start: date,
    end: date,
    neighbourhood: Neighbourhood | None,
    read: Callable[[float], None] | None = None,
) -> Iterator[Text]:
    """Every text written from ``start`` up to and including ``end``, in
    ``neighbourhood`` (None: the whole city, texts without a neighbourhood included).
    ``read`` hears the share of the sources read so far as each source is done."""
    first = timezone.make_aware(datetime.combine(start, time.min))
    after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    for number, source in enumerate(SOURCES, start=1):
        if read is not None and number > 1:
            read((number - 1) / len(SOURCES))
        if neighbourhood is not None and source.neighbourhood is None:
            continue
        dated = source.moment.endswith("_on")
        rows = source.rows().filter(
            **{
                f"{source.moment}__gte": start if dated else first,
                f"{source.moment}__lt": end + timedelta(days=1) if dated else after,
            }
        )
        if neighbourhood is not None and source.neighbourhood is not None:
            rows = rows.filter(**{source.neighbourhood: neighbourhood.pk})
        area = (
            F(source.neighbourhood)
            if source.neighbourhood
            else Value(None, output_field=IntegerField())
        )
        values = rows.annotate(
            mood_text=source.text, mood_moment=F(source.moment), mood_area=area
        ).values_list("pk", "mood_moment", "mood_area", "mood_text")
        for pk, moment, area_id, text in values.iterator(chunk_size=2000):
            yield Text(source.kind, str(pk), _day(moment), area_id, text or "")


@dataclass(frozen=True)
class Behind:
    """A text behind a topic as a colleague sees it: masked, with its page."""

    kind: str
    kind_label: str
    text: str
    url: str


def behind(references: list[tuple[str, str]]) -> dict[tuple[str, str], Behind]:
    """The texts for ``(kind, key)`` references, one query per kind; a text since
    erased or deleted is missing."""
    wanted: dict[str, list[str]] = {}
    for kind, pk in references:
        wanted.setdefault(kind, []).append(pk)
    found = {}
    for kind, keys in wanted.items():
        source = BY_KIND[kind]
        rows = (
            source.rows()
            .filter(pk__in=keys)
            .annotate(mood_text=source.text)
            .values(
                "pk", "mood_text", *(["response__survey"] if kind == Kind.SURVEY_ANSWER else [])
            )
        )
        for row in rows:
            row["survey"] = row.get("response__survey")
            found[(kind, str(row["pk"]))] = Behind(
                kind=kind,
                kind_label=str(Kind(kind).label),
                text=mask(row["mood_text"] or ""),
                url=source.admin_url(row),
            )
    return found
