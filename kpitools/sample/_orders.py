"""Repair orders and their labour lines, comebacks included."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.sample._catalog import (
    ADD_ON_GROUP_WEIGHTS,
    COMEBACK_CAUSE_SHARES,
    COMEBACK_PROBABILITY,
    COMPLAINTS,
    OPERATIONS,
    PLANTED_CAUSE_SHARES,
    REPAIR_GROUP_WEIGHTS,
    system_group_codes,
)
from kpitools.sample._common import (
    GroupSetup,
    choose,
    pick_within_groups,
    rank_within,
)
from kpitools.schemas import SYSTEM_GROUPS

RO_TYPE_SHARES = {
    "maintenance": 0.55,
    "repair": 0.33,
    "body_paint": 0.09,
    "other": 0.03,
}
# Labour is sold at the door rate times this factor, by pay type.
LABOR_RATE_FACTOR = {
    "customer_pay": 1.0,
    "warranty": 0.85,
    "internal": 0.7,
    "insurance": 1.0,
    "service_contract": 0.9,
}
_GROUP = {name: code for code, name in enumerate(SYSTEM_GROUPS)}
_DMS_FLAG_SHARE = 0.55
# A return visit can fail again; rounds of returns stop after this many.
MAX_RETURN_ROUNDS = 4
# Customer concern of a line: one text per system group, then the text of a
# return visit's main line.
COMPLAINT_TEXTS = [COMPLAINTS[group] for group in SYSTEM_GROUPS] + [
    "Same concern as the last visit"
]


def describe_visits(
    setup: GroupSetup, vehicles: pd.DataFrame, visits: pd.DataFrame
) -> pd.DataFrame:
    """Add RO type, pay type, main system group, advisor and technician."""
    rng = setup.rng
    n_visits = len(visits)
    store = visits["store"].to_numpy()
    vehicle = vehicles.iloc[visits["vehicle"].to_numpy()]
    age_days = visits["day"].to_numpy() - vehicle["sold_day"].to_numpy()
    is_china = setup.store_attribute("country")[store] == "CN"

    ro_type = choose(rng, list(RO_TYPE_SHARES), list(RO_TYPE_SHARES.values()), n_visits)
    month = setup.dates(visits["day"]).month.to_numpy()
    main_group = _main_group(rng, ro_type, month)
    pay_type = _pay_type(rng, ro_type, age_days, is_china)

    table = visits.assign(
        ro_type=ro_type,
        pay_type=pay_type,
        main_group=main_group,
        is_comeback=False,
        dms_flag=False,
        comeback_cause=None,
    )
    table["advisor"] = pick_within_groups(
        rng, store, setup.advisor_weights, setup.advisor_store
    )
    table["technician"] = _main_technician(setup, store, main_group)
    return table


def _main_group(
    rng: np.random.Generator, ro_type: np.ndarray, month: np.ndarray
) -> np.ndarray:
    groups = system_group_codes(list(REPAIR_GROUP_WEIGHTS))
    base = np.array(list(REPAIR_GROUP_WEIGHTS.values()))
    summer = base * np.where(groups == _GROUP["hvac"], 3.0, 1.0)
    is_summer = np.isin(month, (6, 7, 8))
    repair_group = np.where(
        is_summer,
        groups[rng.choice(len(groups), size=len(month), p=summer / summer.sum())],
        groups[rng.choice(len(groups), size=len(month), p=base)],
    )
    return np.select(
        [ro_type == "maintenance", ro_type == "body_paint", ro_type == "other"],
        [_GROUP["maintenance"], _GROUP["body"], _GROUP["other"]],
        repair_group,
    )


def _pay_type(
    rng: np.random.Generator,
    ro_type: np.ndarray,
    age_days: np.ndarray,
    is_china: np.ndarray,
) -> np.ndarray:
    draw = rng.random(len(ro_type))
    # The first free service (首保) of a Chinese car is paid by the maker.
    first_service = is_china & (age_days < 365) & (draw < 0.45)
    in_warranty = age_days < 3 * 365
    maintenance = np.select(
        [first_service, draw > 0.97, draw > 0.93],
        ["warranty", "internal", "service_contract"],
        "customer_pay",
    )
    repair = np.select(
        [in_warranty & (draw < 0.6), draw > 0.97, draw > 0.95],
        ["warranty", "internal", "service_contract"],
        "customer_pay",
    )
    body = np.select(
        [draw < 0.7, draw > 0.98], ["insurance", "internal"], "customer_pay"
    )
    other = np.where(draw < 0.4, "internal", "customer_pay")
    return np.select(
        [ro_type == "maintenance", ro_type == "repair", ro_type == "body_paint"],
        [maintenance, repair, body],
        other,
    )


def _main_technician(
    setup: GroupSetup, store: np.ndarray, main_group: np.ndarray
) -> np.ndarray:
    technician = pick_within_groups(
        setup.rng, store, setup.technician_weights, setup.technician_store
    )
    planted = setup.planted.get("comeback")
    if planted is None:
        return technician
    # The planted technician is the store's electrical specialist and does a
    # fixed share of its electrical jobs. The colleagues share the rest by weight.
    planted_store = setup.store_index(planted["store_id"])
    target = np.flatnonzero(setup.technician_ids == planted["technician_id"])[0]
    rows = np.flatnonzero(
        (store == planted_store) & (main_group == _GROUP[planted["system_group"]])
    )
    members = np.flatnonzero(setup.technician_store == planted_store)
    colleagues = members[members != target]
    local = pick_within_groups(
        setup.rng,
        np.zeros(len(rows), dtype=np.int64),
        setup.technician_weights[colleagues],
        np.zeros(len(colleagues), dtype=np.int64),
    )
    to_target = setup.rng.random(len(rows)) < float(planted["job_share"])
    technician[rows] = np.where(to_target, target, colleagues[local])
    return technician


def add_comebacks(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Add the return visits of repairs that failed, then trim to the RO count.

    Each RO comes back with a probability set by its main system group (times
    the planted multiplier for the planted technician's jobs in that group),
    after a lognormal delay with a median of 8 days (about 7 % later than 30
    days). A return visit is an RO like any other: it can fail and come back
    in turn, with the same probabilities. The DMS flags about 55 % of the
    returns with a cause. Afterwards as many first visits (never an RO that
    came back) are dropped at random per store as there are returns, so each
    store keeps its RO count.
    """
    rng = setup.rng
    returned, comebacks = _draw_returns(setup, orders)
    rounds = [comebacks]
    for _ in range(MAX_RETURN_ROUNDS - 1):
        if rounds[-1].empty:
            break
        rounds.append(_draw_returns(setup, rounds[-1])[1])
    comebacks = pd.concat(rounds, ignore_index=True)

    store = orders["store"].to_numpy()
    n_returns = np.bincount(comebacks["store"], minlength=setup.n_stores)
    rank = rank_within(store, rng.random(len(orders)) + np.where(returned, 2.0, 0.0))
    kept = orders[rank >= n_returns[store]]
    return pd.concat([kept, comebacks], ignore_index=True)


