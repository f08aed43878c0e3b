"""Cycle time, on-time delivery, retention, churn, follow-up, complaints and
advisor workload on hand-built ROs."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.kpis import KpiSettings

from .conftest import kpi_by, kpi_row, make_data, ro


@pytest.fixture
def delivery_data():
    orders = [
        # delivered after 4 hours, completed before the promise
        ro(
            "R1",
            "2024-01-01 08:00",
            delivered_at=pd.Timestamp("2024-01-01 12:00"),
            promised_at=pd.Timestamp("2024-01-01 12:00"),
            completed_at=pd.Timestamp("2024-01-01 11:00"),
        ),
        # delivered after 1 day, completed late
        ro(
            "R2",
            "2024-01-01 08:00",
            delivered_at=pd.Timestamp("2024-01-02 08:00"),
            promised_at=pd.Timestamp("2024-01-01 17:00"),
            completed_at=pd.Timestamp("2024-01-01 18:00"),
        ),
        # delivered after 3 days, completed exactly on time
        ro(
            "R3",
            "2024-01-01 08:00",
            delivered_at=pd.Timestamp("2024-01-04 08:00"),
            promised_at=pd.Timestamp("2024-01-03 17:00"),
            completed_at=pd.Timestamp("2024-01-03 17:00"),
        ),
        # not delivered, no promise
        ro("R4", "2024-01-01 08:00", completed_at=pd.Timestamp("2024-01-01 10:00")),
    ]
    return make_data(repair_orders=orders)


def test_cycle_time_median_and_p90(delivery_data):
    # days: 1/6, 1, 3
    assert kpi_row(delivery_data, "cycle_time_median")["value"] == pytest.approx(1)
    # linear quantile 0.9 of three values: 1 + 0.8 * (3 - 1)
    assert kpi_row(delivery_data, "cycle_time_p90")["value"] == pytest.approx(2.6)


def test_cycle_time_end_setting(delivery_data):
    settings = KpiSettings(cycle_time_end="completed_at")
    # hours: 3, 10, 57, 2 -> median of days (2/24, 3/24, 10/24, 57/24)
    row = kpi_row(delivery_data, "cycle_time_median", settings)
    assert row["value"] == pytest.approx(6.5 / 24)


def test_on_time_delivery(delivery_data):
    row = kpi_row(delivery_data, "on_time_delivery")
    assert row["numerator"] == 2  # R1, R3
    assert row["denominator"] == 3


def test_on_time_without_promises(delivery_data):
    delivery_data.tables["repair_orders"]["promised_at"] = pd.NaT
    row = kpi_row(delivery_data, "on_time_delivery")
    assert not row["available"]
    assert "promised_at is empty" in row["reason"]


@pytest.fixture
def retention_data():
    cp, wty = "customer_pay", "warranty"
    orders = [
        ro("V1a", "2024-01-10", vin="V1", pay_type=cp, model_year=2022),
        ro("V1b", "2024-06-10", vin="V1", pay_type=cp, model_year=2022),
        ro("V2a", "2024-01-15", vin="V2", pay_type=cp, model_year=2015),
        ro("V2b", "2025-03-01", vin="V2", pay_type=wty, model_year=2015),
        ro("V3a", "2024-01-20", vin="V3", pay_type=wty, model_year=2022),
        ro("V4a", "2024-02-01", vin="V4", pay_type=cp, model_year=2022),
        ro("V4b", "2024-02-20", vin="V4", pay_type=cp, model_year=2022),
        ro("V5a", "2025-06-05", vin="V5", pay_type=cp, model_year=2022),
        ro("V6a", "2025-02-05", vin="V6", pay_type=cp, model_year=2022),
        ro("V6b", "2025-12-05", vin="V6", pay_type=wty, model_year=2022),
        # the last month of the data
        ro("V9a", "2026-01-01", vin="V9", pay_type=cp, model_year=2024),
    ]
    return make_data(repair_orders=orders)


# Worked by hand. At the end of 2026-01 the base (ROs in 2024-02..2026-01) is
# V1 (last 2024-06), V2 (2025-03), V4 (2024-02), V5, V6, V9; V3 (2024-01) has
# dropped out. Customer-pay ROs in 2025-02..2026-01: V5, V6 (2025-02), V9.
# Last RO in 2025-01 or earlier (churned): V1, V4.


def test_retention_at_data_end(retention_data):
    row = kpi_row(retention_data, "retention_rate")
    assert row["denominator"] == 6
    assert row["numerator"] == 3


def test_churn_at_data_end(retention_data):
    assert kpi_row(retention_data, "churn_rate")["value"] == pytest.approx(2 / 6)


def test_retention_for_last_month(retention_data):
    # The look-forward definition had no complete window here (n = 0).
    row = kpi_row(retention_data, "retention_rate", period="2026-01")
    assert row["available"]
    assert row["n"] == 6
    assert row["value"] == pytest.approx(3 / 6)


def test_retention_mid_period(retention_data):
    # End of 2025-06: base (2023-07..2025-06) V1, V2, V3, V4, V5, V6;
    # customer-pay in 2024-07..2025-06: V5, V6; last RO <= 2024-06: V1, V3, V4.
    period = "2025-01:2025-06"
    retention = kpi_row(retention_data, "retention_rate", period=period)
    churn = kpi_row(retention_data, "churn_rate", period=period)
    assert retention["denominator"] == 6
    assert retention["numerator"] == 2
    assert churn["numerator"] == 3


def test_retention_by_month_snapshots(retention_data):
    table = kpi_by(retention_data, "retention_rate", "month")
    # each month is its own snapshot: 2025-06 as above, 2026-01 as at the end
    assert table.loc["2025-06", "numerator"] == 2
    assert table.loc["2025-06", "denominator"] == 6
    assert table.loc["2026-01", "denominator"] == 6
    # end of 2024-01: V1, V2, V3 in the base, V1 and V2 paid
    assert table.loc["2024-01", "numerator"] == 2
    assert table.loc["2024-01", "denominator"] == 3


def test_churn_threshold_setting(retention_data):
    settings = KpiSettings(churn_threshold_months=6)
    # last RO in 2025-07 or earlier: V1, V2 (2025-03), V4, V5 (2025-06)
    assert kpi_row(retention_data, "churn_rate", settings)["value"] == pytest.approx(
        4 / 6
    )


def test_retention_base_setting(retention_data):
    settings = KpiSettings(retention_base_months=13, churn_threshold_months=12)
    # base 2025-01..2026-01: V2, V5, V6, V9; none churned
    retention = kpi_row(retention_data, "retention_rate", settings)
    assert retention["denominator"] == 4
    assert retention["numerator"] == 3
    assert kpi_row(retention_data, "churn_rate", settings)["numerator"] == 0


def test_retention_window_setting(retention_data):
    settings = KpiSettings(retention_window_months=24)
    # customer-pay in 2024-02..2026-01 adds V1 and V4
    assert kpi_row(retention_data, "retention_rate", settings)["numerator"] == 5


def test_churn_threshold_below_base():
    with pytest.raises(ValueError, match="churn_threshold_months"):
        KpiSettings(churn_threshold_months=24, retention_base_months=24)


def test_retention_by_vehicle_age(retention_data):
    table = kpi_by(retention_data, "retention_rate", "vehicle_age")
    # ages in 2026: 2015 car 11 years, 2022 cars 4, the 2024 car 2
    assert table.loc["10+", "denominator"] == 1
    assert table.loc["10+", "numerator"] == 0
    assert table.loc["3-5", "value"] == pytest.approx(2 / 4)
    assert table.loc["0-2", "value"] == pytest.approx(1)


def test_retention_without_pay_type(retention_data):
    retention_data.tables["repair_orders"]["pay_type"] = None
    row = kpi_row(retention_data, "retention_rate")
    assert not row["available"]
    assert "pay_type is empty" in row["reason"]
    assert kpi_row(retention_data, "churn_rate")["available"]


@pytest.fixture
def followup_data():
    orders = [
        ro("R1", "2024-03-01", closed_at=pd.Timestamp("2024-03-01 10:00")),
        ro("R2", "2024-03-02", closed_at=pd.Timestamp("2024-03-02 10:00")),
        ro("R3", "2024-03-03", closed_at=pd.Timestamp("2024-03-03 10:00")),
        ro("R4", "2024-03-04"),
        ro("R5", "2024-04-01"),  # sets the end of the data
    ]
    contacts = [
        ("R1", "2024-03-02 09:00", True),
        ("R2", "2024-03-08 09:00", True),  # six days late
        ("R3", "2024-03-04 10:00", False),
        ("R3", "2024-03-05 10:00", True),
    ]
    followups = [
        {
            "store_id": "S1",
            "ro_number": n,
            "attempted_at": pd.Timestamp(t),
            "is_reached": reached,
        }
        for n, t, reached in contacts
    ]
    return make_data(repair_orders=orders, followups=followups)


def test_followup_completion(followup_data):
    row = kpi_row(followup_data, "followup_completion")
    # closed R1, R2, R3; followed up within 3 days: R1, R3
    assert row["numerator"] == 2
    assert row["denominator"] == 3


def test_followup_reach(followup_data):
    assert kpi_row(followup_data, "followup_reach_rate")["value"] == 1.0


def test_followup_days_setting(followup_data):
    settings = KpiSettings(followup_days=1)
    # within one day: R1 (23 hours) and R3's first, unreached attempt
    assert kpi_row(followup_data, "followup_completion", settings)["numerator"] == 2
    assert kpi_row(followup_data, "followup_reach_rate", settings)["value"] == 0.5


def test_followups_missing(followup_data):
    followup_data.tables["followups"] = None
    assert not kpi_row(followup_data, "followup_completion")["available"]


def test_complaint_rate():
    orders = [
        ro("R1", "2024-01-01", has_complaint=True),
        ro("R2", "2024-01-02", has_complaint=False),
        ro("R3", "2024-01-03", has_complaint=None),
        ro("R4", "2024-01-04", has_complaint=False),
    ]
    row = kpi_row(make_data(repair_orders=orders), "complaint_rate")
    assert row["value"] == pytest.approx(1 / 3)  # R3 has no record


@pytest.fixture
def workload_data():
    orders = [ro(f"A{i}", "2024-01-02 09:00") for i in range(3)]
    orders += [ro("A3", "2024-01-03 09:00")]
    orders += [ro(f"B{i}", "2024-01-02 10:00", advisor_id="B") for i in range(3)]
    orders += [ro("X0", "2024-01-02 11:00", advisor_id=None)]
    return make_data(repair_orders=orders)


def test_ros_per_advisor_day(workload_data):
    row = kpi_row(workload_data, "ros_per_advisor_day")
    # 7 ROs with an advisor over A's 2 days and B's 1 day
    assert row["value"] == pytest.approx(7 / 3)
    table = kpi_by(workload_data, "ros_per_advisor_day", "advisor")
    assert table.loc["A", "value"] == pytest.approx(2)
    assert table.loc["B", "value"] == pytest.approx(3)


def test_ros_per_advisor_day_by_technician(workload_data):
    workload_data.tables["repair_orders"]["technician_id"] = "T1"
    row = kpi_by(workload_data, "ros_per_advisor_day", "technician").iloc[0]
    assert not row["available"]
    assert "cannot be split by technician_id" in row["reason"]
