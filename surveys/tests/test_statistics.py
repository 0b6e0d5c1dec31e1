"""The statistics against values computed independently from the raw answers (numpy,
scipy, statsmodels), not from our aggregates."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

from surveys.statistics import (
    Aggregate,
    differs_between,
    differs_from_target,
    mean_interval,
    weighted_mean_interval,
)


def aggregate(values) -> Aggregate:
    values = np.asarray(values, dtype=float)
    return Aggregate(len(values), float(values.sum()), float((values**2).sum()))


@pytest.mark.parametrize("n", [2, 5, 12, 40, 600])
def test_unweighted_interval_matches_scipy_t_interval(n):
    rng = np.random.default_rng(n)
    values = rng.integers(1, 11, size=n)
    estimate = mean_interval(aggregate(values))
    low, high = stats.t.interval(0.95, n - 1, loc=values.mean(), scale=stats.sem(values))
    assert estimate.mean == pytest.approx(values.mean())
    assert estimate.low == pytest.approx(low)
    assert estimate.high == pytest.approx(high)


def test_large_samples_approach_1_96_standard_errors():
    values = np.random.default_rng(1).integers(1, 11, size=5000)
    estimate = mean_interval(aggregate(values))
    assert estimate.margin == pytest.approx(1.96 * stats.sem(values), rel=1e-3)


def test_no_and_single_answers():
    assert mean_interval(Aggregate(0, 0, 0)) is None
    one = mean_interval(aggregate([7]))
    assert (one.mean, one.low, one.high) == (7, 7, 7)


def test_post_stratified_estimate_matches_per_respondent_computation():
    rng = np.random.default_rng(42)
    population = {"noord": 8000, "zuid": 2000, "west": 5000}
    answered = {"noord": 40, "zuid": 60, "west": 25}  # zuid answered far too much
    values = {h: rng.integers(3, 11, size=n).astype(float) for h, n in answered.items()}
    estimate = weighted_mean_interval({h: aggregate(v) for h, v in values.items()}, population)

    # Independently: one weight per respondent, then textbook formulas.
    n, big_n = sum(answered.values()), sum(population.values())
    y = np.concatenate([values[h] for h in population])
    w = np.concatenate(
        [np.full(answered[h], (population[h] / big_n) / (answered[h] / n)) for h in population]
    )
    described = DescrStatsW(y, weights=w)
    n_eff = w.sum() ** 2 / (w**2).sum()
    variance = (w * (y - described.mean) ** 2).sum() / w.sum() * n_eff / (n_eff - 1)
    margin = stats.t.ppf(0.975, n_eff - 1) * np.sqrt(variance / n_eff)

    assert estimate.weighted
    assert estimate.mean == pytest.approx(described.mean)
    assert estimate.n == n
    assert estimate.n_eff == pytest.approx(n_eff)
    assert estimate.margin == pytest.approx(margin)
    # The weighted mean moves towards the large, under-represented neighbourhoods.
    unweighted = y.mean()
    assert estimate.mean != pytest.approx(unweighted)


def test_equal_response_rates_give_the_unweighted_result():
    population = {"a": 1000, "b": 3000}
    values = {"a": [6, 7, 8, 5], "b": [7, 7, 6, 9, 8, 6, 5, 7, 8, 9, 6, 7]}
    weighted = weighted_mean_interval({h: aggregate(v) for h, v in values.items()}, population)
    plain = mean_interval(aggregate(values["a"] + values["b"]))
    assert weighted.mean == pytest.approx(plain.mean)
    assert weighted.n_eff == pytest.approx(16)


def test_significance_only_when_the_interval_says_so():
    estimate = mean_interval(aggregate([6, 7, 6, 7, 6, 7, 6, 7, 6, 7]))  # 6.5 ± ~0.38
    assert not differs_from_target(estimate, 6.4)
    assert differs_from_target(estimate, 7.5)
    same = mean_interval(aggregate([6, 7, 7, 6, 6, 7, 6, 7, 7, 6]))
    assert not differs_between(estimate, same)
    higher = mean_interval(aggregate([8, 9, 8, 9, 8, 9, 8, 9, 8, 9]))
    assert differs_between(higher, estimate)
