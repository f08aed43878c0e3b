"""Comeback rates stratified by a factor, each level against the overall rate."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kpitools.exceptions import SmallSampleWarning
from kpitools.rootcause._stats import wilson_interval
from kpitools.rootcause.factors import Factor, get_factor

__all__ = ["MIN_REPAIR_ORDERS", "MISSING_LEVEL", "level_counts", "stratify"]

# Below 30 ROs a level's Wilson interval at a 5% rate spans more than 15
# points, too wide to say anything about that level.
MIN_REPAIR_ORDERS = 30
MISSING_LEVEL = "(missing)"

STRATA_COLUMNS = [
    "factor",
    "level",
    "n_repair_orders",
    "n_events",
    "rate",
    "ci_low",
    "ci_high",
    "overall_rate",
    "expected_events",
    "excess_events",
    "flag",
    "rank",
]


def level_counts(
    table: pd.DataFrame, factor: Factor | str, outcome: str
) -> pd.DataFrame:
    """Count ROs and events per level of ``factor``.

    Returns a frame indexed by level with the columns ``n_repair_orders`` and
    ``n_events``. ROs with a missing level are counted under ``"(missing)"``.
    An ordered factor keeps its band order; other levels are sorted.
    """
    factor = get_factor(factor) if isinstance(factor, str) else factor
    levels = table[factor.column].astype("string").fillna(MISSING_LEVEL)
    events = table[outcome].astype("boolean").fillna(False).astype(int)
    counts = events.groupby(levels).agg(n_repair_orders="size", n_events="sum")
    if factor.is_ordered:
        order = [lv for lv in (*factor.levels, MISSING_LEVEL) if lv in counts.index]
        counts = counts.reindex(order)
    counts.index.name = "level"
    return counts


def stratify(
    table: pd.DataFrame,
    factor: Factor | str,
    *,
    outcome: str = "is_comeback_confirmed",
    overall_rate: float | None = None,
    confidence_level: float = 0.95,
    min_repair_orders: int = MIN_REPAIR_ORDERS,
) -> pd.DataFrame:
    """Return the comeback rate of every level of ``factor`` with an interval.

    Parameters
    ----------
    table
        One row per RO with the factor column and the boolean ``outcome``
        (see :func:`kpitools.rootcause.add_factor_columns`).
    factor
        A :class:`Factor` or a factor name such as ``"technician"``.
    outcome
        Boolean column that marks an RO that came back.
    overall_rate
        Rate each level is compared with; default the rate over ``table``.
    confidence_level
        Level of the Wilson score intervals.
    min_repair_orders
        Levels with fewer ROs are flagged ``"too few data"`` and ranked last.

    Returns
    -------
    pandas.DataFrame
        One row per level: ``factor, level, n_repair_orders, n_events, rate,
        ci_low, ci_high, overall_rate, expected_events, excess_events, flag,
        rank``. ``flag`` is ``"higher"`` when the whole interval lies above
        the overall rate, ``"lower"`` when below, otherwise ``"no evidence"``.
        ``rank`` 1 is the level with the highest lower interval bound, so a
        level ranks high only when its rate is high and its sample large.

    Warns
    -----
    SmallSampleWarning
        When some levels have fewer than ``min_repair_orders`` ROs.

    Notes
    -----
    The interval is Wilson's score interval (Wilson 1927, JASA 22:209),
    computed by ``kpitools.stats.proportion_interval``. A level flag is
    descriptive: with many levels some intervals exclude the overall rate by
    chance, so read it only for a factor that passes the association test of
    :func:`kpitools.rootcause.scan_factors`.

    Examples
    --------
    >>> table = pd.DataFrame({"technician_id": ["T1", "T1", "T2"],
    ...                       "is_comeback_confirmed": [True, False, False]})
    >>> stratify(table, "technician", min_repair_orders=1)[["level", "rate"]]
      level  rate
    0    T1   0.5
    1    T2   0.0
    """
    factor = get_factor(factor) if isinstance(factor, str) else factor
    counts = level_counts(table, factor, outcome).reset_index()
    n = counts["n_repair_orders"].to_numpy(dtype=float)
    events = counts["n_events"].to_numpy(dtype=float)
    if overall_rate is None:
        overall_rate = events.sum() / n.sum() if n.sum() else np.nan

    low, high = wilson_interval(events, n, confidence_level)
    strata = counts.assign(
        factor=factor.name,
        rate=events / np.where(n > 0, n, np.nan),
        ci_low=low,
        ci_high=high,
        overall_rate=overall_rate,
        expected_events=n * overall_rate,
    )
    strata["excess_events"] = strata["n_events"] - strata["expected_events"]
    is_small = strata["n_repair_orders"] < min_repair_orders
    strata["flag"] = np.select(
        [is_small, strata["ci_low"] > overall_rate, strata["ci_high"] < overall_rate],
        ["too few data", "higher", "lower"],
        default="no evidence",
    )
    ranking = strata["ci_low"].where(~is_small, -1.0)
    strata["rank"] = ranking.rank(ascending=False, method="min").astype(int)

    if is_small.any():
        small = strata.loc[is_small, "level"].tolist()
        warnings.warn(
            f"{factor.label}: {len(small)} of {len(strata)} levels have fewer "
            f"than {min_repair_orders} ROs ({', '.join(map(str, small[:5]))}"
            f"{', ...' if len(small) > 5 else ''}). Their rates are flagged "
            "'too few data'; widen the period or pass min_repair_orders to "
            "change the threshold.",
            SmallSampleWarning,
            stacklevel=2,
        )
    return strata[STRATA_COLUMNS]
