"""The JSON summary a report notebook writes for the index page."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from kpitools.stats.compare import SCORECARD_COLUMNS

__all__ = [
    "HEADLINE_KPIS",
    "RETURN_RATE_KPIS",
    "SUMMARY_VERSION",
    "format_value",
    "is_return_rate_worse",
    "read_report_summary",
    "write_report_summary",
]

SUMMARY_VERSION = 1
# KPIs shown as columns of the index page, in this order.
HEADLINE_KPIS = (
    "csi_top_box",
    "nps",
    "appointment_show_rate",
    "comeback_candidate_rate",
    "revisit_rate",
    "warranty_claim_rate",
    "avg_cp_ro_value",
)
# The return rate that decides whether a root-cause study runs: the comeback
# candidate rate, or the same-VIN revisit rate for sources without system groups.
RETURN_RATE_KPIS = ("comeback_candidate_rate", "revisit_rate")


def format_value(value: object, value_format: str = "number") -> str:
    """Format a KPI value for display by its registry format.

    ``percent`` values are proportions (0.253 becomes ``25.3%``); money, hours,
    days and ratios get two decimals, scores one; missing values become ``n/a``.

    Examples
    --------
    >>> format_value(0.253, "percent")
    '25.3%'
    >>> format_value(1234.5, "currency")
    '1,234.50'
    >>> format_value(None)
    'n/a'
    """
    number = _as_float(value)
    if number is None:
        return "n/a"
    if value_format == "percent":
        return f"{number:.1%}"
    if value_format == "currency":
        return f"{number:,.2f}"
    if value_format in ("hours", "days", "ratio"):
        return f"{number:,.2f}"
    if value_format == "score":
        return f"{number:,.1f}"
    return f"{number:,.3g}" if abs(number) < 1000 else f"{number:,.0f}"


def write_report_summary(
    path: str | Path,
    *,
    store_id: str,
    period: str,
    language: str,
    scorecard: pd.DataFrame,
    settings: dict[str, Any],
    import_summary: dict[str, Any] | None = None,
    n_repair_orders: int | None = None,
    currency: str | None = None,
) -> Path:
    """Write the headline facts of one store report as JSON for the index page.

    Parameters
    ----------
    path
        The JSON file to write; its folder is created.
    store_id, period, language
        The report's parameters, echoed so the index can show them.
    scorecard
        The table from ``kpitools.stats.scorecard``: one row per KPI with
        ``kpi, label, value, n, ci_low, ci_high, benchmark, flag, available,
        reason, format`` and the other scorecard columns.
    settings
        The KPI settings used, as ``KpiSettings.as_dict()`` returns them.
    import_summary
        The import's row accounting, when the data came from ``kpitools import``.
    n_repair_orders
        Repair orders of the store in the period.
    currency
        Currency code of the store's amounts (``settings.currency`` or the
        stores table's ``currency``); the index page shows it with money KPIs.

    Returns
    -------
    Path
        ``path``.
    """
    missing = [name for name in ("kpi", "value", "flag") if name not in scorecard]
    if missing:
        raise ValueError(
            f"The scorecard lacks the column(s) {missing} (found: "
            f"{list(scorecard.columns)}). Pass the table that "
            "kpitools.stats.scorecard returns."
        )
    fields = [name for name in SCORECARD_COLUMNS if name in scorecard.columns]
    rows = [
        {name: _to_json_value(row[name]) for name in fields}
        for row in scorecard[fields].to_dict(orient="records")
    ]
    summary = {
        "version": SUMMARY_VERSION,
        "store_id": store_id,
        "period": period,
        "language": language,
        "n_repair_orders": n_repair_orders,
        "currency": currency,
        "settings": {key: _to_json_value(value) for key, value in settings.items()},
        "import_summary": import_summary or {},
        "scorecard": rows,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    return target


def read_report_summary(path: str | Path) -> dict[str, Any]:
    """Read a summary written by :func:`write_report_summary`.

    The scorecard rows are also given by KPI name under ``"kpis"``.
    """
    summary = json.loads(Path(path).read_text(encoding="utf-8"))
    summary["kpis"] = {row["kpi"]: row for row in summary.get("scorecard", [])}
    return summary


def is_return_rate_worse(summary: dict[str, Any]) -> bool:
    """Whether the store's return rate is flagged worse than its benchmark.

    The first available KPI of :data:`RETURN_RATE_KPIS` decides.
    """
    kpis = summary.get("kpis") or {row["kpi"]: row for row in summary["scorecard"]}
    for name in RETURN_RATE_KPIS:
        row = kpis.get(name)
        if (
            row is not None
            and row.get("available", True)
            and row.get("value") is not None
        ):
            return row.get("flag") == "worse"
    return False


def _as_float(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _to_json_value(value: object) -> object:
    """Convert numpy and pandas scalars to JSON types; NaN and NA become None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int | bool):
        return value
    return str(value)
