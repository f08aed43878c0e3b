"""Smoke test of the full catalogue on the bundled sample data."""

from __future__ import annotations

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
