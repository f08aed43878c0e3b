"""Tests for reading and writing a data folder of canonical tables."""

import json

import pandas as pd
import pytest

from kpitools.exceptions import DataValidationError
from kpitools.tables import ServiceData, load_data, write_data


@pytest.fixture
def small_data():
    repair_orders = pd.DataFrame(
        {
            "store_id": ["S01", "S01", "S02"],
            "ro_number": ["0001", "0002", "0001"],
            "advisor_id": ["A1", "A2", "B1"],
            "opened_at": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-02-01"]),
            "labor_sales": [100.0, 250.5, 80.0],
        }
    )
    return ServiceData({"repair_orders": repair_orders}, import_summary={"rows": 3})


def test_round_trip_keeps_values(tmp_path, small_data):
    write_data(small_data, tmp_path)
    loaded = load_data(tmp_path)
    assert loaded.get("repair_orders")["ro_number"].tolist() == ["0001", "0002", "0001"]
    assert loaded.get("repair_orders")["labor_sales"].sum() == pytest.approx(430.5)
    assert loaded.import_summary == {"rows": 3}


def test_absent_tables_stay_none(tmp_path, small_data):
    write_data(small_data, tmp_path)
    loaded = load_data(tmp_path)
    assert loaded.has("repair_orders")
    assert not loaded.has("surveys")
    assert not (tmp_path / "surveys.parquet").exists()
    with pytest.raises(KeyError, match="no surveys table"):
        loaded.get("surveys")


def test_for_store_filters_every_table(small_data):
    one = small_data.for_store("S02")
    assert one.get("repair_orders")["store_id"].tolist() == ["S02"]
    assert small_data.store_ids == ["S01", "S02"]


def test_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="kpitools import"):
        load_data(tmp_path / "nowhere")


def test_folder_without_repair_orders(tmp_path):
    with pytest.raises(FileNotFoundError, match="repair_orders"):
        load_data(tmp_path)


def test_canonical_csv_read_as_text(tmp_path):
    (tmp_path / "repair_orders.csv").write_text(
        "store_id,ro_number,advisor_id,opened_at,has_mpi\n"
        "S01,007,034,2024-06-01T08:00:00,true\n",
        encoding="utf-8",
    )
    loaded = load_data(tmp_path)
    row = loaded.get("repair_orders").iloc[0]
    assert row["ro_number"] == "007"
    assert row["advisor_id"] == "034"
    assert bool(row["has_mpi"]) is True


def test_invalid_parquet_names_file(tmp_path):
    bad = pd.DataFrame(
        {
            "store_id": ["S01"],
            "ro_number": ["1"],
            "advisor_id": ["A"],
            "opened_at": pd.to_datetime(["2024-01-01"]),
            "pay_type": ["cash"],
        }
    )
    bad.to_parquet(tmp_path / "repair_orders.parquet")
    with pytest.raises(DataValidationError, match="repair_orders.parquet"):
        load_data(tmp_path)


def test_import_summary_written_as_json(tmp_path, small_data):
    write_data(small_data, tmp_path)
    summary = json.loads((tmp_path / "import_summary.json").read_text(encoding="utf-8"))
    assert summary == {"rows": 3}


def _two_store_data():
    repair_orders = pd.DataFrame(
        {
            "store_id": ["S01", "S01", "S02"],
            "ro_number": ["0001", "0002", "0001"],
            "advisor_id": ["A1", "A2", "B1"],
            "opened_at": pd.to_datetime(
                ["2024-01-05 09:00", "2024-01-06 10:00", "2024-02-01 15:30"]
            ),
        }
    )
    lines = pd.DataFrame(
        {
            "store_id": ["S01", "S02"],
            "ro_number": ["0001", "0001"],
            "line_number": ["A", "A"],
            "op_code": ["OIL", "BRAKE"],
        }
    )
    return ServiceData({"repair_orders": repair_orders, "ro_lines": lines})


def test_store_filtered_read_matches_filter(tmp_path):
    write_data(_two_store_data(), tmp_path)
    whole = load_data(tmp_path).filter(["S01"])
    alone = load_data(tmp_path, store_ids=["S01"])
    for name in ("repair_orders", "ro_lines"):
        pd.testing.assert_frame_equal(
            alone.get(name).reset_index(drop=True),
            whole.get(name).reset_index(drop=True),
        )
    assert alone.get("repair_orders")["store_id"].unique().tolist() == ["S01"]


def test_data_end_is_the_folder_end(tmp_path):
    # S01's last RO is on 6 January but the folder runs to 1 February, so a
    # store read alone must still see 2 February 00:00 as the end of the data.
    write_data(_two_store_data(), tmp_path)
    expected = pd.Timestamp("2024-02-02")
    assert load_data(tmp_path).data_end == expected
    assert load_data(tmp_path, store_ids=["S01"]).data_end == expected
    assert load_data(tmp_path).for_store("S01").data_end == expected
