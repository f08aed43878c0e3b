"""Hypothesis tests against a benchmark: exact binomial, t tests, bootstrap, NPS."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "ALTERNATIVES",
    "TestResult",
    "binomial_test",
    "bootstrap_mean_test",
    "direction_alternative",
    "nps_standard_error",
    "nps_test",
    "one_sample_t_test",
    "welch_t_test",
]

ALTERNATIVES = ("two-sided", "greater", "less")


@dataclass(frozen=True)
class TestResult:
    """Outcome of a hypothesis test.

    Attributes
    ----------
    statistic : float
        Test statistic (successes for the binomial test, t, z).
    p_value : float
        p-value under the stated alternative; NaN with ``reason`` when the
        test cannot be made.
    estimate : float
        Estimate being tested.
    ci_low, ci_high : float
        Confidence interval of the estimate (one-sided when the alternative
        is one-sided).
    df : float
        Degrees of freedom (NaN where not applicable).
    alternative : str
        ``two-sided``, ``greater`` or ``less``.
    method : str
        Name of the test.
    reason : str
        Why the test returned NaN; empty otherwise.
    """

    __test__ = False  # keep pytest from collecting this class

    statistic: float
    p_value: float
    estimate: float
    ci_low: float
    ci_high: float
    df: float
    alternative: str
    method: str
    reason: str = ""


def direction_alternative(direction: str, side: str = "better") -> str:
    """Map a KPI direction to the one-sided alternative of a test.

    ``side="better"`` tests whether the unit beats the benchmark (``greater``
    for an ``up`` KPI, ``less`` for a ``down`` KPI); ``side="worse"`` the
    opposite.
    """
    if direction not in ("up", "down"):
        raise ValueError(
            f"a one-sided test needs direction 'up' or 'down', got {direction!r};"
            " band KPIs are compared two-sided."
        )
    if side not in ("better", "worse"):
        raise ValueError(f"side must be 'better' or 'worse', got {side!r}.")
    is_greater = (direction == "up") == (side == "better")
    return "greater" if is_greater else "less"


def _check_alternative(alternative: str) -> None:
    if alternative not in ALTERNATIVES:
        raise ValueError(
            f"alternative must be one of {ALTERNATIVES}, got {alternative!r}; "
            "use direction_alternative() to derive it from a KPI direction."
        )


def _nan_result(method: str, alternative: str, reason: str) -> TestResult:
    nan = math.nan
    return TestResult(nan, nan, nan, nan, nan, nan, alternative, method, reason)


def binomial_test(
    successes: int,
    n: int,
    benchmark: float,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> TestResult:
    """Test a rate against a benchmark with the exact binomial test.

    H0: ``p = benchmark``. The two-sided p-value sums ``P(X = k)`` over every
    ``k`` with ``P(X = k) <= P(X = x)`` (the "minlike" rule of R
    ``binom.test`` and ``scipy.stats.binomtest``), not twice the smaller
    tail. One-sided p-values are the tails. The interval is Clopper-Pearson
    (one-sided for a one-sided alternative) as in R.

    Parameters
    ----------
    successes, n : int
        Events and trials; ``n = 0`` returns NaN with a reason.
    benchmark : float
        Rate under H0, in [0, 1].
    alternative : {"two-sided", "greater", "less"}
        Use :func:`direction_alternative` for the KPI's direction.
    confidence_level : float
        Level of the interval.

    Returns
    -------
    TestResult

    Raises
    ------
    ValueError
        If ``benchmark`` lies outside [0, 1] (a percentage such as 85) or
        ``alternative`` is unknown.

    Notes
    -----
    Exact binomial test computed with ``scipy.stats.binomtest``; interval of
    Clopper and Pearson (1934), Biometrika 26:404-413. The tests compare it
    with R ``binom.test(51, 235, 1/6)`` as transcribed in statsmodels.
    """
    _check_alternative(alternative)
    method = "exact binomial test"
    if n == 0:
        return _nan_result(method, alternative, "no trials (n = 0)")
    if not 0 <= benchmark <= 1:
        raise ValueError(
            f"benchmark must be a rate in [0, 1], got {benchmark!r}; a "
            "percentage such as 85 must be given as 0.85."
        )
    outcome = stats.binomtest(
        int(successes), int(n), benchmark, alternative=alternative
    )
    interval = outcome.proportion_ci(confidence_level, method="exact")
    return TestResult(
        statistic=float(successes),
        p_value=float(outcome.pvalue),
        estimate=successes / n,
        ci_low=float(interval.low),
        ci_high=float(interval.high),
        df=math.nan,
        alternative=alternative,
        method=method,
    )


def _t_result(
    t_statistic: float,
    df: float,
    estimate: float,
    standard_error: float,
    alternative: str,
    confidence_level: float,
    method: str,
) -> TestResult:
    distribution = stats.t(df)
    if alternative == "two-sided":
        p_value = 2 * distribution.sf(abs(t_statistic))
        quantile = distribution.ppf(1 - (1 - confidence_level) / 2)
        ci = (
            estimate - quantile * standard_error,
            estimate + quantile * standard_error,
        )
    elif alternative == "greater":
        p_value = distribution.sf(t_statistic)
        ci = (estimate - distribution.ppf(confidence_level) * standard_error, math.inf)
    else:
        p_value = distribution.cdf(t_statistic)
        ci = (-math.inf, estimate + distribution.ppf(confidence_level) * standard_error)
    return TestResult(
        float(t_statistic),
        float(p_value),
        float(estimate),
        float(ci[0]),
        float(ci[1]),
        float(df),
        alternative,
        method,
    )


def one_sample_t_test(
    mean: float,
    std: float,
    n: float,
    benchmark: float,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> TestResult:
    """Test a mean score against a benchmark with the one-sample t test.

    Works from summary statistics: ``t = (mean - benchmark) / (std/sqrt(n))``
    with ``n - 1`` degrees of freedom.

    Parameters
    ----------
    mean, std, n : float
        Sample mean, sample standard deviation (ddof=1) and size. ``n < 2``
        or a zero or NaN ``std`` returns NaN with a reason.
    benchmark : float
        Mean under H0.
    alternative : {"two-sided", "greater", "less"}
    confidence_level : float

    Returns
    -------
    TestResult
        ``estimate`` is the mean; the interval is for the mean.

    Notes
    -----
    Student (1908), Biometrika 6, as cited by R's ``sleep`` documentation.
    Equals R ``t.test(x, mu=benchmark)``; the tests compare it with R's
    printed output for the paired ``sleep`` example.
    """
    _check_alternative(alternative)
    method = "one-sample t test"
    if n < 2 or not std > 0:
        return _nan_result(
            method, alternative, f"a t test needs n >= 2 and std > 0 (n={n}, std={std})"
        )
    standard_error = std / math.sqrt(n)
    t_statistic = (mean - benchmark) / standard_error
    return _t_result(
        t_statistic, n - 1, mean, standard_error, alternative, confidence_level, method
    )


def welch_t_test(
    mean1: float,
    std1: float,
    n1: float,
    mean2: float,
    std2: float,
    n2: float,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> TestResult:
    """Compare two mean scores with Welch's unequal-variance t test.

    ``t = (m1 - m2) / sqrt(s1^2/n1 + s2^2/n2)`` with Welch-Satterthwaite
    degrees of freedom ``(v1 + v2)^2 / (v1^2/(n1-1) + v2^2/(n2-1))``,
    ``vi = si^2/ni``.

    Parameters
    ----------
    mean1, std1, n1 : float
        Summary statistics of the first group (the store or advisor).
    mean2, std2, n2 : float
        Summary statistics of the second group (peers).
    alternative : {"two-sided", "greater", "less"}
        Alternative for ``mean1 - mean2``.
    confidence_level : float

    Returns
    -------
    TestResult
        ``estimate`` is ``mean1 - mean2``; the interval is for the difference.

    Notes
    -----
    Welch's unequal-variance t test with Welch-Satterthwaite degrees of
    freedom, as in R ``t.test(x, y)`` (default ``var.equal = FALSE``) and
    ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``. The tests
    compare it with R's printed output for its ``t.test`` examples.
    """
    _check_alternative(alternative)
    method = "Welch t test"
    if n1 < 2 or n2 < 2 or not (std1 > 0 or std2 > 0):
        return _nan_result(
            method,
            alternative,
            f"Welch's test needs n >= 2 per group (n1={n1}, n2={n2})",
        )
    variance1 = std1**2 / n1
    variance2 = std2**2 / n2
    standard_error = math.sqrt(variance1 + variance2)
    df = (variance1 + variance2) ** 2 / (
        variance1**2 / (n1 - 1) + variance2**2 / (n2 - 1)
    )
    t_statistic = (mean1 - mean2) / standard_error
    return _t_result(
        t_statistic,
        df,
        mean1 - mean2,
        standard_error,
        alternative,
        confidence_level,
        method,
    )


def bootstrap_mean_test(
    values: ArrayLike,
    benchmark: float,
    rng: np.random.Generator,
    *,
    n_resamples: int = 9999,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> TestResult:
    """Test a mean score against a benchmark with a nonparametric bootstrap.

    The interval is the percentile interval of the resampled means. The
    p-value comes from resampling the data shifted to have mean
    ``benchmark``, which makes the null hypothesis true for the resamples:
    ``p = (b + 1)/(B + 1)``, where ``b`` counts the ``B`` resampled means at
    least as far from the benchmark as the observed mean.

    Parameters
    ----------
    values : array_like
        Individual scores; NaN values are dropped.
    benchmark : float
        Mean under H0.
    rng : numpy.random.Generator
        Seeded generator, so a report gives the same numbers on every run.
    n_resamples : int
        Number of bootstrap resamples.
    alternative : {"two-sided", "greater", "less"}
    confidence_level : float

    Returns
    -------
    TestResult
        ``statistic`` is ``mean - benchmark``; ``df`` is NaN.

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.

    Notes
    -----
    Nonparametric bootstrap of Efron and Tibshirani (1993), An Introduction
    to the Bootstrap, Chapman & Hall. The ``+1`` in numerator and
    denominator keeps the p-value above zero, the rule that
    ``scipy.stats.monte_carlo_test`` (scipy 1.17) uses after Phipson and
    Smyth (2010), "Permutation p-values should never be zero", Statistical
    Applications in Genetics and Molecular Biology 9(1). With fewer than two
    scores the result is NaN with a reason.
    """
    _check_alternative(alternative)
    method = "bootstrap test of the mean"
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator, got "
            f"{type(rng).__name__}; pass np.random.default_rng(seed)."
        )
    scores = np.asarray(values, dtype=float)
    scores = scores[~np.isnan(scores)]
    if scores.size < 2:
        return _nan_result(method, alternative, f"needs >= 2 scores, got {scores.size}")

    observed = scores.mean()
    means = _resample_means(scores, rng, n_resamples)
    tail = (1 - confidence_level) / 2
    ci_low, ci_high = np.quantile(means, [tail, 1 - tail])

    null_means = means - observed + benchmark
    distance = observed - benchmark
    if alternative == "two-sided":
        extreme = np.abs(null_means - benchmark) >= abs(distance)
    elif alternative == "greater":
        extreme = null_means >= observed
    else:
        extreme = null_means <= observed
    p_value = (extreme.sum() + 1) / (n_resamples + 1)
    return TestResult(
        float(distance),
        float(p_value),
        float(observed),
        float(ci_low),
        float(ci_high),
        math.nan,
        alternative,
        method,
    )


def _resample_means(
    scores: np.ndarray, rng: np.random.Generator, n_resamples: int
) -> np.ndarray:
    # Resample in blocks of about a million draws to bound memory.
    block = max(1, 1_000_000 // scores.size)
    means = []
    for start in range(0, n_resamples, block):
        size = min(block, n_resamples - start)
        indices = rng.integers(0, scores.size, size=(size, scores.size))
        means.append(scores[indices].mean(axis=1))
    return np.concatenate(means)


def nps_standard_error(
    promoters: ArrayLike, detractors: ArrayLike, n: ArrayLike
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Compute the net promoter score and its standard error, on the -1..1 scale.

    Scoring each answer +1 (promoter, 9-10), 0 (passive, 7-8) or -1
    (detractor, 0-6), ``NPS = P - D`` and the variance of one answer is
    ``(P + D) - (P - D)^2``, so ``SE = sqrt(((P + D) - (P - D)^2) / n)``.
    Multiply both by 100 for the usual -100..100 points.

    Parameters
    ----------
    promoters, detractors, n : array_like
        Counts of promoters, detractors and all answers; ``n = 0`` gives NaN.

    Returns
    -------
    nps, standard_error : float or ndarray

    Notes
    -----
    The variance is that of a variable scored -1, 0, +1, the formula of
    ``npvar()`` in the R package ``NPS`` 1.1 (Rocks 2014).
    """
    is_scalar = all(np.ndim(v) == 0 for v in (promoters, detractors, n))
    answers = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_promoters = np.asarray(promoters, dtype=float) / answers
        share_detractors = np.asarray(detractors, dtype=float) / answers
        nps = share_promoters - share_detractors
        variance = (share_promoters + share_detractors) - nps**2
        standard_error = np.sqrt(variance / answers)
    if is_scalar:
        return float(nps), float(standard_error)
    return nps, standard_error


