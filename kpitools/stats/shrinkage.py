"""Empirical-Bayes (beta-binomial) shrinkage of rates from units with few data."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from kpitools.exceptions import DegenerateDataWarning

__all__ = ["ShrinkageResult", "fit_beta_prior", "shrink_rates"]

#: A prior with alpha + beta above this many pseudo-observations is treated as
#: degenerate: it says every unit has the pooled rate.
MAX_PRIOR_STRENGTH = 1e6


@dataclass(frozen=True)
class ShrinkageResult:
    """Shrunken rates of a set of units and the prior behind them.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per unit in input order: ``successes, n, raw_rate, alpha1,
        beta1, shrunk_rate, ci_low, ci_high``.
    alpha0, beta0 : float
        Prior ``Beta(alpha0, beta0)``; infinite when degenerate.
    prior_mean : float
        ``alpha0 / (alpha0 + beta0)``, or the pooled rate when degenerate.
    method : str
        ``"moments"``, ``"ml"`` or ``"given"``.
    is_degenerate : bool
        True when units vary no more than chance, so every unit gets the
        pooled rate.
    confidence_level : float
        Level of the credible intervals.
    """

    table: pd.DataFrame
    alpha0: float
    beta0: float
    prior_mean: float
    method: str
    is_degenerate: bool
    confidence_level: float


def fit_beta_prior(
    successes: ArrayLike, n: ArrayLike, method: str = "moments"
) -> tuple[float, float]:
    """Fit a beta prior to unit rates; return ``(alpha0, beta0)``.

    ``(inf, inf)`` means the fit degenerated: the units vary no more than
    binomial chance.

    Parameters
    ----------
    successes, n : array_like
        Events and trials per unit; units with ``n = 0`` are ignored.
    method : {"moments", "ml"}
        ``moments``: method-of-moments estimate of the intra-class
        correlation ``rho`` of the beta-binomial model. With
        ``S = sum n_i (p_i - p)^2``, ``N = sum n_i`` and ``k`` units,
        ``E[S] = p(1-p) ((k-1) + rho (N - sum n_i^2 / N - (k-1)))``, so::

            rho = (S / (p(1-p)) - (k-1)) / (N - sum n_i^2 / N - (k-1))

        and ``alpha0 + beta0 = (1 - rho)/rho``, ``alpha0 = p (1-rho)/rho``.
        ``ml``: maximum likelihood of the beta-binomial distribution,
        numerically (the fit of ``ebb_fit_prior()`` in the R package
        ``ebbr``).

    Returns
    -------
    alpha0, beta0 : float

    Raises
    ------
    ValueError
        If ``method`` is unknown.
    """
    if method not in ("moments", "ml"):
        raise ValueError(f"method must be 'moments' or 'ml', got {method!r}.")
    x = np.asarray(successes, dtype=float)
    trials = np.asarray(n, dtype=float)
    keep = trials > 0
    x, trials = x[keep], trials[keep]
    if x.size < 2 or x.sum() == 0 or x.sum() == trials.sum():
        return math.inf, math.inf

    pooled = x.sum() / trials.sum()
    if method == "moments":
        rho = _moment_icc(x, trials, pooled)
        if not rho > 0:
            return math.inf, math.inf
        strength = (1 - rho) / rho
    else:
        pooled, strength = _ml_fit(x, trials, pooled)
    if not strength < MAX_PRIOR_STRENGTH:
        return math.inf, math.inf
    return pooled * strength, (1 - pooled) * strength


def _moment_icc(x: np.ndarray, trials: np.ndarray, pooled: float) -> float:
    total = trials.sum()
    between = np.sum(trials * (x / trials - pooled) ** 2)
    units = x.size
    denominator = total - np.sum(trials**2) / total - (units - 1)
    if denominator <= 0:
        return math.nan
    return (between / (pooled * (1 - pooled)) - (units - 1)) / denominator


def _ml_fit(x: np.ndarray, trials: np.ndarray, pooled: float) -> tuple[float, float]:
    # Parametrised as logit(mean) and log(alpha + beta) so the search is free.
    def negative_log_likelihood(params: np.ndarray) -> float:
        mean = 1 / (1 + math.exp(-params[0]))
        strength = math.exp(params[1])
        return -np.sum(
            stats.betabinom.logpmf(x, trials, mean * strength, (1 - mean) * strength)
        )

    start = np.array([math.log(pooled / (1 - pooled)), math.log(10.0)])
    fit = optimize.minimize(
        negative_log_likelihood,
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
    )
    return 1 / (1 + math.exp(-fit.x[0])), math.exp(fit.x[1])


def shrink_rates(
    successes: ArrayLike,
    n: ArrayLike,
    *,
    method: str = "moments",
    prior: tuple[float, float] | None = None,
    confidence_level: float = 0.95,
) -> ShrinkageResult:
    """Shrink unit rates towards the group rate by empirical Bayes.

    Each unit's rate gets the beta posterior ``Beta(x + alpha0, n - x +
    beta0)``; the shrunk rate is its mean ``(x + alpha0)/(n + alpha0 +
    beta0)`` and the credible interval its equal-tailed quantiles. Units
    with few trials move most towards the prior mean.

    Parameters
    ----------
    successes, n : array_like
        Events and trials per unit (advisors, stores). ``n = 0`` gives the
        prior as posterior.
    method : {"moments", "ml"}
        Prior fit, see :func:`fit_beta_prior`. Ignored when ``prior`` is given.
    prior : tuple of float, optional
        A known prior ``(alpha0, beta0)``.
    confidence_level : float
        Level of the credible intervals.

    Returns
    -------
    ShrinkageResult

    Raises
    ------
    ValueError
        If ``method`` is unknown and no ``prior`` is given.

    Warns
    -----
    DegenerateDataWarning
        When units vary no more than chance: the prior fit degenerates, so
        every unit gets the pooled rate with its binomial (Jeffreys) interval
        from the pooled counts.

    Notes
    -----
    Beta-binomial empirical Bayes as in D. Robinson's R package ``ebbr``
    (``ebb_fit_prior()``, ``add_ebb_estimate()``); the tests reproduce the
    posterior parameters and estimates printed in its README.
    """
    x = np.asarray(successes, dtype=float).ravel()
    trials = np.asarray(n, dtype=float).ravel()
    if prior is not None:
        alpha0, beta0 = (float(v) for v in prior)
        fit_method = "given"
    else:
        alpha0, beta0 = fit_beta_prior(x, trials, method)
        fit_method = method

    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rate = x / trials
    is_degenerate = not (math.isfinite(alpha0) and math.isfinite(beta0))
    if is_degenerate:
        pooled = x.sum() / trials.sum() if trials.sum() > 0 else math.nan
        warnings.warn(
            f"The {x.size} units vary no more than chance (or are too few), so "
            "no beta prior can be fitted; every unit gets the pooled rate "
            f"{pooled:.4g}. Rank the units only after more data accumulate.",
            DegenerateDataWarning,
            stacklevel=2,
        )
        alpha1 = np.full(x.shape, x.sum() + 0.5)
        beta1 = np.full(x.shape, trials.sum() - x.sum() + 0.5)
        shrunk = np.full(x.shape, pooled)
        prior_mean = pooled
    else:
        alpha1 = x + alpha0
        beta1 = trials - x + beta0
        shrunk = alpha1 / (alpha1 + beta1)
        prior_mean = alpha0 / (alpha0 + beta0)

    tail = (1 - confidence_level) / 2
    table = pd.DataFrame(
        {
            "successes": x,
            "n": trials,
            "raw_rate": raw_rate,
            "alpha1": alpha1,
            "beta1": beta1,
            "shrunk_rate": shrunk,
            "ci_low": stats.beta.ppf(tail, alpha1, beta1),
            "ci_high": stats.beta.ppf(1 - tail, alpha1, beta1),
        }
    )
    return ShrinkageResult(
        table, alpha0, beta0, prior_mean, fit_method, is_degenerate, confidence_level
    )
