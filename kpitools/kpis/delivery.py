"""Delivery KPIs: cycle time (median and upper quantile), on-time delivery."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext
from kpitools.kpis.quality import ro_units
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["cycle_time_units", "on_time_units"]


def cycle_time_units(context: KpiContext) -> pd.DataFrame:
    """ROs with an end time: value = end - opened_at in days.

    The end is ``settings.cycle_time_end`` (delivered_at by default). A
    negative duration is a data error and is left out.
    """
    end_column = context.settings.cycle_time_end
    context.require("repair_orders", (end_column,))
    orders = context.repair_orders
    days = (orders[end_column] - orders["opened_at"]).dt.total_seconds() / 86_400
    keep = (days >= 0).fillna(False).to_numpy(dtype=bool)
    units = ro_units(context, np.zeros(len(orders)), keep)
    units["value"] = days.to_numpy()[keep]
    return units.drop(columns=["numerator", "denominator"])


def on_time_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a promise and a completion: numerator 1 if completed in time."""
    orders = context.repair_orders
    promised, completed = orders["promised_at"], orders["completed_at"]
    keep = (promised.notna() & completed.notna()).to_numpy()
    on_time = (completed <= promised).fillna(False).to_numpy(dtype=bool)
    return ro_units(context, on_time, keep)


def _cycle_time_definition(
    name: str, label_en: str, label_zh: str, aggregation: str, formula: str
) -> KpiDefinition:
    return KpiDefinition(
        name=name,
        label_en=label_en,
        label_zh=label_zh,
        numerator="",
        denominator="ROs with an end time",
        unit_of_analysis="repair orders with an end time",
        direction="down",
        aggregation=aggregation,
        format="days",
        requires=("repair_orders.opened_at",),
        settings=("cycle_time_end", "cycle_time_quantile"),
        units=cycle_time_units,
        formula=formula,
        source="China: same-day delivery >= 80% of ROs",
        is_proportion=False,
        notes="Compare within an RO type: body and paint work takes days.",
    )


for _definition in (
    _cycle_time_definition(
        "cycle_time_median",
        "Cycle time, median (days)",
        "维修周期中位数（天）",
        "median",
        "median(cycle_time_end - opened_at)",
    ),
    _cycle_time_definition(
        "cycle_time_p90",
        "Cycle time, 90th percentile (days)",
        "维修周期90分位（天）",
        "quantile",
        "quantile(cycle_time_end - opened_at, cycle_time_quantile)",
    ),
    KpiDefinition(
        name="on_time_delivery",
        label_en="On-time delivery",
        label_zh="准时交车率",
        numerator="ROs completed at or before the promised time",
        denominator="ROs with a promised and a completion time",
        unit_of_analysis="repair orders with a promised time",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.promised_at", "repair_orders.completed_at"),
        settings=(),
        units=on_time_units,
        formula="completed_at <= promised_at / ROs with a promise",
        source="China >= 95%; US 87% ready when promised (J.D. Power 2006)",
    ),
):
    register(_definition)
