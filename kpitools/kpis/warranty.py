"""Warranty KPIs: share of ROs with warranty work, claim rejection rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError
from kpitools.kpis.quality import ro_units
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["warranty_claim_units", "warranty_rejection_units"]

REJECTED_STATUSES = ("rejected", "returned")


def warranty_claim_units(context: KpiContext) -> pd.DataFrame:
    """ROs: numerator 1 if the RO has warranty work.

    Warranty work is the RO's pay type, any line's pay type, or a claim in
    ``warranty_claims`` for the RO, whichever of these the data has.
    """
    orders = context.repair_orders
    is_warranty = np.zeros(len(orders), dtype=bool)
    sources = 0
    if context.has_values("repair_orders", "pay_type"):
        is_warranty |= (orders["pay_type"] == "warranty").fillna(False).to_numpy(bool)
        sources += 1
    if context.has_values("ro_lines", "pay_type"):
        lines = context.require("ro_lines")
        positions = context.table_positions("ro_lines")
        on_warranty = (lines["pay_type"] == "warranty").fillna(False).to_numpy(bool)
        hits = positions[on_warranty & (positions >= 0)]
        is_warranty[hits] = True
        sources += 1
    if context.data.has("warranty_claims"):
        claims = context.require("warranty_claims")
        positions = context.table_positions("warranty_claims")
        is_warranty[positions[positions >= 0]] = True
        sources += 1 if len(claims) else 0
    if not sources:
        raise KpiUnavailableError(
            "no pay type on ROs or lines and no warranty_claims table"
        )
    return ro_units(context, is_warranty, np.ones(len(orders), dtype=bool))


def warranty_rejection_units(context: KpiContext) -> pd.DataFrame:
    """Claims submitted: numerator 1 if rejected or returned on first submission.

    Uses ``is_rejected_first`` where present, else the final ``status``.
    """
    claims = context.require("warranty_claims")
    rejected = pd.Series(pd.NA, index=claims.index, dtype="boolean")
    if context.has_values("warranty_claims", "is_rejected_first"):
        rejected = claims["is_rejected_first"].astype("boolean")
    if context.has_values("warranty_claims", "status"):
        by_status = claims["status"].isin(REJECTED_STATUSES).astype("boolean")
        by_status = by_status.mask(claims["status"].isna())
        rejected = rejected.fillna(by_status)
    known = rejected.notna().to_numpy()
    if not known.any():
        raise KpiUnavailableError(
            "warranty_claims has neither is_rejected_first nor status values"
        )
    rows = claims[known]
    frame = rows[["store_id", "ro_number"]].copy()
    dates = (
        rows["submitted_at"]
        if "submitted_at" in rows.columns
        else pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    )
    positions = context.table_positions("warranty_claims")[known]
    opened = context.ro_column("opened_at", positions)
    frame["date"] = dates.fillna(pd.Series(opened.to_numpy(), index=rows.index))
    frame["_ro_pos"] = positions
    frame["numerator"] = rejected[known].astype("float64").to_numpy()
    frame["denominator"] = 1.0
    return frame


register(
    KpiDefinition(
        name="warranty_claim_rate",
        label_en="Warranty claim rate",
        label_zh="索赔率",
        numerator="ROs with warranty work (pay type or a claim)",
        denominator="ROs opened",
        unit_of_analysis="repair orders",
        direction="band",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders",),
        settings=(),
        units=warranty_claim_units,
        formula="warranty ROs / ROs",
        source=(
            "NADA Dealership Financial Profile 1H2017: warranty 18.8% of fixed-ops "
            "sales; a US Kia store: 2.1% of ROs"
        ),
        notes="A band KPI: too low can mean unclaimed work, too high quality issues.",
    )
)
register(
    KpiDefinition(
        name="warranty_rejection_rate",
        label_en="Warranty claim rejection rate",
        label_zh="索赔拒赔率",
        numerator="claims rejected or returned on first submission",
        denominator="claims submitted",
        unit_of_analysis="warranty claims",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("warranty_claims",),
        settings=(),
        units=warranty_rejection_units,
        formula="rejected or returned claims / claims submitted",
        source="no published benchmark; compare with the peer network",
    )
)
