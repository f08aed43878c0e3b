"""Report figures drawn from KPI tables: trends, advisor caterpillars, funnels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from scipy import stats as scipy_stats

from kpitools.kpis import get_kpi
from kpitools.plots import caterpillar_plot, funnel_plot, trend_plot
from kpitools.stats import funnel_table, proportion_interval

__all__ = [
    "add_intervals",
    "advisor_caterpillar_plot",
    "kpi_funnel_plot",
    "kpi_trend_plot",
]

_AXIS_TEXT = {
    "en": {
        "month": "month",
        "ros": "denominator (n)",
        "store_value": "store value",
        "dropped": "not plotted ({months}): no data or window not yet complete",
    },
    "zh": {
        "month": "月份",
        "ros": "分母（样本量）",
        "store_value": "门店数值",
        "dropped": "未绘制（{months}）：无数据或观察窗口尚未结束",
    },
}


def _is_rate(kpi: str) -> bool:
    return get_kpi(kpi).format == "percent"


def add_intervals(
    kpi_table: pd.DataFrame, confidence_level: float = 0.95
) -> pd.DataFrame:
    """Add ``ci_low`` and ``ci_high`` to a KPI table, row by row.

    Rates of counts (``is_proportion``) get the Wilson score interval (Wilson
    1927, JASA 22:209) from ``numerator`` and ``denominator``; mean KPIs get
    the t interval ``value ± t(n-1) · std / sqrt(n)``. Other KPIs (ratios of
    amounts, medians, quantiles) get NaN, since the KPI table has no spread
    for them.
    """
    table = kpi_table.copy()
    definitions = {name: get_kpi(name) for name in table["kpi"].unique()}
    is_rate = (
        table["kpi"]
        .map(
            lambda name: (
                definitions[name].is_proportion
                and definitions[name].aggregation == "ratio"
            )
        )
        .astype(bool)
    )
    is_mean = (
        table["kpi"]
        .map(lambda name: definitions[name].aggregation in ("mean", "index"))
        .astype(bool)
    )
    table["ci_low"], table["ci_high"] = np.nan, np.nan

    rates = table[is_rate & (table["denominator"] > 0)]
    if not rates.empty:
        low, high = proportion_interval(
            rates["numerator"].to_numpy(float),
            rates["denominator"].to_numpy(float),
            confidence_level=confidence_level,
        )
        table.loc[rates.index, "ci_low"], table.loc[rates.index, "ci_high"] = low, high

    means = table[is_mean & (table["n"] > 1) & table["std"].notna()]
    if not means.empty:
        quantile = scipy_stats.t.ppf(0.5 + confidence_level / 2, means["n"] - 1)
        half_width = quantile * means["std"] / np.sqrt(means["n"])
        table.loc[means.index, "ci_low"] = means["value"] - half_width
        table.loc[means.index, "ci_high"] = means["value"] + half_width
    return table


def kpi_trend_plot(
    monthly_kpis: pd.DataFrame,
    kpi: str,
    *,
    benchmark: float | None = None,
    language: str = "en",
) -> Figure:
    """Draw one KPI by month with its interval, from a KPI table by month.

    Months where the KPI is not available or has no cases (``n`` = 0), such
    as the last month of a comeback KPI whose window has not ended, are left
    out rather than drawn as 0; the caption under the plot names them.
    """
    rows = monthly_kpis[monthly_kpis["kpi"] == kpi]
    is_shown = rows["value"].notna() & (rows["n"].fillna(0) > 0)
    if "available" in rows:
        is_shown &= rows["available"].astype("boolean").fillna(False)
    dropped = sorted(rows.loc[~is_shown, "month"].astype(str))
    label = get_kpi(kpi).label(language)
    figure = trend_plot(
        add_intervals(rows[is_shown]),
        x="month",
        benchmark=benchmark,
        title=label,
        ylabel=label,
        is_percent=_is_rate(kpi),
    )
    if dropped:
        text = _AXIS_TEXT.get(language, _AXIS_TEXT["en"])["dropped"]
        figure.supxlabel(text.format(months=", ".join(dropped)), fontsize=8)
    return figure


def advisor_caterpillar_plot(
    advisor_kpis: pd.DataFrame,
    kpi: str,
    *,
    store_value: float | None = None,
    language: str = "en",
) -> Figure:
    """Draw each advisor's value of ``kpi`` with its interval, sorted by value.

    The store's own value, when given, is the reference line: an advisor whose
    interval excludes it differs from the store as a whole.
    """
    rows = add_intervals(
        advisor_kpis[(advisor_kpis["kpi"] == kpi) & advisor_kpis["value"].notna()]
    )
    label = get_kpi(kpi).label(language)
    return caterpillar_plot(
        rows,
        label="advisor_id",
        benchmark=store_value,
        benchmark_label=_AXIS_TEXT.get(language, _AXIS_TEXT["en"])["store_value"],
        title=label,
        xlabel=label,
        is_percent=_is_rate(kpi),
    )


def kpi_funnel_plot(
    kpi_table: pd.DataFrame,
    kpi: str,
    *,
    group: tuple[str, ...] = ("store_id",),
    target: float | None = None,
    language: str = "en",
) -> Figure:
    """Draw a funnel plot of one rate KPI across stores or advisors.

    The units are the rows of ``kpi_table`` for ``kpi``, labelled by the
    ``group`` columns joined with ``/``. Rows with a missing code are left out.
    The target is ``target`` (a published benchmark) or, when None, the pooled
    rate of all units (the peer network).
    Limits, overdispersion checks and the adjustment follow
    :func:`kpitools.stats.funnel_table` (Spiegelhalter 2005, Statistics in
    Medicine 24:1185).

    Raises
    ------
    ValueError
        ``kpi`` is not a rate of counts, so a binomial funnel does not apply.
    """
    definition = get_kpi(kpi)
    if not (definition.is_proportion and definition.aggregation == "ratio"):
        raise ValueError(
            f"A funnel plot needs a rate of counts; {kpi} is a "
            f"{definition.aggregation} KPI. Choose a rate such as "
            "comeback_candidate_rate."
        )
    rows = kpi_table[(kpi_table["kpi"] == kpi) & (kpi_table["denominator"] > 0)]
    # A unit without a code (an RO with no advisor, say) cannot be labelled
    # or acted on, so it is left out of the plot.
    rows = rows.dropna(subset=list(group))
    labels = rows[list(group)].astype(str).agg("/".join, axis=1)
    result = funnel_table(
        rows["numerator"].to_numpy(float),
        rows["denominator"].to_numpy(float),
        group=labels.to_numpy(),
        target=target,
    )
    label = definition.label(language)
    figure = funnel_plot(
        result,
        title=label,
        xlabel=_AXIS_TEXT.get(language, _AXIS_TEXT["en"])["ros"],
        ylabel=label,
    )
    figure.axes[0].yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    return figure
