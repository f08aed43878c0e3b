"""Retention and churn of the service base, looking back from a month's end.

Look-back definition, in whole calendar months. At the end of month ``M``:

- the **service base** of a store is every vehicle (VIN) with any RO at that
  store in the ``retention_base_months`` months ``M - B + 1 .. M``
  (default 24);
- a base vehicle is **retained** if it had a customer-pay RO
  (``pay_type == "customer_pay"``) in the ``retention_window_months`` months
  ``M - W + 1 .. M`` (default 12);
- a base vehicle is **churned** if its last RO lies in month
  ``M - churn_threshold_months`` or earlier (default 12), i.e. it has not
  been seen for at least that many months.

retention_rate = retained / base, churn_rate = churned / base. Both only
look back, so they are known for every month up to the last month in the
data. This is the usual dealer "service retention" measure (units in
in operation that visited in the last 12 of 24 months). Cox Automotive
(2025) reports 54% of cars up to 2 years old serviced at the selling dealer.

The engine call decides which month ends are measured. Grouped by
``month``, every month of the period (or of the data) is one snapshot.
Otherwise the KPI is measured once, at the end of the period, capped at the
last month of the data. So summing over months does not give the ungrouped
value. Each unit carries
the attributes of the vehicle's last RO (advisor, pay type, ...), and
``vehicle_age_band`` is the vehicle's age in the snapshot month's year, so
grouping by ``vehicle_age_band`` splits the base by vehicle age.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError, vehicle_age_band
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["churn_units", "retention_units", "snapshot_months"]


@dataclass(frozen=True)
class _Snapshots:
    """One row per (vehicle in the base, snapshot month)."""

    units: pd.DataFrame  # store_id, _ro_pos, date, [vehicle_age_band]
    months_since_visit: np.ndarray
    months_since_paid: np.ndarray | None
    history_months: int  # months of data up to the earliest snapshot, inclusive


def snapshot_months(context: KpiContext) -> tuple[int, int] | None:
    """Inclusive month codes (year * 12 + month - 1) of the snapshots to take.

    Grouped by month: every month of the period that the data reaches.
    Otherwise one month, the end of the period capped at the data's last
    month. None when the period lies after the data or before its start.
    """
    orders = context.repair_orders
    opened = orders["opened_at"].dropna()
    if opened.empty:
        return None
    first = int(opened.min().year * 12 + opened.min().month - 1)
    last = int(context.data_end.year * 12 + context.data_end.month - 1)
    start, end = context.month_range or (first, last)
    end = min(end, last)
    if "month" not in context.by:
        start = end
    if end < start or end < first:
        return None
    return start, end


def _build_snapshots(context: KpiContext) -> _Snapshots:
    if not context.has_values("repair_orders", "vin"):
        raise KpiUnavailableError(
            "repair_orders.vin is empty, so the vehicles of the service base "
            "cannot be counted"
        )
    orders = context.repair_orders
    settings = context.settings
    store = pd.factorize(orders["store_id"])[0]
    vin = pd.factorize(orders["vin"])[0]
    opened = orders["opened_at"].to_numpy(dtype="datetime64[ns]")
    month = opened.astype("datetime64[M]").astype("int64") + 1970 * 12
    usable = (vin >= 0) & (store >= 0) & ~np.isnat(opened)
    if context.has_values("repair_orders", "pay_type"):
        paid = (orders["pay_type"] == "customer_pay").fillna(False)
        paid_array: np.ndarray | None = paid.to_numpy(dtype=bool)
    else:
        paid_array = None

    # One row per (store, vehicle, month): the month's last RO.
    rows = np.flatnonzero(usable)
    order = rows[np.lexsort((opened[rows], month[rows], vin[rows], store[rows]))]
    s_store, s_vin, s_month = store[order], vin[order], month[order]
    same_vehicle_next = np.r_[
        (s_store[1:] == s_store[:-1]) & (s_vin[1:] == s_vin[:-1]), False
    ]
    is_month_end = ~(same_vehicle_next & np.r_[s_month[1:] == s_month[:-1], False])
    last_rows = np.flatnonzero(is_month_end)
    v_position = order[last_rows]
    v_month = s_month[last_rows]
    v_vehicle = np.cumsum(np.r_[True, ~same_vehicle_next[:-1]])[last_rows]
    has_next = np.r_[v_vehicle[1:] == v_vehicle[:-1], False]
    next_month = np.where(has_next, np.r_[v_month[1:], 0], np.iinfo("int64").max)

    # Last customer-pay month up to each row, per vehicle.
    v_last_paid = None
    if paid_array is not None:
        month_paid = np.where(paid_array[order], s_month, -1)
        month_starts = np.r_[0, last_rows[:-1] + 1] if len(last_rows) else last_rows
        per_month = (
            np.maximum.reduceat(month_paid, month_starts) if len(month_starts) else []
        )
        v_last_paid = (
            pd.Series(np.asarray(per_month, dtype="int64"))
            .groupby(v_vehicle)
            .cummax()
            .to_numpy()
        )

    # The row is the vehicle's last visit for snapshot months from its own
    # month until the month before its next visit, while it stays in the base.
    months = snapshot_months(context)
    if months is None or not len(v_month):
        low, high = np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
        keep_rows = np.zeros(0, dtype="int64")
    else:
        low = np.maximum(v_month, months[0])
        high = np.minimum.reduce(
            [next_month - 1, v_month + settings.retention_base_months - 1]
        )
        high = np.minimum(high, months[1])
        keep_rows = np.flatnonzero(high >= low)
        low, high = low[keep_rows], high[keep_rows]
    counts = high - low + 1
    row = np.repeat(keep_rows, counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    snapshot = np.repeat(low, counts) + offset

    positions = v_position[row]
    dates = pd.Series(
        (snapshot - 1970 * 12).astype("datetime64[M]").astype("datetime64[ns]")
    )
    units = pd.DataFrame(
        {
            "store_id": orders["store_id"].take(positions).reset_index(drop=True),
            "_ro_pos": positions,
            "date": dates,
        }
    )
    if context.has_values("repair_orders", "model_year"):
        model_year = orders["model_year"].take(positions).reset_index(drop=True)
        units["vehicle_age_band"] = vehicle_age_band(dates, model_year)
    first_month = int(month[usable].min()) if usable.any() else 0
    history = 0 if months is None else int(months[0] - first_month + 1)
    return _Snapshots(
        units=units,
        months_since_visit=snapshot - v_month[row],
        months_since_paid=None if v_last_paid is None else snapshot - v_last_paid[row],
        history_months=history,
    )


def _note_short_history(context: KpiContext, kpi: str, snapshots: _Snapshots) -> None:
    """Record a caveat when the data starts inside the service base window.

    Vehicles whose only visits fall before the data starts are missing from
    the base, so churn is understated and retention overstated.
    """
    base = context.settings.retention_base_months
    if snapshots.history_months >= base:
        return
    caveats: dict[str, str] = context.cached("kpi_caveats", dict)
    caveats[kpi] = (
        f"the data covers {snapshots.history_months} months up to the snapshot, "
        f"fewer than the {base}-month service base, so vehicles seen only "
        "earlier are missing: churn is understated and retention overstated"
    )


def _snapshots(context: KpiContext) -> _Snapshots:
    return context.cached("retention_snapshots", lambda: _build_snapshots(context))


def retention_units(context: KpiContext) -> pd.DataFrame:
    """Base vehicles per snapshot: numerator 1 if a customer-pay RO fell in the
    retention window."""
    snapshots = _snapshots(context)
    if snapshots.months_since_paid is None:
        raise KpiUnavailableError(
            "repair_orders.pay_type is empty, so customer-pay visits are unknown"
        )
    _note_short_history(context, "retention_rate", snapshots)
    window = context.settings.retention_window_months
    retained = snapshots.months_since_paid < window
    return snapshots.units.assign(numerator=retained.astype("float64"), denominator=1.0)


def churn_units(context: KpiContext) -> pd.DataFrame:
    """Base vehicles per snapshot: numerator 1 if the last RO is at least the
    churn threshold old."""
    snapshots = _snapshots(context)
    threshold = context.settings.churn_threshold_months
    if snapshots.history_months < threshold:
        raise KpiUnavailableError(
            f"the data covers {snapshots.history_months} months up to the "
            f"snapshot, fewer than the {threshold}-month churn threshold, so no "
            "vehicle can be counted as churned yet"
        )
    _note_short_history(context, "churn_rate", snapshots)
    churned = snapshots.months_since_visit >= threshold
    return snapshots.units.assign(numerator=churned.astype("float64"), denominator=1.0)


_BASE = "vehicles with an RO at the store in the base months up to the period end"
_SETTINGS = ("retention_base_months", "retention_window_months")

for _definition in (
    KpiDefinition(
        name="retention_rate",
        label_en="Customer retention",
        label_zh="客户保持率",
        numerator="base vehicles with a customer-pay RO in the retention window",
        denominator=_BASE,
        unit_of_analysis="vehicles in the service base",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=_SETTINGS,
        units=retention_units,
        formula="vehicles with a customer-pay RO in the last W months / vehicles "
        "with any RO in the last B months, at the period end",
        source="Cox Automotive 2025: 54% of cars up to 2 years old serviced "
        "at the selling dealer",
        notes="Measured at the period end (each month's end when grouped by "
        "month), so months do not add up. Split by vehicle_age_band to "
        "compare like with like.",
    ),
    KpiDefinition(
        name="churn_rate",
        label_en="Customer churn",
        label_zh="客户流失率",
        numerator="base vehicles whose last RO is at least the churn threshold old",
        denominator=_BASE,
        unit_of_analysis="vehicles in the service base",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=("retention_base_months", "churn_threshold_months"),
        units=churn_units,
        formula="vehicles whose last RO is T or more months old / vehicles with "
        "any RO in the last B months, at the period end",
        source="brand-dependent threshold (6 or 12 months)",
        notes="Measured at the period end (each month's end when grouped by "
        "month), so months do not add up.",
    ),
):
    register(_definition)
