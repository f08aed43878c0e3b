"""Tests of the synthetic dealer group generator and the bundled sample."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpitools.cli import main
from kpitools.paths import SAMPLE_DATA_DIR
from kpitools.sample import (
    BUNDLED_SAMPLE_OPTIONS,
    PLANTED_EFFECTS,
    generate_sample,
    vin_check_digit,
)
from kpitools.schemas import TABLE_NAMES, validate_table
from kpitools.tables import ServiceData, load_data


@pytest.fixture(scope="module")
def bundled() -> ServiceData:
    return load_data(SAMPLE_DATA_DIR)


@pytest.fixture(scope="module")
def small() -> ServiceData:
    return generate_sample(seed=7, n_repair_orders=3_000)


def comeback_candidates(data: ServiceData) -> pd.DataFrame:
    """Flag ROs followed by the same VIN within 30 days in the same system group."""
    orders = data.get("repair_orders")
    lines = data.get("ro_lines")
    main_lines = lines[lines["line_number"] == "1"]
    orders = orders.merge(
        main_lines[["store_id", "ro_number", "system_group"]],
        on=["store_id", "ro_number"],
    ).sort_values(["vin", "opened_at"])
    following = orders.groupby("vin")[["opened_at", "system_group"]].shift(-1)
    days = (following["opened_at"] - orders["opened_at"]).dt.days
    same_group = following["system_group"] == orders["system_group"]
    return orders.assign(is_candidate=(days <= 30) & same_group)


def test_same_seed_same_tables(small: ServiceData) -> None:
    again = generate_sample(seed=7, n_repair_orders=3_000)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(small.get(name), again.get(name))


def test_other_seed_other_tables(small: ServiceData) -> None:
    other = generate_sample(seed=8, n_repair_orders=3_000)
    assert not small.get("repair_orders")["vin"].equals(
        other.get("repair_orders")["vin"]
    )


def test_every_table_valid(small: ServiceData) -> None:
    for name in TABLE_NAMES:
        table = small.get(name)
        assert len(table) > 0, name
        validate_table(name, table)


def test_exact_ro_count(small: ServiceData) -> None:
    orders = small.get("repair_orders")
    assert len(orders) == 3_000
    assert not orders.duplicated(["store_id", "ro_number"]).any()


def test_group_shape(bundled: ServiceData) -> None:
    stores = bundled.get("stores")
    lines = bundled.get("ro_lines")
    orders = bundled.get("repair_orders")
    assert len(stores) == 6
    assert stores["n_advisors"].sum() == 36
    assert orders["advisor_id"].nunique() == 36
    assert lines["technician_id"].nunique() == 60
    assert set(stores["currency"]) == {"CNY", "USD"}
    months = orders["opened_at"].dt.to_period("M")
    assert months.nunique() == 24


def test_us_store_in_miles(bundled: ServiceData) -> None:
    stores = bundled.get("stores").set_index("store_id")
    orders = bundled.get("repair_orders")
    us_stores = stores.index[stores["country"] == "US"]
    unit = orders.groupby("store_id")["mileage_unit"].unique()
    assert all(list(unit[store]) == ["mi"] for store in us_stores)
    assert all(list(unit[store]) == ["km"] for store in stores.index[:5])


def test_vins_well_formed(bundled: ServiceData) -> None:
    vins = bundled.get("repair_orders")["vin"].unique()
    assert (pd.Series(vins).str.len() == 17).all()
    assert not pd.Series(vins).str.contains("[IOQ]").any()
    check = np.array([vin[8] for vin in vins])
    assert (vin_check_digit(vins) == check).all()


def test_vin_check_digit_reference() -> None:
    # Worked example of the 49 CFR 565 check digit: 1M8GDM9AXKP042788 has X.
    assert list(vin_check_digit(np.array(["1M8GDM9AXKP042788"]))) == ["X"]


def test_times_in_order(bundled: ServiceData) -> None:
    orders = bundled.get("repair_orders")
    assert (orders["completed_at"] > orders["opened_at"]).all()
    assert (orders["closed_at"] >= orders["completed_at"]).all()
    assert (orders["delivered_at"] >= orders["closed_at"]).all()
    on_time = (orders["completed_at"] <= orders["promised_at"]).mean()
    assert 0.85 < on_time < 0.97


def test_realistic_mix(bundled: ServiceData) -> None:
    orders = bundled.get("repair_orders")
    surveys = bundled.get("surveys")
    pay_share = orders["pay_type"].value_counts(normalize=True)
    assert 0.6 < pay_share["customer_pay"] < 0.75
    assert 0.12 < pay_share["warranty"] < 0.25
    response = surveys["answered_at"].notna().mean()
    assert 0.25 < response < 0.35
    candidates = comeback_candidates(bundled)["is_candidate"].mean()
    assert 0.03 < candidates < 0.05


def test_lunar_new_year_dip(bundled: ServiceData) -> None:
    orders = bundled.get("repair_orders")
    china = orders[orders["mileage_unit"] == "km"]
    per_day = china.groupby(china["opened_at"].dt.normalize()).size()
    # Lunar New Year's Day 2024 was 10 February; the holiday week is quiet.
    holiday = per_day["2024-02-10":"2024-02-16"].mean()
    assert holiday < 0.5 * per_day["2024-03"].mean()


def test_appointment_statuses(bundled: ServiceData) -> None:
    appointments = bundled.get("appointments")
    statuses = set(appointments["status"])
    assert statuses == {"arrived", "cancelled", "no_show", "rescheduled", "booked"}
    cancelled = appointments[appointments["status"] == "cancelled"]
    notice = cancelled["slot_at"] - cancelled["cancelled_at"]
    assert (notice > pd.Timedelta(0)).all()
    assert (notice < pd.Timedelta("24h")).any()
    assert (notice > pd.Timedelta("24h")).any()
    assert (cancelled["cancelled_at"] >= cancelled["booked_at"]).all()
    orders = bundled.get("repair_orders")
    linked = orders["appointment_id"].dropna()
    assert linked.isin(appointments["appointment_id"]).all()


def test_planted_comeback_found(bundled: ServiceData) -> None:
    effect = PLANTED_EFFECTS["comeback"]
    orders = comeback_candidates(bundled)
    store = orders[orders["store_id"] == effect["store_id"]]
    in_group = store["system_group"] == effect["system_group"]
    by_planted = store["technician_id"] == effect["technician_id"]
    planted_rate = store.loc[in_group & by_planted, "is_candidate"].mean()
    colleagues_rate = store.loc[in_group & ~by_planted, "is_candidate"].mean()
    other_groups_rate = store.loc[by_planted & ~in_group, "is_candidate"].mean()
    assert planted_rate > 3 * colleagues_rate
    assert other_groups_rate < 2 * store.loc[~in_group, "is_candidate"].mean()
    # The planted technician is the main electrical technician (70 % share).
    assert 0.6 < by_planted[in_group].mean() < 0.8


def test_planted_store_above_peers(bundled: ServiceData) -> None:
    from kpitools.kpis import compute_kpis
    from kpitools.stats import funnel_table

    effect = PLANTED_EFFECTS["comeback"]
    rates = compute_kpis(bundled, kpis=["comeback_candidate_rate"])
    funnel = funnel_table(rates["numerator"], rates["denominator"], rates["store_id"])
    position = funnel.table.set_index("group")["position_95"]
    assert position[effect["store_id"]] == "above"
    assert (position.drop(effect["store_id"]) != "above").all()


def test_planted_no_show_found(bundled: ServiceData) -> None:
    effect = PLANTED_EFFECTS["no_show"]
    appointments = bundled.get("appointments")
    due = appointments[appointments["status"].isin(["arrived", "no_show"])]
    no_show = (due["status"] == "no_show").groupby(due["advisor_id"]).mean()
    assert no_show[effect["advisor_id"]] > 0.25
    assert no_show.drop(effect["advisor_id"]).max() < 0.15


def test_planted_satisfaction_drop(bundled: ServiceData) -> None:
    effect = PLANTED_EFFECTS["satisfaction_drop"]
    surveys = bundled.get("surveys").dropna(subset=["overall_score"])
    orders = bundled.get("repair_orders")[["store_id", "ro_number", "opened_at"]]
    surveys = surveys.merge(orders, on=["store_id", "ro_number"])
    after = surveys["opened_at"] >= pd.Timestamp(f"{effect['from_month']}-01")
    store = surveys["store_id"] == effect["store_id"]
    top_box = surveys["is_top_box"].astype(float)
    drop = top_box[store & ~after].mean() - top_box[store & after].mean()
    peers_drop = top_box[~store & ~after].mean() - top_box[~store & after].mean()
    assert 0.10 < drop < 0.20
    assert abs(peers_drop) < 0.03


def test_no_planted_effects() -> None:
    data = generate_sample(seed=11, n_repair_orders=20_000, planted_effects=False)
    appointments = data.get("appointments")
    due = appointments[appointments["status"].isin(["arrived", "no_show"])]
    no_show = (due["status"] == "no_show").groupby(due["advisor_id"]).mean()
    assert no_show.max() < 0.18
    orders = comeback_candidates(data)
    effect = PLANTED_EFFECTS["comeback"]
    store = orders[orders["store_id"] == effect["store_id"]]
    electrical = store[store["system_group"] == effect["system_group"]]
    by_technician = electrical.groupby("technician_id")["is_candidate"].sum()
    assert by_technician[effect["technician_id"]] < 3 * by_technician.median() + 3


def test_small_run_fast() -> None:
    started = time.perf_counter()
    generate_sample(seed=3, n_stores=6, n_repair_orders=2_000, planted_effects=False)
    # About 0.4 s on a two-core machine; the bound leaves room for a slow runner.
    assert time.perf_counter() - started < 3.0


def test_many_stores() -> None:
    data = generate_sample(seed=5, n_stores=120, n_repair_orders=6_000)
    stores = data.get("stores")
    assert len(stores) == 120
    assert stores["store_id"].is_unique
    assert data.get("repair_orders")["store_id"].nunique() == 120


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="start must be a month"):
        generate_sample(start="2024/01", n_repair_orders=100)
    with pytest.raises(ValueError, match="n_repair_orders must be at least 10"):
        generate_sample(n_repair_orders=5)


def test_bundled_sample_reproduced(bundled: ServiceData) -> None:
    regenerated = generate_sample(**BUNDLED_SAMPLE_OPTIONS)
    expected = validate_table("repair_orders", regenerated.get("repair_orders"))
    pd.testing.assert_frame_equal(bundled.get("repair_orders"), expected)


def test_cli_writes_folder(tmp_path: Path) -> None:
    out = tmp_path / "group"
    code = main(
        ["sample", "--out", str(out), "--seed", "2", "--repair-orders", "1500"]
        + ["--months", "6", "--start", "2025-01", "--no-planted-effects"]
    )
    assert code == 0
    data = load_data(out)
    orders = data.get("repair_orders")
    assert len(orders) == 1_500
    assert orders["opened_at"].min() >= pd.Timestamp("2025-01-01")
    assert orders["opened_at"].max() < pd.Timestamp("2025-07-01")


def test_cli_bad_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sample", "--out", str(tmp_path), "--start", "January"])
    assert code == 2
    assert "start must be a month" in capsys.readouterr().err
