"""Quality KPIs: comeback rates, revisit rate, first-time fix, complaints."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.comebacks import next_visits, return_flags
from kpitools.kpis.context import KpiContext, KpiUnavailableError
from kpitools.kpis.registry import KpiDefinition, register

__all__ = [
    "comeback_candidate_units",
    "comeback_confirmed_units",
    "complaint_units",
    "first_time_fix_units",
    "revisit_units",
]


def ro_units(
    context: KpiContext, numerator: np.ndarray, keep: np.ndarray
) -> pd.DataFrame:
    """RO-level units: the ROs where ``keep`` is True, with ``numerator``."""
    orders = context.repair_orders
    positions = np.flatnonzero(keep)
    return pd.DataFrame(
        {
            "store_id": orders["store_id"].take(positions).reset_index(drop=True),
            "_ro_pos": positions,
            "date": orders["opened_at"].to_numpy()[positions],
            "numerator": numerator[positions].astype("float64"),
            "denominator": 1.0,
        }
    )


def _observed(context: KpiContext) -> np.ndarray:
    flags = return_flags(context)
    if context.settings.comeback_require_full_window:
        return flags.is_window_complete
    return np.ones(len(flags.is_revisit), dtype=bool)


def _group_rule_reason() -> str:
    return (
        "ro_lines.system_group is empty, so the same-system-group rule cannot "
        "be applied; set comeback_same_system_group=False to count every "
        "non-maintenance return in the window, or see revisit_rate"
    )


def comeback_candidate_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a full window: numerator 1 if the next visit is a candidate."""
    flags = return_flags(context)
    if flags.is_comeback_candidate is None:
        raise KpiUnavailableError(_group_rule_reason())
    return ro_units(context, flags.is_comeback_candidate, _observed(context))


def comeback_confirmed_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a full window: numerator 1 if the return was confirmed."""
    flags = return_flags(context)
    if flags.is_comeback_confirmed is None:
        raise KpiUnavailableError(
            "repair_orders has neither is_comeback_flagged nor comeback_cause, so "
            "no comeback can be confirmed"
        )
    return ro_units(context, flags.is_comeback_confirmed, _observed(context))


def revisit_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a full window: numerator 1 if the vehicle came back at all."""
    flags = return_flags(context)
    return ro_units(context, flags.is_revisit, _observed(context))


def first_time_fix_units(context: KpiContext) -> pd.DataFrame:
    """Repair ROs with a full window: numerator 1 if no comeback followed."""
    flags = return_flags(context)
    basis = context.settings.first_time_fix_basis
    failed = (
        flags.is_comeback_candidate
        if basis == "candidate"
        else flags.is_comeback_confirmed
    )
    if failed is None:
        raise KpiUnavailableError(
            _group_rule_reason()
            if basis == "candidate"
            else "no comeback flag or cause codes for first_time_fix_basis='confirmed'"
        )
    keep = _observed(context)
    if context.settings.ftf_exclude_maintenance:
        keep = keep & ~next_visits(context).is_maintenance
    return ro_units(context, ~failed, keep)


def complaint_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a complaint record: numerator 1 if a complaint was logged."""
    orders = context.repair_orders
    recorded = orders["has_complaint"].notna().to_numpy()
    complaint = orders["has_complaint"].fillna(False).to_numpy(dtype=bool)
    return ro_units(context, complaint, recorded)


_COMEBACK_SETTINGS = (
    "comeback_window_days",
    "comeback_window_km",
    "comeback_same_system_group",
    "comeback_include_maintenance_returns",
    "comeback_require_full_window",
    "same_visit_hours",
)
_RO_DENOMINATOR = "ROs opened whose comeback window has elapsed in the data"
_COMEBACK_NOTE = (
    "Attributed to the original RO. ROs opened less than the window before "
    "the last RO in the data are left out (comeback_require_full_window)."
)

register(
    KpiDefinition(
        name="comeback_candidate_rate",
        label_en="Comeback rate (candidate)",
        label_zh="返修率（候选）",
        numerator="ROs followed by a same-VIN visit within the window in the same "
        "system group",
        denominator=_RO_DENOMINATOR,
        unit_of_analysis="repair orders with a full comeback window",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=_COMEBACK_SETTINGS,
        units=comeback_candidate_units,
        formula="candidate comebacks / ROs",
        source="China <= 5% (GAC 4S standard); 30 days, same fault (Chinese practice)",
        notes=_COMEBACK_NOTE,
    )
)
register(
    KpiDefinition(
        name="comeback_confirmed_rate",
        label_en="Comeback rate (confirmed)",
        label_zh="返修率（确认）",
        numerator="ROs whose return within the window carries a comeback flag or "
        "cause code",
        denominator=_RO_DENOMINATOR,
        unit_of_analysis="repair orders with a full comeback window",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=_COMEBACK_SETTINGS,
        units=comeback_confirmed_units,
        formula="confirmed comebacks / ROs",
        source="China <= 5% (GAC 4S standard)",
        notes=_COMEBACK_NOTE,
    )
)
register(
    KpiDefinition(
        name="revisit_rate",
        label_en="Same-VIN revisit rate (any reason)",
        label_zh="同车再次进厂率（任何原因）",
        numerator="ROs followed by any same-VIN visit within the window",
        denominator=_RO_DENOMINATOR,
        unit_of_analysis="repair orders with a full comeback window",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=(
            "comeback_window_days",
            "comeback_window_km",
            "comeback_require_full_window",
            "same_visit_hours",
        ),
        units=revisit_units,
        formula="ROs with a return visit in the window / ROs",
        source="no published benchmark; compare with the peer network",
        notes="Counts every reason for returning; it is not a comeback rate.",
    )
)
register(
    KpiDefinition(
        name="first_time_fix_rate",
        label_en="First-time fix rate",
        label_zh="一次修复率",
        numerator="repair ROs not followed by a comeback",
        denominator="repair ROs (maintenance-only ROs left out by default) whose "
        "window has elapsed",
        unit_of_analysis="repair (not maintenance-only) orders with a full "
        "comeback window",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.vin",),
        settings=(
            *_COMEBACK_SETTINGS,
            "ftf_exclude_maintenance",
            "first_time_fix_basis",
        ),
        units=first_time_fix_units,
        formula="1 - comebacks / repair ROs",
        source=(
            "about 88% in the US (J.D. Power 2025: 12% not fixed at the first "
            "visit); China >= 90%"
        ),
    )
)
register(
    KpiDefinition(
        name="complaint_rate",
        label_en="Complaint rate",
        label_zh="投诉率",
        numerator="ROs with a customer complaint logged",
        denominator="ROs with a complaint record (has_complaint not null)",
        unit_of_analysis="repair orders",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders.has_complaint",),
        settings=(),
        units=complaint_units,
        formula="ROs with a complaint / ROs",
        source="<= 5% (GAC 4S standard)",
    )
)
