"""The KPI engine: units per KPI, filtered by period, grouped and aggregated."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kpitools.kpis.context import RO_ATTRIBUTES, KpiContext, KpiUnavailableError
from kpitools.kpis.registry import REGISTRY, KpiDefinition, get_kpi
from kpitools.kpis.scope import scope_caveat, scope_reason
from kpitools.kpis.settings import KpiSettings
from kpitools.tables import ServiceData

__all__ = [
    "BY_KEYS",
    "KEY_ALIASES",
    "RESULT_COLUMNS",
    "compute_kpis",
    "normalise_by",
    "parse_period",
]

BY_KEYS = ("store_id", "month", *RO_ATTRIBUTES)
KEY_ALIASES = {
    "store": "store_id",
    "advisor": "advisor_id",
    "technician": "technician_id",
    "vehicle_age": "vehicle_age_band",
}
RESULT_COLUMNS = (
    "kpi",
    "numerator",
    "denominator",
    "value",
    "n",
    "std",
    "available",
    "reason",
    "promoters",
    "detractors",
)
_PERIOD_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def compute_kpis(
    data: ServiceData,
    by: Sequence[str] | str = ("store_id",),
    kpis: Iterable[str] | None = None,
    period: str | None = None,
    settings: KpiSettings | None = None,
) -> pd.DataFrame:
    """Compute KPIs for every group of ``by``, as one tidy table.

    Parameters
    ----------
    data
        Canonical tables (:func:`kpitools.tables.load_data`).
    by
        Grouping keys, any of ``store_id, advisor_id, technician_id, month,
        pay_type, lane, ro_type, model, vehicle_age_band`` (aliases ``store``,
        ``advisor``, ``technician``, ``vehicle_age``). A comma-separated string
        is accepted. An empty sequence gives one ungrouped row per KPI.
    kpis
        KPI names; None computes the whole catalogue (:data:`REGISTRY`).
    period
        ``"YYYY-MM"``, ``"YYYY-MM:YYYY-MM"`` (inclusive) or None for all data.
        Each unit is placed in the month of its own date (RO opened, survey
        answered, appointment slot, ...).
    settings
        Definitional choices; :class:`KpiSettings` defaults when None.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...> | kpi | numerator | denominator | value | n | std |
        available | reason | promoters | detractors``. ``n`` is the sample
        size for statistics (the denominator of a proportion, the number of
        units otherwise). ``std`` is the sample standard deviation of unit
        values for mean KPIs. A KPI the data cannot support has
        ``available=False`` and a ``reason``; a group without units has a
        NaN value and the reason "no <units> in the period". When
        ``settings.pay_type_split`` is on, money and hours KPIs carry an extra
        ``pay_type`` column.

    Raises
    ------
    KpiNotFoundError
        A name in ``kpis`` is not registered.
    ValueError
        ``by`` has an unknown key or ``period`` is malformed.

    Notes
    -----
    For ratio KPIs, numerators and denominators are additive: summing them
    over groups and dividing gives the KPI of the union of the groups.

    Examples
    --------
    >>> table = compute_kpis(data, by="store,month", kpis=["nps"])  # doctest: +SKIP
    """
    settings = settings or KpiSettings()
    keys = normalise_by(by)
    definitions = (
        list(REGISTRY.values()) if kpis is None else [get_kpi(name) for name in kpis]
    )
    month_range = parse_period(period)
    context = KpiContext(data, settings, keys, month_range)
    groups = _group_frame(context, keys, month_range)
    pieces = [
        _compute_one(context, definition, keys, month_range, groups)
        for definition in definitions
    ]
    return _finish(pieces, keys)


def normalise_by(by: Sequence[str] | str | None) -> tuple[str, ...]:
    """Return ``by`` as a tuple of canonical keys (aliases resolved, checked)."""
    if by is None:
        return ()
    names = by.split(",") if isinstance(by, str) else list(by)
    keys = [KEY_ALIASES.get(name.strip(), name.strip()) for name in names]
    keys = [key for key in keys if key]
    unknown = [key for key in keys if key not in BY_KEYS]
    if unknown:
        raise ValueError(
            f"Unknown grouping keys {unknown}; use some of {list(BY_KEYS)} "
            f"(or the aliases {sorted(KEY_ALIASES)})."
        )
    if len(set(keys)) != len(keys):
        raise ValueError(f"Grouping keys repeat: {keys}.")
    return tuple(keys)


def parse_period(period: str | None) -> tuple[int, int] | None:
    """Return ``period`` as inclusive month codes (year * 12 + month - 1).

    None stays None (all months).
    """
    if period is None:
        return None
    parts = str(period).split(":")
    if len(parts) > 2:
        raise ValueError(_period_message(period))
    codes = []
    for part in parts:
        match = _PERIOD_PATTERN.match(part.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(_period_message(period))
        codes.append(int(match.group(1)) * 12 + int(match.group(2)) - 1)
    start, end = codes[0], codes[-1]
    if start > end:
        raise ValueError(f"Period {period!r} ends before it starts.")
    return start, end


def _period_message(period: str) -> str:
    return (
        f"Invalid period {period!r}; use 'YYYY-MM' (e.g. '2024-05') or "
        "'YYYY-MM:YYYY-MM' for an inclusive range."
    )


def month_codes(dates: pd.Series) -> pd.Series:
    """Month code year * 12 + month - 1 per date (NaN for missing dates)."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    months = values.astype("datetime64[M]").astype("int64") + 1970 * 12
    return pd.Series(
        np.where(np.isnat(values), np.nan, months.astype("float64")),
        index=dates.index,
    )


