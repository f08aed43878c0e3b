"""Funnel plot limits and overdispersion, after Spiegelhalter (2005).

Spiegelhalter DJ (2005), "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185-1202. Proportions (rates per RO
or per survey) and observed/expected ratios (after case-mix standardisation)
are supported.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from kpitools.exceptions import SmallSampleWarning

__all__ = [
    "CONFIDENCE_LEVELS",
    "MIN_UNITS_FOR_OVERDISPERSION",
    "FunnelResult",
    "Overdispersion",
    "estimate_overdispersion",
    "funnel_limits",
    "funnel_table",
    "limit_column",
]

#: Two funnels drawn by convention: about 2 and 3 standard deviations.
CONFIDENCE_LEVELS = (0.95, 0.998)

#: With fewer units, a 10% trim removes nothing and phi is unstable
#: (Spiegelhalter 2005 recommends estimating phi from many units).
MIN_UNITS_FOR_OVERDISPERSION = 10

_DATA_TYPES = ("proportion", "ratio")
_ADJUSTMENTS = ("none", "multiplicative", "additive", "auto")


def limit_column(side: str, confidence_level: float) -> str:
    """Return the column name of a funnel limit, e.g. ``upper_99_8``."""
    return f"{side}_{confidence_level * 100:g}".replace(".", "_")


def _check_data_type(data_type: str) -> None:
    if data_type not in _DATA_TYPES:
        raise ValueError(f"data_type must be one of {_DATA_TYPES}, got {data_type!r}.")


def _exact_binomial_limit(n: np.ndarray, target: float, p: float) -> np.ndarray:
    # Spiegelhalter (2005), Appendix A.1.1, in the form of Wicklin (2011):
    # r_p is the p-quantile of Binomial(n, target) and alpha interpolates
    # within its step of the CDF, so the limit moves smoothly with n.
    quantile = stats.binom.ppf(p, n, target)
    cdf_at = stats.binom.cdf(quantile, n, target)
    cdf_below = stats.binom.cdf(quantile - 1, n, target)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = (cdf_at - p) / (cdf_at - cdf_below)
        return (quantile - alpha) / n


def _exact_poisson_limit(expected: np.ndarray, p: float) -> np.ndarray:
    # Exact Poisson limits for an O/E ratio with E expected events, as in
    # R FunnelPlotR: chi-square quantiles on 2E (lower) and 2(E+1) (upper).
    with np.errstate(divide="ignore", invalid="ignore"):
        if p < 0.5:
            return stats.chi2.ppf(p, 2 * expected) / (2 * expected)
        return stats.chi2.ppf(p, 2 * (expected + 1)) / (2 * expected)


def funnel_limits(
    denominator: ArrayLike,
    target: float,
    *,
    data_type: str = "proportion",
    method: str = "exact",
    confidence_levels: tuple[float, ...] = CONFIDENCE_LEVELS,
    phi: float = 1.0,
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Compute funnel control limits around a target at given denominators.

    Parameters
    ----------
    denominator : array_like
        Trials (proportions) or expected counts (ratios) at which to compute
        the limits; 0 gives NaN limits.
    target : float
        Benchmark: a published or peer rate for proportions, usually 1 for
        observed/expected ratios.
    data_type : {"proportion", "ratio"}
    method : {"exact", "normal"}
        ``exact``: proportions use the binomial quantile with Spiegelhalter's
        interpolation ``(r_p - alpha)/n``,
        ``alpha = (F(r_p) - p)/(F(r_p) - F(r_p - 1))``; ratios use exact
        Poisson limits ``chi2(p; 2E)/(2E)`` and ``chi2(1-p; 2E+2)/(2E)``.
        ``normal``: ``target +- z sqrt(target(1-target)/n)`` for proportions
        and ``target exp(+- z sqrt(1/E))`` (log scale) for ratios.
    confidence_levels : tuple of float
        Two-sided levels, default 95% and 99.8%.
    phi : float
        Multiplicative overdispersion factor: the normal limits use
        ``z sqrt(phi) s``. A value other than 1 forces the normal method.
    tau2 : float
        Additive random-effects variance: the normal limits use
        ``z sqrt(s^2 + tau2)`` (on the log scale for ratios). A value other
        than 0 forces the normal method.

    Returns
    -------
    pandas.DataFrame
        ``denominator, target`` and ``lower_95, upper_95, lower_99_8,
        upper_99_8`` (one pair per level, named by :func:`limit_column`).
        Proportion limits are clipped to [0, 1].

    Raises
    ------
    ValueError
        If ``data_type`` or ``method`` is unknown.

    Notes
    -----
    Spiegelhalter (2005), "Funnel plots for comparing institutional
    performance", Statistics in Medicine 24:1185-1202. The interpolated
    binomial limits follow its Appendix A.1.1 as implemented by R. Wicklin,
    "Funnel plots for proportions", The DO Loop (SAS blog), 23 Nov 2011.
    The ratio method on the log scale is the one of R FunnelPlotR
    (``sr_method = "SHMI"``), against which the tests check it.
    """
    _check_data_type(data_type)
    if method not in ("exact", "normal"):
        raise ValueError(f"method must be 'exact' or 'normal', got {method!r}.")
    size = np.asarray(denominator, dtype=float)
    is_adjusted = phi != 1.0 or tau2 != 0.0
    limits = {"denominator": size, "target": np.full(size.shape, float(target))}

    for level in confidence_levels:
        tail = (1 - level) / 2
        z = stats.norm.ppf(1 - tail)
        with np.errstate(divide="ignore", invalid="ignore"):
            if data_type == "proportion":
                if method == "exact" and not is_adjusted:
                    low = _exact_binomial_limit(size, target, tail)
                    high = _exact_binomial_limit(size, target, 1 - tail)
                else:
                    variance = target * (1 - target) / size
                    spread = z * np.sqrt(phi * variance + tau2)
                    low, high = target - spread, target + spread
                low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
            elif method == "exact" and not is_adjusted:
                low = target * _exact_poisson_limit(size, tail)
                high = target * _exact_poisson_limit(size, 1 - tail)
            else:
                spread = z * np.sqrt(phi / size + tau2)
                low, high = target * np.exp(-spread), target * np.exp(spread)
        is_empty = ~(size > 0)
        limits[limit_column("lower", level)] = np.where(is_empty, np.nan, low)
        limits[limit_column("upper", level)] = np.where(is_empty, np.nan, high)
    return pd.DataFrame(limits)


