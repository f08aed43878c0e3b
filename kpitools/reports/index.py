"""The ``index.html`` page of a report batch, rendered with jinja2."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pandas as pd

from kpitools.reports.batch import NotebookOutcome, ReportBatch, StoreReport
from kpitools.reports.display import import_accounting_table
from kpitools.reports.fonts import cjk_font_face_css, find_cjk_font_asset
from kpitools.reports.summary import HEADLINE_KPIS, format_value

__all__ = ["INDEX_FILE", "render_index", "write_index"]

INDEX_FILE = "index.html"
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_FLAG_CSS = {
    "worse": "flag-worse",
    "better": "flag-better",
    "too few data": "flag-few",
    "not available": "flag-few",
    "no benchmark": "flag-few",
}
_FLAG_MARK = {
    "worse": " ▼",
    "better": " ▲",
    "too few data": " ?",
    "no evidence": "",
    "no benchmark": " ·",
    "not available": "",
}

_TEXT = {
    "en": {
        "title": "Service KPI reports",
        "generated": "Generated",
        "data": "Data",
        "period": "Period",
        "all_data": "default (last twelve months of data)",
        "stores_ok": "Stores reported",
        "stores_failed": "Stores failed",
        "group_overview": "Group overview",
        "group_overview_link": "Funnel plots of every store and advisor",
        "notebook": "notebook",
        "not_run": "Not run.",
        "failed": "failed",
        "stores": "Stores",
        "flag_legend": (
            "▲ better than the benchmark, ▼ worse, ? too few data, · no "
            "benchmark to compare with, no mark: no evidence of a difference. "
            "Hover over a value for its interval."
        ),
        "store": "Store",
        "status": "Status",
        "repair_orders": "ROs",
        "report": "Report",
        "rootcause": "Return-rate study",
        "rootcause_link": "root cause",
        "rootcause_not_needed": "not flagged",
        "rootcause_reason": "Chosen because",
        "ok": "ok",
        "settings": "Settings used",
        "import_accounting": "Import row accounting",
        "table": "Table",
        "absent_tables": "Tables this source does not provide",
        "no_import": (
            "The data folder has no import summary (sample data, or written "
            "without 'kpitools import')."
        ),
    },
    "zh": {
        "title": "售后服务 KPI 报告",
        "generated": "生成时间",
        "data": "数据",
        "period": "期间",
        "all_data": "默认（数据中最近十二个月）",
        "stores_ok": "已生成报告的门店",
        "stores_failed": "失败的门店",
        "group_overview": "集团总览",
        "group_overview_link": "所有门店和服务顾问的漏斗图",
        "notebook": "笔记本",
        "not_run": "未运行。",
        "failed": "失败",
        "stores": "门店",
        "flag_legend": (
            "▲ 优于基准，▼ 差于基准，? 数据太少，· 无可比基准，"
            "无标记：无证据表明存在差异。鼠标悬停可查看置信区间。"
        ),
        "store": "门店",
        "status": "状态",
        "repair_orders": "工单数",
        "report": "报告",
        "rootcause": "返修率根因分析",
        "rootcause_link": "根因分析",
        "rootcause_not_needed": "未标记",
        "rootcause_reason": "选择原因",
        "ok": "完成",
        "settings": "所用设置",
        "import_accounting": "导入行数核对",
        "table": "表",
        "absent_tables": "此数据源未提供的表",
        "no_import": (
            "数据文件夹中没有导入摘要（示例数据，或未经 'kpitools import' 写入）。"
        ),
    },
}


def write_index(batch: ReportBatch, language: str = "en") -> Path:
    """Render the index page of ``batch`` into ``batch.out_dir / "index.html"``."""
    page = batch.out_dir / INDEX_FILE
    page.write_text(render_index(batch, language), encoding="utf-8")
    batch.index = page
    return page


def render_index(batch: ReportBatch, language: str = "en") -> str:
    """Return the HTML of the index page for ``batch``.

    The page has one row per store with its headline KPIs and links to its
    page and notebook. Each value carries its flag, and its tooltip gives the
    interval and benchmark. A failed store shows the reason instead. Below
    the table come the group overview, the root-cause studies, the settings
    used and the import row accounting.
    """
    text = _TEXT.get(language, _TEXT["en"])
    summaries = [store.summary for store in batch.stores if store.ok]
    columns = _headline_columns(summaries)
    first = summaries[0] if summaries else {}
    periods = sorted({summary.get("period", "") for summary in summaries} - {""})
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    import_columns, import_rows = _import_table(first.get("import_summary", {}))
    page = batch.out_dir / INDEX_FILE
    font_file = find_cjk_font_asset(page, levels=0)
    settings = first.get("settings", {})
    return environment.get_template("index.html.j2").render(
        font_css=""
        if font_file is None
        else markupsafe.Markup(cjk_font_face_css(page, font_file)),
        text=text,
        language=language,
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        data_dir=str(batch.data_dir),
        period=", ".join(periods) or batch.parameters.get("period", ""),
        stores=[_store_row(store, columns, batch.out_dir) for store in batch.stores],
        n_ok=sum(store.ok for store in batch.stores),
        n_failed=sum(not store.ok for store in batch.stores),
        overview=_outcome_row(batch.overview, batch.out_dir),
        rootcause_requested=batch.rootcause_requested,
        headline_columns=columns,
        # The data folder and period are shown at the top, and parameters that
        # are also KPI settings (the comeback window) are listed once.
        run_parameters={
            name: value
            for name, value in batch.parameters.items()
            if name not in ("data_dir", "period") and name not in settings
        },
        settings=settings,
        import_columns=import_columns,
        import_rows=import_rows,
        absent_tables=first.get("import_summary", {}).get("absent_tables", []),
    )


def _headline_columns(summaries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Return the headline KPIs available for at least one store, with labels."""
    columns = []
    for kpi in HEADLINE_KPIS:
        rows = [summary["kpis"][kpi] for summary in summaries if kpi in summary["kpis"]]
        if any(
            row.get("available", True) and row.get("value") is not None for row in rows
        ):
            columns.append({"kpi": kpi, "label": rows[0].get("label") or kpi})
    return columns