def month_labels(codes: pd.Series) -> pd.Series:
    """``"YYYY-MM"`` text for month codes (missing stays missing)."""
    unique = pd.unique(codes.dropna())
    labels = {
        code: f"{int(code) // 12:04d}-{int(code) % 12 + 1:02d}" for code in unique
    }
    return codes.map(labels).astype("str").where(codes.notna(), None)


def _compute_one(
    context: KpiContext,
    definition: KpiDefinition,
    keys: tuple[str, ...],
    month_range: tuple[int, int] | None,
    groups: pd.DataFrame | None,
) -> pd.DataFrame:
    split_keys = keys
    if (
        context.settings.pay_type_split
        and definition.splits_by_pay_type
        and "pay_type" not in keys
    ):
        split_keys = (*keys, "pay_type")
    try:
        reason = scope_reason(definition.name, context.data.import_summary.get("scope"))
        if reason is not None:
            raise KpiUnavailableError(reason)
        _check_requirements(context, definition)
        units = definition.units(context)
        units = _prepare_units(context, definition, units, split_keys, month_range)
    except KpiUnavailableError as error:
        return _unavailable(definition, groups, keys, error.reason)
    result = _aggregate(units, split_keys, definition, context.settings)
    if groups is not None and split_keys == keys:
        result = _add_empty_groups(result, groups, keys)
    result["reason"] = _empty_reason(result, definition)
    caveat = scope_caveat(
        definition.name,
        definition.requires,
        context.data.import_summary.get("scope"),
    )
    if caveat is not None:
        result["reason"] = (result["reason"] + "; " + caveat).str.lstrip("; ")
    history_caveat = context.cached("kpi_caveats", dict).get(definition.name)
    if history_caveat is not None:
        result["reason"] = (result["reason"] + "; " + history_caveat).str.lstrip("; ")
    result.insert(0, "kpi", definition.name)
    return result


def _check_requirements(context: KpiContext, definition: KpiDefinition) -> None:
    for requirement in definition.requires:
        table, _, column = requirement.partition(".")
        context.require(table, (column,) if column else ())


def _prepare_units(
    context: KpiContext,
    definition: KpiDefinition,
    units: pd.DataFrame,
    keys: tuple[str, ...],
    month_range: tuple[int, int] | None,
) -> pd.DataFrame:
    units = units.reset_index(drop=True)
    codes = month_codes(units["date"])
    if month_range is not None:
        inside = codes.between(*month_range).to_numpy()
        units, codes = units[inside].reset_index(drop=True), codes[inside]
    if "month" in keys:
        units["month"] = codes.to_numpy(dtype="float64")
    missing = [key for key in keys if key not in units.columns]
    if missing:
        units = _enrich(context, definition, units, missing)
    return units


def _enrich(
    context: KpiContext,
    definition: KpiDefinition,
    units: pd.DataFrame,
    missing: list[str],
) -> pd.DataFrame:
    has_ro = "_ro_pos" in units.columns or "ro_number" in units.columns
    impossible = [key for key in missing if key not in RO_ATTRIBUTES or not has_ro]
    if impossible:
        raise KpiUnavailableError(
            f"cannot be split by {', '.join(impossible)}: its units "
            f"({definition.unit_of_analysis}) carry no such key"
        )
    attributes = context.ro_attributes()
    absent = [key for key in missing if key not in attributes.columns]
    if absent:
        raise KpiUnavailableError(
            f"cannot be split by {', '.join(absent)}: repair_orders has no values "
            "in that column"
        )
    if "_ro_pos" in units.columns:
        positions = units["_ro_pos"].to_numpy()
    else:
        positions = context.ro_positions(units)
    found = positions >= 0
    safe = np.where(found, positions, 0)
    for key in missing:
        values = attributes[key].take(safe).reset_index(drop=True)
        units[key] = values.where(pd.Series(found), None)
    return units


