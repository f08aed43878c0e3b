"""Adjustment of p-values when many advisors or stores are tested at once."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from statsmodels.stats.multitest import multipletests

__all__ = ["ADJUSTMENT_METHODS", "adjust_pvalues"]

#: Accepted names and the statsmodels method each one maps to.
ADJUSTMENT_METHODS = {
    "fdr_bh": "fdr_bh",
    "bh": "fdr_bh",
    "fdr_by": "fdr_by",
    "by": "fdr_by",
    "holm": "holm",
    "hochberg": "simes-hochberg",
    "bonferroni": "bonferroni",
}


def adjust_pvalues(p: ArrayLike, method: str = "fdr_bh") -> np.ndarray:
    """Adjust p-values for multiple comparisons, keeping the input order.

    Parameters
    ----------
    p : array_like
        Raw p-values. NaN entries (tests that could not be made) pass
        through as NaN and do not count towards the number of tests ``m``.
    method : str
        ``"fdr_bh"`` (Benjamini and Hochberg 1995, JRSS B 57:289; default),
        ``"fdr_by"`` (Benjamini and Yekutieli 2001, Ann Stat 29:1165),
        ``"holm"`` (Holm 1979, Scand J Stat 6:65), ``"hochberg"`` (Hochberg
        1988, Biometrika 75:800) or ``"bonferroni"``. ``"bh"`` and ``"by"``
        are accepted as short names.

    Returns
    -------
    ndarray
        Adjusted p-values, in the order of ``p``, capped at 1.

    Notes
    -----
    BH: ``adj_(i) = min_{j >= i} min(1, m p_(j) / j)`` over p-values sorted
    ascending. Computed with ``statsmodels.stats.multitest.multipletests``;
    the values equal R ``p.adjust``.
    """
    if method not in ADJUSTMENT_METHODS:
        raise ValueError(
            f"method must be one of {sorted(ADJUSTMENT_METHODS)}, got {method!r}."
        )
    raw = np.asarray(p, dtype=float).ravel()
    is_valid = ~np.isnan(raw)
    if np.any((raw[is_valid] < 0) | (raw[is_valid] > 1)):
        bad = raw[is_valid][(raw[is_valid] < 0) | (raw[is_valid] > 1)][0]
        raise ValueError(f"p-values must lie in [0, 1], got {bad!r}.")

    adjusted = np.full(raw.shape, np.nan)
    if is_valid.any():
        adjusted[is_valid] = multipletests(
            raw[is_valid], method=ADJUSTMENT_METHODS[method]
        )[1]
    return adjusted
