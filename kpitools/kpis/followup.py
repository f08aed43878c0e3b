"""Follow-up KPIs: post-service contact completion and reach rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError, first_present
from kpitools.kpis.registry import KpiDefinition, register

__all__ = ["followup_completion_units", "followup_reach_units"]


def _contacts(context: KpiContext) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Close time per RO; per RO whether an attempt, and a reached one, fell
    within ``followup_days`` after closing."""
    followups = context.require("followups", ("attempted_at",))
    orders = context.repair_orders
    closed = first_present(orders, ("closed_at", "delivered_at", "completed_at"))
    if closed.isna().all():
        raise KpiUnavailableError(
            "repair_orders have no closed_at, delivered_at or completed_at times"
        )
    positions = context.table_positions("followups")
    found = positions >= 0
    close_at = closed.to_numpy()[np.where(found, positions, 0)]
    delay = followups["attempted_at"].to_numpy() - close_at
    limit = np.timedelta64(int(context.settings.followup_days * 86_400), "s")
    in_window = found & (delay >= np.timedelta64(0, "s")) & (delay <= limit)
    attempted = np.zeros(len(orders), dtype=bool)
    attempted[positions[in_window]] = True
    reached = np.zeros(len(orders), dtype=bool)
    if "is_reached" in followups.columns:
        is_reached = followups["is_reached"].fillna(False).to_numpy(dtype=bool)
        reached[positions[in_window & is_reached]] = True
    return closed, attempted, reached


def _units(
    context: KpiContext, closed: pd.Series, numerator: np.ndarray, keep: np.ndarray
) -> pd.DataFrame:
    orders = context.repair_orders
    positions = np.flatnonzero(keep)
    return pd.DataFrame(
        {
            "store_id": orders["store_id"].take(positions).reset_index(drop=True),
            "_ro_pos": positions,
            "date": closed.to_numpy()[positions],
            "numerator": numerator[positions].astype("float64"),
            "denominator": 1.0,
        }
    )


def followup_completion_units(context: KpiContext) -> pd.DataFrame:
    """Closed ROs: numerator 1 if followed up within ``followup_days``.

    ROs closed less than ``followup_days`` before the last RO opening in the
    data are left out: their follow-up may not have happened yet.
    """
    closed, attempted, _ = _contacts(context)
    horizon = pd.Timedelta(days=context.settings.followup_days)
    eligible = (closed.notna() & (closed + horizon <= context.data_end)).to_numpy()
    return _units(context, closed, attempted, eligible)


def followup_reach_units(context: KpiContext) -> pd.DataFrame:
    """Closed ROs followed up in time: numerator 1 if the customer was reached."""
    context.require("followups", ("is_reached",))
    closed, attempted, reached = _contacts(context)
    return _units(context, closed, reached, attempted)


for _definition in (
    KpiDefinition(
        name="followup_completion",
        label_en="Follow-up completion",
        label_zh="回访率",
        numerator="closed ROs with a contact attempt within followup_days",
        denominator="closed ROs whose follow-up window has elapsed in the data",
        unit_of_analysis="closed repair orders",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("followups.attempted_at",),
        settings=("followup_days",),
        units=followup_completion_units,
        formula="ROs contacted within N days of closing / closed ROs",
        source="Chinese service SOP: every customer called within 2-3 days",
        notes="Dated by the RO's closing time (delivered or completed if absent).",
    ),
    KpiDefinition(
        name="followup_reach_rate",
        label_en="Follow-up reach rate",
        label_zh="回访接通率",
        numerator="ROs whose customer was reached within followup_days",
        denominator="ROs with a contact attempt within followup_days",
        unit_of_analysis="repair orders followed up",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("followups.attempted_at", "followups.is_reached"),
        settings=("followup_days",),
        units=followup_reach_units,
        formula="ROs reached / ROs attempted",
        source="no published benchmark; compare with the peer network",
    ),
):
    register(_definition)
