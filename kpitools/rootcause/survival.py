"""Time to return: how soon after a visit cars come back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["HORIZONS_DAYS", "return_curve", "time_to_return"]

HORIZONS_DAYS = (7, 30, 90)


def _kaplan_meier(days_to_event: ArrayLike, follow_up_days: ArrayLike):
    days = np.asarray(days_to_event, dtype=float)
    follow_up = np.asarray(follow_up_days, dtype=float)
    # An event seen after the end of the data cannot be seen at all.
    has_event = ~np.isnan(days) & (days <= follow_up)
    censored_at = np.clip(follow_up[~has_event & ~np.isnan(follow_up)], 0, None)
    sample = stats.CensoredData(uncensored=days[has_event], right=censored_at)
    return stats.ecdf(sample), int(has_event.sum()), len(days)


def time_to_return(
    days_to_event: ArrayLike,
    follow_up_days: ArrayLike,
    *,
    horizons: Sequence[int] = HORIZONS_DAYS,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Estimate the share of ROs followed by a return within each horizon.

    Parameters
    ----------
    days_to_event
        Days from the RO to the return (NaN when none was seen).
    follow_up_days
        Days from the RO to the end of the data: how long a return could
        have been seen.
    horizons
        Days at which to read the cumulative incidence.
    confidence_level
        Level of the pointwise intervals.

    Returns
    -------
    pandas.DataFrame
        One row per horizon: ``days, cumulative_incidence, ci_low, ci_high,
        n_events, n_repair_orders, share_of_last`` where ``share_of_last`` is
        the incidence at that horizon over the incidence at the last one
        (how much of the long-window returns a shorter window catches).

    Notes
    -----
    One minus the Kaplan-Meier estimate of not having returned (Kaplan and
    Meier 1958, JASA 53:457), from ``scipy.stats.ecdf`` with right-censored
    data, with Greenwood's pointwise log-log intervals. ROs opened near the
    end of the data are censored, so the late horizons are not biased down
    by cars that had no time to come back.
    """
    result, n_events, n_total = _kaplan_meier(days_to_event, follow_up_days)
    days = np.asarray(horizons, dtype=float)
    interval = result.cdf.confidence_interval(confidence_level)
    incidence = result.cdf.evaluate(days)
    table = pd.DataFrame(
        {
            "days": np.asarray(horizons, dtype=int),
            "cumulative_incidence": incidence,
            "ci_low": interval.low.evaluate(days),
            "ci_high": interval.high.evaluate(days),
            "n_events": n_events,
            "n_repair_orders": n_total,
        }
    )
    last = incidence[-1]
    table["share_of_last"] = incidence / last if last > 0 else np.nan
    return table


def return_curve(
    days_to_event: ArrayLike, follow_up_days: ArrayLike, *, max_days: int = 90
) -> pd.DataFrame:
    """Return the cumulative incidence of return for each day 0..``max_days``."""
    result, _, _ = _kaplan_meier(days_to_event, follow_up_days)
    days = np.arange(max_days + 1)
    return pd.DataFrame(
        {"days": days, "cumulative_incidence": result.cdf.evaluate(days)}
    )