def _store_row(
    store: StoreReport, columns: list[dict[str, str]], out_dir: Path
) -> dict[str, Any]:
    kpis = store.summary.get("kpis", {})
    rootcause = store.rootcause
    return {
        "store_id": store.store_id,
        "ok": store.ok,
        "error": store.error,
        "html": _relative(store.html, out_dir),
        "notebook": _relative(store.notebook, out_dir),
        "n_repair_orders": format_value(store.summary.get("n_repair_orders")),
        "headline": [
            _headline_cell(kpis.get(column["kpi"]), store.summary.get("currency"))
            for column in columns
        ],
        "rootcause_html": _relative(rootcause.html, out_dir)
        if rootcause is not None and rootcause.ok
        else None,
        "rootcause_error": rootcause.error if rootcause is not None else "",
        "rootcause_reason": store.summary.get("rootcause_reason", ""),
    }


def _headline_cell(
    row: dict[str, Any] | None, currency: str | None = None
) -> dict[str, str]:
    """Format one headline value with its flag mark and interval tooltip.

    Money values carry the store's currency code, because stores of one
    group can report in different currencies.
    """
    if row is None or not row.get("available", True):
        reason = "" if row is None else row.get("reason") or ""
        return {"text": "n/a", "css": "", "title": reason}
    value_format = row.get("format") or "number"
    flag = row.get("flag") or ""
    title = (
        f"95% CI {format_value(row.get('ci_low'), value_format)} to "
        f"{format_value(row.get('ci_high'), value_format)}; "
        f"n = {_count(row.get('n'))}; "
        f"benchmark {format_value(row.get('benchmark'), value_format)}; {flag}"
    )
    text = format_value(row.get("value"), value_format)
    if value_format == "currency" and currency and text != "n/a":
        text = f"{text} {currency}"
    return {
        "text": text + _FLAG_MARK.get(flag, ""),
        "css": _FLAG_CSS.get(flag, ""),
        "title": title,
    }


def _count(n: object) -> str:
    """A sample size as a whole number (JSON gives 1771.0), blank when missing."""
    try:
        return f"{int(float(n)):,}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def _outcome_row(
    outcome: NotebookOutcome | None, out_dir: Path
) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {
        "ok": outcome.ok,
        "error": outcome.error,
        "html": _relative(outcome.html, out_dir),
        "notebook": _relative(outcome.notebook, out_dir),
    }


def _import_table(
    import_summary: dict[str, Any],
) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the columns and rows of the import row accounting table."""
    table = import_accounting_table(import_summary)
    rows = [
        {
            "name": name,
            "counts": {column: _count_text(value) for column, value in counts.items()},
        }
        for name, counts in table.to_dict(orient="index").items()
    ]
    return [str(column) for column in table.columns], rows


def _count_text(value: object) -> str:
    """Format a row count; missing counts are blank, 6.0 is 6."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _relative(path: Path | None, out_dir: Path) -> str | None:
    return None if path is None else Path(os.path.relpath(path, out_dir)).as_posix()
