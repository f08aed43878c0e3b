"""Figures of a root-cause study; each function returns a matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = [
    "observed_expected_plot",
    "pareto_plot",
    "return_curve_plot",
    "strata_plot",
]


def strata_plot(
    strata: pd.DataFrame, *, title: str = "", max_levels: int = 25
) -> Figure:
    """Plot each level's rate with its interval against the overall rate.

    ``strata`` is one factor's output of :func:`kpitools.rootcause.stratify`;
    levels are shown in rank order (at most ``max_levels``).
    """
    shown = strata.sort_values("rank").head(max_levels).iloc[::-1]
    figure, axes = plt.subplots(figsize=(7, 0.3 * len(shown) + 1.5))
    positions = np.arange(len(shown))
    colours = shown["flag"].map({"higher": "tab:red", "lower": "tab:blue"})
    axes.errorbar(
        shown["rate"],
        positions,
        xerr=[shown["rate"] - shown["ci_low"], shown["ci_high"] - shown["rate"]],
        fmt="none",
        ecolor="grey",
    )
    axes.scatter(shown["rate"], positions, c=colours.fillna("black").tolist(), zorder=3)
    axes.axvline(shown["overall_rate"].iloc[0], color="black", linestyle="--")
    axes.set_yticks(
        positions,
        [
            f"{lv} (n={n})"
            for lv, n in zip(shown["level"], shown["n_repair_orders"], strict=True)
        ],
    )
    axes.set_xlabel("rate (95% interval); dashed line: overall rate")
    axes.set_title(title or str(shown["factor"].iloc[0]))
    figure.tight_layout()
    return figure


def pareto_plot(pareto: pd.DataFrame, *, title: str = "") -> Figure:
    """Plot a Pareto chart: bars of counts, line of the cumulative share.

    ``pareto`` is the output of :func:`kpitools.rootcause.pareto_table`.
    """
    figure, axes = plt.subplots(figsize=(7, 4))
    positions = np.arange(len(pareto))
    axes.bar(positions, pareto["n_events"], color="tab:grey")
    axes.set_xticks(positions, pareto["level"].astype(str), rotation=45, ha="right")
    axes.set_ylabel("ROs that came back")
    share_axes = axes.twinx()
    share_axes.plot(
        positions, 100 * pareto["cumulative_share"], marker="o", color="tab:red"
    )
    share_axes.set_ylim(0, 105)
    share_axes.set_ylabel("cumulative share, %")
    axes.set_title(title)
    figure.tight_layout()
    return figure


def return_curve_plot(
    curve: pd.DataFrame, *, marks: pd.DataFrame | None = None, title: str = ""
) -> Figure:
    """Plot the cumulative incidence of return by day, with horizon marks.

    ``curve`` comes from :func:`kpitools.rootcause.return_curve` and
    ``marks`` (optional) from :func:`kpitools.rootcause.time_to_return`.
    """
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.step(curve["days"], 100 * curve["cumulative_incidence"], where="post")
    if marks is not None:
        axes.errorbar(
            marks["days"],
            100 * marks["cumulative_incidence"],
            yerr=[
                100 * (marks["cumulative_incidence"] - marks["ci_low"]),
                100 * (marks["ci_high"] - marks["cumulative_incidence"]),
            ],
            fmt="o",
            color="tab:red",
        )
    axes.set_xlabel("days after the visit")
    axes.set_ylabel("returned, % (Kaplan-Meier)")
    axes.set_title(title)
    figure.tight_layout()
    return figure


def observed_expected_plot(
    observed_expected: pd.DataFrame, *, unit: str = "technician", title: str = ""
) -> Figure:
    """Plot observed/expected comebacks per person with exact intervals.

    ``observed_expected`` is :attr:`RiskModel.observed_expected`.
    """
    shown = observed_expected[observed_expected["unit"] == unit].iloc[::-1]
    figure, axes = plt.subplots(figsize=(7, 0.3 * len(shown) + 1.5))
    positions = np.arange(len(shown))
    axes.errorbar(
        shown["ratio"],
        positions,
        xerr=[
            (shown["ratio"] - shown["ci_low"]).clip(lower=0),
            (shown["ci_high"] - shown["ratio"]).clip(lower=0),
        ],
        fmt="o",
    )
    axes.axvline(1.0, color="black", linestyle="--")
    axes.set_yticks(positions, shown["unit_id"].astype(str).tolist())
    axes.set_xlabel("observed / expected (95% interval); 1 = as the case mix predicts")
    axes.set_title(title or f"{unit}: observed / expected")
    figure.tight_layout()
    return figure
