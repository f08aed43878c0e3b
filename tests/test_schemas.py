"""Tests for the canonical table schemas."""

import pandas as pd
import pytest

from kpitools.exceptions import DataValidationError
from kpitools.schemas import TABLE_NAMES, TABLE_SCHEMAS, empty_table, validate_table


def _repair_orders(**columns):
    base = {
        "store_id": ["S01", "S01"],
        "ro_number": ["000123", "000124"],
        "advisor_id": ["034", None],
        "opened_at": pd.to_datetime(["2024-06-01 08:30", "2024-06-02 09:00"]),
    }
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_empty_table_has_every_column(name):
    table = empty_table(name)
    assert list(table.columns) == TABLE_SCHEMAS[name].columns
    assert len(table) == 0


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_has_store_and_key(name):
    spec = TABLE_SCHEMAS[name]
    assert "store_id" in spec.columns
    assert set(spec.key) <= set(spec.columns)


def test_ids_keep_leading_zeros():
    validated = validate_table("repair_orders", _repair_orders())
    assert validated["ro_number"].tolist() == ["000123", "000124"]
    assert validated["advisor_id"].iloc[0] == "034"


def test_missing_optional_columns_added_as_null():
    validated = validate_table("repair_orders", _repair_orders())
    assert "labor_sales" in validated.columns
    assert validated["labor_sales"].isna().all()
    assert str(validated["promised_at"].dtype).startswith("datetime64")


def test_missing_required_column_names_it():
    table = _repair_orders().drop(columns=["opened_at"])
    with pytest.raises(DataValidationError, match="missing required.*opened_at"):
        validate_table("repair_orders", table, source="orders.csv")


def test_failures_collected_in_one_message():
    table = _repair_orders(pay_type=["cash", "warranty"], mileage=[-5.0, 100.0])
    with pytest.raises(DataValidationError) as caught:
        validate_table("repair_orders", table, source="orders.csv")
    message = str(caught.value)
    assert "orders.csv" in message
    assert "'pay_type'" in message
    assert "'cash'" in message
    assert "'mileage'" in message
    assert "-5.0" in message


def test_duplicate_key_rejected():
    table = _repair_orders(ro_number=["000123", "000123"])
    with pytest.raises(DataValidationError, match="ro_number"):
        validate_table("repair_orders", table)


def test_unknown_table_name_lists_tables():
    with pytest.raises(KeyError, match="repair_orders"):
        empty_table("orders")
