"""The reporting period of a report: given, or the last months of the data."""

from __future__ import annotations

import re

import pandas as pd

from kpitools.tables import ServiceData

__all__ = ["DEFAULT_REPORT_MONTHS", "count_repair_orders", "resolve_period"]

# A year of data evens out seasonality in every KPI of the catalogue.
DEFAULT_REPORT_MONTHS = 12
_PERIOD_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(:\d{4}-(0[1-9]|1[0-2]))?$")


def resolve_period(
    data: ServiceData, period: str = "", *, months: int = DEFAULT_REPORT_MONTHS
) -> str:
    """Return ``period`` checked, or the last ``months`` months of the data.

    Parameters
    ----------
    data
        The data the report reads; its repair orders' ``opened_at`` give the
        latest month when ``period`` is empty.
    period
        ``"YYYY-MM"`` or ``"YYYY-MM:YYYY-MM"`` (inclusive), or ``""``.
    months
        Length of the default period.

    Returns
    -------
    str
        A period in the form ``"YYYY-MM:YYYY-MM"`` (or ``"YYYY-MM"`` as given).

    Raises
    ------
    ValueError
        ``period`` is not in one of the two forms, or its end is before its start.

    Examples
    --------
    A period given is returned unchanged: ``resolve_period(data, "2025-03")``
    gives ``"2025-03"``. With sample data ending in December 2025,
    ``resolve_period(data)`` gives ``"2025-01:2025-12"``.
    """
    period = period.strip()
    if period:
        if not _PERIOD_PATTERN.match(period):
            raise ValueError(
                f"Invalid period {period!r}: expected 'YYYY-MM' or "
                "'YYYY-MM:YYYY-MM', for example '2025-03' or '2025-01:2025-06'."
            )
        start, _, end = period.partition(":")
        if end and end < start:
            raise ValueError(
                f"Invalid period {period!r}: it ends before it starts. "
                f"Write it as '{end}:{start}'."
            )
        return period
    opened = data.get("repair_orders")["opened_at"].dropna()
    if opened.empty:
        raise ValueError(
            f"The data ({data.source}) has no repair order with an opening date, "
            "so no default period can be chosen. Pass period='YYYY-MM:YYYY-MM'."
        )
    last = pd.Period(opened.max(), freq="M")
    first = max(last - (months - 1), pd.Period(opened.min(), freq="M"))
    return f"{first}:{last}"


def count_repair_orders(data: ServiceData, store_id: str, period: str) -> int:
    """Count the store's repair orders opened in ``period`` (``YYYY-MM[:YYYY-MM]``)."""
    start, _, end = resolve_period(data, period).partition(":")
    repair_orders = data.get("repair_orders")
    months = repair_orders["opened_at"].dt.to_period("M").astype(str)
    in_period = months.between(start, end or start)
    return int((in_period & (repair_orders["store_id"] == store_id)).sum())
