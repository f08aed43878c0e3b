"""Small hand-built dealer data for the KPI tests.

Every expected number in the tests is worked out by hand from these tables;
the comment beside each assertion shows the arithmetic.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.kpis import KpiSettings, compute_kpis
from kpitools.schemas import validate_table
from kpitools.tables import ServiceData


def make_data(**tables: list[dict]) -> ServiceData:
    """Build validated canonical tables from lists of row dicts."""
    frames = {
        name: validate_table(name, pd.DataFrame(rows)) for name, rows in tables.items()
    }
    return ServiceData(frames, source="hand-built test data")


def kpi_row(
    data: ServiceData, name: str, settings: KpiSettings | None = None, **kwargs
) -> pd.Series:
    """The single ungrouped row of KPI ``name``."""
    table = compute_kpis(data, by=(), kpis=[name], settings=settings, **kwargs)
    assert len(table) == 1
    return table.iloc[0]


def kpi_by(
    data: ServiceData, name: str, by: str, settings: KpiSettings | None = None
) -> pd.DataFrame:
    """KPI ``name`` grouped by ``by``, indexed by the group key(s)."""
    table = compute_kpis(data, by=by, kpis=[name], settings=settings)
    keys = [c for c in table.columns if c not in _RESULT]
    return table.set_index(keys)


_RESULT = {
    "kpi",
    "numerator",
    "denominator",
    "value",
    "n",
    "std",
    "available",
    "reason",
    "promoters",
    "detractors",
}


def ro(number: str, opened: str, **fields) -> dict:
    """One repair-order row in store S1 unless ``store_id`` is given."""
    return {
        "store_id": "S1",
        "ro_number": number,
        "advisor_id": "A",
        "opened_at": pd.Timestamp(opened),
        **fields,
    }


def line(number: str, label: str = "1", **fields) -> dict:
    """One RO line row in store S1 unless ``store_id`` is given."""
    return {
        "store_id": "S1",
        "ro_number": number,
        "line_number": label,
        "op_code": "OP1",
        **fields,
    }


@pytest.fixture
def comeback_data() -> ServiceData:
    """Ten ROs of five vehicles; see test_comebacks.py for the visits."""
    orders = [
        ro("R1", "2024-01-01", vin="V1", ro_type="repair", mileage=10000.0),
        ro(
            "R2",
            "2024-01-20",
            vin="V1",
            ro_type="repair",
            mileage=10500.0,
            is_comeback_flagged=True,
            comeback_cause="workmanship",
        ),
        ro("R3", "2024-04-01", vin="V1", ro_type="repair", mileage=14000.0),
        ro("R4", "2024-01-05", vin="V2", ro_type="maintenance", mileage=20000.0),
        ro("R5", "2024-01-15", vin="V2", ro_type="repair", mileage=21000.0),
        ro(
            "R6",
            "2024-02-01",
            vin="V3",
            ro_type="repair",
            mileage=30000.0,
            advisor_id="B",
        ),
        ro("R7", "2024-02-10", vin="V3", ro_type="maintenance", mileage=30100.0),
        ro("R8", "2024-02-01 08:00", vin="V4", ro_type="repair"),
        ro("R9", "2024-02-01 09:00", vin="V4", ro_type="repair"),
        ro("R10", "2024-06-01", vin="V5", ro_type="repair"),
    ]
    for order in orders:
        order.setdefault("is_comeback_flagged", False)
        order["mileage_unit"] = "km"
    groups = {
        "R1": "brakes",
        "R2": "brakes",
        "R3": "engine",
        "R4": "maintenance",
        "R5": "electrical",
        "R6": "engine",
        "R7": "maintenance",
        "R8": "hvac",
        "R9": "hvac",
        "R10": "engine",
    }
    lines = [line(n, system_group=g, hours_sold=1.0) for n, g in groups.items()]
    return make_data(repair_orders=orders, ro_lines=lines)