def _aggregate(
    units: pd.DataFrame,
    keys: tuple[str, ...],
    definition: KpiDefinition,
    settings: KpiSettings,
) -> pd.DataFrame:
    group_keys = list(keys) or ["_all"]
    if not keys:
        units = units.assign(_all=0)
    kind = definition.aggregation
    if kind == "ratio":
        result = _aggregate_ratio(units, group_keys, definition)
    elif kind == "nps":
        result = _aggregate_nps(units, group_keys)
    else:
        grouped = units.groupby(group_keys, dropna=False, observed=True, sort=False)
        if kind in ("mean", "index"):
            result = _aggregate_mean(grouped)
        else:
            quantile = 0.5 if kind == "median" else definition.quantile
            result = _aggregate_quantile(
                grouped, quantile or settings.cycle_time_quantile
            )
        result = result.reset_index()
    if not keys:
        result = result.drop(columns="_all")
        if result.empty:
            result = _empty_row()
    return result


def sum_by_group(
    units: pd.DataFrame, keys: list[str], columns: list[str]
) -> pd.DataFrame:
    """Sum ``columns`` per group of ``keys`` (missing keys form their own group).

    Returns the key columns, the sums (NaN counted as 0) and ``count``, the
    number of units. Groups are numbered from the key codes and summed with
    ``np.bincount``, which is several times faster than a pandas groupby on a
    million rows. A pandas groupby is the fallback when the codes would
    overflow.
    """
    group_ids, first_rows = _group_ids(units, keys)
    if group_ids is None:
        grouped = units.groupby(keys, dropna=False, observed=True, sort=False)
        result = grouped[columns].sum()
        result["count"] = grouped.size()
        return result.reset_index()
    n_groups = len(first_rows)
    result = units[keys].iloc[first_rows].reset_index(drop=True)
    for column in columns:
        weights = np.nan_to_num(units[column].to_numpy(dtype="float64"))
        result[column] = np.bincount(group_ids, weights=weights, minlength=n_groups)
    result["count"] = np.bincount(group_ids, minlength=n_groups).astype("float64")
    return result


def _group_ids(
    units: pd.DataFrame, keys: list[str]
) -> tuple[np.ndarray | None, np.ndarray]:
    """Group number per row and the first row of each group."""
    combined = np.zeros(len(units), dtype="int64")
    capacity = 1
    for key in keys:
        column = units[key]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy().astype("int64") + 1
            size = len(column.cat.categories) + 1
        else:
            labels, uniques = pd.factorize(column)
            codes, size = np.asarray(labels, dtype="int64") + 1, len(uniques) + 1
        capacity *= size
        if capacity >= 2**62:
            return None, np.empty(0, dtype="int64")
        combined = combined * size + codes
    group_ids, group_keys = pd.factorize(combined)
    first_rows = np.empty(len(group_keys), dtype="int64")
    # Assigning in reverse leaves the first row of each group in place.
    first_rows[group_ids[::-1]] = np.arange(len(units) - 1, -1, -1)
    return group_ids, first_rows


def _aggregate_ratio(
    units: pd.DataFrame, keys: list[str], definition: KpiDefinition
) -> pd.DataFrame:
    result = sum_by_group(units, keys, ["numerator", "denominator"])
    positive = result["denominator"] > 0
    result["value"] = (result["numerator"] / result["denominator"]).where(positive)
    result["n"] = result["denominator"] if definition.is_proportion else result["count"]
    result["std"] = np.nan
    return result.drop(columns="count")


def _aggregate_mean(grouped) -> pd.DataFrame:
    result = grouped["value"].agg(["sum", "count", "std"])
    result = result.rename(columns={"sum": "numerator", "count": "denominator"})
    result["denominator"] = result["denominator"].astype("float64")
    positive = result["denominator"] > 0
    result["value"] = (result["numerator"] / result["denominator"]).where(positive)
    result["n"] = result["denominator"]
    return result


def _aggregate_quantile(grouped, quantile: float) -> pd.DataFrame:
    result = grouped["value"].agg(["count"])
    result["value"] = grouped["value"].quantile(quantile)
    result["numerator"] = np.nan
    result["denominator"] = np.nan
    result["n"] = result["count"].astype("float64")
    result["std"] = np.nan
    return result.drop(columns="count")


