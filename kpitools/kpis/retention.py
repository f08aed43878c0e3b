"""Retention and churn of vehicles, by the visit that starts the window.

Visit-based definition: each month, every vehicle that visited the store is
in that month's service base (its last visit of the month counts). The
vehicle is **retained** if it comes back for a customer-pay visit within
``retention_window_months``, and **churned** if it does not come back at all
within ``churn_threshold_months``. Visits whose window reaches past the last
RO in the data are left out, because their outcome is not yet known. Group
by ``vehicle_age_band`` for the split by vehicle age.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.comebacks import next_visits
from kpitools.kpis.context import KpiContext, KpiUnavailableError
from kpitools.kpis.quality import ro_units
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["churn_units", "retention_units"]

DAYS_PER_MONTH = 365.25 / 12


def _base_visits(context: KpiContext, months: int) -> np.ndarray:
    """Per RO: it is the vehicle's last visit of its month, window complete."""
    visits = next_visits(context)
    opened = context.repair_orders["opened_at"]
    month = (opened.dt.year * 12 + opened.dt.month).to_numpy()
    next_opened = opened + pd.to_timedelta(np.nan_to_num(visits.days), unit="D")
    next_month = (next_opened.dt.year * 12 + next_opened.dt.month).to_numpy()
    is_last_of_month = ~(visits.has_next & (next_month == month))
    horizon = pd.Timedelta(days=months * DAYS_PER_MONTH)
    complete = (opened + horizon <= context.data_end).to_numpy()
    return visits.is_visit_start & is_last_of_month & complete


def retention_units(context: KpiContext) -> pd.DataFrame:
    """Base visits: numerator 1 if a customer-pay visit followed in the window."""
    visits = next_visits(context)
    if visits.days_to_next_paid is None:
        raise KpiUnavailableError(
            "repair_orders.pay_type is empty, so paid return visits are unknown"
        )
    months = context.settings.retention_window_months
    returned = visits.days_to_next_paid <= months * DAYS_PER_MONTH
    return ro_units(context, returned, _base_visits(context, months))


def churn_units(context: KpiContext) -> pd.DataFrame:
    """Base visits: numerator 1 if no visit at all followed within the threshold."""
    visits = next_visits(context)
    months = context.settings.churn_threshold_months
    returned = visits.has_next & (visits.days <= months * DAYS_PER_MONTH)
    return ro_units(context, ~returned, _base_visits(context, months))


_BASE = "vehicles that visited in the month and whose window has elapsed"

for _definition in (
    KpiDefinition(
        name="retention_rate",
        label_en="Customer retention",
        label_zh="客户保持率",
        numerator="vehicles back for a customer-pay visit within the window",
        denominator=_BASE,
        unit_of_analysis="vehicle visits with a full retention window",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=("retention_window_months", "same_visit_hours"),
        units=retention_units,
        formula="vehicles with a paid return in N months / vehicles visiting",
        source="Cox Automotive 2025: 54% of cars up to 2 years old serviced at the "
        "selling dealer",
        notes="Split by vehicle_age_band to compare like with like.",
    ),
    KpiDefinition(
        name="churn_rate",
        label_en="Customer churn",
        label_zh="客户流失率",
        numerator="vehicles with no visit within the churn threshold",
        denominator=_BASE,
        unit_of_analysis="vehicle visits with a full churn window",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=("churn_threshold_months", "same_visit_hours"),
        units=churn_units,
        formula="vehicles without a return in T months / vehicles visiting",
        source="brand-dependent threshold (6 or 12 months)",
    ),
):
    register(_definition)
