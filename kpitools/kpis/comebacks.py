"""Comebacks in two stages (candidate, confirmed), revisits and time to return.

A comeback is the same vehicle returning because the first visit did not fix
it. Stage 1, the **candidate**: the same VIN comes back to the same store
within ``comeback_window_days`` (and ``comeback_window_km`` if set), with work
in a system group the original RO also worked on. Stage 2, **confirmed**: the
return visit carries the DMS comeback flag or a comeback cause code. Both are
attributed to the original RO, the visit that failed. A **revisit** is any
return within the window, whatever the reason: it is not a comeback rate.

Everything is vectorised: ROs are sorted by (store, VIN, opened_at), ROs of
one vehicle opened within ``same_visit_hours`` are merged into one visit, and
each RO is compared with the next visit of the same vehicle by a shift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpitools.kpis.context import KM_PER_MILE, KpiContext, KpiUnavailableError
from kpitools.kpis.settings import KpiSettings
from kpitools.schemas import SYSTEM_GROUPS
from kpitools.tables import ServiceData

__all__ = [
    "COMEBACK_TABLE_COLUMNS",
    "ReturnFlags",
    "comeback_table",
    "next_visits",
    "return_flags",
    "time_to_return_table",
]

COMEBACK_TABLE_COLUMNS = (
    "store_id",
    "ro_number",
    "vin",
    "opened_at",
    "month",
    "advisor_id",
    "technician_id",
    "system_group",
    "ro_type",
    "pay_type",
    "model",
    "model_year",
    "mileage",
    "mileage_unit",
    "is_appointment",
    "next_ro_number",
    "days_to_next_visit",
    "km_to_next_visit",
    "is_revisit",
    "is_comeback_candidate",
    "is_comeback_confirmed",
    "comeback_cause",
    "is_same_system_group",
    "is_maintenance",
    "is_window_complete",
)
_NANOSECONDS_PER_DAY = 86_400 * 10**9


def _system_groups(context: KpiContext) -> tuple[np.ndarray, pd.Series] | None:
    """Per RO: bit mask of non-maintenance system groups, and the main group.

    The main group is the group of the line with most hours sold (the first
    line when hours are missing). None when the lines carry no groups.
    """
    if not context.has_values("ro_lines", "system_group"):
        return None
    lines = context.require("ro_lines")
    positions = context.table_positions("ro_lines")
    codes = pd.Categorical(lines["system_group"], categories=SYSTEM_GROUPS).codes
    valid = (positions >= 0) & (codes >= 0)
    positions, codes = positions[valid], codes[valid].astype("int64")
    n_orders = len(context.repair_orders)
    masks = np.zeros(n_orders, dtype="int64")
    for code in np.unique(codes):
        if SYSTEM_GROUPS[code] != "maintenance":
            masks[positions[codes == code]] |= 1 << int(code)
    hours = (
        lines["hours_sold"].to_numpy(dtype="float64", na_value=0.0)[valid]
        if "hours_sold" in lines.columns
        else np.zeros(len(positions))
    )
    order = np.lexsort((-hours, positions))
    first = order[np.r_[True, positions[order][1:] != positions[order][:-1]]]
    main = np.full(n_orders, None, dtype=object)
    main[positions[first]] = np.asarray(SYSTEM_GROUPS, dtype=object)[codes[first]]
    return masks, pd.Series(main, dtype="str")


@dataclass(frozen=True)
class NextVisit:
    """For each RO (in repair_orders row order), facts about the next visit."""

    has_next: np.ndarray
    next_position: np.ndarray
    days: np.ndarray
    km: np.ndarray
    same_group: np.ndarray | None
    next_is_maintenance: np.ndarray
    next_is_flagged: np.ndarray | None
    next_cause: np.ndarray
    main_group: pd.Series | None
    is_maintenance: np.ndarray
    is_visit_start: np.ndarray
    days_to_next_paid: np.ndarray | None


def next_visits(context: KpiContext) -> NextVisit:
    """Return the next visit of the same vehicle for every RO (cached)."""
    return context.cached("next_visits", lambda: _build_next_visits(context))


def _build_next_visits(context: KpiContext) -> NextVisit:
    if not context.has_values("repair_orders", "vin"):
        raise KpiUnavailableError(
            "repair_orders.vin is empty, so returns of the same vehicle cannot be found"
        )
    orders = context.repair_orders
    store = pd.factorize(orders["store_id"])[0]
    vin = pd.factorize(orders["vin"])[0]
    opened = orders["opened_at"].to_numpy(dtype="datetime64[ns]").view("int64")
    order = np.lexsort((opened, vin, store))
    s_store, s_vin, s_opened = store[order], vin[order], opened[order]

    same_vehicle = np.r_[
        False, (s_store[1:] == s_store[:-1]) & (s_vin[1:] == s_vin[:-1])
    ] & (s_vin >= 0)
    gap_hours = np.r_[np.inf, np.diff(s_opened) / 3.6e12]
    new_visit = ~same_vehicle | (gap_hours > context.settings.same_visit_hours)
    visit = np.cumsum(new_visit) - 1
    starts = np.flatnonzero(new_visit)
    v_store, v_vin = s_store[starts], s_vin[starts]
    n_visits = len(starts)
    has_next_visit = np.zeros(n_visits, dtype=bool)
    has_next_visit[:-1] = (
        (v_store[1:] == v_store[:-1]) & (v_vin[1:] == v_vin[:-1]) & (v_vin[:-1] >= 0)
    )
    nxt = np.minimum(visit + 1, n_visits - 1)
    has_next = has_next_visit[visit]

    mileage = _mileage_km(orders)[order]
    visit_km = np.fmax.reduceat(mileage, starts) if n_visits else mileage
    is_maintenance = _maintenance(context)
    visit_maintenance = (
        np.minimum.reduceat(is_maintenance[order].astype("int8"), starts).astype(bool)
        if n_visits
        else np.zeros(0, dtype=bool)
    )
    groups = _system_groups(context)
    same_group = None
    if groups is not None:
        s_masks = groups[0][order]
        visit_masks = np.bitwise_or.reduceat(s_masks, starts) if n_visits else s_masks
        same_group = (s_masks & visit_masks[nxt]) != 0
    flagged, cause = _return_marks(context, order, starts, visit)
    next_paid = _next_paid_visit(context, order, starts, same_vehicle, has_next_visit)

    unsort = np.empty_like(order)
    unsort[order] = np.arange(len(order))
    visit_first_row = order[starts]
    next_position = np.where(has_next, visit_first_row[nxt], -1)
    days = np.where(
        has_next, (s_opened[starts][nxt] - s_opened) / _NANOSECONDS_PER_DAY, np.nan
    )
    km = np.where(has_next, visit_km[nxt] - mileage, np.nan)
    return NextVisit(
        has_next=has_next[unsort],
        next_position=next_position[unsort],
        days=days[unsort],
        km=km[unsort],
        same_group=None if same_group is None else (same_group & has_next)[unsort],
        next_is_maintenance=(visit_maintenance[nxt] & has_next)[unsort],
        next_is_flagged=None if flagged is None else (flagged[nxt] & has_next)[unsort],
        next_cause=np.where(has_next, cause[nxt], None)[unsort],
        main_group=None if groups is None else groups[1],
        is_maintenance=is_maintenance,
        is_visit_start=new_visit[unsort],
        days_to_next_paid=None
        if next_paid is None
        else ((next_paid[visit] - s_opened) / _NANOSECONDS_PER_DAY)[unsort],
    )


def _next_paid_visit(
    context: KpiContext,
    order: np.ndarray,
    starts: np.ndarray,
    same_vehicle: np.ndarray,
    has_next_visit: np.ndarray,
) -> np.ndarray | None:
    """Per visit: opening time (ns) of the vehicle's next customer-pay visit."""
    if not context.has_values("repair_orders", "pay_type") or not len(starts):
        return None
    orders = context.repair_orders
    paid = (orders["pay_type"] == "customer_pay").fillna(False).to_numpy(dtype=bool)
    visit_paid = np.maximum.reduceat(paid[order].astype("int8"), starts).astype(bool)
    opened = orders["opened_at"].to_numpy(dtype="datetime64[ns]").view("int64")
    visit_opened = opened[order][starts].astype("float64")
    following = np.full(len(starts), np.nan)
    is_paid_next = has_next_visit[:-1] & visit_paid[1:]
    following[:-1] = np.where(is_paid_next, visit_opened[1:], np.nan)
    vehicle = np.cumsum(~same_vehicle[starts])
    return pd.Series(following).groupby(vehicle).bfill().to_numpy()


