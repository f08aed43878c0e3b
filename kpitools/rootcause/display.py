"""Tables and findings of a root-cause study as the report page shows them.

The study's tables hold raw numbers (rates as fractions, p-values as floats,
some counts as floats). These functions turn them into frames of
display strings with column labels in the report language, and the findings
into Markdown bullets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from kpitools.kpis.labels import column_label, value_label

if TYPE_CHECKING:
    from kpitools.rootcause.study import RootCauseStudy

__all__ = [
    "drilldown_frame",
    "findings_markdown",
    "format_p_value",
    "format_percent",
    "rootcause_table",
]

# Columns of the study's tables that the shared column labels lack.
_LABELS: dict[str, tuple[str, str]] = {
    "driver": ("Driver", "驱动因素"),
    "factor": ("Factor", "因素"),
    "level": ("Level", "水平"),
    "label": ("Factor", "因素"),
    "test": ("Test", "检验"),
    "statistic": ("Statistic", "统计量"),
    "df": ("df", "自由度"),
    "is_associated": ("Associated", "存在关联"),
    "p_conditional": ("p-value given drivers", "控制其他驱动后p值"),
    "adjusted_for": ("Adjusted for", "控制因素"),
    "is_driver": ("Driver", "驱动因素"),
    "note": ("Note", "说明"),
    "within": ("Within", "所在系统组"),
    "top_level": ("Highest level", "最高水平"),
    "top_level_repair_orders": ("ROs of highest level", "最高水平工单数"),
    "top_level_events": ("Returns of highest level", "最高水平返回数"),
    "n_events": ("Returns", "返回数"),
    "rate": ("Rate", "比率"),
    "overall_rate": ("Overall rate", "总体比率"),
    "expected_events": ("Expected returns", "预期返回数"),
    "excess_events": ("Excess returns", "超额返回数"),
    "rank": ("Rank", "排名"),
    "days": ("Days", "天数"),
    "cumulative_incidence": ("Returned by then", "累计返回比例"),
    "share_of_last": ("Share of last window", "占最长观察期比例"),
    "share": ("Share", "占比"),
    "cumulative_share": ("Cumulative share", "累计占比"),
    "reference": ("Reference", "参照水平"),
    "odds_ratio": ("Odds ratio", "比值比"),
    "unit": ("Unit", "单位"),
    "unit_id": ("ID", "编号"),
    "observed": ("Observed", "实际数"),
    "expected": ("Expected", "预期数"),
    "ratio": ("Observed / expected", "实际/预期"),
    "vin": ("VIN (masked)", "VIN（已脱敏）"),
    "op_code": ("Op code", "工时代码"),
    "mileage": ("Mileage (km)", "里程（公里）"),
    "came_back": ("Came back", "返回"),
    "days_to_next_visit": ("Days to next visit", "距下次进厂天数"),
}
# Flags of the study's strata and observed/expected tables.
_FLAGS: dict[str, tuple[str, str]] = {
    "higher": ("higher", "偏高"),
    "lower": ("lower", "偏低"),
}
# Columns whose values are factor or unit names, shown as column labels.
_NAMES = {"factor", "driver", "unit", "adjusted_for"}
_YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}
_LIMITS = {"en": "**Limits**", "zh": "**局限**"}
_PERCENT_NAMES = {
    "rate",
    "ci_low",
    "ci_high",
    "overall_rate",
    "share",
    "cumulative_share",
    "cumulative_incidence",
    "share_of_last",
}
_COUNT_NAMES = {
    "revisits",
    "comeback_candidates",
    "comeback_confirmed",
    "observed",
    "top_level_repair_orders",
    "top_level_events",
    "rank",
    "days",
    "window_days",
    "mileage",
}
# Coded values shown through the shared value labels (system groups, causes).
_CODED = {
    "level",
    "top_level",
    "within",
    "system_group",
    "comeback_cause",
    "flag",
    "ro_type",
    "pay_type",
}


def format_percent(value: float) -> str:
    """Format a fraction as a percentage with one decimal (0.168224 -> 16.8%)."""
    if pd.isna(value):
        return ""
    return f"{float(value):.1%}"


def format_p_value(value: float) -> str:
    """Format a p-value: ``< 0.001`` below 0.001, else three significant digits.

    Digits beyond 0.001 say nothing a reader can act on, and a value such as
    ``6.7e-123`` only suggests a precision that the test does not have.
    """
    if pd.isna(value):
        return ""
    value = float(value)
    if value < 0.001:
        return "< 0.001"
    return f"{value:.3g}"


def _label(column: str, language: str) -> str:
    # The study's own names first: its "label" is a factor, not a KPI.
    if column in _LABELS:
        return _LABELS[column][0 if language == "en" else 1]
    return column_label(column, language)


def _value(value: str, language: str) -> str:
    if value in _FLAGS:
        return _FLAGS[value][0 if language == "en" else 1]
    return value_label(value, language)


def _name(value: str, language: str) -> str:
    # Factor "technician" is the column "technician_id" of the canonical tables.
    label = _label(value, language)
    if label == value:
        label = _label(f"{value}_id", language)
    return value if label == f"{value}_id" else label


def _is_percent(column: str) -> bool:
    return column in _PERCENT_NAMES or column.endswith("_rate")


def _is_p_value(column: str) -> bool:
    return column.startswith("p_")


def _is_count(column: str) -> bool:
    return column.startswith("n_") or column in _COUNT_NAMES


def rootcause_table(
    frame: pd.DataFrame,
    language: str = "en",
    *,
    columns: Sequence[str] | None = None,
    percent: Iterable[str] | None = None,
) -> Styler:
    """Return a study table as display strings, labelled, without the index.

    Rates and intervals become percentages with one decimal, p-values use
    :func:`format_p_value`, counts become integers, other numbers two
    decimals, booleans yes/no, coded values (system groups, causes, flags)
    their labels in ``language``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of :class:`~kpitools.rootcause.RootCauseStudy`.
    language : {"en", "zh"}
        Language of the column labels and coded values.
    columns : sequence of str, optional
        Columns to show, in this order; default all.
    percent : iterable of str, optional
        Columns shown as percentages. Default: rates, shares and their
        interval bounds, found by name. Pass ``()`` for a table of ratios
        whose ``ci_low``/``ci_high`` are not fractions (odds ratios,
        observed/expected).

    Returns
    -------
    pandas.io.formats.style.Styler
        Its ``.data`` is the frame of display strings.
    """
    column_label(next(iter(frame.columns), "value"), language)  # checks language
    table = frame.loc[:, list(columns)] if columns is not None else frame
    percents = (
        {c for c in table.columns if _is_percent(c)}
        if percent is None
        else set(percent)
    )
    yes, no = _YES_NO[language]
    out = {}
    for name in table.columns:
        series = table[name]
        if name in percents:
            out[name] = series.map(format_percent)
        elif _is_p_value(name):
            out[name] = series.map(format_p_value)
        elif pd.api.types.is_bool_dtype(series):
            answers = series.map({True: yes, False: no})
            out[name] = answers.fillna("")
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[name] = series.dt.strftime("%Y-%m-%d %H:%M").fillna("")
        elif pd.api.types.is_numeric_dtype(series):
            numbers = series.astype("float64")
            if _is_count(name):
                out[name] = numbers.map(lambda v: "" if np.isnan(v) else f"{v:,.0f}")
            else:
                out[name] = numbers.map(lambda v: "" if np.isnan(v) else f"{v:,.2f}")
        elif name in _CODED:
            out[name] = series.astype("string").map(
                lambda v: "" if pd.isna(v) else _value(v, language)
            )
        elif name in _NAMES:
            out[name] = series.astype("string").map(
                lambda v: "" if pd.isna(v) else _name(v, language)
            )
        else:
            out[name] = series.astype("string").fillna("")
    display = pd.DataFrame(out, index=table.index)
    display.columns = [_label(c, language) for c in table.columns]
    return display.reset_index(drop=True).style.hide(axis="index")


def drilldown_frame(study: RootCauseStudy, n: int = 20) -> pd.DataFrame:
    """Return the ROs behind the top level of each driver, naming both.

    Each block of at most ``n`` ROs (from :meth:`RootCauseStudy.drilldown`)
    starts with a ``driver`` and a ``level`` column, so blocks of different
    drivers cannot be mistaken for duplicates. An empty frame with those two
    columns when the study found no driver.
    """
    blocks = []
    for name in study.drivers:
        level = str(study.top_levels(name, 1)["level"].iloc[0])
        block = study.drilldown(name, level).head(n)
        blocks.append(block.assign(driver=name, level=level))
    if not blocks:
        return pd.DataFrame({"driver": [], "level": []}, dtype="string")
    frame = pd.concat(blocks, ignore_index=True)
    rest = [c for c in frame.columns if c not in ("driver", "level")]
    return frame[["driver", "level", *rest]]


def findings_markdown(
    findings: Iterable[str],
    limitations: Iterable[str] = (),
    language: str = "en",
) -> Markdown:
    """Return findings, then limitations, as Markdown bullet lists."""
    # NOTE: only the "Limits" heading follows ``language``. The study writes its
    # findings and limitations in English, so a Chinese page shows them so.
    lines = [f"- {line}" for line in findings]
    limits = [f"- {line}" for line in limitations]
    if limits:
        column_label("value", language)  # checks language
        lines += ["", _LIMITS[language], "", *limits]
    return Markdown("\n".join(lines))
