"""Figures for comparisons: funnel, caterpillar, control chart, scorecard, trend.

Each function returns a :class:`matplotlib.figure.Figure` built without
``pyplot`` state, so it works under the Agg backend in papermill runs and
never opens a window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from kpitools.stats.control import ControlChart
from kpitools.stats.funnel import FunnelResult, limit_column

__all__ = [
    "FLAG_COLORS",
    "caterpillar_plot",
    "control_chart_plot",
    "funnel_plot",
    "scorecard_plot",
    "trend_plot",
]

#: Colour of each comparison flag (colour-blind safe, seaborn "colorblind").
FLAG_COLORS = {
    "better": "#029e73",
    "worse": "#d55e00",
    "no evidence": "#949494",
    "too few data": "#cccccc",
}
_LIMIT_STYLES = {0.95: "--", 0.998: ":"}


def _legend(axes: Axes) -> None:
    """Draw a legend only when some artist has a label (no empty-legend warning)."""
    handles, _ = axes.get_legend_handles_labels()
    if handles:
        axes.legend(fontsize=8, loc="best")


def _message_figure(message: str, title: str = "") -> Figure:
    """A small figure that says why there is nothing to draw."""
    figure, axes = _new_figure(7.0, 1.2)
    axes.set_axis_off()
    axes.text(0.0, 0.5, message, fontsize=10, va="center", ha="left", wrap=True)
    if title:
        axes.set_title(title, loc="left")
    return figure


def _percent_axis(axes: Axes, axis: str = "y") -> None:
    """Label an axis of rates (stored as fractions) in percent."""
    formatter = PercentFormatter(xmax=1.0, decimals=None)
    (axes.yaxis if axis == "y" else axes.xaxis).set_major_formatter(formatter)


def _new_figure(width: float = 7.0, height: float = 4.5) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def funnel_plot(
    result: FunnelResult,
    *,
    title: str = "",
    xlabel: str = "denominator",
    ylabel: str = "rate",
    label_outside: bool = True,
) -> Figure:
    """Draw units on a funnel plot with 95% and 99.8% limits (Spiegelhalter 2005).

    Parameters
    ----------
    result : FunnelResult
        Output of :func:`kpitools.stats.funnel_table`.
    title, xlabel, ylabel : str
    label_outside : bool
        Label units outside the outermost limits.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, axes = _new_figure()
    grid = result.limits()
    for level in result.confidence_levels:
        style = _LIMIT_STYLES.get(level, "-.")
        for side in ("lower", "upper"):
            axes.plot(
                grid["denominator"],
                grid[limit_column(side, level)],
                color="#444444",
                linestyle=style,
                linewidth=1,
                label=f"{level:.1%} limits" if side == "upper" else None,
            )
    axes.axhline(result.target, color="#0173b2", linewidth=1, label="target")

    table = result.table
    outer = limit_column("position", max(result.confidence_levels))
    is_outside = table[outer].isin(["above", "below"])
    axes.scatter(table["denominator"], table["value"], s=18, color="#0173b2", zorder=3)
    axes.scatter(
        table.loc[is_outside, "denominator"],
        table.loc[is_outside, "value"],
        s=30,
        color=FLAG_COLORS["worse"],
        zorder=4,
    )
    if label_outside:
        for row in table[is_outside].itertuples():
            axes.annotate(str(row.group), (row.denominator, row.value), fontsize=8)
    suffix = "" if result.adjustment == "none" else f" ({result.adjustment} adjustment)"
    axes.set(title=title + suffix, xlabel=xlabel, ylabel=ylabel)
    _legend(axes)
    return figure


def caterpillar_plot(
    table: pd.DataFrame,
    *,
    label: str = "group",
    value: str = "value",
    ci_low: str = "ci_low",
    ci_high: str = "ci_high",
    benchmark: float | None = None,
    flag: str | None = None,
    title: str = "",
    xlabel: str = "",
    benchmark_label: str = "benchmark",
    is_percent: bool = False,
) -> Figure:
    """Draw units (advisors, stores) sorted by value, each with its interval.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unit with the named columns, e.g. a shrinkage table or
        the per-unit comparisons.
    label, value, ci_low, ci_high : str
        Column names.
    benchmark : float, optional
        Drawn as a vertical line.
    flag : str, optional
        Column of comparison flags used to colour the points.
    title, xlabel : str
    benchmark_label : str
        Legend text of the reference line (say what it is, e.g. the store's
        own value).
    is_percent : bool
        Label the value axis in percent (values are fractions).

    Returns
    -------
    matplotlib.figure.Figure
    """
    ordered = table.sort_values(value).reset_index(drop=True)
    figure, axes = _new_figure(7.0, max(3.0, 0.25 * len(ordered) + 1))
    positions = np.arange(len(ordered))
    colors = (
        ordered[flag].map(FLAG_COLORS).fillna("#0173b2").tolist()
        if flag is not None
        else ["#0173b2"] * len(ordered)
    )
    axes.hlines(
        positions, ordered[ci_low], ordered[ci_high], colors=colors, linewidth=2
    )
    axes.scatter(ordered[value], positions, color=colors, s=20, zorder=3)
    if benchmark is not None and np.isfinite(benchmark):
        axes.axvline(benchmark, color="#444444", linestyle="--", label=benchmark_label)
    _legend(axes)
    if is_percent:
        _percent_axis(axes, "x")
    axes.set_yticks(positions, ordered[label].astype(str).tolist(), fontsize=8)
    axes.set(title=title, xlabel=xlabel)
    return figure


