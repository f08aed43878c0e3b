"""Upsell KPIs: acceptance of inspection recommendations, MPI penetration."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext
from kpitools.kpis.quality import ro_units
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["mpi_penetration_units", "upsell_amount_units", "upsell_lines_units"]


def _decided_recommendations(context: KpiContext) -> pd.DataFrame:
    """Recommendations with a known outcome, dated by their RO's opening."""
    recommendations = context.require("recommendations", ("is_sold",))
    known = recommendations["is_sold"].notna().to_numpy()
    positions = context.table_positions("recommendations")[known]
    rows = recommendations[known]
    frame = rows[["store_id", "ro_number"]].reset_index(drop=True)
    frame["_ro_pos"] = positions
    frame["date"] = context.ro_column("opened_at", positions)
    frame["is_sold"] = rows["is_sold"].astype("float64").to_numpy()
    if "amount" in rows.columns:
        frame["amount"] = rows["amount"].to_numpy(dtype="float64", na_value=np.nan)
    return frame


def upsell_lines_units(context: KpiContext) -> pd.DataFrame:
    """Recommended lines with an outcome: numerator 1 if sold."""
    frame = _decided_recommendations(context)
    return frame.assign(numerator=frame["is_sold"], denominator=1.0)


def upsell_amount_units(context: KpiContext) -> pd.DataFrame:
    """Recommended lines with a price: numerator the amount if sold."""
    context.require("recommendations", ("is_sold", "amount"))
    frame = _decided_recommendations(context)
    frame = frame[frame["amount"].notna().to_numpy()]
    return frame.assign(
        numerator=frame["amount"] * frame["is_sold"], denominator=frame["amount"]
    )


def mpi_penetration_units(context: KpiContext) -> pd.DataFrame:
    """Customer-pay ROs: numerator 1 if an inspection was completed."""
    orders = context.repair_orders
    is_customer_pay = (orders["pay_type"] == "customer_pay").fillna(False)
    has_mpi = orders["has_mpi"].fillna(False).to_numpy(dtype=bool)
    return ro_units(context, has_mpi, is_customer_pay.to_numpy(dtype=bool))


for _definition in (
    KpiDefinition(
        name="upsell_acceptance_lines",
        label_en="Upsell acceptance (lines)",
        label_zh="增项成交率（项数）",
        numerator="recommended lines sold",
        denominator="recommended lines with a sold or declined outcome",
        unit_of_analysis="recommended lines",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("recommendations.is_sold",),
        settings=(),
        units=upsell_lines_units,
        formula="sold recommendations / recommendations",
        source="trainers cite 50-70%; a real US Kia store sold 17.2% of lines",
    ),
    KpiDefinition(
        name="upsell_acceptance_amount",
        label_en="Upsell acceptance (amount)",
        label_zh="增项成交率（金额）",
        numerator="amount quoted on recommended lines sold",
        denominator="amount quoted on recommended lines",
        unit_of_analysis="recommended lines with a price",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("recommendations.is_sold", "recommendations.amount"),
        settings=(),
        units=upsell_amount_units,
        formula="sold amount / quoted amount",
        source="no published benchmark; compare with the peer network",
        is_proportion=False,
    ),
    KpiDefinition(
        name="mpi_penetration",
        label_en="MPI penetration",
        label_zh="多项检查渗透率",
        numerator="customer-pay ROs with a completed multi-point inspection",
        denominator="customer-pay ROs",
        unit_of_analysis="customer-pay repair orders",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.has_mpi", "repair_orders.pay_type"),
        settings=(),
        units=mpi_penetration_units,
        formula="CP ROs with MPI / CP ROs",
        source="a real US Kia store: 39%",
    ),
):
    register(_definition)
