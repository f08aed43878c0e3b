"""Intervals and p-value adjustment, taken from kpitools.stats."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

try:
    from kpitools.stats import adjust_pvalues as _adjust_pvalues
    from kpitools.stats import poisson_interval as _poisson_interval
    from kpitools.stats import proportion_interval as _proportion_interval
except ImportError:  # the statistics package is not in this tree yet
    _adjust_pvalues = None
    _poisson_interval = None
    _proportion_interval = None


def wilson_interval(
    successes: ArrayLike, n: ArrayLike, confidence_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval of ``successes / n`` (vectorised)."""
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    if _proportion_interval is not None:
        low, high = _proportion_interval(
            successes, n, method="wilson", confidence_level=confidence_level
        )
        return np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    from statsmodels.stats.proportion import proportion_confint

    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(
            successes, n, alpha=1 - confidence_level, method="wilson"
        )
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values in input order (NaN kept)."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if not tested.any():
        return adjusted
    if _adjust_pvalues is not None:
        adjusted[tested] = np.asarray(
            _adjust_pvalues(p[tested], method="fdr_bh"), dtype=float
        )
        return adjusted
    from statsmodels.stats.multitest import multipletests

    adjusted[tested] = multipletests(p[tested], method="fdr_bh")[1]
    return adjusted


def poisson_ratio_interval(
    observed: ArrayLike, expected: ArrayLike, confidence_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the exact (Garwood) interval of ``observed / expected``."""
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if _poisson_interval is not None:
        low, high = _poisson_interval(observed, expected, confidence_level)
        return np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    from scipy import stats

    alpha = 1 - confidence_level
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(observed > 0, stats.chi2.ppf(alpha / 2, 2 * observed) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * (observed + 1)) / 2
        return low / expected, high / expected