def _draw_returns(
    setup: GroupSetup, orders: pd.DataFrame
) -> tuple[np.ndarray, pd.DataFrame]:
    """Return which of ``orders`` come back, and their return visits."""
    rng = setup.rng
    group = orders["main_group"].to_numpy()
    probability = np.array([COMEBACK_PROBABILITY[g] for g in SYSTEM_GROUPS])[group]
    planted_rows = _planted_comeback_rows(setup, orders)
    if planted_rows is not None:
        probability = np.where(
            planted_rows,
            probability * setup.planted["comeback"]["rate_multiplier"],
            probability,
        )
    delay = np.ceil(rng.lognormal(np.log(8.0), 0.9, len(orders)))
    returns = (rng.random(len(orders)) < probability) & (
        orders["day"].to_numpy() + delay < setup.n_days
    )

    origin = orders[returns]
    comebacks = origin.assign(
        day=(origin["day"].to_numpy() + delay[returns]).astype(np.int64),
        ro_type=np.where(origin["ro_type"] == "body_paint", "body_paint", "repair"),
        is_comeback=True,
    )
    comebacks["pay_type"] = np.where(
        origin["pay_type"] == "warranty",
        "warranty",
        np.where(rng.random(len(origin)) < 0.6, "internal", "customer_pay"),
    )
    same_advisor = rng.random(len(origin)) < 0.7
    other_advisor = pick_within_groups(
        rng, origin["store"].to_numpy(), setup.advisor_weights, setup.advisor_store
    )
    comebacks["advisor"] = np.where(same_advisor, origin["advisor"], other_advisor)
    # The redo is assigned like any job of its system group, so return visits
    # have the same technician mix, and the same chance to fail, as first ones.
    comebacks["technician"] = _main_technician(
        setup, origin["store"].to_numpy(), origin["main_group"].to_numpy()
    )
    planted_origin = (
        np.zeros(len(origin), bool) if planted_rows is None else planted_rows[returns]
    )
    comebacks["dms_flag"] = rng.random(len(origin)) < _DMS_FLAG_SHARE
    causes = np.where(
        planted_origin,
        _draw_causes(rng, PLANTED_CAUSE_SHARES, len(origin)),
        _draw_causes(rng, COMEBACK_CAUSE_SHARES, len(origin)),
    )
    comebacks["comeback_cause"] = np.where(comebacks["dms_flag"], causes, None)
    return returns, comebacks.reset_index(drop=True)


