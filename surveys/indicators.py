"""Indicators as the budget shows them: per year the target (streefcijfer) and the
realised value (realisatie) with its interval, computed from that year's survey."""

from django.utils.translation import gettext as _

from neighbourhoods.models import Neighbourhood
from neighbourhoods.monitor import Indicator as MonitorIndicator
from surveys.models import Indicator, IndicatorYear
from surveys.results import aggregate_answers, estimate_for, min_group_size
from surveys.statistics import compared_to_target, mean_interval

_COUNTS: dict[str, tuple] = {}


def register_count(key: str, label, per_year) -> None:
    """An indicator that is a yearly count kept by another app (e.g. how often the
    council asked the panel a question): ``per_year()`` returns {year: count}."""
    _COUNTS[key] = (label, per_year)


def yearly_counts() -> list[dict]:
    return [
        {"key": key, "label": label, "years": list(per_year().items())}
        for key, (label, per_year) in _COUNTS.items()
    ]


def realised_values(years) -> dict[int, object]:
    """Estimates per IndicatorYear id, from the linked questions, in one scan."""
    questions = [row.question for row in years if row.question_id]
    if not questions:
        return {}
    population = dict(Neighbourhood.objects.values_list("pk", "population"))
    aggregates = aggregate_answers(questions)
    return {
        row.pk: estimate_for(row.question_id, aggregates, population, row.question.survey.weighted)
        for row in years
        if row.question_id
    }


def _year_row(row, estimate) -> dict:
    """One indicator year: target, realised value with its interval, and the verdict."""
    realised = (
        estimate.mean
        if estimate
        else (float(row.manual_value) if row.manual_value is not None else None)
    )
    target = float(row.target) if row.target is not None else None
    verdict = ""
    if estimate and target is not None:
        verdict = {
            1: _("measurably above the target"),
            -1: _("measurably below the target"),
            0: _("no measurable difference from the target"),
        }[compared_to_target(estimate, target)]
    return {
        "year": row.year,
        "target": target,
        "realised": realised,
        "estimate": estimate,
        "verdict": verdict,
        "source": row.question.survey if row.question_id else None,
    }


def indicator_rows_for_years(years) -> list[dict]:
    """For the city dashboard: every indicator's target and realisation in ``years``."""
    rows = list(
        IndicatorYear.objects.filter(year__in=list(years))
        .select_related("indicator", "question__survey")
        .order_by("indicator__name", "year")
    )
    estimates = realised_values(rows)
    result = []
    for row in rows:
        estimate = estimates.get(row.pk)
        values = _year_row(row, estimate)
        values.update(
            name=row.indicator.shown_name,
            slug=row.indicator.slug,
            url=row.indicator.get_absolute_url(),
            ci_low=round(estimate.low, 2) if estimate else None,
            ci_high=round(estimate.high, 2) if estimate else None,
            n=estimate.n if estimate else None,
        )
        result.append(values)
    return result


def indicator_table(indicator: Indicator) -> dict:
    years = list(indicator.years.all())
    estimates = realised_values(years)
    rows = [_year_row(row, estimates.get(row.pk)) for row in years]
    top = max([r["realised"] or 0 for r in rows] + [r["target"] or 0 for r in rows] + [1])
    scale = 10 if top <= 10 else top
    for index, row in enumerate(rows):
        row["x"] = 40 + index * 90
        row["realised_height"] = round((row["realised"] or 0) * 150 / scale)
        row["bar_y"] = 170 - row["realised_height"]
        row["target_y"] = 170 - round((row["target"] or 0) * 150 / scale)
    return {"rows": rows, "chart_width": 60 + len(rows) * 90}


def neighbourhood_scores(neighbourhoods, year: int) -> dict:
    """For the neighbourhood monitor: each indicator's score of ``year`` per
    neighbourhood, with n and interval; hidden below the minimum group size."""
    years = list(
        IndicatorYear.objects.filter(year=year, question__isnull=False).select_related(
            "indicator", "question"
        )
    )
    if not years:
        return {}
    strata = aggregate_answers([row.question for row in years]).strata
    minimum = min_group_size()
    scores: dict[int, list] = {}
    for neighbourhood in neighbourhoods:
        rows = []
        for row in years:
            aggregate = strata.get((row.question_id, neighbourhood.pk))
            n = aggregate.n if aggregate else 0
            estimate = mean_interval(aggregate) if aggregate and n >= minimum else None
            rows.append(
                MonitorIndicator(
                    label=row.indicator.shown_name,
                    value=estimate.mean if estimate else None,
                    n=n,
                    ci_low=estimate.low if estimate else None,
                    ci_high=estimate.high if estimate else None,
                )
            )
        scores[neighbourhood.pk] = rows
    return scores
