"""Survey statistics from SQL aggregates: n, Σy and Σy² per group are enough for every
figure here, so the database does the heavy lifting and Python only combines a handful
of numbers (no loops over answers).

Unweighted mean with a 95% confidence interval::

    ȳ = Σy / n
    s² = (Σy² - n·ȳ²) / (n - 1)                       (sample variance)
    CI = ȳ ± t(0.975, n - 1) · s / √n                 (t-distribution; ≈ 1.96 for large n)

Post-stratification by neighbourhood (stratum h, population N_h, respondents n_h)::

    w_h = (N_h / N) / (n_h / n)                       (weight of each respondent in h)
    ȳ_w = Σ_h w_h·Σy_h / Σ_h w_h·n_h
    Σw = Σ_h w_h·n_h,  Σw² = Σ_h w_h²·n_h
    n_eff = (Σw)² / Σw²                               (Kish's effective sample size)
    s_w² = Σ_h w_h·(Σy²_h - 2·ȳ_w·Σy_h + ȳ_w²·n_h) / Σw · n_eff / (n_eff - 1)
    CI = ȳ_w ± t(0.975, n_eff - 1) · s_w / √n_eff

N and n run over the strata that have respondents (and a population); respondents
without a neighbourhood are left out of a weighted estimate.

A difference is "measurable" only when the interval says so: against a fixed target,
when the target lies outside the interval; against last year, when the 95% interval of
the difference, (ȳ₁ - ȳ₂) ± 1.96·√(se₁² + se₂²), does not contain 0.
"""

import math
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Aggregate:
    """What SQL returns for one group: count, sum and sum of squares."""

    n: int
    total: float
    total_squares: float


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    n: int  # respondents
    n_eff: float  # effective sample size (= n when unweighted)
    weighted: bool = False

    @property
    def standard_error(self) -> float:
        return (self.high - self.mean) / _t(self.n_eff)

    @property
    def margin(self) -> float:
        return self.high - self.mean


def _t(degrees_plus_one: float) -> float:
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, max(degrees_plus_one - 1, 1)))


def mean_interval(aggregate: Aggregate) -> Estimate | None:
    """Unweighted mean and 95% interval; None without answers. With one answer the
    interval is that single value (no spread can be estimated)."""
    n = aggregate.n
    if n == 0:
        return None
    mean = aggregate.total / n
    if n == 1:
        return Estimate(mean, mean, mean, 1, 1.0)
    variance = max((aggregate.total_squares - n * mean * mean) / (n - 1), 0.0)
    margin = _t(n) * math.sqrt(variance / n)
    return Estimate(mean, mean - margin, mean + margin, n, float(n))


def weighted_mean_interval(
    strata: dict[object, Aggregate], population: dict[object, int]
) -> Estimate | None:
    """Post-stratified mean and interval (see the module docstring)."""
    used = {h: a for h, a in strata.items() if a.n and population.get(h)}
    if not used:
        return None
    n = sum(a.n for a in used.values())
    big_n = sum(population[h] for h in used)
    weights = {h: (population[h] / big_n) / (a.n / n) for h, a in used.items()}
    sum_w = sum(weights[h] * a.n for h, a in used.items())
    sum_w2 = sum(weights[h] ** 2 * a.n for h, a in used.items())
    mean = sum(weights[h] * a.total for h, a in used.items()) / sum_w
    n_eff = sum_w**2 / sum_w2
    if n < 2 or n_eff <= 1:
        return Estimate(mean, mean, mean, n, n_eff, weighted=True)
    squares = sum(
        weights[h] * (a.total_squares - 2 * mean * a.total + mean * mean * a.n)
        for h, a in used.items()
    )
    variance = max(squares / sum_w * n_eff / (n_eff - 1), 0.0)
    margin = _t(n_eff) * math.sqrt(variance / n_eff)
    return Estimate(mean, mean - margin, mean + margin, n, n_eff, weighted=True)


def differs_from_target(estimate: Estimate, target: float) -> bool:
    return not (estimate.low <= target <= estimate.high)


def compared_to_target(estimate: Estimate, target: float) -> int:
    """1 when the whole interval lies above the target (streefcijfer), -1 when below it,
    0 when the target lies inside the interval (no measurable difference)."""
    if estimate.low > target:
        return 1
    if estimate.high < target:
        return -1
    return 0


def differs_between(current: Estimate, previous: Estimate) -> bool:
    if current.n < 2 or previous.n < 2:
        return False
    z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
    margin = z * math.sqrt(current.standard_error**2 + previous.standard_error**2)
    return abs(current.mean - previous.mean) > margin
