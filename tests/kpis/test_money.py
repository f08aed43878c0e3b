"""Warranty, labour, RO value and upsell KPIs on three hand-built ROs.

Lines (hours, labour sales, labour cost, parts sales, sublet sales):

    R1 customer pay: L1 CP 1.0 h, 100, 30, 150;  L2 warranty 0.5 h, 40, 10, 0
    R2 warranty:     L1 W  2.0 h, 160, 60, 200
    R3 customer pay: L1 CP 0.5 h, 50, 20, 25, sublet 10
"""

from __future__ import annotations

import pytest

from kpitools.kpis import KpiSettings, compute_kpis

from .conftest import kpi_by, kpi_row, line, make_data, ro


@pytest.fixture
def data():
    orders = [
        ro("R1", "2024-05-01", pay_type="customer_pay", has_mpi=True),
        ro("R2", "2024-05-02", pay_type="warranty", has_mpi=True),
        ro("R3", "2024-05-03", pay_type="customer_pay", has_mpi=False),
    ]
    lines = [
        line(
            "R1",
            "1",
            pay_type="customer_pay",
            hours_sold=1.0,
            labor_sales=100.0,
            labor_cost=30.0,
            parts_sales=150.0,
        ),
        line(
            "R1",
            "2",
            pay_type="warranty",
            hours_sold=0.5,
            labor_sales=40.0,
            labor_cost=10.0,
            parts_sales=0.0,
        ),
        line(
            "R2",
            "1",
            pay_type="warranty",
            hours_sold=2.0,
            labor_sales=160.0,
            labor_cost=60.0,
            parts_sales=200.0,
        ),
        line(
            "R3",
            "1",
            pay_type="customer_pay",
            hours_sold=0.5,
            labor_sales=50.0,
            labor_cost=20.0,
            parts_sales=25.0,
            sublet_sales=10.0,
        ),
    ]
    stores = [{"store_id": "S1", "door_labor_rate": 100.0, "currency": "CNY"}]
    recommendations = [
        {
            "store_id": "S1",
            "ro_number": "R1",
            "line_number": "1",
            "amount": 100.0,
            "is_sold": True,
        },
        {
            "store_id": "S1",
            "ro_number": "R1",
            "line_number": "2",
            "amount": 300.0,
            "is_sold": False,
        },
        {
            "store_id": "S1",
            "ro_number": "R2",
            "line_number": "1",
            "amount": 50.0,
            "is_sold": True,
        },
        {
            "store_id": "S1",
            "ro_number": "R2",
            "line_number": "2",
            "amount": 80.0,
            "is_sold": None,
        },
    ]
    claims = [
        {
            "store_id": "S1",
            "claim_id": "c1",
            "ro_number": "R2",
            "status": "paid",
            "is_rejected_first": False,
        },
        {"store_id": "S1", "claim_id": "c2", "ro_number": "R1", "status": "rejected"},
        {
            "store_id": "S1",
            "claim_id": "c3",
            "ro_number": "R2",
            "status": "paid",
            "is_rejected_first": True,
        },
        {"store_id": "S1", "claim_id": "c4", "ro_number": "R2"},
    ]
    return make_data(
        repair_orders=orders,
        ro_lines=lines,
        stores=stores,
        recommendations=recommendations,
        warranty_claims=claims,
    )


def test_hours_per_ro(data):
    assert kpi_row(data, "hours_per_ro")["value"] == pytest.approx(4.0 / 3)


def test_labor_unit_minutes(data):
    settings = KpiSettings(labor_unit_minutes=6)
    # 4 units of 6 minutes = 0.4 hours over 3 ROs
    assert kpi_row(data, "hours_per_ro", settings)["value"] == pytest.approx(0.4 / 3)


def test_effective_labor_rate(data):
    row = kpi_row(data, "effective_labor_rate")
    assert row["value"] == pytest.approx(350 / 4)  # 350 labour over 4 hours
    assert row["n"] == 3  # ROs, not hours