def _planted_comeback_rows(setup: GroupSetup, orders: pd.DataFrame):
    planted = setup.planted.get("comeback")
    if planted is None:
        return None
    target = np.flatnonzero(setup.technician_ids == planted["technician_id"])[0]
    return (orders["technician"].to_numpy() == target) & (
        orders["main_group"].to_numpy() == _GROUP[planted["system_group"]]
    )


def _draw_causes(
    rng: np.random.Generator, shares: dict[str, float], size: int
) -> np.ndarray:
    return choose(rng, list(shares), list(shares.values()), size)


def make_lines(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Draw the labour lines of every RO; line 1 is the main operation.

    Extra lines are smaller jobs in other system groups (or more body work on
    a body and paint RO). Line 1 always carries the most hours sold, so the
    RO's main technician and main system group are line 1's.
    """
    rng = setup.rng
    ro_type = orders["ro_type"].to_numpy()
    mean_extra = np.select(
        [ro_type == "maintenance", ro_type == "repair", ro_type == "body_paint"],
        [0.5, 0.6, 1.0],
        0.0,
    )
    n_lines = 1 + rng.poisson(np.where(orders["is_comeback"], 0.1, mean_extra))
    ro = np.repeat(np.arange(len(orders)), n_lines)
    line_number = rank_within(ro, np.arange(len(ro)))
    is_main = line_number == 0

    add_on = system_group_codes(list(ADD_ON_GROUP_WEIGHTS))[
        rng.choice(
            len(ADD_ON_GROUP_WEIGHTS), len(ro), p=list(ADD_ON_GROUP_WEIGHTS.values())
        )
    ]
    main_group = orders["main_group"].to_numpy()[ro]
    group = np.where(is_main | (main_group == _GROUP["body"]), main_group, add_on)
    operation = _pick_operation(rng, group)

    store = orders["store"].to_numpy()[ro]
    same_technician = is_main | (rng.random(len(ro)) < 0.75)
    other_technician = pick_within_groups(
        rng, store, setup.technician_weights, setup.technician_store
    )
    technician = np.where(
        same_technician, orders["technician"].to_numpy()[ro], other_technician
    )
    pay_type = orders["pay_type"].to_numpy()[ro]
    # Extra work found on a warranty or insurance job is paid by the customer.
    pay_type = np.where(
        ~is_main & np.isin(pay_type, ("warranty", "insurance")),
        "customer_pay",
        pay_type,
    )
    lines = pd.DataFrame(
        {
            "ro": ro,
            "line_number": line_number,
            "system_group": group,
            "operation": operation,
            "technician": technician,
            "pay_type": pay_type,
            "store": store,
        }
    )
    return _price_lines(setup, lines, orders["is_comeback"].to_numpy()[ro])


def _pick_operation(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    owner = system_group_codes(OPERATIONS["system_group"].tolist())
    order = np.argsort(owner, kind="stable")
    picked = pick_within_groups(rng, group, np.ones(len(owner)), owner[order])
    return order[picked]


def _price_lines(
    setup: GroupSetup, lines: pd.DataFrame, is_comeback: np.ndarray
) -> pd.DataFrame:
    rng = setup.rng
    n_lines = len(lines)
    operation = OPERATIONS.iloc[lines["operation"].to_numpy()]
    store = lines["store"].to_numpy()
    is_main = lines["line_number"].to_numpy() == 0

    hours = operation["hours"].to_numpy() * rng.lognormal(0, 0.2, n_lines)
    hours = np.maximum(np.round(hours, 1), 0.1)
    main_hours = np.repeat(hours[is_main], np.bincount(lines["ro"]))
    hours = np.where(is_main, hours, np.minimum(hours, np.round(0.9 * main_hours, 1)))
    hours = np.maximum(hours, 0.1)
    # A redo of a failed repair is often charged as a short recheck.
    hours = np.where(is_comeback, np.round(hours * 0.6, 1) + 0.1, hours)

    efficiency = np.exp(rng.normal(0, 0.08, len(setup.technician_ids)))
    clocked = hours * rng.lognormal(np.log(0.95), 0.2, n_lines)
    # Technicians clock jobs in tenths of an hour.
    clocked = np.round(clocked * efficiency[lines["technician"].to_numpy()], 1)

    # Chinese DMS prices parts in whole yuan; US prices carry cents.
    decimals = np.where(setup.store_attribute("currency")[store] == "CNY", 0, 2)
    pay_factor = lines["pay_type"].map(LABOR_RATE_FACTOR).to_numpy()
    door_rate = setup.store_attribute("door_labor_rate")[store]
    labor_sales = np.round(hours * door_rate * pay_factor, 2)
    labor_cost = round_money(
        clocked * setup.store_attribute("labor_cost_rate")[store], decimals
    )

    price_factor = setup.store_attribute("price_factor")[store]
    parts = operation["parts_price"].to_numpy() * rng.lognormal(0, 0.25, n_lines)
    parts_sales = round_money(parts * price_factor, decimals)
    parts_cost = round_money(parts_sales * rng.uniform(0.62, 0.76, n_lines), decimals)

    is_body = lines["system_group"].to_numpy() == _GROUP["body"]
    has_sublet = rng.random(n_lines) < np.where(is_body, 0.15, 0.02)
    sublet = np.where(has_sublet, rng.uniform(300, 2000, n_lines) * price_factor, 0.0)
    sublet_sales = round_money(sublet, decimals)
    sublet_cost = round_money(sublet_sales * 0.8, decimals)

    complaint = np.where(
        is_comeback & is_main, len(SYSTEM_GROUPS), lines["system_group"].to_numpy()
    )
    return lines.assign(
        hours_sold=hours,
        hours_clocked=clocked,
        labor_sales=labor_sales,
        labor_cost=labor_cost,
        parts_sales=parts_sales,
        parts_cost=parts_cost,
        sublet_sales=sublet_sales,
        sublet_cost=sublet_cost,
        complaint=complaint,
    )


def round_money(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    return np.where(decimals == 0, np.round(values), np.round(values, 2))