def nps_test(
    promoters: float,
    detractors: float,
    n: float,
    benchmark: float,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
) -> TestResult:
    """Test a net promoter score against a benchmark with a z test.

    ``z = (NPS - benchmark) / SE`` with the standard error of
    :func:`nps_standard_error`; the interval is ``NPS +- z SE``, clipped to
    [-1, 1]. Both on the -1..1 scale.

    Parameters
    ----------
    promoters, detractors, n : float
        Counts; ``n = 0`` gives NaN with a reason.
    benchmark : float
        NPS under H0 on the -1..1 scale (45 points is 0.45).
    alternative : {"two-sided", "greater", "less"}
    confidence_level : float

    Returns
    -------
    TestResult

    Notes
    -----
    Wald (z) test with the normal approximation to the score's sampling
    distribution, the test of ``nps.test()`` in the R package ``NPS`` 1.1
    (Rocks 2014). With all answers in one category the SE is 0 and the test
    returns NaN with a reason.
    """
    _check_alternative(alternative)
    method = "NPS z test"
    if n == 0:
        return _nan_result(method, alternative, "no answers (n = 0)")
    nps, standard_error = nps_standard_error(promoters, detractors, n)
    if not standard_error > 0:
        return _nan_result(method, alternative, "all answers in one category (SE = 0)")

    z_statistic = (nps - benchmark) / standard_error
    if alternative == "two-sided":
        p_value = 2 * stats.norm.sf(abs(z_statistic))
    elif alternative == "greater":
        p_value = stats.norm.sf(z_statistic)
    else:
        p_value = stats.norm.cdf(z_statistic)
    z = stats.norm.ppf(1 - (1 - confidence_level) / 2)
    ci_low = float(max(-1.0, nps - z * standard_error))
    ci_high = float(min(1.0, nps + z * standard_error))
    return TestResult(
        float(z_statistic),
        float(p_value),
        float(nps),
        ci_low,
        ci_high,
        math.nan,
        alternative,
        method,
    )
