"""Intervals and p-value adjustment from kpitools.stats, as float arrays."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from kpitools.stats import adjust_pvalues, poisson_interval, proportion_interval


def wilson_interval(
    successes: ArrayLike, n: ArrayLike, confidence_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval of ``successes / n`` (vectorised)."""
    low, high = proportion_interval(
        np.asarray(successes, dtype=float),
        np.asarray(n, dtype=float),
        method="wilson",
        confidence_level=confidence_level,
    )
    return np.atleast_1d(np.asarray(low, float)), np.atleast_1d(np.asarray(high, float))


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values in input order (NaN kept)."""
    return np.asarray(adjust_pvalues(p_values, method="fdr_bh"), dtype=float)


def poisson_ratio_interval(
    observed: ArrayLike, expected: ArrayLike, confidence_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Return the exact (Garwood) interval of ``observed / expected``."""
    low, high = poisson_interval(
        np.asarray(observed, dtype=float),
        np.asarray(expected, dtype=float),
        confidence_level,
    )
    return np.atleast_1d(np.asarray(low, float)), np.atleast_1d(np.asarray(high, float))