@dataclass(frozen=True)
class Overdispersion:
    """Estimate of overdispersion among units.

    Attributes
    ----------
    phi : float
        Overdispersion factor: mean of the squared (winsorised or truncated)
        z-scores; 1 means the units vary as chance predicts.
    tau2 : float
        DerSimonian-Laird between-unit variance (log scale for ratios).
    p_value : float
        Chi-square test of ``n_used * phi`` on ``n_used - 1`` degrees of freedom.
    is_overdispersed : bool
        ``phi > 1``, the rule of the SHMI and R FunnelPlotR for using
        adjusted limits.
    n_units, n_used : int
        Units with data, and units left after truncation.
    trim, trim_method : float, str
        Share trimmed at each end and ``"winsorise"`` or ``"truncate"``.
    z_scores : numpy.ndarray
        Unadjusted z-score of each unit, in input order.
    """

    phi: float
    tau2: float
    p_value: float
    is_overdispersed: bool
    n_units: int
    n_used: int
    trim: float
    trim_method: str
    z_scores: np.ndarray


def _z_scores(
    numerator: np.ndarray, denominator: np.ndarray, target: float, data_type: str
) -> tuple[np.ndarray, np.ndarray]:
    # Returns z and the standard error s of each unit's (transformed) value.
    with np.errstate(divide="ignore", invalid="ignore"):
        if data_type == "proportion":
            standard_error = np.sqrt(target * (1 - target) / denominator)
            value = numerator / denominator
            return (value - target) / standard_error, standard_error
        standard_error = 1 / np.sqrt(denominator)
        log_ratio = np.log(numerator / denominator / target)
        return log_ratio / standard_error, standard_error


