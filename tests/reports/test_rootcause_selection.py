"""Which stores get a root-cause study: scorecard flag or peer funnel."""

from pathlib import Path

import pytest

from kpitools.paths import SAMPLE_DATA_DIR
from kpitools.reports.batch import ReportBatch, StoreReport, _select_rootcause_stores

PERIOD = "2025-01:2025-12"


def store(store_id: str, flag: str, value: float = 0.03) -> StoreReport:
    row = {
        "kpi": "comeback_candidate_rate",
        "label": "Comeback candidate rate",
        "value": value,
        "benchmark": 0.05,
        "flag": flag,
        "available": True,
    }
    summary = {"period": PERIOD, "kpis": {row["kpi"]: row}}
    return StoreReport(
        html=Path(f"{store_id}.html"), store_id=store_id, summary=summary
    )


@pytest.fixture
def batch() -> ReportBatch:
    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").is_file():
        pytest.skip(f"the bundled sample data is missing from {SAMPLE_DATA_DIR}")
    stores = [store(f"S0{i}", "no evidence") for i in range(1, 7)]
    return ReportBatch(
        Path("out"), SAMPLE_DATA_DIR, {"comeback_window_days": 30}, stores
    )


def test_funnel_outlier_chosen(batch: ReportBatch) -> None:
    # In the sample only the planted store S03 lies above the 95% funnel limit
    # of the six stores' comeback candidate rates (data/sample/README.md).
    chosen = _select_rootcause_stores(batch)
    assert [report.store_id for report in chosen] == ["S03"]
    reason = chosen[0].summary["rootcause_reason"]
    assert "above the peer network's 95% funnel limit" in reason
    assert "benchmark" not in reason


def test_scorecard_flag_chosen(batch: ReportBatch) -> None:
    batch.stores[0] = store("S01", "worse", 0.062)
    chosen = {report.store_id: report for report in _select_rootcause_stores(batch)}
    assert set(chosen) == {"S01", "S03"}
    assert chosen["S01"].summary["rootcause_reason"] == (
        "Comeback candidate rate 6.2% flagged worse than the benchmark 5.0%"
    )


def test_failed_report_not_chosen(batch: ReportBatch) -> None:
    batch.stores[2].error = "CellExecutionError: boom"
    assert _select_rootcause_stores(batch) == []


def test_only_stores_in_batch_chosen(batch: ReportBatch) -> None:
    # The funnel uses every store of the data folder; only the batch's stores
    # can be chosen.
    batch.stores = [report for report in batch.stores if report.store_id != "S03"]
    assert _select_rootcause_stores(batch) == []
