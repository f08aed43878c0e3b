"""Control charts for monthly KPI trends: p, Laney p' and XmR, with signal rules."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "MIN_RUN_LENGTH",
    "MIN_TREND_LENGTH",
    "ControlChart",
    "RunsAnalysis",
    "laney_p_chart",
    "p_chart",
    "runs_analysis",
    "xmr_chart",
]

#: A run of this many points on one side of the centre line is a signal.
MIN_RUN_LENGTH = 7
#: This many points each above (or below) the one before is a trend signal.
MIN_TREND_LENGTH = 7
#: d2 bias constant for moving ranges of two points: sigma = mean(MR) / d2
#: (the value R qicharts2 uses).
D2 = 1.128
#: D4 for moving ranges of two points: the MR chart's upper limit is D4 mean(MR).
D4 = 3.267


@dataclass(frozen=True)
class RunsAnalysis:
    """Anhøj runs analysis of a series against its centre line.

    Attributes
    ----------
    n_useful : int
        Points not on the centre line.
    longest_run : int
        Longest run of points on one side of the centre line.
    longest_run_max : int
        Signal limit ``round(log2(n_useful)) + 3``.
    n_crossings : int
        Times the series crosses the centre line.
    n_crossings_min : int
        Signal limit: the 5% quantile of Binomial(n_useful - 1, 0.5).
    is_signal : bool
        ``longest_run > longest_run_max or n_crossings < n_crossings_min``:
        the process has shifted.
    """

    n_useful: int
    longest_run: int
    longest_run_max: int
    n_crossings: int
    n_crossings_min: int
    is_signal: bool


def runs_analysis(values: ArrayLike, center: ArrayLike) -> RunsAnalysis:
    """Detect a non-random pattern with Anhøj's runs analysis.

    Points on the centre line are ignored. A signal is an unusually long run
    or unusually few crossings of the centre line.

    Parameters
    ----------
    values : array_like
        Series in time order; NaN points are ignored.
    center : array_like or float
        Centre line (median or mean), scalar or per point.

    Returns
    -------
    RunsAnalysis

    Notes
    -----
    Anhøj and Olesen (2014), "Run charts revisited: a simulation study of
    run chart rules for detection of non-random variation in health care
    processes", PLoS ONE 9(11):e113825. The limits are those of R
    ``qicharts2`` ``runs.analysis()``: ``round(log2(n_useful)) + 3`` for the
    longest run and ``qbinom(0.05, n_useful - 1, 0.5)`` for the crossings.
    With no useful point every count is 0 and there is no signal.
    """
    series = np.asarray(values, dtype=float)
    centre = np.broadcast_to(np.asarray(center, dtype=float), series.shape)
    side = np.sign(series - centre)
    side = side[(side != 0) & ~np.isnan(side)]
    n_useful = int(side.size)
    if n_useful == 0:
        return RunsAnalysis(0, 0, 0, 0, 0, False)

    changes = np.flatnonzero(np.diff(side) != 0)
    n_crossings = int(changes.size)
    boundaries = np.concatenate([[-1], changes, [n_useful - 1]])
    longest_run = int(np.max(np.diff(boundaries)))
    longest_run_max = int(round(math.log2(n_useful) + 3))
    n_crossings_min = int(stats.binom.ppf(0.05, n_useful - 1, 0.5))
    is_signal = longest_run > longest_run_max or n_crossings < n_crossings_min
    return RunsAnalysis(
        n_useful, longest_run, longest_run_max, n_crossings, n_crossings_min, is_signal
    )


def _mark_runs(values: np.ndarray, center: np.ndarray, min_length: int) -> np.ndarray:
    # Mark every point of a run of >= min_length points on one side of the
    # centre; points on the centre line neither count nor break a run.
    marked = np.zeros(values.shape, dtype=bool)
    side = np.sign(values - center)
    positions = np.flatnonzero((side != 0) & ~np.isnan(side))
    start = 0
    for i in range(1, positions.size + 1):
        is_end = i == positions.size or side[positions[i]] != side[positions[start]]
        if is_end:
            if i - start >= min_length:
                marked[positions[start:i]] = True
            start = i
    return marked


def _mark_trends(values: np.ndarray, min_length: int) -> np.ndarray:
    # Mark every point of min_length or more points each strictly above (or
    # below) the one before.
    marked = np.zeros(values.shape, dtype=bool)
    step = np.sign(np.diff(values))
    start = 0
    for i in range(1, step.size + 1):
        if i == step.size or step[i] != step[start] or step[start] == 0:
            if step.size and step[start] != 0 and i - start + 1 >= min_length:
                marked[start : i + 1] = True
            start = i
    return marked


@dataclass(frozen=True)
class ControlChart:
    """A control chart with its signals.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per point: ``point, phase, value, n, center, lower, upper,
        is_outside, is_run, is_trend, is_signal``; the XmR chart adds
        ``moving_range`` and ``moving_range_upper``.
    chart : str
        ``"p"``, ``"laney_p"`` or ``"xmr"``.
    runs : dict
        Phase label to :class:`RunsAnalysis`.
    sigma_z : dict
        Laney's between-point factor per phase (1 for other charts).
    """

    table: pd.DataFrame
    chart: str
    runs: dict[object, RunsAnalysis]
    sigma_z: dict[object, float]

    @property
    def has_signal(self) -> bool:
        """True when any point signals or a runs analysis signals."""
        is_runs_signal = any(result.is_signal for result in self.runs.values())
        return bool(self.table["is_signal"].any()) or is_runs_signal


def _phases(phase: ArrayLike | None, size: int) -> np.ndarray:
    if phase is None:
        return np.zeros(size, dtype=int)
    labels = np.asarray(phase)
    if labels.shape != (size,):
        raise ValueError(
            f"phase must have one label per point ({size}), got shape "
            f"{labels.shape}; label the points before and after a change."
        )
    return labels


def _finish(
    table: pd.DataFrame, chart: str, sigma_z: dict[object, float]
) -> ControlChart:
    runs = {}
    table["is_outside"] = (table["value"] > table["upper"]) | (
        table["value"] < table["lower"]
    )
    table["is_run"] = False
    table["is_trend"] = False
    for label, rows in table.groupby("phase", sort=False).groups.items():
        part = table.loc[rows]
        values, center = part["value"].to_numpy(), part["center"].to_numpy()
        table.loc[rows, "is_run"] = _mark_runs(values, center, MIN_RUN_LENGTH)
        table.loc[rows, "is_trend"] = _mark_trends(values, MIN_TREND_LENGTH)
        runs[label] = runs_analysis(values, center)
    table["is_signal"] = table["is_outside"] | table["is_run"] | table["is_trend"]
    return ControlChart(table, chart, runs, sigma_z)


def _proportion_chart(
    count: ArrayLike,
    size: ArrayLike,
    phase: ArrayLike | None,
    sigma_multiplier: float,
    is_laney: bool,
) -> ControlChart:
    counts = np.asarray(count, dtype=float)
    sizes = np.asarray(size, dtype=float)
    labels = _phases(phase, counts.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(sizes > 0, counts / sizes, np.nan)
    table = pd.DataFrame(
        {
            "point": np.arange(counts.size),
            "phase": labels,
            "value": value,
            "n": sizes,
            "center": np.nan,
            "lower": np.nan,
            "upper": np.nan,
        }
    )
    sigma_z = {}
    for label, rows in table.groupby("phase", sort=False).groups.items():
        part_sizes = sizes[rows]
        center = counts[rows].sum() / part_sizes.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            sigma = np.sqrt(center * (1 - center) / part_sizes)
        factor = 1.0
        if is_laney:
            z = (value[rows] - center) / sigma
            moving_range = np.abs(np.diff(z[np.isfinite(z)]))
            factor = float(moving_range.mean() / D2) if moving_range.size else math.nan
        sigma_z[label] = factor
        spread = sigma_multiplier * sigma * factor
        table.loc[rows, "center"] = center
        table.loc[rows, "lower"] = np.clip(center - spread, 0, 1)
        table.loc[rows, "upper"] = np.clip(center + spread, 0, 1)
    return _finish(table, "laney_p" if is_laney else "p", sigma_z)


def p_chart(
    count: ArrayLike,
    size: ArrayLike,
    *,
    phase: ArrayLike | None = None,
    sigma_multiplier: float = 3.0,
) -> ControlChart:
    """Draw up a p-chart with limits that vary with each point's size.

    ``CL = sum(count)/sum(size)``, limits ``CL +- 3 sqrt(CL(1-CL)/n_i)``
    clipped to [0, 1]; computed separately for each phase.

    Parameters
    ----------
    count, size : array_like
        Events and trials per period (e.g. comebacks and ROs per month).
        A period with ``size = 0`` has a NaN value and no limits.
    phase : array_like, optional
        One label per point, e.g. ``"before"``/``"after"`` a process change.
    sigma_multiplier : float
        Width of the limits in standard errors.

    Returns
    -------
    ControlChart
        Signals: a point outside the limits, a run of ``MIN_RUN_LENGTH`` or
        more on one side of the centre line, a trend of
        ``MIN_TREND_LENGTH``, and Anhøj's runs analysis per phase.

    Notes
    -----
    Shewhart p-chart with variable sample size (Montgomery, Introduction to
    Statistical Quality Control). The tests check the limits and runs
    analysis against R ``qicharts2`` ``qic(chart = "p")`` for Montgomery's
    Table 7.4 data, as recorded in the shared reference cases.
    """
    return _proportion_chart(count, size, phase, sigma_multiplier, is_laney=False)


def laney_p_chart(
    count: ArrayLike,
    size: ArrayLike,
    *,
    phase: ArrayLike | None = None,
    sigma_multiplier: float = 3.0,
) -> ControlChart:
    """Draw up Laney's p'-chart, a p-chart widened for between-period variation.

    With ``z_i = (p_i - CL)/s_i`` and ``s_i = sqrt(CL(1-CL)/n_i)``,
    ``sigma_z = mean(|z_i - z_{i-1}|) / 1.128`` and the limits are
    ``CL +- 3 s_i sigma_z``. For large subgroups a plain p-chart flags
    almost every month; sigma_z near 1 means the p-chart was right.

    Parameters
    ----------
    count, size : array_like
    phase : array_like, optional
    sigma_multiplier : float

    Returns
    -------
    ControlChart
        ``sigma_z`` holds Laney's factor per phase.

    Notes
    -----
    Laney (2002), "Improved control charts for attributes", Quality
    Engineering 14(4). Same computation as R ``qicharts2`` ``qic.pp()`` for
    time-ordered points.
    """
    return _proportion_chart(count, size, phase, sigma_multiplier, is_laney=True)


def xmr_chart(
    values: ArrayLike,
    *,
    phase: ArrayLike | None = None,
) -> ControlChart:
    """Draw up an XmR (individuals and moving range) chart.

    ``CL = mean(x)``, ``MR_i = |x_i - x_{i-1}|``, limits
    ``CL +- 2.66 mean(MR)`` (``2.66 = 3 / d2``, ``d2 = 1.128``); the moving
    range chart's upper limit is ``3.267 mean(MR)``.

    Parameters
    ----------
    values : array_like
        One value per period (e.g. monthly mean CSI or hours per RO).
    phase : array_like, optional

    Returns
    -------
    ControlChart
        Table adds ``moving_range`` and ``moving_range_upper``.

    Notes
    -----
    Individuals chart of Montgomery, Introduction to Statistical Quality
    Control, with the constants d2 = 1.128 and D4 = 3.267 for moving ranges
    of two points, as in R ``qicharts2`` ``qic.i()`` and ``qic.mr()``.
    """
    series = np.asarray(values, dtype=float)
    labels = _phases(phase, series.size)
    table = pd.DataFrame(
        {
            "point": np.arange(series.size),
            "phase": labels,
            "value": series,
            "n": np.ones(series.size),
            "center": np.nan,
            "lower": np.nan,
            "upper": np.nan,
            "moving_range": np.nan,
            "moving_range_upper": np.nan,
        }
    )
    for _, rows in table.groupby("phase", sort=False).groups.items():
        part = series[rows]
        moving_range = np.abs(np.diff(part))
        mean_range = float(np.nanmean(moving_range)) if moving_range.size else math.nan
        center = float(np.nanmean(part))
        table.loc[rows, "center"] = center
        table.loc[rows, "lower"] = center - 3 / D2 * mean_range
        table.loc[rows, "upper"] = center + 3 / D2 * mean_range
        table.loc[rows, "moving_range"] = np.concatenate([[np.nan], moving_range])
        table.loc[rows, "moving_range_upper"] = D4 * mean_range
    return _finish(table, "xmr", {label: 1.0 for label in pd.unique(labels)})
