"""Advisor workload: ROs opened per advisor per working day."""

from __future__ import annotations

import pandas as pd

from kpitools.kpis.context import KpiContext
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["ros_per_advisor_day_units"]


def ros_per_advisor_day_units(context: KpiContext) -> pd.DataFrame:
    """Advisor working days: numerator ROs opened that day, denominator 1.

    A working day is a calendar day on which the advisor opened at least one
    RO; days without ROs (leave, training) are not counted.
    """
    orders = context.repair_orders
    with_advisor = orders[orders["advisor_id"].notna().to_numpy()]
    days = with_advisor["opened_at"].dt.floor("D")
    counts = (
        pd.DataFrame(
            {
                "store_id": with_advisor["store_id"].to_numpy(),
                "advisor_id": with_advisor["advisor_id"].to_numpy(),
                "date": days.to_numpy(),
            }
        )
        .groupby(["store_id", "advisor_id", "date"], sort=False, observed=True)
        .size()
        .rename("numerator")
        .reset_index()
    )
    counts["numerator"] = counts["numerator"].astype("float64")
    counts["denominator"] = 1.0
    return counts


register(
    KpiDefinition(
        name="ros_per_advisor_day",
        label_en="ROs per advisor per day",
        label_zh="服务顾问日均接车台次",
        numerator="ROs opened",
        denominator="advisor working days (days with at least one RO opened)",
        unit_of_analysis="advisor working days",
        direction="band",
        aggregation="ratio",
        format="number",
        requires=("repair_orders.advisor_id",),
        settings=(),
        units=ros_per_advisor_day_units,
        formula="ROs / distinct (advisor, day) pairs with ROs",
        source="10-12, at most 15 per day (practitioner forums)",
        is_proportion=False,
    )
)