def _mileage_km(orders: pd.DataFrame) -> np.ndarray:
    if "mileage" not in orders.columns:
        return np.full(len(orders), np.nan)
    mileage = orders["mileage"].to_numpy(dtype="float64", na_value=np.nan)
    if "mileage_unit" in orders.columns:
        is_miles = (orders["mileage_unit"] == "mi").fillna(False).to_numpy(dtype=bool)
        mileage = np.where(is_miles, mileage * KM_PER_MILE, mileage)
    return mileage


def _maintenance(context: KpiContext) -> np.ndarray:
    try:
        return context.maintenance_mask().to_numpy(dtype=bool)
    except KpiUnavailableError:
        return np.zeros(len(context.repair_orders), dtype=bool)


def _return_marks(
    context: KpiContext, order: np.ndarray, starts: np.ndarray, visit: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """Per visit: any RO flagged as a comeback or with a cause; first cause."""
    orders = context.repair_orders
    has_flag = context.has_values("repair_orders", "is_comeback_flagged")
    has_cause = context.has_values("repair_orders", "comeback_cause")
    n_visits = len(starts)
    cause = np.full(n_visits, None, dtype=object)
    if not (has_flag or has_cause):
        return None, cause
    marked = np.zeros(len(orders), dtype=bool)
    if has_flag:
        marked |= orders["is_comeback_flagged"].fillna(False).to_numpy(dtype=bool)
    if has_cause:
        causes = orders["comeback_cause"].to_numpy(dtype=object)[order]
        marked |= orders["comeback_cause"].notna().to_numpy()
        with_cause = pd.notna(causes)
        first = pd.Series(causes[with_cause]).groupby(visit[with_cause]).first()
        cause[first.index.to_numpy()] = first.to_numpy()
    flagged = np.maximum.reduceat(marked[order].astype("int8"), starts).astype(bool)
    return flagged, cause


@dataclass(frozen=True)
class ReturnFlags:
    """Per-RO flags for one window (arrays in repair_orders row order)."""

    is_revisit: np.ndarray
    is_comeback_candidate: np.ndarray | None
    is_comeback_confirmed: np.ndarray | None
    is_window_complete: np.ndarray


def return_flags(context: KpiContext, window_days: float | None = None) -> ReturnFlags:
    """Flag revisits, comeback candidates and confirmed comebacks per RO.

    ``is_comeback_candidate`` is None when the same-system-group rule is on
    and the lines carry no system groups. ``is_comeback_confirmed`` is None
    when the data has neither a comeback flag nor cause codes.
    """
    settings = context.settings
    window = settings.comeback_window_days if window_days is None else window_days
    visits = next_visits(context)
    within = visits.has_next & (visits.days <= window)
    if settings.comeback_window_km is not None:
        within &= np.isnan(visits.km) | (visits.km <= settings.comeback_window_km)

    candidate: np.ndarray | None
    if settings.comeback_same_system_group:
        candidate = None if visits.same_group is None else within & visits.same_group
    elif settings.comeback_include_maintenance_returns:
        candidate = within
    else:
        candidate = within & ~visits.next_is_maintenance
    confirmed = (
        None if visits.next_is_flagged is None else within & visits.next_is_flagged
    )

    opened = context.repair_orders["opened_at"]
    complete = (opened + pd.Timedelta(days=window) <= context.data_end).to_numpy()
    return ReturnFlags(within, candidate, confirmed, complete)


def comeback_table(
    data: ServiceData, settings: KpiSettings | None = None
) -> pd.DataFrame:
    """Return one row per RO (the original visit) with its next visit and flags.

    Parameters
    ----------
    data
        Canonical tables; repair orders need ``vin`` and ``opened_at``.
    settings
        Comeback window, same-system-group rule and the other definitional
        choices (:class:`KpiSettings`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMEBACK_TABLE_COLUMNS`. ``is_comeback_candidate`` is
        null when the same-system-group rule is on but the lines have no
        system group. ``is_comeback_confirmed`` is null without a comeback
        flag or cause codes. ``comeback_cause`` is the cause on the return
        visit. ``is_window_complete`` is False for ROs opened less than the
        window before the last RO in the data.

    Raises
    ------
    KeyError
        ``data`` has no repair_orders table.
    ValueError
        The repair orders have no VINs.

    Notes
    -----
    Candidate: same VIN, same store, next visit within ``comeback_window_days``
    (and ``comeback_window_km``), sharing a non-maintenance system group with
    the original RO (Chinese practice: the same fault within 30 days; the GAC
    4S standard caps the return rate at 5%). Confirmed: the return visit
    carries the DMS comeback flag or a cause code, within the same window.
    """
    context = KpiContext(data, settings or KpiSettings())
    try:
        visits = next_visits(context)
    except KpiUnavailableError as error:
        raise ValueError(f"Cannot build the comeback table: {error.reason}.") from None
    flags = return_flags(context)
    orders = context.repair_orders
    table = pd.DataFrame(index=orders.index)
    for column in ("store_id", "ro_number", "vin", "opened_at"):
        table[column] = orders[column]
    table["month"] = orders["opened_at"].dt.strftime("%Y-%m")
    for column in ("advisor_id", "technician_id"):
        table[column] = orders[column] if column in orders.columns else None
    table["system_group"] = visits.main_group
    for column in ("ro_type", "pay_type", "model", "model_year", "mileage"):
        table[column] = orders[column] if column in orders.columns else None
    table["mileage_unit"] = orders.get("mileage_unit")
    table["is_appointment"] = (
        orders["appointment_id"].notna() if "appointment_id" in orders.columns else None
    )
    has_next = visits.next_position >= 0
    next_numbers = orders["ro_number"].take(np.maximum(visits.next_position, 0))
    table["next_ro_number"] = next_numbers.where(has_next, None).to_numpy()
    table["days_to_next_visit"] = visits.days
    table["km_to_next_visit"] = visits.km
    table["is_revisit"] = flags.is_revisit
    table["is_comeback_candidate"] = _nullable(flags.is_comeback_candidate, len(table))
    table["is_comeback_confirmed"] = _nullable(flags.is_comeback_confirmed, len(table))
    causes = pd.Series(visits.next_cause, dtype="str")
    table["comeback_cause"] = causes.where(pd.Series(flags.is_revisit))
    table["is_same_system_group"] = _nullable(visits.same_group, len(table))
    table["is_maintenance"] = visits.is_maintenance
    table["is_window_complete"] = flags.is_window_complete
    return table[list(COMEBACK_TABLE_COLUMNS)]


def _nullable(values: np.ndarray | None, length: int) -> pd.Series:
    if values is None:
        return pd.Series(pd.NA, index=range(length), dtype="boolean")
    return pd.Series(values, dtype="boolean")


def time_to_return_table(
    data: ServiceData,
    windows: Sequence[int] = (7, 14, 30, 60, 90),
    settings: KpiSettings | None = None,
) -> pd.DataFrame:
    """Return revisit, candidate and confirmed rates for several windows.

    Only ROs opened at least the longest window before the last RO in the
    data are counted, so every window covers the same ROs and the rates are
    comparable: the curve shows how much each extra day adds.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window_days, n_repair_orders, revisits,
        revisit_rate, comeback_candidates, comeback_candidate_rate,
        comeback_confirmed, comeback_confirmed_rate`` (confirmed columns are
        NaN without a comeback flag or cause codes).
    """
    if not windows or any(w <= 0 for w in windows):
        raise ValueError(f"windows must be positive day counts, got {windows!r}.")
    context = KpiContext(data, settings or KpiSettings())
    longest = return_flags(context, max(windows)).is_window_complete
    n_orders = int(longest.sum())
    rows = []
    for window in sorted(windows):
        flags = return_flags(context, window)
        rows.append(
            {
                "window_days": window,
                "n_repair_orders": n_orders,
                **_rate("revisit", flags.is_revisit, longest, n_orders),
                **_rate(
                    "comeback_candidate", flags.is_comeback_candidate, longest, n_orders
                ),
                **_rate(
                    "comeback_confirmed", flags.is_comeback_confirmed, longest, n_orders
                ),
            }
        )
    table = pd.DataFrame(rows)
    return table.rename(
        columns={
            "revisit_count": "revisits",
            "comeback_candidate_count": "comeback_candidates",
        }
    ).rename(columns={"comeback_confirmed_count": "comeback_confirmed"})


def _rate(
    name: str, flags: np.ndarray | None, counted: np.ndarray, n_orders: int
) -> dict[str, float]:
    if flags is None:
        return {f"{name}_count": np.nan, f"{name}_rate": np.nan}
    count = float((flags & counted).sum())
    return {
        f"{name}_count": count,
        f"{name}_rate": count / n_orders if n_orders else np.nan,
    }
