"""Tests of kpitools.reports.periods: the default period and RO counts."""

import pandas as pd
import pytest

from kpitools.reports import count_repair_orders, resolve_period
from kpitools.tables import ServiceData


@pytest.fixture
def data() -> ServiceData:
    repair_orders = pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S2", "S1"],
            "ro_number": ["1", "2", "3", "4"],
            "opened_at": pd.to_datetime(
                [
                    "2023-11-30 17:00",
                    "2024-06-01 08:00",
                    "2024-06-15 09:00",
                    "2024-12-31 16:00",
                ]
            ),
        }
    )
    return ServiceData({"repair_orders": repair_orders}, source="test")


def test_given_period_returned(data):
    assert resolve_period(data, "2024-06") == "2024-06"
    assert resolve_period(data, " 2024-01:2024-06 ") == "2024-01:2024-06"


def test_default_is_last_twelve_months(data):
    # Latest RO in December 2024, so January to December 2024.
    assert resolve_period(data) == "2024-01:2024-12"


def test_default_starts_at_first_month(data):
    # Twenty-four months back would start before the first RO (2023-11).
    assert resolve_period(data, months=24) == "2023-11:2024-12"


@pytest.mark.parametrize("period", ["2024-13", "2024-6", "24-06", "2024-06:2024"])
def test_invalid_period_rejected(data, period):
    with pytest.raises(ValueError, match="Invalid period"):
        resolve_period(data, period)


def test_reversed_period_rejected(data):
    with pytest.raises(ValueError, match="ends before it starts.*2024-01:2024-06"):
        resolve_period(data, "2024-06:2024-01")


def test_count_repair_orders_in_period(data):
    # Hand count: S1 has ROs in 2024-06 and 2024-12; S2 one in 2024-06.
    assert count_repair_orders(data, "S1", "2024-06:2024-12") == 2
    assert count_repair_orders(data, "S1", "2024-06") == 1
    assert count_repair_orders(data, "S2", "2024-06") == 1
    assert count_repair_orders(data, "S1", "2023-01:2023-10") == 0
