"""A survey's results, computed with a fixed number of grouped SQL queries whatever the
number of responses: numeric aggregates per question (and per neighbourhood), choice
counts per question, and the comparison with last time and with the indicator targets."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import get_language, gettext

from common.charts import bar_chart
from neighbourhoods.models import Neighbourhood
from surveys.models import AgeBand, Answer, IndicatorYear, Question, Response, Survey
from surveys.statistics import (
    Aggregate,
    Estimate,
    compared_to_target,
    differs_between,
    differs_from_target,
    mean_interval,
    weighted_mean_interval,
)


def min_group_size() -> int:
    return settings.SURVEY_MIN_GROUP_SIZE


@dataclass
class GroupResult:
    label: str
    n: int
    estimate: Estimate | None  # None: suppressed (fewer than the minimum) or no answers
    suppressed: bool


@dataclass
class QuestionResult:
    question: Question
    n: int
    estimate: Estimate | None = None
    distribution: list[dict] = field(default_factory=list)
    by_neighbourhood: list[GroupResult] = field(default_factory=list)
    previous: Estimate | None = None
    changed_since_previous: bool | None = None
    target: float | None = None
    differs_from_target: bool | None = None
    # 1 measurably above the target, -1 measurably below, 0 no measurable difference.
    target_direction: int | None = None
    chart: dict | None = None


@dataclass
class AnswerAggregates:
    """What one grouped scan of the answers yields (see ``aggregate_answers``)."""

    overall: dict[int, Aggregate]  # question id -> n, Σy, Σy²
    strata: dict[tuple, Aggregate]  # (question id, neighbourhood id) -> n, Σy, Σy²
    counts: dict[int, int]  # question id -> people who answered
    choice_counts: dict[int, dict]  # question id -> {choice id or value: answers}


def aggregate_answers(questions: list[Question]) -> AnswerAggregates:
    """One grouped scan of the answers: counts per question, neighbourhood and value (or
    choice). Every figure follows from these few hundred rows: n, Σy and Σy² per question
    and per neighbourhood, and the distributions."""
    overall: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    strata: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    counts: dict[int, int] = defaultdict(int)
    choice_counts: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    rows = (
        Answer.objects.filter(question__in=questions)
        .values("question_id", "response__neighbourhood_id", "value_number", "choice_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        question_id, n = row["question_id"], row["n"]
        value, choice = row["value_number"], row["choice_id"]
        counts[question_id] += n
        if choice is not None:
            choice_counts[question_id][choice] += n
        elif value is not None:
            choice_counts[question_id][value] += n
            for target in (
                overall[question_id],
                strata[(question_id, row["response__neighbourhood_id"])],
            ):
                target[0] += n
                target[1] += value * n
                target[2] += value * value * n
    # A multiple-choice question has a row per ticked option: count people, not ticks.
    multiple = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE]
    if multiple:
        for row in (
            Answer.objects.filter(question__in=multiple)
            .values("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        ):
            counts[row["question_id"]] = row["n"]
    return AnswerAggregates(
        overall={key: Aggregate(*values) for key, values in overall.items()},
        strata={key: Aggregate(*values) for key, values in strata.items()},
        counts=counts,
        choice_counts=choice_counts,
    )


def estimate_for(
    question_id: int, aggregates: AnswerAggregates, population: dict, weighted: bool
) -> Estimate | None:
    """The question's mean and interval, post-stratified when the survey says so."""
    if weighted:
        per_stratum = {
            neighbourhood: aggregate
            for (qid, neighbourhood), aggregate in aggregates.strata.items()
            if qid == question_id and neighbourhood is not None
        }
        return weighted_mean_interval(per_stratum, population)
    aggregate = aggregates.overall.get(question_id)
    return mean_interval(aggregate) if aggregate else None


def results_key(survey: Survey, language: str | None = None) -> str | None:
    """Where a closed survey's results are cached (None while it is open): keyed by when
    it closed, so reopening and closing again computes them anew."""
    if survey.closed_at is None:
        return None
    return f"survey-results:{survey.pk}:{survey.closed_at.timestamp()}:{language or get_language()}"


def survey_results(survey: Survey) -> dict:
    """Everything the results page and its CSV show. A closed survey's results are
    computed when it closes (:func:`precompute`) and cached until its answers change."""
    key = results_key(survey)
    if key is None:
        return _compute(survey)
    return cache.get_or_set(key, lambda: _compute(survey), timeout=None)


def precompute(survey: Survey) -> None:
    """Compute a closed survey's results in every language, so no visitor waits."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            cache.set(results_key(survey, language), _compute(survey), timeout=None)


def rendered_keys(survey: Survey) -> list[str]:
    """Where the results page's rendered figures are cached, per language."""
    return [
        make_template_fragment_key("survey-results", [results_key(survey, language)])
        for language, _name in settings.LANGUAGES
    ]


