"""Tests for retention and churn on data shorter than their windows."""

import pandas as pd

from kpitools.kpis import KpiSettings, compute_kpis
from kpitools.tables import ServiceData


def test_short_history_warns_and_withholds_churn():
    # Two visits of one vehicle, 13 months of data: enough for the 12-month
    # churn threshold but short of the 24-month service base, so both KPIs
    # carry the caveat. With the threshold raised past the data, churn is
    # withheld. Worked by hand from the dates below.
    orders = pd.DataFrame(
        {
            "store_id": ["S1", "S1"],
            "ro_number": ["1", "2"],
            "advisor_id": ["A", "A"],
            "vin": ["V1", "V1"],
            "pay_type": ["customer_pay", "customer_pay"],
            "opened_at": pd.to_datetime(["2024-01-10", "2025-01-10"]),
        }
    )
    data = ServiceData({"repair_orders": orders})
    table = compute_kpis(data, kpis=["retention_rate", "churn_rate"], period="2025-01")
    for kpi in ("retention_rate", "churn_rate"):
        row = table[table["kpi"] == kpi].iloc[0]
        assert bool(row["available"])
        assert "fewer than the 24-month service base" in row["reason"]

    strict = KpiSettings(churn_threshold_months=18)
    table = compute_kpis(data, kpis=["churn_rate"], period="2025-01", settings=strict)
    row = table.iloc[0]
    assert not bool(row["available"])
    assert "18-month churn threshold" in row["reason"]