def estimate_overdispersion(
    numerator: ArrayLike,
    denominator: ArrayLike,
    target: float,
    *,
    data_type: str = "proportion",
    trim: float = 0.1,
    trim_method: str = "winsorise",
) -> Overdispersion:
    """Estimate overdispersion (phi) and the random-effects variance (tau^2).

    z-scores are ``(y_i - target)/s_i`` with ``s_i = sqrt(target(1-target)/n_i)``
    for proportions, and ``sqrt(E_i) ln(O_i/E_i/target)`` with
    ``s_i = 1/sqrt(E_i)`` for ratios. ``phi`` is the mean of the squared
    z-scores after limiting the influence of outliers, and
    ``tau2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w))``,
    ``w = 1/s^2``.

    Parameters
    ----------
    numerator, denominator : array_like
        Events and trials, or observed and expected counts. Units with a
        zero denominator (or a zero observed count for ratios, whose log is
        undefined) are left out.
    target : float
    data_type : {"proportion", "ratio"}
    trim : float
        Share of units treated as outliers at each end, default 10%.
    trim_method : {"winsorise", "truncate"}
        ``winsorise`` (Spiegelhalter 2005): z-scores beyond
        the ``trim`` and ``1 - trim`` quantiles are set to those quantiles.
        ``truncate`` (SHMI method, R FunnelPlotR): with ``k = 1/trim``, rank
        the z-scores (average ties), compute ``floor(rank k / (I + 1))`` and
        drop units where it is 0 or ``k - 1``.

    Returns
    -------
    Overdispersion

    Raises
    ------
    ValueError
        If ``data_type`` or ``trim_method`` is unknown.

    Warns
    -----
    SmallSampleWarning
        Fewer than ``MIN_UNITS_FOR_OVERDISPERSION`` units: phi is unreliable
        and the trim removes nothing.

    Notes
    -----
    Multiplicative and additive (DerSimonian-Laird method of moments)
    overdispersion of Spiegelhalter (2005), Statistics in Medicine
    24:1185-1202. The truncation and the log-scale ratio method are those
    of R FunnelPlotR (``R/od_adjustment.R``, ``sr_method = "SHMI"``); the
    tests reproduce its phi for the FunnelPlotR test data.
    """
    _check_data_type(data_type)
    if trim_method not in ("winsorise", "truncate"):
        raise ValueError(
            f"trim_method must be 'winsorise' or 'truncate', got {trim_method!r}."
        )
    observed = np.asarray(numerator, dtype=float)
    size = np.asarray(denominator, dtype=float)
    z_all, standard_error_all = _z_scores(observed, size, target, data_type)
    usable = np.isfinite(z_all)
    z, standard_error = z_all[usable], standard_error_all[usable]
    n_units = int(z.size)
    if n_units < MIN_UNITS_FOR_OVERDISPERSION:
        warnings.warn(
            f"Overdispersion is estimated from {n_units} units, fewer than "
            f"{MIN_UNITS_FOR_OVERDISPERSION}; phi is unreliable and the trim "
            "removes nothing. Use unadjusted limits, or pool more units.",
            SmallSampleWarning,
            stacklevel=2,
        )
    if n_units < 2:
        return Overdispersion(
            math.nan,
            math.nan,
            math.nan,
            False,
            n_units,
            n_units,
            trim,
            trim_method,
            z_all,
        )

    if trim_method == "winsorise":
        low, high = np.quantile(z, [trim, 1 - trim])
        z_kept = np.clip(z, low, high)
        weights = 1 / standard_error**2
    else:
        groups = 1 / trim
        rank = stats.rankdata(z, method="average")
        position = np.floor(rank * groups / (n_units + 1))
        keep = (position != 0) & (position != groups - 1)
        z_kept = z[keep]
        weights = 1 / standard_error[keep] ** 2

    n_used = int(z_kept.size)
    phi = float(np.mean(z_kept**2))
    weight_sum = weights.sum()
    excess = n_used * phi - (n_used - 1)
    tau2 = max(0.0, excess / (weight_sum - np.sum(weights**2) / weight_sum))
    p_value = float(stats.chi2.sf(n_used * phi, n_used - 1))
    return Overdispersion(
        phi, float(tau2), p_value, phi > 1, n_units, n_used, trim, trim_method, z_all
    )


@dataclass(frozen=True)
class FunnelResult:
    """Units placed on a funnel plot.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per unit: ``group, numerator, denominator, value, z`` and
        the limits at the unit's denominator (``lower_95`` ...), plus
        ``position_95`` and ``position_99_8`` in {"above", "below",
        "within"} (NaN value: "no data").
    target : float
    data_type : str
    method : str
        Limit method actually used.
    adjustment : str
        ``"none"``, ``"multiplicative"`` or ``"additive"``.
    overdispersion : Overdispersion or None
    confidence_levels : tuple of float
    """

    table: pd.DataFrame
    target: float
    data_type: str
    method: str
    adjustment: str
    overdispersion: Overdispersion | None
    confidence_levels: tuple[float, ...]

    def limits(self, n_points: int = 200) -> pd.DataFrame:
        """Return the funnel limits on a grid of denominators, for drawing."""
        largest = float(np.nanmax(self.table["denominator"]))
        grid = np.linspace(max(1.0, largest / n_points), largest * 1.05, n_points)
        phi, tau2 = 1.0, 0.0
        if self.adjustment == "multiplicative" and self.overdispersion is not None:
            phi = self.overdispersion.phi
        if self.adjustment == "additive" and self.overdispersion is not None:
            tau2 = self.overdispersion.tau2
        return funnel_limits(
            grid,
            self.target,
            data_type=self.data_type,
            method=self.method,
            confidence_levels=self.confidence_levels,
            phi=phi,
            tau2=tau2,
        )


