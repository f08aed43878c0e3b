"""Tests of kpitools.reports.index and the display tables, without notebooks."""

from pathlib import Path

from kpitools.reports import (
    ReportBatch,
    StoreReport,
    format_value,
    import_accounting_table,
    render_index,
)

# Shaped like the summary that 'kpitools import' writes.
IMPORT_SUMMARY = {
    "profile": "dms-labor-lines",
    "tables": {
        "ro_lines": {
            "rows_read": 6171,
            "rows_used": 6170,
            "rows_quarantined": 1,
            "quarantined_by_reason": {"unknown_code": 1},
        },
        "repair_orders": {"rows_read": 3237, "rows_used": 3237},
    },
    "absent_tables": ["surveys", "appointments"],
}


def _summary(store_id: str) -> dict:
    row = {
        "kpi": "comeback_candidate_rate",
        "label": "Comeback rate (candidate)",
        "value": 0.125,
        "n": 80,
        "ci_low": 0.069,
        "ci_high": 0.215,
        "benchmark": 0.05,
        "flag": "worse",
        "available": True,
        "format": "percent",
    }
    return {
        "store_id": store_id,
        "period": "2025-01:2025-12",
        "n_repair_orders": 3237,
        "settings": {"comeback_window_days": 30},
        "import_summary": IMPORT_SUMMARY,
        "scorecard": [row],
        "kpis": {row["kpi"]: row},
    }


def _batch(tmp_path: Path) -> ReportBatch:
    good = StoreReport(
        notebook=tmp_path / "stores" / "S1.ipynb",
        html=tmp_path / "stores" / "S1.html",
        store_id="S1",
        summary=_summary("S1"),
    )
    failed = StoreReport(
        notebook=tmp_path / "stores" / "S2.ipynb",
        store_id="S2",
        error="KeyError: <no column 'vin'>",
    )
    return ReportBatch(tmp_path, tmp_path / "data", {"language": "en"}, [good, failed])


def test_import_accounting_rows_per_table():
    table = import_accounting_table(IMPORT_SUMMARY)

    assert list(table.index) == ["ro_lines", "repair_orders"]
    assert table.loc["ro_lines", "rows_read"] == 6171
    assert table.loc["ro_lines", "set aside: unknown_code"] == 1


def test_index_shows_headline_and_failure(tmp_path):
    page = render_index(_batch(tmp_path))

    assert 'href="stores/S1.html"' in page
    assert "12.5% ▼" in page  # 0.125 as a percentage, flagged worse
    assert "3,237" in page
    # The reason is escaped, so the angle brackets cannot break the page.
    assert "KeyError: &lt;no column &#39;vin&#39;&gt;" in page


def test_index_shows_import_accounting(tmp_path):
    page = render_index(_batch(tmp_path))

    assert "6,171" in page
    assert "set aside: unknown_code" in page
    assert "surveys, appointments" in page


def test_format_value_by_format():
    # Expected strings written by hand from the format rules.
    assert format_value(0.253, "percent") == "25.3%"
    assert format_value(1234.5, "currency") == "1,234.50"
    assert format_value(77.087, "score") == "77.1"
    assert format_value(float("nan"), "percent") == "n/a"
    assert format_value(None) == "n/a"


def _money_batch(tmp_path: Path) -> ReportBatch:
    stores = []
    for store_id, currency, value in (("CN1", "CNY", 1653.5), ("US1", "USD", 412.0)):
        row = {
            "kpi": "avg_cp_ro_value",
            "label": "Average customer-pay RO value",
            "value": value,
            "n": 100,
            "flag": "no evidence",
            "available": True,
            "format": "currency",
        }
        summary = {
            **_summary(store_id),
            "currency": currency,
            "scorecard": [row],
            "kpis": {"avg_cp_ro_value": row},
        }
        stores.append(
            StoreReport(
                notebook=tmp_path / f"{store_id}.ipynb",
                html=tmp_path / f"{store_id}.html",
                store_id=store_id,
                summary=summary,
            )
        )
    parameters = {"language": "en", "comeback_window_days": 30, "period": ""}
    return ReportBatch(tmp_path, tmp_path / "data", parameters, stores)


def test_index_money_has_currency(tmp_path):
    page = render_index(_money_batch(tmp_path))

    assert "1,653.50 CNY" in page
    assert "412.00 USD" in page


def test_index_settings_listed_once(tmp_path):
    batch = _money_batch(tmp_path)
    batch.parameters["same_visit_hours"] = 12.0
    batch.stores[0].summary["settings"] = {
        "comeback_window_days": 30,
        "same_visit_hours": 12.0,
    }
    page = render_index(batch)

    assert page.count("<th>comeback_window_days</th>") == 1
    assert page.count("<th>same_visit_hours</th>") == 1


def test_index_shows_period_used(tmp_path):
    # The batch ran with the default (empty) period; the notebooks resolved it.
    page = render_index(_money_batch(tmp_path))

    assert "Period: 2025-01:2025-12" in page


def test_scorecard_table_source_in_chinese():
    import pandas as pd

    from kpitools.reports.display import scorecard_table
    from kpitools.stats.compare import PEER_SOURCE

    card = pd.DataFrame(
        {
            "kpi": ["nps"],
            "label": ["净推荐值"],
            "value": [72.9],
            "n": [1771],
            "ci_low": [70.5],
            "ci_high": [75.3],
            "benchmark": [72.2],
            "benchmark_source": [PEER_SOURCE],
            "flag": ["worse"],
            "format": ["score"],
        }
    )
    table = scorecard_table(card, "zh")

    assert table.iloc[0].tolist()[-2] == "同业网络（数据中所有门店合并）"
    assert not any("peer" in str(value) for value in table.iloc[0])


def _rootcause_batch(tmp_path: Path, language: str) -> ReportBatch:
    from kpitools.reports import NotebookOutcome

    batch = _batch(tmp_path)
    batch.rootcause_requested = True
    store = batch.stores[0]
    store.summary["rootcause_reason"] = (
        "Comeback rate (candidate) 12.5% flagged worse than the benchmark 5.0%"
    )
    store.rootcause = NotebookOutcome(
        notebook=tmp_path / "rootcause" / "S1.ipynb",
        html=tmp_path / "rootcause" / "S1.html",
    )
    return batch


def test_index_shows_rootcause_reason(tmp_path):
    page = render_index(_rootcause_batch(tmp_path, "en"))

    assert 'href="rootcause/S1.html"' in page
    assert (
        "Chosen because: Comeback rate (candidate) 12.5% flagged worse than "
        "the benchmark 5.0%" in page
    )


def test_index_shows_rootcause_reason_in_chinese(tmp_path):
    page = render_index(_rootcause_batch(tmp_path, "zh"), language="zh")

    assert "选择原因: Comeback rate (candidate) 12.5%" in page


def test_every_flag_has_mark_and_label():
    # A flag the statistics can return but the pages do not know would show
    # as a bare value with no mark and an English word on a Chinese page.
    from kpitools.reports import display, index
    from kpitools.stats import FLAGS

    assert set(FLAGS) <= set(index._FLAG_MARK)
    assert set(FLAGS) <= set(display._FLAGS["zh"])
