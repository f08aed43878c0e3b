"""Money and hours KPIs: hours per RO, effective labour rate, RO value, gross.

Amounts come from the RO lines where the lines carry them (so a line's own
pay type can split an RO), otherwise from the repair orders. Hours sold only
exist on lines. Every figure here is split by pay type when ``by`` contains
``pay_type`` or ``settings.pay_type_split`` is on, because mixing customer-pay
and warranty money destroys comparability.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError
from kpitools.kpis.registry import KpiDefinition, register

__all__ = [
    "MONEY_MEASURES",
    "avg_cp_ro_value_units",
    "effective_labor_rate_units",
    "elr_pct_door_units",
    "hours_per_ro_units",
    "labor_gross_units",
    "money_frame",
    "parts_to_labor_units",
]

MONEY_MEASURES = (
    "hours_sold",
    "labor_sales",
    "labor_cost",
    "parts_sales",
    "sublet_sales",
)


def is_split(context: KpiContext) -> bool:
    """Return whether money KPIs are split by pay type in this call."""
    return "pay_type" in context.by or context.settings.pay_type_split


def money_frame(context: KpiContext, split: bool) -> pd.DataFrame:
    """Money and hours per RO, or per RO and pay type when ``split`` (cached).

    Columns ``_ro_pos, store_id, date, [pay_type], <measures>``; a measure
    the data lacks is absent. Hours are converted with ``labor_unit_minutes``.
    """
    return context.cached(f"money:{split}", lambda: _build_money(context, split))


def _build_money(context: KpiContext, split: bool) -> pd.DataFrame:
    orders = context.repair_orders
    line_measures = [m for m in MONEY_MEASURES if context.has_values("ro_lines", m)]
    order_measures = [
        m
        for m in MONEY_MEASURES
        if m not in line_measures and context.has_values("repair_orders", m)
    ]
    if split and not (
        context.has_values("ro_lines", "pay_type")
        or context.has_values("repair_orders", "pay_type")
    ):
        raise KpiUnavailableError("no pay type on ROs or lines to split money by")
    keys = ["_ro_pos", "pay_type"] if split else ["_ro_pos"]
    frame = _order_measures(context, order_measures, split)
    if line_measures:
        per_line = _line_measures(context, line_measures, split)
        if order_measures:
            frame = per_line.merge(frame, on=keys, how="outer")
        else:
            # ROs without lines still count as ROs, with zero hours and sales.
            lineless = ~np.isin(frame["_ro_pos"].to_numpy(), per_line["_ro_pos"])
            frame = pd.concat([per_line, frame[lineless]], ignore_index=True)
        frame[line_measures] = frame[line_measures].fillna(0.0)
    positions = frame["_ro_pos"].to_numpy()
    frame["store_id"] = orders["store_id"].take(positions).reset_index(drop=True)
    frame["date"] = orders["opened_at"].to_numpy()[positions]
    if "hours_sold" in frame.columns:
        frame["hours_sold"] *= context.settings.labor_unit_minutes / 60
    return frame


def _order_measures(
    context: KpiContext, measures: list[str], split: bool
) -> pd.DataFrame:
    orders = context.repair_orders
    frame = pd.DataFrame({"_ro_pos": np.arange(len(orders))})
    if split:
        frame["pay_type"] = orders["pay_type"].astype("object").astype("category")
    for measure in measures:
        frame[measure] = orders[measure].to_numpy(dtype="float64", na_value=np.nan)
    return frame


def _line_measures(
    context: KpiContext, measures: list[str], split: bool
) -> pd.DataFrame:
    lines = context.require("ro_lines")
    positions = context.table_positions("ro_lines")
    valid = positions >= 0
    frame = pd.DataFrame({"_ro_pos": positions[valid]})
    if split:
        order_pay = context.ro_column("pay_type", positions)
        if "pay_type" in lines.columns:
            line_pay = lines["pay_type"].astype("object")
            order_pay = line_pay.fillna(order_pay.astype("object"))
        frame["pay_type"] = order_pay.astype("category").take(np.flatnonzero(valid))
    for measure in measures:
        frame[measure] = lines[measure].to_numpy(dtype="float64", na_value=np.nan)[
            valid
        ]
    keys = ["_ro_pos", "pay_type"] if split else ["_ro_pos"]
    return (
        frame.groupby(keys, dropna=False, sort=False, observed=True)
        .sum(min_count=1)
        .reset_index()
    )


def _units(
    frame: pd.DataFrame, numerator: pd.Series, denominator: pd.Series | float
) -> pd.DataFrame:
    keep = [c for c in ("_ro_pos", "store_id", "date", "pay_type") if c in frame]
    units = frame[keep].copy()
    units["numerator"] = numerator.to_numpy()
    units["denominator"] = (
        denominator.to_numpy() if isinstance(denominator, pd.Series) else denominator
    )
    return units


def _require_measures(frame: pd.DataFrame, *measures: str) -> None:
    missing = [m for m in measures if m not in frame.columns]
    if missing:
        where = "ro_lines" if "hours_sold" in missing else "ro_lines or repair_orders"
        raise KpiUnavailableError(f"no {', '.join(missing)} values in {where}")


def _customer_pay(context: KpiContext) -> pd.DataFrame:
    frame = money_frame(context, split=True)
    return frame[(frame["pay_type"] == "customer_pay").to_numpy()]


def hours_per_ro_units(context: KpiContext) -> pd.DataFrame:
    """ROs (or RO x pay type): numerator hours sold, denominator 1."""
    frame = money_frame(context, is_split(context))
    _require_measures(frame, "hours_sold")
    return _units(frame, frame["hours_sold"], 1.0)


def effective_labor_rate_units(context: KpiContext) -> pd.DataFrame:
    """ROs: numerator labour sales, denominator hours sold."""
    frame = money_frame(context, is_split(context))
    _require_measures(frame, "labor_sales", "hours_sold")
    return _units(frame, frame["labor_sales"].fillna(0.0), frame["hours_sold"])


def elr_pct_door_units(context: KpiContext) -> pd.DataFrame:
    """Customer-pay parts of ROs: numerator labour sales / door rate, denominator
    hours sold, so the ratio is ELR / door rate within a store."""
    frame = _customer_pay(context)
    _require_measures(frame, "labor_sales", "hours_sold")
    door = _door_rates(context, frame["store_id"])
    has_door = door.notna().to_numpy() & (door.to_numpy() > 0)
    if not has_door.any():
        raise KpiUnavailableError(
            "no door labour rate: fill stores.door_labor_rate or set door_labor_rate"
        )
    frame, door = frame[has_door], door[has_door]
    return _units(
        frame, frame["labor_sales"].fillna(0.0) / door.to_numpy(), frame["hours_sold"]
    )


def _door_rates(context: KpiContext, store_ids: pd.Series) -> pd.Series:
    if context.settings.door_labor_rate is not None:
        return pd.Series(float(context.settings.door_labor_rate), index=store_ids.index)
    if not context.has_values("stores", "door_labor_rate"):
        return pd.Series(np.nan, index=store_ids.index)
    stores = context.require("stores")
    rates = stores.set_index(stores["store_id"].astype("str"))["door_labor_rate"]
    # Mapping a categorical maps its few categories, not every row.
    return store_ids.astype("category").map(rates).astype("float64")


def avg_cp_ro_value_units(context: KpiContext) -> pd.DataFrame:
    """Customer-pay parts of ROs: numerator CP labour + parts + sublet sales."""
    frame = _customer_pay(context)
    present = [m for m in ("labor_sales", "parts_sales", "sublet_sales") if m in frame]
    if not present:
        raise KpiUnavailableError("no labour, parts or sublet sales in this data")
    value = frame[present].fillna(0.0).sum(axis=1)
    return _units(frame, value, 1.0)


def parts_to_labor_units(context: KpiContext) -> pd.DataFrame:
    """ROs: numerator parts sales, denominator labour sales."""
    frame = money_frame(context, is_split(context))
    _require_measures(frame, "parts_sales", "labor_sales")
    return _units(
        frame, frame["parts_sales"].fillna(0.0), frame["labor_sales"].fillna(0.0)
    )


def labor_gross_units(context: KpiContext) -> pd.DataFrame:
    """ROs with a labour cost: numerator labour gross, denominator labour sales."""
    frame = money_frame(context, is_split(context))
    _require_measures(frame, "labor_sales", "labor_cost")
    frame = frame[frame["labor_cost"].notna().to_numpy()]
    sales = frame["labor_sales"].fillna(0.0)
    return _units(frame, sales - frame["labor_cost"], sales)


_MONEY_SETTINGS = ("pay_type_split", "currency")
_PEERS = "compare with the peer network"

for _definition in (
    KpiDefinition(
        name="hours_per_ro",
        label_en="Hours per RO",
        label_zh="单车工时",
        numerator="labour hours sold",
        denominator="ROs (per pay type when split)",
        unit_of_analysis="repair orders",
        direction="up",
        aggregation="ratio",
        format="hours",
        requires=("ro_lines.hours_sold",),
        settings=("pay_type_split", "labor_unit_minutes"),
        units=hours_per_ro_units,
        formula="sum(hours_sold x labor_unit_minutes / 60) / ROs",
        source="dealer total 1.3-1.8 hours (Citrin Cooperman)",
        is_proportion=False,
        splits_by_pay_type=True,
    ),
    KpiDefinition(
        name="effective_labor_rate",
        label_en="Effective labour rate",
        label_zh="实际工时单价",
        numerator="labour sales",
        denominator="labour hours sold",
        unit_of_analysis="repair orders",
        direction="up",
        aggregation="ratio",
        format="currency",
        requires=("ro_lines.hours_sold",),
        settings=(*_MONEY_SETTINGS, "labor_unit_minutes"),
        units=effective_labor_rate_units,
        formula="labour sales / hours sold",
        source=(
            "NADA customer-pay door rate $115 (1H2017), $123 (1H2019); China "
            "200-500 RMB per hour"
        ),
        is_proportion=False,
        splits_by_pay_type=True,
    ),
    KpiDefinition(
        name="effective_labor_rate_pct_door",
        label_en="Effective labour rate, % of door rate",
        label_zh="实际工时单价占公示单价比",
        numerator="customer-pay labour sales / door rate",
        denominator="customer-pay labour hours sold",
        unit_of_analysis="customer-pay repair orders",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("ro_lines.hours_sold",),
        settings=("door_labor_rate", "labor_unit_minutes"),
        units=elr_pct_door_units,
        formula="customer-pay ELR / door labour rate",
        source=_PEERS,
        is_proportion=False,
    ),
    KpiDefinition(
        name="avg_cp_ro_value",
        label_en="Average customer-pay RO value",
        label_zh="自费单车产值",
        numerator="customer-pay labour + parts + sublet sales",
        denominator="ROs with customer-pay work",
        unit_of_analysis="customer-pay repair orders",
        direction="up",
        aggregation="ratio",
        format="currency",
        requires=("repair_orders",),
        settings=("currency",),
        units=avg_cp_ro_value_units,
        formula="CP (labour + parts + sublet) sales / CP ROs",
        source="NADA: $285 (1H2017), $311 (1H2019) per customer-pay RO",
        is_proportion=False,
    ),
    KpiDefinition(
        name="parts_to_labor_ratio",
        label_en="Parts-to-labour ratio",
        label_zh="配件工时比",
        numerator="parts sales",
        denominator="labour sales",
        unit_of_analysis="repair orders",
        direction="band",
        aggregation="ratio",
        format="ratio",
        requires=("repair_orders",),
        settings=_MONEY_SETTINGS,
        units=parts_to_labor_units,
        formula="parts sales / labour sales",
        source="NADA: $1.55 (2017), $1.58 (2019) parts per labour dollar",
        is_proportion=False,
        splits_by_pay_type=True,
    ),
    KpiDefinition(
        name="labor_gross_pct",
        label_en="Labour gross profit %",
        label_zh="工时毛利率",
        numerator="labour sales - labour cost",
        denominator="labour sales (ROs with a labour cost)",
        unit_of_analysis="repair orders with labour cost",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("repair_orders",),
        settings=_MONEY_SETTINGS,
        units=labor_gross_units,
        formula="(labour sales - labour cost) / labour sales",
        source="about 76% target (dealerguide.com.au)",
        is_proportion=False,
        splits_by_pay_type=True,
    ),
):
    register(_definition)
