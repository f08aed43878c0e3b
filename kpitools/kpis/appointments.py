"""Appointment KPIs: appointment rate, show and no-show, funnel, punctuality."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError
from kpitools.kpis.registry import KpiDefinition, register

__all__ = [
    "appointment_due",
    "appointment_rate_units",
    "arrival_to_ro_units",
    "conversion_units",
    "no_show_units",
    "punctuality_units",
    "show_units",
]

_KEEP = ("store_id", "advisor_id", "ro_number")


def _appointments(context: KpiContext) -> pd.DataFrame:
    return context.require("appointments", ("slot_at",))


def _is_arrived(appointments: pd.DataFrame) -> pd.Series:
    arrived = pd.Series(False, index=appointments.index)
    if "status" in appointments.columns:
        arrived |= (appointments["status"] == "arrived").fillna(False).astype(bool)
    if "arrived_at" in appointments.columns:
        arrived |= appointments["arrived_at"].notna()
    return arrived


def _has_ro(context: KpiContext, appointments: pd.DataFrame) -> pd.Series:
    """Whether an RO was opened from each appointment.

    Read from ``appointments.ro_number``; without it, from
    ``repair_orders.appointment_id``.
    """
    return context.cached("appointment_has_ro", lambda: _link_ros(context))


def _link_ros(context: KpiContext) -> pd.Series:
    appointments = _appointments(context)
    if context.has_values("appointments", "ro_number"):
        return appointments["ro_number"].notna()
    if context.has_values("repair_orders", "appointment_id"):
        orders = context.repair_orders
        linked = orders[orders["appointment_id"].notna().to_numpy()]
        keys = pd.MultiIndex.from_arrays(
            [linked["store_id"].astype("str"), linked["appointment_id"].astype("str")]
        )
        wanted = pd.MultiIndex.from_arrays(
            [
                appointments["store_id"].astype("str"),
                appointments["appointment_id"].astype("str"),
            ]
        )
        return pd.Series(wanted.isin(keys), index=appointments.index)
    raise KpiUnavailableError(
        "appointments are not linked to ROs (no appointments.ro_number and "
        "no repair_orders.appointment_id)"
    )


def appointment_due(context: KpiContext) -> pd.DataFrame:
    """Appointments due (slot in the data) minus early cancellations.

    Returns the kept appointments with ``is_arrived``. A cancellation made at
    least ``cancellation_cutoff_hours`` before the slot (or with no
    cancellation time) leaves the denominator; a later one stays as a no-show.
    Rescheduled appointments leave it too: the new slot is its own
    appointment.
    """
    appointments = _appointments(context).copy()
    if not context.has_values("appointments", "status"):
        raise KpiUnavailableError("appointments.status is empty in this data")
    status = appointments["status"]
    cutoff = pd.Timedelta(hours=context.settings.cancellation_cutoff_hours)
    cancelled_at = (
        appointments["cancelled_at"]
        if "cancelled_at" in appointments.columns
        else pd.Series(pd.NaT, index=appointments.index, dtype="datetime64[ns]")
    )
    is_cancelled = (status == "cancelled").fillna(False).astype(bool)
    is_late = cancelled_at.notna() & (cancelled_at > appointments["slot_at"] - cutoff)
    is_early_cancellation = is_cancelled & ~is_late
    # A still-booked appointment has no final status yet, so it is not due.
    is_open = status.isin(["booked", "rescheduled"]).fillna(False).astype(bool)
    is_arrived = _is_arrived(appointments)
    keep = (~is_early_cancellation & ~is_open) | is_arrived
    due = appointments[keep.to_numpy()]
    frame = due[[c for c in _KEEP if c in due.columns]].copy()
    frame["date"] = due["slot_at"]
    frame["is_arrived"] = is_arrived[keep.to_numpy()].astype("float64")
    return frame


def show_units(context: KpiContext) -> pd.DataFrame:
    """Appointments due: numerator 1 if the customer arrived."""
    due = appointment_due(context)
    return due.assign(numerator=due["is_arrived"], denominator=1.0)


def no_show_units(context: KpiContext) -> pd.DataFrame:
    """Appointments due: numerator 1 if the customer did not arrive."""
    due = appointment_due(context)
    return due.assign(numerator=1.0 - due["is_arrived"], denominator=1.0)


def arrival_to_ro_units(context: KpiContext) -> pd.DataFrame:
    """Arrived appointments: numerator 1 if an RO was opened from it."""
    appointments = _appointments(context)
    arrived = _is_arrived(appointments)
    has_ro = _has_ro(context, appointments)[arrived]
    rows = appointments[arrived]
    frame = rows[[c for c in _KEEP if c in rows.columns]].copy()
    frame["date"] = rows["slot_at"]
    frame["numerator"] = has_ro.astype("float64")
    frame["denominator"] = 1.0
    return frame


def conversion_units(context: KpiContext) -> pd.DataFrame:
    """Booked appointments (not rescheduled): numerator 1 if an RO was opened."""
    appointments = _appointments(context)
    is_rescheduled = (
        (appointments["status"] == "rescheduled").fillna(False).astype(bool)
        if "status" in appointments.columns
        else pd.Series(False, index=appointments.index)
    )
    has_ro = _has_ro(context, appointments)
    rows = appointments[~is_rescheduled]
    frame = rows[[c for c in _KEEP if c in rows.columns]].copy()
    frame["date"] = rows["slot_at"]
    frame["numerator"] = has_ro[~is_rescheduled].astype("float64")
    frame["denominator"] = 1.0
    return frame


def punctuality_units(context: KpiContext) -> pd.DataFrame:
    """Arrived appointments with a service start: numerator 1 if the start is
    within ``punctuality_minutes`` of the slot."""
    appointments = context.require("appointments", ("slot_at", "service_started_at"))
    started = appointments["service_started_at"]
    rows = appointments[_is_arrived(appointments) & started.notna()]
    gap = (rows["service_started_at"] - rows["slot_at"]).abs()
    tolerance = pd.Timedelta(minutes=context.settings.punctuality_minutes)
    frame = rows[[c for c in _KEEP if c in rows.columns]].copy()
    frame["date"] = rows["slot_at"]
    frame["numerator"] = (gap <= tolerance).astype("float64")
    frame["denominator"] = 1.0
    return frame


def appointment_rate_units(context: KpiContext) -> pd.DataFrame:
    """ROs: numerator 1 if the RO came from an appointment."""
    orders = context.repair_orders
    from_appointment = np.zeros(len(orders), dtype=bool)
    linked_any = False
    if context.has_values("repair_orders", "appointment_id"):
        from_appointment |= orders["appointment_id"].notna().to_numpy()
        linked_any = True
    elif context.has_values("appointments", "ro_number"):
        positions = context.table_positions("appointments")
        from_appointment[positions[positions >= 0]] = True
        linked_any = True
    if not linked_any:
        raise KpiUnavailableError(
            "ROs are not linked to appointments (no repair_orders.appointment_id "
            "and no appointments.ro_number)"
        )
    return pd.DataFrame(
        {
            "store_id": orders["store_id"],
            "_ro_pos": np.arange(len(orders)),
            "date": orders["opened_at"],
            "numerator": from_appointment.astype("float64"),
            "denominator": 1.0,
        }
    )


_APPOINTMENTS_DUE = (
    "appointments due in the period minus those cancelled at least "
    "cancellation_cutoff_hours before the slot"
)
_FUNNEL_SOURCE = "no published benchmark; compare with the peer network"

register(
    KpiDefinition(
        name="appointment_rate",
        label_en="Appointment rate",
        label_zh="预约率",
        numerator="ROs opened from an appointment",
        denominator="ROs opened",
        unit_of_analysis="repair orders",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders",),
        settings=(),
        units=appointment_rate_units,
        formula="ROs with an appointment / ROs",
        source="China: about 72% of owners booked (J.D. Power China CSI 2019)",
    )
)
register(
    KpiDefinition(
        name="appointment_show_rate",
        label_en="Appointment show rate",
        label_zh="预约到店率",
        numerator="appointments where the customer arrived",
        denominator=_APPOINTMENTS_DUE,
        unit_of_analysis="appointments due",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("appointments.slot_at", "appointments.status"),
        settings=("cancellation_cutoff_hours",),
        units=show_units,
        formula="arrived / (due - early cancellations)",
        source=_FUNNEL_SOURCE,
        notes="A cancellation after the cut-off counts as a no-show.",
    )
)
register(
    KpiDefinition(
        name="appointment_no_show_rate",
        label_en="Appointment no-show rate",
        label_zh="爽约率",
        numerator="appointments where the customer did not arrive",
        denominator=_APPOINTMENTS_DUE,
        unit_of_analysis="appointments due",
        direction="down",
        aggregation="ratio",
        format="percent",
        requires=("appointments.slot_at", "appointments.status"),
        settings=("cancellation_cutoff_hours",),
        units=no_show_units,
        formula="1 - show rate",
        source=_FUNNEL_SOURCE,
    )
)
register(
    KpiDefinition(
        name="appointment_arrival_to_ro_rate",
        label_en="Appointment arrival to RO rate",
        label_zh="预约到店开单率",
        numerator="arrived appointments with an RO opened",
        denominator="arrived appointments",
        unit_of_analysis="arrived appointments",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("appointments.slot_at",),
        settings=(),
        units=arrival_to_ro_units,
        formula="arrived with RO / arrived",
        source=_FUNNEL_SOURCE,
    )
)
register(
    KpiDefinition(
        name="appointment_conversion",
        label_en="Appointment conversion (booked to RO)",
        label_zh="预约转化率",
        numerator="appointments with an RO opened",
        denominator="appointments booked for a slot in the period, not rescheduled",
        unit_of_analysis="booked appointments",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("appointments.slot_at",),
        settings=(),
        units=conversion_units,
        formula="appointments with RO / booked appointments",
        source=_FUNNEL_SOURCE,
    )
)
register(
    KpiDefinition(
        name="appointment_punctuality",
        label_en="Appointment punctuality",
        label_zh="预约准时率",
        numerator="arrived appointments whose service started within the tolerance",
        denominator="arrived appointments with a service start time",
        unit_of_analysis="arrived appointments with a start time",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("appointments.slot_at", "appointments.service_started_at"),
        settings=("punctuality_minutes",),
        units=punctuality_units,
        formula="|service_started_at - slot_at| <= punctuality_minutes / arrived",
        source=">= 90% (GAC 4S standard)",
    )
)
