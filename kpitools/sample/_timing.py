"""Clock times of each RO: appointment slot, arrival, promise, completion, delivery.

Times are minutes since the first day at midnight, so the arithmetic stays in
numpy; they become timestamps when the canonical tables are built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.sample._common import GroupSetup

DAY = 1440.0
HOUR = 60.0


def add_times(
    setup: GroupSetup, orders: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    """Add lane, appointment flag and the minutes of every RO milestone.

    Planned duration depends on the lane and the hours sold; the actual
    duration is the plan times a lognormal factor, so about 90 % of ROs are
    completed by the promised time.
    """
    rng = setup.rng
    n_orders = len(orders)
    store = orders["store"].to_numpy()
    day_start = orders["day"].to_numpy() * DAY
    ro_type = orders["ro_type"].to_numpy()
    n_lines = np.bincount(lines["ro"], minlength=n_orders)
    hours = np.bincount(lines["ro"], weights=lines["hours_sold"], minlength=n_orders)

    share = setup.store_attribute("appointment_share")[store]
    share = np.where(orders["is_comeback"], 0.5, share)
    is_appointment = rng.random(n_orders) < share
    slot = day_start + 8.5 * HOUR + 30.0 * rng.integers(0, 16, n_orders)
    arrived = slot + np.clip(rng.normal(-8, 12, n_orders), -45, 60)
    started = np.maximum(arrived, slot - 10) + rng.exponential(5, n_orders)
    walk_in = day_start + 8 * HOUR + rng.beta(2, 3, n_orders) * 9.5 * HOUR
    opened = np.where(is_appointment, started + rng.uniform(2, 10, n_orders), walk_in)

    is_express = (
        (ro_type == "maintenance") & (n_lines == 1) & (rng.random(n_orders) < 0.7)
    )
    planned = np.select(
        [is_express, ro_type == "maintenance", ro_type == "body_paint"],
        [
            60 + 30 * rng.integers(0, 2, n_orders),
            120 + 30 * n_lines,
            DAY * (1 + np.floor(hours / 6)),
        ],
        np.ceil((60 + 100 * hours) / 30) * 30,
    )
    actual = np.maximum(planned * rng.lognormal(-0.28, 0.22, n_orders), 20)
    completed = opened + actual
    closed = completed + rng.uniform(5, 40, n_orders)
    is_waiter = rng.random(n_orders) < np.where(is_express, 0.6, 0.2)
    delivered = closed + rng.exponential(np.where(is_waiter, 15, 60))
    # A car finished late in the evening is collected the next morning.
    late = (delivered % DAY) > 19.5 * HOUR
    next_morning = (np.floor(delivered / DAY) + 1) * DAY + 9 * HOUR
    delivered = np.where(late, next_morning + rng.exponential(45, n_orders), delivered)

    return orders.assign(
        lane=np.where(is_express, "express", "main_shop"),
        is_waiter=is_waiter,
        is_appointment=is_appointment,
        slot=np.where(is_appointment, slot, np.nan),
        arrived=np.where(is_appointment, arrived, np.nan),
        started=np.where(is_appointment, started, np.nan),
        opened=opened,
        # Advisors promise a time on the quarter hour.
        promised=np.ceil((opened + planned) / 15) * 15,
        completed=completed,
        closed=closed,
        delivered=delivered,
        n_lines=n_lines,
    )