def test_split_by_pay_type(data):
    hours = kpi_by(data, "hours_per_ro", "pay_type")
    # CP: R1 1.0 h + R3 0.5 h over 2 ROs; W: R1 0.5 h + R2 2.0 h over 2 ROs
    assert hours.loc["customer_pay", "value"] == pytest.approx(0.75)
    assert hours.loc["warranty", "value"] == pytest.approx(1.25)
    rate = kpi_by(data, "effective_labor_rate", "pay_type")
    assert rate.loc["customer_pay", "value"] == pytest.approx(150 / 1.5)
    assert rate.loc["warranty", "value"] == pytest.approx(200 / 2.5)


def test_pay_type_split_setting(data):
    settings = KpiSettings(pay_type_split=True)
    table = compute_kpis(
        data, by="store", kpis=["hours_per_ro", "csi_top_box"], settings=settings
    )
    hours = table[table["kpi"] == "hours_per_ro"].set_index("pay_type")
    assert hours.loc["customer_pay", "value"] == pytest.approx(0.75)
    assert table.loc[table["kpi"] == "csi_top_box", "pay_type"].isna().all()


def test_elr_pct_door(data):
    # CP labour 150 over CP hours 1.5 = 100, the door rate
    assert kpi_row(data, "effective_labor_rate_pct_door")["value"] == pytest.approx(1)
    settings = KpiSettings(door_labor_rate=200.0)
    row = kpi_row(data, "effective_labor_rate_pct_door", settings)
    assert row["value"] == pytest.approx(0.5)


def test_elr_pct_door_without_rate(data):
    data.tables["stores"] = None
    row = kpi_row(data, "effective_labor_rate_pct_door")
    assert not row["available"]
    assert "door_labor_rate" in row["reason"]


def test_avg_cp_ro_value(data):
    # R1 CP part 100 + 150; R3 50 + 25 + 10
    assert kpi_row(data, "avg_cp_ro_value")["value"] == pytest.approx(335 / 2)


def test_parts_to_labor(data):
    assert kpi_row(data, "parts_to_labor_ratio")["value"] == pytest.approx(375 / 350)


def test_labor_gross(data):
    # (350 - 120) / 350
    assert kpi_row(data, "labor_gross_pct")["value"] == pytest.approx(230 / 350)


def test_money_from_repair_orders_without_lines(data):
    orders = data.tables["repair_orders"]
    orders["labor_sales"] = [140.0, 160.0, 50.0]
    orders["parts_sales"] = [150.0, 200.0, 25.0]
    data.tables["ro_lines"] = None
    assert kpi_row(data, "parts_to_labor_ratio")["value"] == pytest.approx(375 / 350)
    row = kpi_row(data, "hours_per_ro")
    assert not row["available"]
    assert "no ro_lines table" in row["reason"]


def test_warranty_claim_rate(data):
    # R2 pays warranty; R1 has a warranty line and a claim; R3 has neither
    assert kpi_row(data, "warranty_claim_rate")["value"] == pytest.approx(2 / 3)


def test_warranty_rejection_rate(data):
    row = kpi_row(data, "warranty_rejection_rate")
    # c1 accepted, c2 rejected (status), c3 rejected first (flag); c4 unknown
    assert row["numerator"] == 2
    assert row["denominator"] == 3


def test_upsell_lines_and_amount(data):
    lines = kpi_row(data, "upsell_acceptance_lines")
    assert lines["value"] == pytest.approx(2 / 3)  # sold 2 of 3 decided
    amount = kpi_row(data, "upsell_acceptance_amount")
    assert amount["value"] == pytest.approx(150 / 450)


def test_upsell_by_advisor_through_ro(data):
    data.tables["repair_orders"].loc[1, "advisor_id"] = "B"
    table = kpi_by(data, "upsell_acceptance_lines", "advisor")
    assert table.loc["A", "value"] == pytest.approx(0.5)  # R1: 1 of 2
    assert table.loc["B", "value"] == pytest.approx(1.0)  # R2: 1 of 1


def test_mpi_penetration(data):
    # customer-pay ROs R1 (MPI) and R3 (none)
    assert kpi_row(data, "mpi_penetration")["value"] == pytest.approx(0.5)


def test_mpi_missing_column(data):
    data.tables["repair_orders"]["has_mpi"] = None
    row = kpi_row(data, "mpi_penetration")
    assert not row["available"]
    assert "has_mpi is empty" in row["reason"]