def control_chart_plot(
    chart: ControlChart,
    *,
    labels: list[str] | None = None,
    title: str = "",
    ylabel: str = "",
) -> Figure:
    """Draw a control chart with its limits and signals marked.

    Points outside the limits are red; points in a run or a trend are
    orange; each phase has its own centre line and limits.

    Parameters
    ----------
    chart : ControlChart
        Output of ``p_chart``, ``laney_p_chart`` or ``xmr_chart``.
    labels : list of str, optional
        x tick labels (months).
    title, ylabel : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, axes = _new_figure()
    table = chart.table
    axes.plot(table["point"], table["value"], color="#0173b2", marker="o", markersize=4)
    for _, part in table.groupby("phase", sort=False):
        axes.step(part["point"], part["center"], where="mid", color="#444444")
        axes.step(
            part["point"],
            part["upper"],
            where="mid",
            color="#444444",
            linestyle="--",
            linewidth=1,
        )
        axes.step(
            part["point"],
            part["lower"],
            where="mid",
            color="#444444",
            linestyle="--",
            linewidth=1,
        )
    is_pattern = (table["is_run"] | table["is_trend"]) & ~table["is_outside"]
    axes.scatter(
        table.loc[is_pattern, "point"],
        table.loc[is_pattern, "value"],
        color="#de8f05",
        s=40,
        zorder=3,
        label="run or trend",
    )
    axes.scatter(
        table.loc[table["is_outside"], "point"],
        table.loc[table["is_outside"], "value"],
        color=FLAG_COLORS["worse"],
        s=50,
        zorder=4,
        label="outside limits",
    )
    if labels is not None:
        axes.set_xticks(table["point"], labels, rotation=45, fontsize=8)
    if any(result.is_signal for result in chart.runs.values()):
        title = f"{title} (runs analysis: shift signal)".strip()
    axes.set(title=title, ylabel=ylabel)
    _legend(axes)
    return figure


def scorecard_plot(
    card: pd.DataFrame, *, title: str = "", empty_message: str = ""
) -> Figure:
    """Draw a scorecard: each KPI's value and interval against its benchmark.

    Values are shown relative to the benchmark (value / benchmark) so KPIs
    on different scales share one axis; points are coloured by flag.

    Parameters
    ----------
    card : pandas.DataFrame
        Output of :func:`kpitools.stats.scorecard`. Rows without a value or
        benchmark are left out.
    title : str
    empty_message : str
        Sentence shown instead of empty axes when no KPI has both a value
        and a benchmark; a default English sentence when empty.

    Returns
    -------
    matplotlib.figure.Figure
    """
    shown = card[card["value"].notna() & (card["benchmark"].abs() > 0)].reset_index(
        drop=True
    )
    if shown.empty:
        return _message_figure(
            empty_message
            or "No KPI has both a value and a benchmark, so there is nothing "
            "to compare.",
            title,
        )
    figure, axes = _new_figure(7.0, max(3.0, 0.35 * len(shown) + 1))
    positions = np.arange(len(shown))
    scale = shown["benchmark"].astype(float)
    colors = shown["flag"].map(FLAG_COLORS).fillna("#0173b2").tolist()
    axes.hlines(
        positions,
        shown["ci_low"] / scale,
        shown["ci_high"] / scale,
        colors=colors,
        linewidth=2,
    )
    axes.scatter(shown["value"] / scale, positions, color=colors, s=30, zorder=3)
    axes.axvline(1.0, color="#444444", linestyle="--")
    axes.set_yticks(positions, shown["label"].astype(str).tolist(), fontsize=8)
    axes.invert_yaxis()
    axes.set(title=title, xlabel="value / benchmark")
    return figure


def trend_plot(
    table: pd.DataFrame,
    *,
    x: str = "month",
    value: str = "value",
    ci_low: str = "ci_low",
    ci_high: str = "ci_high",
    hue: str | None = None,
    benchmark: float | None = None,
    title: str = "",
    ylabel: str = "",
    is_percent: bool = False,
) -> Figure:
    """Draw monthly KPI values with their confidence band.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per month (and per ``hue`` group) with the named columns.
    x, value, ci_low, ci_high : str
        Column names; the interval columns may be absent.
    hue : str, optional
        Column to draw one line per group (stores).
    benchmark : float, optional
    title, ylabel : str
    is_percent : bool
        Label the y axis in percent (values are fractions).

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure, axes = _new_figure()
    groups = [(None, table)] if hue is None else table.groupby(hue, sort=True)
    for name, part in groups:
        part = part.sort_values(x)
        ticks = part[x].astype(str)
        line = axes.plot(
            ticks,
            part[value],
            marker="o",
            markersize=3,
            label=None if name is None else str(name),
        )[0]
        if ci_low in part and ci_high in part:
            axes.fill_between(
                ticks, part[ci_low], part[ci_high], color=line.get_color(), alpha=0.2
            )
    if benchmark is not None and np.isfinite(benchmark):
        axes.axhline(benchmark, color="#444444", linestyle="--", label="benchmark")
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.set(title=title, ylabel=ylabel)
    if is_percent:
        _percent_axis(axes, "y")
    _legend(axes)
    return figure