def funnel_table(
    numerator: ArrayLike,
    denominator: ArrayLike,
    group: ArrayLike | None = None,
    target: float | None = None,
    *,
    data_type: str = "proportion",
    method: str = "exact",
    adjustment: str = "auto",
    confidence_levels: tuple[float, ...] = CONFIDENCE_LEVELS,
    trim: float = 0.1,
    trim_method: str = "winsorise",
) -> FunnelResult:
    """Place units (stores, advisors) on a funnel plot around a target.

    Parameters
    ----------
    numerator, denominator : array_like
        Events and trials per unit (proportions), or observed and expected
        counts (ratios).
    group : array_like, optional
        Unit labels; default ``0..k-1``.
    target : float, optional
        Benchmark. Default: the pooled rate ``sum(numerator)/sum(denominator)``
        for proportions (the peer network), 1 for ratios.
    data_type : {"proportion", "ratio"}
    method : {"exact", "normal"}
        Unadjusted limit method, see :func:`funnel_limits`.
    adjustment : {"auto", "none", "multiplicative", "additive"}
        ``auto`` uses additive random effects when phi > 1, else none.
        Adjusted limits are normal (log scale for ratios).
    confidence_levels : tuple of float
    trim, trim_method
        See :func:`estimate_overdispersion`.

    Returns
    -------
    FunnelResult

    Raises
    ------
    ValueError
        If ``data_type``, ``method``, ``adjustment`` or ``trim_method`` is
        unknown.

    Warns
    -----
    SmallSampleWarning
        From :func:`estimate_overdispersion`, when an adjustment is asked
        for and fewer than ``MIN_UNITS_FOR_OVERDISPERSION`` units have data.

    Notes
    -----
    Funnel plot of Spiegelhalter (2005), Statistics in Medicine
    24:1185-1202: control limits around the target, widened by a
    multiplicative factor phi or an additive random-effects variance tau^2
    when the units vary more than chance predicts.
    """
    _check_data_type(data_type)
    if adjustment not in _ADJUSTMENTS:
        raise ValueError(
            f"adjustment must be one of {_ADJUSTMENTS}, got {adjustment!r}."
        )
    observed = np.asarray(numerator, dtype=float)
    size = np.asarray(denominator, dtype=float)
    labels = np.arange(observed.size) if group is None else np.asarray(group)
    if target is None:
        target = (
            float(observed.sum() / size.sum()) if data_type == "proportion" else 1.0
        )

    overdispersion = None
    if adjustment != "none":
        overdispersion = estimate_overdispersion(
            observed,
            size,
            target,
            data_type=data_type,
            trim=trim,
            trim_method=trim_method,
        )
    used = adjustment
    if adjustment == "auto":
        is_over = overdispersion is not None and overdispersion.is_overdispersed
        used = "additive" if is_over else "none"
    phi, tau2 = 1.0, 0.0
    if overdispersion is not None and used == "multiplicative":
        phi = overdispersion.phi
    if overdispersion is not None and used == "additive":
        tau2 = overdispersion.tau2
    limit_method = method if used == "none" else "normal"

    limits = funnel_limits(
        size,
        target,
        data_type=data_type,
        method=limit_method,
        confidence_levels=confidence_levels,
        phi=phi,
        tau2=tau2,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = observed / size
    z, _ = _z_scores(observed, size, target, data_type)
    table = pd.DataFrame(
        {
            "group": labels,
            "numerator": observed,
            "denominator": size,
            "value": value,
            "z": z,
        }
    )
    for level in confidence_levels:
        low = limits[limit_column("lower", level)].to_numpy()
        high = limits[limit_column("upper", level)].to_numpy()
        table[limit_column("lower", level)] = low
        table[limit_column("upper", level)] = high
        position = np.select(
            [np.isnan(value), value > high, value < low],
            ["no data", "above", "below"],
            default="within",
        )
        table[limit_column("position", level)] = position
    return FunnelResult(
        table,
        float(target),
        data_type,
        limit_method,
        used,
        overdispersion,
        tuple(confidence_levels),
    )
