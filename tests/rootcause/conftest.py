"""Hand-built comeback tables shaped like kpitools.kpis.comeback_table output."""

import numpy as np
import pandas as pd
import pytest


def make_comebacks(
    n: int = 4_000,
    *,
    seed: int = 1,
    base_rate: float = 0.05,
    technician_effect: float = 1.0,
    system_group_effect: float = 1.0,
) -> pd.DataFrame:
    """Random ROs; technician T01 and the brakes group multiply the odds."""
    rng = np.random.default_rng(seed)
    groups = rng.choice(["engine", "brakes", "electrical", "hvac"], n)
    # Op codes are nested in system groups, as in a real op-code catalogue.
    op_codes = np.char.add(groups.astype(str), rng.choice(["-1", "-2", "-3"], n))
    technicians = rng.choice([f"T{i:02d}" for i in range(1, 9)], n)
    odds = (
        base_rate
        / (1 - base_rate)
        * np.where(technicians == "T01", technician_effect, 1.0)
        * np.where(groups == "brakes", system_group_effect, 1.0)
    )
    came_back = rng.random(n) < odds / (1 + odds)
    opened = (
        pd.Timestamp("2024-01-01 08:00")
        + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
        + pd.to_timedelta(rng.integers(0, 9 * 60, n), unit="min")
    )
    days_to_next = np.where(
        came_back, rng.integers(1, 30, n), np.where(rng.random(n) < 0.3, 120.0, np.nan)
    )
    return pd.DataFrame(
        {
            "store_id": "S01",
            "ro_number": [f"{i:06d}" for i in range(n)],
            "vin": [f"KNDJ23AU5P7{i:06d}" for i in range(n)],
            "opened_at": opened,
            "month": opened.strftime("%Y-%m"),
            "advisor_id": rng.choice(["A1", "A2", "A3", "A4"], n),
            "technician_id": technicians,
            "system_group": groups,
            "op_code": op_codes,
            "ro_type": "repair",
            "pay_type": rng.choice(["customer_pay", "warranty"], n),
            "model": rng.choice(["K5", "Sportage", "Sorento"], n),
            "model_year": pd.array(rng.integers(2015, 2025, n), dtype="Int64"),
            "mileage": rng.uniform(1_000, 160_000, n),
            "mileage_unit": "km",
            "is_appointment": pd.array(rng.random(n) < 0.6, dtype="boolean"),
            "next_ro_number": pd.array([pd.NA] * n, dtype="string"),
            "days_to_next_visit": days_to_next,
            "km_to_next_visit": np.nan,
            "is_revisit": pd.array(~np.isnan(days_to_next), dtype="boolean"),
            "is_comeback_candidate": pd.array(came_back, dtype="boolean"),
            "is_comeback_confirmed": pd.array(came_back, dtype="boolean"),
            "comeback_cause": pd.array(
                np.where(
                    came_back, rng.choice(["workmanship", "part_failure"], n), None
                ),
                dtype="string",
            ),
        }
    )


@pytest.fixture
def planted_table():
    from kpitools.rootcause import add_factor_columns

    table = make_comebacks(technician_effect=4.0, system_group_effect=3.0)
    ro_lines = table[["store_id", "ro_number", "op_code"]].assign(hours_sold=1.0)
    return add_factor_columns(table.drop(columns="op_code"), ro_lines)


@pytest.fixture
def null_table():
    from kpitools.rootcause import add_factor_columns

    table = make_comebacks(seed=7)
    ro_lines = table[["store_id", "ro_number", "op_code"]].assign(hours_sold=1.0)
    return add_factor_columns(table.drop(columns="op_code"), ro_lines)
