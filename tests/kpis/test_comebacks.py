"""Comeback candidates and confirmations, revisits, first-time fix.

The fixture (conftest.comeback_data) has these visits; the data ends on
2024-06-01 (R10), so with a 30-day window R1-R9 have a complete window:

    V1: R1 2024-01-01 brakes -> R2 2024-01-20 brakes, flagged (19 days, 500 km)
        -> R3 2024-04-01 engine (72 days)
    V2: R4 2024-01-05 maintenance -> R5 2024-01-15 electrical (10 days, 1000 km)
    V3: R6 2024-02-01 engine -> R7 2024-02-10 maintenance (9 days, 100 km)
    V4: R8 08:00 and R9 09:00 on 2024-02-01: one visit, not a return
    V5: R10 2024-06-01
"""

from __future__ import annotations

import pytest

from kpitools.kpis import KpiSettings, comeback_table, time_to_return_table

from .conftest import kpi_by, kpi_row, make_data, ro


def test_candidate_rate(comeback_data):
    row = kpi_row(comeback_data, "comeback_candidate_rate")
    # only R1 -> R2 shares a system group within 30 days; R1-R9 counted
    assert row["numerator"] == 1
    assert row["denominator"] == 9


def test_confirmed_rate(comeback_data):
    row = kpi_row(comeback_data, "comeback_confirmed_rate")
    assert row["numerator"] == 1  # R2 carries the flag, attributed to R1
    assert row["denominator"] == 9


def test_revisit_rate(comeback_data):
    # R1 (19 days), R4 (10 days), R6 (9 days); R8 -> R9 is the same visit
    assert kpi_row(comeback_data, "revisit_rate")["numerator"] == 3


def test_first_time_fix_excludes_maintenance(comeback_data):
    row = kpi_row(comeback_data, "first_time_fix_rate")
    # repair ROs R1, R2, R3, R5, R6, R8, R9; R1 came back
    assert row["numerator"] == 6
    assert row["denominator"] == 7


def test_first_time_fix_with_maintenance(comeback_data):
    settings = KpiSettings(ftf_exclude_maintenance=False)
    row = kpi_row(comeback_data, "first_time_fix_rate", settings)
    assert row["value"] == pytest.approx(8 / 9)


def test_window_90_days(comeback_data):
    settings = KpiSettings(comeback_window_days=90)
    # complete window: opened by 2024-03-03, so R1, R2, R4-R9 (8 ROs)
    revisit = kpi_row(comeback_data, "revisit_rate", settings)
    assert revisit["denominator"] == 8
    assert revisit["numerator"] == 4  # R1, R2 (72 days), R4, R6
    candidate = kpi_row(comeback_data, "comeback_candidate_rate", settings)
    assert candidate["numerator"] == 1  # R2 -> R3 is engine after brakes


def test_without_full_window_rule(comeback_data):
    settings = KpiSettings(comeback_require_full_window=False)
    row = kpi_row(comeback_data, "comeback_candidate_rate", settings)
    assert row["denominator"] == 10


def test_without_system_group_rule(comeback_data):
    settings = KpiSettings(comeback_same_system_group=False)
    # R1 -> R2 and R4 -> R5; R6 -> R7 returns for maintenance only
    assert kpi_row(comeback_data, "comeback_candidate_rate", settings)["numerator"] == 2
    settings = settings.replace(comeback_include_maintenance_returns=True)
    assert kpi_row(comeback_data, "comeback_candidate_rate", settings)["numerator"] == 3


def test_km_window(comeback_data):
    settings = KpiSettings(comeback_same_system_group=False, comeback_window_km=600)
    # R1 -> R2 is 500 km; R4 -> R5 is 1000 km
    assert kpi_row(comeback_data, "comeback_candidate_rate", settings)["numerator"] == 1
    # revisits within 600 km: R1 (500) and R6 (100)
    assert kpi_row(comeback_data, "revisit_rate", settings)["numerator"] == 2


def test_same_visit_hours(comeback_data):
    settings = KpiSettings(same_visit_hours=0.5)
    # R8 and R9 an hour apart are now two visits: R8 returns for hvac
    row = kpi_row(comeback_data, "comeback_candidate_rate", settings)
    assert row["numerator"] == 2


def test_attributed_to_original_advisor(comeback_data):
    table = kpi_by(comeback_data, "revisit_rate", "advisor")
    assert table.loc["A", "numerator"] == 2  # R1, R4
    assert table.loc["B", "numerator"] == 1  # R6


def test_table_columns_and_flags(comeback_data):
    table = comeback_table(comeback_data).set_index("ro_number")
    assert table.loc["R1", "next_ro_number"] == "R2"
    assert table.loc["R1", "days_to_next_visit"] == pytest.approx(19)
    assert table.loc["R1", "km_to_next_visit"] == pytest.approx(500)
    assert table.loc["R1", "comeback_cause"] == "workmanship"
    assert bool(table.loc["R1", "is_comeback_confirmed"])
    assert not bool(table.loc["R4", "is_comeback_candidate"])
    assert table.loc["R1", "system_group"] == "brakes"
    assert not bool(table.loc["R10", "is_window_complete"])
    assert (
        table.loc["R8", "next_ro_number"] is None
        or table.loc["R8"].isna()["next_ro_number"]
    )


def test_time_to_return_table(comeback_data):
    table = time_to_return_table(comeback_data).set_index("window_days")
    # ROs with 90 days of follow-up: R1, R2, R4-R9 = 8
    assert (table["n_repair_orders"] == 8).all()
    assert table["revisits"].tolist() == [0, 2, 3, 3, 4]
    assert table["comeback_candidates"].tolist() == [0, 0, 1, 1, 1]
    assert table.loc[30, "revisit_rate"] == pytest.approx(3 / 8)


def test_confirmed_unavailable_without_flags(comeback_data):
    orders = comeback_data.tables["repair_orders"]
    orders["is_comeback_flagged"] = None
    orders["comeback_cause"] = None
    row = kpi_row(comeback_data, "comeback_confirmed_rate")
    assert not row["available"]
    assert "is_comeback_flagged" in row["reason"]


def test_candidate_unavailable_without_system_groups(comeback_data):
    comeback_data.tables["ro_lines"] = None
    row = kpi_row(comeback_data, "comeback_candidate_rate")
    assert not row["available"]
    assert "comeback_same_system_group=False" in row["reason"]
    assert kpi_row(comeback_data, "revisit_rate")["available"]


def test_without_vins():
    data = make_data(repair_orders=[ro("R1", "2024-01-01"), ro("R2", "2024-01-02")])
    row = kpi_row(data, "revisit_rate")
    assert not row["available"]
    with pytest.raises(ValueError, match="vin is empty"):
        comeback_table(data)


def test_lines_decide_maintenance_only(comeback_data):
    # R7 is typed maintenance but its line works on the engine, like R6
    lines = comeback_data.tables["ro_lines"]
    lines.loc[lines["ro_number"] == "R7", "system_group"] = "engine"
    assert kpi_row(comeback_data, "comeback_candidate_rate")["numerator"] == 2
    row = kpi_row(comeback_data, "first_time_fix_rate")
    # only R4 is left out; R1 and R6 came back
    assert row["denominator"] == 8
    assert row["numerator"] == 6
