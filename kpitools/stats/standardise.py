"""Indirect (case-mix) standardisation: observed against expected events."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpitools.stats.intervals import byar_interval, poisson_interval

__all__ = ["indirect_standardise"]


def indirect_standardise(
    units: pd.DataFrame,
    *,
    strata: Sequence[str],
    event: str,
    by: Sequence[str] = ("store_id",),
    trials: str | None = None,
    reference: pd.DataFrame | None = None,
    interval: str = "exact",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Compute observed/expected ratios after indirect standardisation.

    Rates per stratum (pay type, RO type, model, vehicle age band ...) come
    from a reference population; each group's expected count is the sum over
    its units of the reference rate of their stratum. A store with older cars
    or more warranty work is then compared with what the reference would
    show on the same case mix.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit (e.g. per RO from ``comeback_table``) or per
        aggregated cell, with the ``strata``, ``by`` and ``event`` columns.
    strata : sequence of str
        Case-mix columns.
    event : str
        Events per row (0/1 per unit, or counts per cell).
    by : sequence of str
        Groups to report (stores, technicians).
    trials : str, optional
        Column of units per row for aggregated input; default 1 per row.
    reference : pandas.DataFrame, optional
        Reference population with the same columns; default ``units`` itself
        (the whole group pooled).
    interval : {"exact", "byar"}
        Exact Poisson (Garwood) or Byar's approximation (Breslow-Day variant)
        for the ratio, with the expected count treated as fixed.
    confidence_level : float

    Returns
    -------
    pandas.DataFrame
        ``<by> | observed | expected | trials | ratio | ci_low | ci_high |
        reason``. A group whose strata are absent from the reference (or
        with zero expected events) gets NaN and a reason.

    Raises
    ------
    ValueError
        If a ``strata``, ``by`` or ``event`` column is missing, or
        ``interval`` is unknown.

    Notes
    -----
    Indirect standardisation (the standardised ratio O/E of Breslow and
    Day 1987, Statistical Methods in Cancer Research vol. II, IARC). The
    exact interval is :func:`~kpitools.stats.intervals.poisson_interval`
    with the expected count as exposure.
    """
    strata, by = list(strata), list(by)
    missing = [c for c in [*strata, *by, event] if c not in units.columns]
    if missing:
        raise ValueError(
            f"units is missing columns {missing} (found: {list(units.columns)}); "
            "add them or change strata/by/event."
        )
    if interval not in ("exact", "byar"):
        raise ValueError(f"interval must be 'exact' or 'byar', got {interval!r}.")
    reference = units if reference is None else reference

    def with_trials(table: pd.DataFrame) -> pd.DataFrame:
        counted = (
            table[[*strata, *by, event]].copy()
            if table is units
            else (table[[*strata, event]].copy())
        )
        counted["_trials"] = 1.0 if trials is None else table[trials].astype(float)
        return counted

    reference_rates = (
        with_trials(reference)
        .groupby(strata, observed=True, dropna=False)[[event, "_trials"]]
        .sum()
    )
    reference_rates["_rate"] = reference_rates[event] / reference_rates["_trials"]
    study = with_trials(units).join(reference_rates["_rate"], on=strata)
    study["_expected"] = study["_rate"] * study["_trials"]

    result = study.groupby(by, observed=True, dropna=False).agg(
        observed=(event, "sum"),
        expected=("_expected", lambda values: values.sum(min_count=len(values))),
        trials=("_trials", "sum"),
    )
    result = result.astype(float)
    has_expected = result["expected"] > 0
    result["ratio"] = (result["observed"] / result["expected"]).where(has_expected)
    function = poisson_interval if interval == "exact" else byar_interval
    low, high = function(
        result["observed"].to_numpy(),
        result["expected"].to_numpy(),
        confidence_level=confidence_level,
    )
    result["ci_low"] = np.where(has_expected, low, np.nan)
    result["ci_high"] = np.where(has_expected, high, np.nan)
    result["reason"] = np.where(
        has_expected, "", "no expected events: strata missing from the reference"
    )
    return result.reset_index()
