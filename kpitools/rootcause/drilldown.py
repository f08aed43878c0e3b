"""From a flagged factor level to the ROs behind it, with VINs masked."""

from __future__ import annotations

import pandas as pd

from kpitools.privacy import mask_vins
from kpitools.rootcause.factors import Factor, get_factor
from kpitools.rootcause.strata import MISSING_LEVEL

__all__ = ["DRILLDOWN_COLUMNS", "drilldown"]

DRILLDOWN_COLUMNS = [
    "store_id",
    "ro_number",
    "vin",
    "opened_at",
    "advisor_id",
    "technician_id",
    "system_group",
    "op_code",
    "ro_type",
    "model",
    "mileage",
    "next_ro_number",
    "days_to_next_visit",
    "comeback_cause",
]


def drilldown(
    table: pd.DataFrame,
    factor: Factor | str,
    level: str,
    *,
    outcome: str = "is_comeback_confirmed",
    events_only: bool = True,
) -> pd.DataFrame:
    """List the ROs of one factor level, newest first, with VINs masked.

    Parameters
    ----------
    table
        One row per RO with the factor columns and the boolean ``outcome``.
    factor, level
        The factor (name or :class:`Factor`) and the level to list, e.g.
        ``"technician"`` and ``"T07"``; ``"(missing)"`` lists missing values.
    outcome
        Boolean column that marks an RO that came back.
    events_only
        List only the ROs that came back (default) or every RO of the level.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`DRILLDOWN_COLUMNS` that ``table`` has, plus
        ``came_back``. VINs keep the maker code and last four characters
        (``kpitools.privacy.mask_vins``).

    Raises
    ------
    ValueError
        When ``level`` is not a level of the factor; the message lists some.
    """
    factor = get_factor(factor) if isinstance(factor, str) else factor
    levels = table[factor.column].astype("string").fillna(MISSING_LEVEL)
    if not levels.eq(level).any():
        known = sorted(levels.unique().tolist())
        raise ValueError(
            f"{level!r} is not a level of {factor.label} in this data. "
            f"Levels found: {', '.join(known[:20])}{' ...' if len(known) > 20 else ''}."
        )
    came_back = table[outcome].astype("boolean").fillna(False)
    selected = levels.eq(level) & (came_back if events_only else True)
    columns = [c for c in DRILLDOWN_COLUMNS if c in table.columns]
    rows = table.loc[selected, columns].assign(came_back=came_back[selected])
    if "vin" in rows:
        rows["vin"] = mask_vins(rows["vin"])
    return rows.sort_values("opened_at", ascending=False, ignore_index=True)
