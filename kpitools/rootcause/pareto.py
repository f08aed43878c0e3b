"""Pareto tables: which causes and system groups make up most comebacks."""

from __future__ import annotations

import pandas as pd

from kpitools.rootcause.strata import MISSING_LEVEL

__all__ = ["pareto_table"]


def pareto_table(
    table: pd.DataFrame, column: str, *, outcome: str = "is_comeback_confirmed"
) -> pd.DataFrame:
    """Count the ROs that came back by ``column``, largest first, with shares.

    Parameters
    ----------
    table
        One row per RO with ``column`` and the boolean ``outcome``.
    column
        What to count by, e.g. ``"comeback_cause"`` or ``"system_group"``.
    outcome
        Boolean column that marks an RO that came back.

    Returns
    -------
    pandas.DataFrame
        ``level, n_events, share, cumulative_share``; missing values count
        as ``"(missing)"``. Empty when nothing came back.

    Examples
    --------
    >>> table = pd.DataFrame({"comeback_cause": ["a", "a", "b", None],
    ...                       "is_comeback_confirmed": [True, True, True, False]})
    >>> pareto_table(table, "comeback_cause")["n_events"].tolist()
    [2, 1]
    """
    events = table[table[outcome].astype("boolean").fillna(False)]
    counts = (
        events[column]
        .astype("string")
        .fillna(MISSING_LEVEL)
        .value_counts(sort=True)
        .rename("n_events")
        .rename_axis("level")
        .reset_index()
    )
    total = counts["n_events"].sum()
    counts["share"] = counts["n_events"] / total if total else 0.0
    counts["cumulative_share"] = counts["share"].cumsum()
    return counts
