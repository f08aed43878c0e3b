"""Smoke test of the full catalogue on the bundled sample data."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.kpis import REGISTRY, compute_kpis
from kpitools.paths import SAMPLE_DATA_DIR
from kpitools.tables import load_data


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").exists():
        pytest.skip(f"no bundled sample in {SAMPLE_DATA_DIR}")
    return load_data(SAMPLE_DATA_DIR)


def test_every_kpi_available_on_sample(sample):
    table = compute_kpis(sample, by="store")
    missing = table.loc[~table["available"], ["kpi", "reason"]]
    assert missing.empty, missing.to_string()
    proportions = [n for n, d in REGISTRY.items() if d.is_proportion]
    values = table.loc[table["kpi"].isin(proportions), "value"].dropna()
    assert values.between(0, 1).all()


def test_store_subset_matches_group_table(sample):
    """A store's own KPI table equals its rows of the whole group's table.

    ``for_store`` keeps the original row labels, and advisor IDs repeat across
    stores, so this guards both the row alignment (an earlier engine returned
    null store IDs here) and store-dependent state such as the data end.
    """
    keys = ["store_id", "advisor_id", "month", "kpi"]
    by = ("store_id", "advisor_id", "month")
    whole = compute_kpis(sample, by=by)
    columns = [c for c in whole.columns if c not in keys]
    stores = sorted(whole["store_id"].dropna().unique())
    last_subset = sample.for_store(stores[-1]).tables["repair_orders"]
    assert last_subset.index[0] != 0  # the original row labels are kept
    for store in stores:
        subset = sample.for_store(store)
        alone = compute_kpis(subset, by=by).sort_values(keys).reset_index(drop=True)
        expected = (
            whole[whole["store_id"] == store].sort_values(keys).reset_index(drop=True)
        )
        assert alone["store_id"].notna().all(), store
        pd.testing.assert_frame_equal(
            alone[keys + columns], expected[keys + columns], obj=f"store {store}"
        )