def forget(survey: Survey) -> None:
    """The answers of a closed survey changed (a response removed): the cached results
    and their rendered page are recomputed."""
    if survey.closed_at is None:
        return
    languages = [language for language, _name in settings.LANGUAGES]
    cache.delete_many([results_key(survey, code) for code in languages] + rendered_keys(survey))


def _compute(survey: Survey) -> dict:
    questions = list(survey.questions.prefetch_related("choices"))
    numeric = [q for q in questions if q.is_numeric]
    neighbourhoods = {n.pk: n for n in Neighbourhood.objects.order_by("name")}
    population = {pk: n.population for pk, n in neighbourhoods.items()}
    aggregates = aggregate_answers(questions)
    previous = _previous_estimates(survey, numeric, population)
    targets = {
        row.question_id: float(row.target)
        for row in IndicatorYear.objects.filter(question__in=numeric, target__isnull=False)
    }
    minimum = min_group_size()
    results = []
    for question in questions:
        result = QuestionResult(question=question, n=aggregates.counts.get(question.pk, 0))
        if question.is_numeric:
            result.estimate = estimate_for(question.pk, aggregates, population, survey.weighted)
            for pk, neighbourhood in neighbourhoods.items():
                aggregate = aggregates.strata.get((question.pk, pk))
                n = aggregate.n if aggregate else 0
                suppressed = n < minimum
                result.by_neighbourhood.append(
                    GroupResult(
                        neighbourhood.name,
                        n,
                        None if suppressed else mean_interval(aggregate),
                        suppressed,
                    )
                )
            prior = previous.get(question.code) if question.code else None
            if prior and result.estimate:
                result.previous = prior
                result.changed_since_previous = differs_between(result.estimate, prior)
            if question.pk in targets and result.estimate:
                result.target = targets[question.pk]
                result.differs_from_target = differs_from_target(result.estimate, result.target)
                result.target_direction = compared_to_target(result.estimate, result.target)
        result.distribution = _distribution(question, aggregates.choice_counts.get(question.pk, {}))
        if result.distribution:
            result.chart = bar_chart([(row["label"], row["value"]) for row in result.distribution])
        results.append(result)
    completed = Response.objects.filter(survey=survey).count()
    return {
        "questions": results,
        "completed": completed,
        "minimum": minimum,
        "weighted": survey.weighted,
    }


def _previous_estimates(
    survey: Survey, numeric: list[Question], population: dict
) -> dict[str, Estimate]:
    """Last time's estimate per question code, for the comparison."""
    codes = [q.code for q in numeric if q.code]
    if survey.previous_id is None or not codes:
        return {}
    old = list(
        Question.objects.filter(survey_id=survey.previous_id, code__in=codes).select_related(
            "survey"
        )
    )
    if not old:
        return {}
    aggregates = aggregate_answers(old)
    estimates = {}
    for question in old:
        estimate = estimate_for(question.pk, aggregates, population, question.survey.weighted)
        if estimate:
            estimates[question.code] = estimate
    return estimates


def _distribution(question: Question, counts: dict) -> list[dict]:
    """Rows for a bar chart and its table, in a fixed order of answer options."""
    if question.kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
        options = [(choice.pk, choice.label) for choice in question.choices.all()]
    elif question.kind == Question.Kind.YESNO:
        options = [(1, gettext("Yes")), (0, gettext("No"))]
    elif question.kind in Question.SCALES:
        low, high = Question.SCALES[question.kind]
        options = [(value, str(value)) for value in range(low, high + 1)]
    else:
        return []
    total = sum(counts.get(key, 0) for key, _label in options) or 1
    return [
        {
            "label": label,
            "value": counts.get(key, 0),
            "percent": round(counts.get(key, 0) * 100 / total),
        }
        for key, label in options
    ]


def _group_label(field_name: str, value: str | None) -> str:
    """A group as the reader says it: an age band by its label ("Under 25"), not its code."""
    if not value:
        return "\N{EN DASH}"
    if field_name == "age_band" and value in AgeBand.values:
        return str(AgeBand(value).label)
    return value


def response_rates(survey: Survey) -> dict:
    """Sent, opened, started and completed invitations, in total and per neighbourhood
    and age band (from the invitation side only)."""
    base = survey.invitations.exclude(sent_at__isnull=True)
    totals = base.aggregate(
        sent=Count("id"),
        opened=Count("id", filter=Q(opened=True)),
        started=Count("id", filter=Q(started=True)),
        completed=Count("id", filter=Q(completed=True)),
    )
    groups = []
    for field_name in ["neighbourhood__name", "age_band"]:
        for row in (
            base.values(field_name)
            .annotate(sent=Count("id"), completed=Count("id", filter=Q(completed=True)))
            .order_by(field_name)
        ):
            groups.append(
                {
                    "group": _group_label(field_name, row[field_name]),
                    "sent": row["sent"],
                    "completed": row["completed"],
                    "rate": round(row["completed"] * 100 / row["sent"]) if row["sent"] else 0,
                }
            )
    return {**totals, "groups": groups}
