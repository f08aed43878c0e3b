"""Confidence intervals for proportions, differences of proportions and counts.

Every function is vectorised: scalars give floats, array-likes give arrays.
A zero denominator gives NaN (never inf); callers report the reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "BYAR_VARIANTS",
    "PROPORTION_METHODS",
    "byar_interval",
    "difference_interval",
    "poisson_interval",
    "proportion_interval",
]

PROPORTION_METHODS = ("wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald")
BYAR_VARIANTS = ("breslow_day", "half_corrected")


def _z_value(confidence_level: float) -> float:
    if not 0 < confidence_level < 1:
        raise ValueError(
            f"confidence_level must lie strictly between 0 and 1, got "
            f"{confidence_level!r}; use 0.95 for a 95% interval."
        )
    return float(stats.norm.ppf(1 - (1 - confidence_level) / 2))


def _as_output(low: np.ndarray, high: np.ndarray, is_scalar: bool) -> Any:
    if is_scalar:
        return float(low), float(high)
    return low, high


def _check_counts(successes: np.ndarray, n: np.ndarray) -> None:
    with np.errstate(invalid="ignore"):
        is_invalid = (successes < 0) | (n < 0) | (successes > n)
    if np.any(is_invalid):
        first = int(np.flatnonzero(is_invalid)[0])
        raise ValueError(
            "successes must lie between 0 and n; got successes="
            f"{float(successes.flat[first])!r}, n={float(n.flat[first])!r} at position "
            f"{first}. Check that the numerator counts a subset of the "
            "denominator."
        )


def proportion_interval(
    successes: ArrayLike,
    n: ArrayLike,
    method: str = "wilson",
    confidence_level: float = 0.95,
) -> tuple[Any, Any]:
    """Compute a two-sided confidence interval for a binomial proportion.

    Parameters
    ----------
    successes : array_like
        Number of successes (events) ``x``.
    n : array_like
        Number of trials. ``n == 0`` gives NaN limits.
    method : {"wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald"}
        ``wilson`` (default): score interval,
        ``(x + z^2/2 +- z sqrt(x(n-x)/n + z^2/4)) / (n + z^2)``.
        ``clopper_pearson``: exact interval from beta quantiles
        ``Beta(a/2; x, n-x+1)`` and ``Beta(1-a/2; x+1, n-x)``, with 0 at
        ``x = 0`` and 1 at ``x = n``.
        ``jeffreys``: equal-tailed ``Beta(x+1/2, n-x+1/2)`` quantiles, with 0
        at ``x = 0`` and 1 at ``x = n``.
        ``agresti_coull``: Wald interval around ``(x + z^2/2)/(n + z^2)`` with
        ``n + z^2`` trials. ``wald``: ``p +- z sqrt(p(1-p)/n)``, for reference
        only because it covers badly near 0 and 1. Agresti-Coull and Wald are
        clipped to [0, 1].
    confidence_level : float
        Two-sided level, default 0.95.

    Returns
    -------
    low, high : float or ndarray
        Interval limits; NaN where ``n`` is 0.

    Raises
    ------
    ValueError
        If ``method`` is unknown, ``successes`` lies outside ``[0, n]`` or
        ``confidence_level`` is not strictly between 0 and 1.

    Notes
    -----
    Wilson (1927), J Am Stat Assoc 22:209-212; Clopper and Pearson (1934),
    Biometrika 26:404-413; Brown, Cai and DasGupta (2001), "Interval
    estimation for a binomial proportion", Statistical Science 16:101-133,
    for the Agresti-Coull and Jeffreys intervals and the comparison that
    makes Wilson the default. The tests check every method against R
    ``binom::binom.confint`` as transcribed in statsmodels 0.15
    (``stats/tests/results/results_proportion.py``).
    """
    if method not in PROPORTION_METHODS:
        raise ValueError(f"method must be one of {PROPORTION_METHODS}, got {method!r}.")
    is_scalar = np.ndim(successes) == 0 and np.ndim(n) == 0
    x, trials = np.broadcast_arrays(
        np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    )
    _check_counts(x, trials)
    z = _z_value(confidence_level)
    alpha = 1 - confidence_level

    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "wilson":
            center = x + z**2 / 2
            spread = z * np.sqrt(x * (trials - x) / trials + z**2 / 4)
            low = (center - spread) / (trials + z**2)
            high = (center + spread) / (trials + z**2)
        elif method == "clopper_pearson":
            low = stats.beta.ppf(alpha / 2, x, trials - x + 1)
            high = stats.beta.ppf(1 - alpha / 2, x + 1, trials - x)
        elif method == "jeffreys":
            low = stats.beta.ppf(alpha / 2, x + 0.5, trials - x + 0.5)
            high = stats.beta.ppf(1 - alpha / 2, x + 0.5, trials - x + 0.5)
        else:
            if method == "agresti_coull":
                trials_adj = trials + z**2
                p = (x + z**2 / 2) / trials_adj
            else:
                trials_adj = trials
                p = x / trials
            half_width = z * np.sqrt(p * (1 - p) / trials_adj)
            low = p - half_width
            high = p + half_width

    low = np.where(x == 0, 0.0, np.clip(low, 0.0, 1.0))
    high = np.where(x == trials, 1.0, np.clip(high, 0.0, 1.0))
    if method == "wald":
        # Wald has zero width at the boundaries: p +- 0.
        low = np.where(x == trials, 1.0, low)
        high = np.where(x == 0, 0.0, high)
    is_empty = trials == 0
    low = np.where(is_empty, np.nan, low)
    high = np.where(is_empty, np.nan, high)
    return _as_output(low, high, is_scalar)


def difference_interval(
    successes1: ArrayLike,
    n1: ArrayLike,
    successes2: ArrayLike,
    n2: ArrayLike,
    confidence_level: float = 0.95,
) -> tuple[Any, Any]:
    """Compute Newcombe's hybrid score interval for ``p1 - p2``.

    Two independent proportions (this month against last, store against
    store). With Wilson limits ``(l1, u1)`` and ``(l2, u2)``::

        low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    Parameters
    ----------
    successes1, n1, successes2, n2 : array_like
        Counts of the first and second group.
    confidence_level : float
        Two-sided level, default 0.95.

    Returns
    -------
    low, high : float or ndarray
        Limits for the difference, NaN when either ``n`` is 0.

    Notes
    -----
    Newcombe (1998), "Interval estimation for the difference between
    independent proportions: comparison of eleven methods", Statistics in
    Medicine 17:873-890, method 10 (score interval without continuity
    correction). Equals ``statsmodels.stats.proportion.
    confint_proportions_2indep(method="newcomb", compare="diff")``.
    """
    is_scalar = all(np.ndim(v) == 0 for v in (successes1, n1, successes2, n2))
    x1, t1, x2, t2 = (
        np.asarray(v, dtype=float) for v in (successes1, n1, successes2, n2)
    )
    low1, high1 = proportion_interval(x1, t1, "wilson", confidence_level)
    low2, high2 = proportion_interval(x2, t2, "wilson", confidence_level)

    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = x1 / t1
        p2 = x2 / t2
    difference = p1 - p2
    low = difference - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = difference + np.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    low = np.maximum(np.asarray(low, dtype=float), -1.0)
    high = np.minimum(np.asarray(high, dtype=float), 1.0)
    return _as_output(low, high, is_scalar)


def poisson_interval(
    count: ArrayLike,
    exposure: ArrayLike = 1.0,
    confidence_level: float = 0.95,
) -> tuple[Any, Any]:
    """Compute the exact (Garwood) interval for a Poisson count or rate.

    ``low = chi2(a/2; 2x) / 2``, ``high = chi2(1 - a/2; 2x + 2) / 2``, both
    divided by ``exposure``. With ``exposure`` set to the expected count the
    result is the interval of an observed/expected ratio.

    Parameters
    ----------
    count : array_like
        Observed count ``x`` (0 gives a lower limit of 0).
    exposure : array_like
        Exposure or expected count; 0 gives NaN.
    confidence_level : float
        Two-sided level, default 0.95.

    Returns
    -------
    low, high : float or ndarray

    Raises
    ------
    ValueError
        If a count is negative or ``confidence_level`` is not strictly
        between 0 and 1.

    Notes
    -----
    The exact central interval from chi-square quantiles (Garwood 1936).
    The tests check it against R DescTools ``PoissonCI(method="exact")`` as
    transcribed in statsmodels 0.15 (``stats/tests/test_rates_poisson.py``).
    """
    is_scalar = np.ndim(count) == 0 and np.ndim(exposure) == 0
    x, scale = np.broadcast_arrays(
        np.asarray(count, dtype=float), np.asarray(exposure, dtype=float)
    )
    _check_poisson(x)
    alpha = 1 - confidence_level
    _z_value(confidence_level)

    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(x == 0, 0.0, stats.chi2.ppf(alpha / 2, 2 * x) / 2) / scale
        high = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2 / scale
    low = np.where(scale == 0, np.nan, low)
    high = np.where(scale == 0, np.nan, high)
    return _as_output(low, high, is_scalar)


def byar_interval(
    count: ArrayLike,
    expected: ArrayLike = 1.0,
    confidence_level: float = 0.95,
    variant: str = "breslow_day",
) -> tuple[Any, Any]:
    """Compute Byar's approximate interval for a count or observed/expected ratio.

    Two different formulas are called Byar's interval; ``variant`` names
    which one:

    ``"breslow_day"`` (default), from Breslow and Day (1987), Statistical
    Methods in Cancer Research vol. II, IARC, as implemented by R
    ``PHEindicatormethods`` (``byars_lower``, ``byars_upper``) for English
    public-health indicators::

        low  = x (1 - 1/(9x) - z/(3 sqrt(x)))^3
        high = (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3

    ``"half_corrected"``, as in R ``DescTools::PoissonCI(method="byar")``,
    uses ``x + 0.5`` in both limits::

        low, high = (x+0.5) (1 - 1/(9(x+0.5)) -+ z/(3 sqrt(x+0.5)))^3

    Both limits are divided by ``expected``.

    Parameters
    ----------
    count : array_like
        Observed count ``x``. The Breslow-Day lower limit at ``x = 0`` is 0.
    expected : array_like
        Expected count (or exposure); 0 gives NaN.
    confidence_level : float
        Two-sided level, default 0.95.
    variant : {"breslow_day", "half_corrected"}
        Which of the two formulas.

    Returns
    -------
    low, high : float or ndarray
        A Breslow-Day lower limit below 0 (tiny counts, high levels) is
        set to 0.

    Raises
    ------
    ValueError
        If ``variant`` is unknown, a count is negative, or
        ``confidence_level`` is not strictly between 0 and 1.

    Notes
    -----
    Byar's approximation to the exact Poisson limits (Breslow and Day
    1987). The half-corrected variant is checked against R DescTools as
    transcribed in statsmodels 0.15 (``stats/tests/test_rates_poisson.py``).
    """
    if variant not in BYAR_VARIANTS:
        raise ValueError(f"variant must be one of {BYAR_VARIANTS}, got {variant!r}.")
    is_scalar = np.ndim(count) == 0 and np.ndim(expected) == 0
    x, scale = np.broadcast_arrays(
        np.asarray(count, dtype=float), np.asarray(expected, dtype=float)
    )
    _check_poisson(x)
    z = _z_value(confidence_level)

    with np.errstate(divide="ignore", invalid="ignore"):
        if variant == "breslow_day":
            low = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
            upper_count = x + 1
        else:
            low_count = x + 0.5
            low = (
                low_count
                * (1 - 1 / (9 * low_count) - z / (3 * np.sqrt(low_count))) ** 3
            )
            upper_count = x + 0.5
        high = (
            upper_count
            * (1 - 1 / (9 * upper_count) + z / (3 * np.sqrt(upper_count))) ** 3
        )
        if variant == "breslow_day":
            low = np.where(x == 0, 0.0, low)
        low = np.maximum(low, 0.0) / scale
        high = high / scale
    low = np.where(scale == 0, np.nan, low)
    high = np.where(scale == 0, np.nan, high)
    return _as_output(low, high, is_scalar)


def _check_poisson(count: np.ndarray) -> None:
    if np.any(count < 0):
        raise ValueError(
            f"count must be >= 0, got {float(count[count < 0].flat[0])!r}; a count of "
            "events cannot be negative."
        )
