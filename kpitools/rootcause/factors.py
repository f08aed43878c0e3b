"""Factors a comeback rate can be cut by, and the columns that hold them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_FACTORS",
    "FACTORS",
    "Factor",
    "add_factor_columns",
    "get_factor",
]

KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class Factor:
    """A factor to stratify comeback rates by.

    Attributes
    ----------
    name
        Key used in ``factors=`` arguments and result tables.
    column
        Column of the factor table (see :func:`add_factor_columns`).
    label
        Plain-words name for tables and findings.
    levels
        The order of the levels for an ordered factor (bands), else ``None``.
        An ordered factor is tested for a trend across these levels.
    """

    name: str
    column: str
    label: str
    levels: tuple[str, ...] | None = None

    @property
    def is_ordered(self) -> bool:
        """Whether the factor's levels have a natural order (bands)."""
        return self.levels is not None


MILEAGE_BANDS_KM = (0, 10_000, 30_000, 60_000, 100_000, 150_000, np.inf)
MILEAGE_LEVELS = (
    "<10k km",
    "10-30k km",
    "30-60k km",
    "60-100k km",
    "100-150k km",
    "150k+ km",
)
VEHICLE_AGE_BANDS = (-np.inf, 1, 3, 5, 9, np.inf)
VEHICLE_AGE_LEVELS = ("0-1 y", "2-3 y", "4-5 y", "6-9 y", "10+ y")
WORKLOAD_BANDS = (0, 3, 6, 9, np.inf)
WORKLOAD_LEVELS = ("1-3 ROs/day", "4-6 ROs/day", "7-9 ROs/day", "10+ ROs/day")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

FACTORS: dict[str, Factor] = {
    factor.name: factor
    for factor in (
        Factor("store", "store_id", "store"),
        Factor("technician", "technician_id", "technician"),
        Factor("advisor", "advisor_id", "service advisor"),
        Factor("system_group", "system_group", "system group"),
        Factor("op_code", "op_code", "main labour operation"),
        Factor("ro_type", "ro_type", "RO type"),
        Factor("pay_type", "pay_type", "pay type"),
        Factor("model", "model", "model"),
        Factor("model_year", "model_year_level", "model year"),
        Factor("mileage_band", "mileage_band", "mileage band", MILEAGE_LEVELS),
        Factor("vehicle_age", "vehicle_age", "vehicle age", VEHICLE_AGE_LEVELS),
        Factor("workload", "workload", "technician workload", WORKLOAD_LEVELS),
        Factor("weekday", "weekday", "weekday"),
        Factor("appointment", "appointment", "appointment or walk-in"),
    )
}

# The store factor is added only when a study covers several stores.
DEFAULT_FACTORS = tuple(name for name in FACTORS if name != "store")


def get_factor(name: str) -> Factor:
    """Return the factor called ``name``; raise ``ValueError`` naming the choices."""
    if name not in FACTORS:
        raise ValueError(f"Unknown factor {name!r}. Choose from: {', '.join(FACTORS)}.")
    return FACTORS[name]


def add_factor_columns(
    comebacks: pd.DataFrame, ro_lines: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Add the derived factor columns to a comeback table.

    Parameters
    ----------
    comebacks
        One row per RO, as returned by ``kpitools.kpis.comeback_table``.
    ro_lines
        The ``ro_lines`` table, used for the main op code of each RO (the line
        with the most hours sold). Without it ``op_code`` is all missing.

    Returns
    -------
    pandas.DataFrame
        A copy of ``comebacks`` with the columns ``model_year_level``,
        ``mileage_band``, ``vehicle_age``, ``workload`` (ROs the technician
        opened that day), ``weekday``, ``appointment`` and ``op_code``.

    Notes
    -----
    Workload is counted over every RO in ``comebacks``, so pass the table
    before restricting it to a period: a day's workload is a fact of that day.
    Miles are converted to km (1 mi = 1.609344 km) before banding.
    """
    table = comebacks.copy()
    opened = pd.to_datetime(table["opened_at"])

    model_year = pd.to_numeric(table["model_year"], errors="coerce")
    table["model_year_level"] = model_year.astype("Int64").astype("string")

    miles = table["mileage_unit"].astype("string").str.lower().eq("mi").fillna(False)
    mileage = pd.to_numeric(table["mileage"], errors="coerce").astype(float)
    mileage_km = mileage.where(~miles, mileage * KM_PER_MILE)
    table["mileage_band"] = _band(mileage_km, MILEAGE_BANDS_KM, MILEAGE_LEVELS)

    age = opened.dt.year.astype(float) - model_year.astype(float)
    table["vehicle_age"] = _band(age, VEHICLE_AGE_BANDS, VEHICLE_AGE_LEVELS)

    day = opened.dt.normalize()
    per_day = table.groupby(
        [table["store_id"], table["technician_id"], day], dropna=True
    )["ro_number"].transform("size")
    table["workload"] = _band(per_day.astype(float), WORKLOAD_BANDS, WORKLOAD_LEVELS)

    table["weekday"] = opened.dt.day_name().astype("string")
    appointment = table["is_appointment"].astype("boolean")
    table["appointment"] = appointment.map(
        {True: "appointment", False: "walk-in"}
    ).astype("string")
    table["op_code"] = _main_op_code(table, ro_lines)
    return table


def _band(values: pd.Series, edges: tuple[float, ...], labels: tuple[str, ...]):
    banded = pd.cut(values, bins=list(edges), labels=list(labels), right=True)
    return banded.astype("string")


def _main_op_code(table: pd.DataFrame, ro_lines: pd.DataFrame | None) -> pd.Series:
    if ro_lines is None or "op_code" not in ro_lines or ro_lines.empty:
        return pd.Series(pd.NA, index=table.index, dtype="string")
    lines = ro_lines[["store_id", "ro_number", "op_code", "hours_sold"]].copy()
    lines["hours_sold"] = pd.to_numeric(lines["hours_sold"], errors="coerce").fillna(0)
    lines = lines.dropna(subset=["op_code"])
    main = (
        lines.sort_values("hours_sold", ascending=False, kind="stable")
        .drop_duplicates(["store_id", "ro_number"])
        .set_index(["store_id", "ro_number"])["op_code"]
    )
    keys = pd.MultiIndex.from_frame(table[["store_id", "ro_number"]])
    return pd.Series(main.reindex(keys).to_numpy(), index=table.index).astype("string")
