"""Tests of kpitools.reports.peers: the batch's peer KPI table."""

import warnings

import pandas as pd
import pytest

from kpitools.benchmarks import load_benchmarks
from kpitools.exceptions import KpiToolsWarning, ReportError
from kpitools.kpis import KpiSettings, compute_kpis
from kpitools.paths import SAMPLE_DATA_DIR
from kpitools.reports import (
    compute_peer_kpis,
    load_store_data,
    load_store_report_data,
    read_peer_kpis,
    write_peer_kpis,
)
from kpitools.stats import scorecard
from kpitools.tables import load_data

PERIOD = "2025-07:2025-12"


@pytest.fixture(scope="module")
def group():
    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").is_file():
        pytest.skip(f"the bundled sample data is missing from {SAMPLE_DATA_DIR}")
    return load_data(SAMPLE_DATA_DIR)


@pytest.fixture(scope="module")
def peer_file(group, tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "peer_kpis.parquet"
    return write_peer_kpis(compute_peer_kpis(group, PERIOD), path, period=PERIOD)


def _card(report_data):
    store_kpis = compute_kpis(
        report_data.data, by=("store_id",), period=report_data.period
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KpiToolsWarning)
        return scorecard(
            store_kpis,
            load_benchmarks(),
            store_id="S03",
            peer_table=report_data.peer_kpis,
        )


def test_store_data_read_filtered(group):
    store = load_store_data(SAMPLE_DATA_DIR, "S03")

    for name, table in store.tables.items():
        expected = group.for_store("S03").tables[name]
        assert (table is None) == (expected is None), name
        if table is not None:
            assert len(table) > 0, name
            pd.testing.assert_frame_equal(
                table.reset_index(drop=True), expected.reset_index(drop=True)
            )


def test_scorecard_same_with_peer_file(peer_file):
    # The same scorecard whether the notebook computes the peers or reads
    # the batch's file: every column, every KPI.
    computed = load_store_report_data(SAMPLE_DATA_DIR, "S03", period=PERIOD)
    from_file = load_store_report_data(SAMPLE_DATA_DIR, "S03", peer_kpis_file=peer_file)

    assert from_file.period == PERIOD
    assert list(from_file.data.store_ids) == ["S03"]
    pd.testing.assert_frame_equal(_card(computed), _card(from_file))


def test_scorecard_same_as_group_table(group, peer_file):
    # The former notebook passed the whole group's table as kpi_table.
    group_kpis = compute_kpis(group, by=("store_id",), period=PERIOD)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KpiToolsWarning)
        expected = scorecard(group_kpis, load_benchmarks(), store_id="S03")
    from_file = load_store_report_data(SAMPLE_DATA_DIR, "S03", peer_kpis_file=peer_file)

    pd.testing.assert_frame_equal(_card(from_file), expected)


def test_peer_file_other_period_rejected(peer_file):
    with pytest.raises(ReportError, match=r"is for period '2025-07:2025-12'"):
        read_peer_kpis(peer_file, period="2025-01:2025-12")


def test_peer_file_other_settings_rejected(peer_file):
    settings = KpiSettings(comeback_window_days=14)
    with pytest.raises(ReportError, match=r"other KPI settings \(comeback_window"):
        read_peer_kpis(peer_file, settings=settings)


def test_peer_file_missing_rejected(tmp_path):
    with pytest.raises(ReportError, match=r"does not exist"):
        read_peer_kpis(tmp_path / "peer_kpis.parquet")


def test_plain_parquet_rejected(tmp_path):
    path = tmp_path / "peer_kpis.parquet"
    pd.DataFrame({"store_id": ["S01"]}).to_parquet(path)

    with pytest.raises(ReportError, match=r"records no period or settings"):
        read_peer_kpis(path)
