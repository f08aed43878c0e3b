"""Property-based tests of the engine's invariants on random small groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpitools.kpis import REGISTRY, compute_kpis
from kpitools.schemas import validate_table
from kpitools.tables import ServiceData

RATIO_KPIS = [n for n, d in REGISTRY.items() if d.aggregation == "ratio"]
# Retention and churn are measured at the period end (a stock, not a flow), so
# their monthly snapshots do not add up to the ungrouped value.
SNAPSHOT_KPIS = {"retention_rate", "churn_rate"}
ADDITIVE_KPIS = [n for n in RATIO_KPIS if n not in SNAPSHOT_KPIS]
PROPORTIONS = [n for n, d in REGISTRY.items() if d.is_proportion]
PAY_TYPES = ["customer_pay", "warranty", "internal"]
GROUPS = ["brakes", "engine", "maintenance"]


@st.composite
def dealer_data(draw) -> ServiceData:
    """A random two-store data set with ROs, lines, surveys and appointments."""
    n_orders = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    opened = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        rng.integers(0, 150 * 24, n_orders), unit="h"
    )
    orders = pd.DataFrame(
        {
            "store_id": rng.choice(["S1", "S2"], n_orders),
            "ro_number": [f"R{i}" for i in range(n_orders)],
            "advisor_id": rng.choice(["A", "B", "C"], n_orders),
            "vin": rng.choice([f"V{i}" for i in range(6)], n_orders),
            "opened_at": opened,
            "closed_at": opened + pd.Timedelta(hours=5),
            "delivered_at": opened
            + pd.to_timedelta(rng.integers(1, 60, n_orders), "h"),
            "promised_at": opened + pd.Timedelta(hours=6),
            "completed_at": opened + pd.to_timedelta(rng.integers(1, 9, n_orders), "h"),
            "pay_type": rng.choice(PAY_TYPES, n_orders),
            "ro_type": rng.choice(["repair", "maintenance"], n_orders),
            "has_complaint": rng.random(n_orders) < 0.2,
            "has_mpi": rng.random(n_orders) < 0.5,
            "is_comeback_flagged": rng.random(n_orders) < 0.2,
            "mileage": rng.integers(1000, 90000, n_orders).astype(float),
            "mileage_unit": "km",
            "model_year": rng.integers(2012, 2024, n_orders),
        }
    )
    lines = pd.DataFrame(
        {
            "store_id": orders["store_id"],
            "ro_number": orders["ro_number"],
            "line_number": "1",
            "op_code": "OP",
            "system_group": rng.choice(GROUPS, n_orders),
            "pay_type": rng.choice(PAY_TYPES, n_orders),
            "hours_sold": rng.integers(0, 8, n_orders) / 2,
            "labor_sales": rng.integers(0, 500, n_orders).astype(float),
            "labor_cost": rng.integers(0, 200, n_orders).astype(float),
            "parts_sales": rng.integers(0, 800, n_orders).astype(float),
        }
    )
    answered = rng.random(n_orders) < 0.6
    surveys = pd.DataFrame(
        {
            "store_id": orders["store_id"],
            "survey_id": orders["ro_number"],
            "ro_number": orders["ro_number"],
            "advisor_id": orders["advisor_id"],
            "answered_at": opened.where(answered) + pd.Timedelta(days=2),
            "overall_score": np.where(answered, rng.integers(1, 11, n_orders), np.nan),
            "score_scale": 10,
            "recommend_score": pd.Series(
                rng.integers(0, 11, n_orders), dtype="Int64"
            ).where(answered),
        }
    )
    statuses = rng.choice(["arrived", "no_show", "cancelled"], n_orders)
    appointments = pd.DataFrame(
        {
            "store_id": orders["store_id"],
            "appointment_id": orders["ro_number"] + "a",
            "advisor_id": orders["advisor_id"],
            "slot_at": opened,
            "status": statuses,
            "cancelled_at": opened
            - pd.to_timedelta(rng.integers(1, 48, n_orders), "h"),
            "service_started_at": opened + pd.Timedelta(minutes=5),
            "ro_number": orders["ro_number"].where(statuses == "arrived"),
        }
    )
    tables = {
        "repair_orders": orders,
        "ro_lines": lines,
        "surveys": surveys,
        "appointments": appointments,
    }
    return ServiceData({k: validate_table(k, v) for k, v in tables.items()})


def _shuffled(data: ServiceData, seed: int) -> ServiceData:
    tables = {
        name: None
        if table is None
        else table.sample(frac=1, random_state=seed).reset_index(drop=True)
        for name, table in data.tables.items()
    }
    return ServiceData(tables)


SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(dealer_data())
def test_rates_stay_in_unit_interval(data):
    table = compute_kpis(data, by="store,advisor,month", kpis=PROPORTIONS)
    values = table["value"].dropna()
    assert ((values >= 0) & (values <= 1)).all()


@SETTINGS
@given(dealer_data(), st.integers(0, 1000))
def test_row_order_changes_nothing(data, seed):
    keys = ["store_id", "advisor_id", "month", "kpi"]
    before = compute_kpis(data, by="store,advisor,month").sort_values(keys)
    after = compute_kpis(_shuffled(data, seed), by="store,advisor,month")
    after = after.sort_values(keys)
    pd.testing.assert_frame_equal(
        before.reset_index(drop=True), after.reset_index(drop=True)
    )


@SETTINGS
@given(dealer_data())
def test_groups_add_up_for_ratios(data):
    grouped = compute_kpis(data, by="store,advisor,month", kpis=ADDITIVE_KPIS)
    total = compute_kpis(data, by=(), kpis=ADDITIVE_KPIS).set_index("kpi")
    sums = grouped.groupby("kpi")[["numerator", "denominator"]].sum(min_count=1)
    for name in ADDITIVE_KPIS:
        if not total.loc[name, "available"]:
            continue
        assert sums.loc[name, "numerator"] == pytest.approx(
            total.loc[name, "numerator"]
        ), name
        assert sums.loc[name, "denominator"] == pytest.approx(
            total.loc[name, "denominator"]
        ), name