def _aggregate_nps(units: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    result = sum_by_group(units, keys, ["promoter", "detractor"])
    result = result.rename(
        columns={
            "promoter": "promoters",
            "detractor": "detractors",
            "count": "denominator",
        }
    )
    result["numerator"] = result["promoters"] - result["detractors"]
    positive = result["denominator"] > 0
    result["value"] = (100 * result["numerator"] / result["denominator"]).where(
        positive
    )
    result["n"] = result["denominator"]
    result["std"] = np.nan
    return result


def _empty_row() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "numerator": [0.0],
            "denominator": [0.0],
            "value": [np.nan],
            "n": [0.0],
            "std": [np.nan],
        }
    )


def _group_frame(
    context: KpiContext,
    keys: tuple[str, ...],
    month_range: tuple[int, int] | None,
) -> pd.DataFrame | None:
    """Return every group of ``keys`` found in the repair orders of the period."""
    if not keys:
        return None
    try:
        orders = context.repair_orders
        attributes = context.ro_attributes()
    except KpiUnavailableError:
        return None
    codes = month_codes(orders["opened_at"])
    inside = (
        np.ones(len(orders), dtype=bool)
        if month_range is None
        else codes.between(*month_range).to_numpy()
    )
    columns = {}
    for key in keys:
        if key == "month":
            columns[key] = codes[inside].to_numpy(dtype="float64")
        elif key == "store_id":
            columns[key] = orders["store_id"][inside].to_numpy()
        elif key in attributes.columns:
            columns[key] = attributes[key][inside].to_numpy()
        else:
            return None
    return pd.DataFrame(columns).drop_duplicates(ignore_index=True)


def _add_empty_groups(
    result: pd.DataFrame, groups: pd.DataFrame, keys: tuple[str, ...]
) -> pd.DataFrame:
    merge_keys = list(keys)
    left = result.copy()
    right = groups.copy()
    for key in merge_keys:
        left[key] = left[key].astype("object")
        right[key] = right[key].astype("object")
    merged = left.merge(right, on=merge_keys, how="outer", sort=False)
    is_new = merged["n"].isna()
    for column in ("numerator", "denominator"):
        if merged[column].notna().any() or is_new.all():
            merged.loc[is_new, column] = 0.0
    merged.loc[is_new, "n"] = 0.0
    return merged


def _empty_reason(result: pd.DataFrame, definition: KpiDefinition) -> pd.Series:
    no_units = (result["n"].fillna(0) == 0) & result["value"].isna()
    zero_denominator = result["value"].isna() & ~no_units
    reason = pd.Series("", index=result.index, dtype="str")
    reason[no_units] = f"no {definition.unit_of_analysis} in the period"
    reason[zero_denominator] = (
        f"the denominator ({definition.denominator}) is zero in the period"
    )
    return reason


def _unavailable(
    definition: KpiDefinition,
    groups: pd.DataFrame | None,
    keys: tuple[str, ...],
    reason: str,
) -> pd.DataFrame:
    base = pd.DataFrame(index=[0]) if groups is None else groups.copy()
    if groups is None:
        for key in keys:
            base[key] = None
    base = base.reset_index(drop=True)
    base.insert(0, "kpi", definition.name)
    for column in ("numerator", "denominator", "value", "n", "std"):
        base[column] = np.nan
    base["available"] = False
    base["reason"] = f"{definition.name}: {reason}"
    return base


def _finish(pieces: list[pd.DataFrame], keys: tuple[str, ...]) -> pd.DataFrame:
    prepared = []
    for piece in pieces:
        piece = piece.copy()
        for key in keys:
            piece[key] = piece[key].astype("object")
        prepared.append(piece)
    table = pd.concat(prepared, ignore_index=True, sort=False)
    if "available" not in table.columns:
        table["available"] = True
    table["available"] = table["available"].astype("object").fillna(True).astype(bool)
    for column in ("promoters", "detractors"):
        if column not in table.columns:
            table[column] = np.nan
    extra = [c for c in table.columns if c not in keys and c not in RESULT_COLUMNS]
    table = table[[*keys, *extra, *RESULT_COLUMNS]]
    if "month" in keys:
        table["month"] = month_labels(pd.to_numeric(table["month"]))
    for key in (*keys, *extra):
        table[key] = table[key].astype("str").where(table[key].notna(), None)
    for column in ("numerator", "denominator", "value", "n", "std"):
        table[column] = table[column].astype("float64")
    table["reason"] = table["reason"].fillna("").astype("str")
    return _sort(table, keys)


def _sort(table: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    order = {name: position for position, name in enumerate(REGISTRY)}
    table["_kpi_order"] = table["kpi"].map(order)
    sort_keys = [*keys, "_kpi_order"]
    extra = [c for c in table.columns if c == "pay_type" and c not in keys]
    table = table.sort_values([*sort_keys, *extra], na_position="last", kind="stable")
    return table.drop(columns="_kpi_order").reset_index(drop=True)
