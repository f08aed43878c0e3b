"""Generate a synthetic dealer group as canonical tables."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpitools.sample._catalog import OPERATIONS, store_profiles
from kpitools.sample._common import (
    GroupSetup,
    minutes_to_timestamps,
    rank_within,
    sequence_ids,
    text_take,
)
from kpitools.sample._customers import (
    make_appointments,
    make_followups,
    make_recommendations,
    make_surveys,
    make_warranty_claims,
)
from kpitools.sample._orders import (
    COMPLAINT_TEXTS,
    add_comebacks,
    describe_visits,
    make_lines,
    round_money,
)
from kpitools.sample._timing import add_times
from kpitools.sample._visits import sample_visits
from kpitools.schemas import SYSTEM_GROUPS
from kpitools.tables import ServiceData, write_data

logger = logging.getLogger(__name__)

SAMPLE_SEED = 20240101
"""Seed of the bundled sample in ``data/sample``."""

BUNDLED_SAMPLE_OPTIONS: dict[str, int] = {"seed": SAMPLE_SEED}
"""Arguments of :func:`generate_sample` that produced ``data/sample``.

Every argument but the seed is the default: 6 stores, 24 months, 60,000 ROs.
"""

PLANTED_EFFECTS: dict[str, dict[str, object]] = {
    "comeback": {
        "store_id": "S03",
        "technician_id": "S03-T04",
        "system_group": "electrical",
        "rate_multiplier": 5.0,
        "job_share": 0.7,
        "description": (
            "S03-T04 is the store's main electrical technician: the main "
            "technician of 70 % of S03's electrical jobs, and those jobs come "
            "back five times as often as the base rate for electrical work "
            "(35 % against 7 %). Every other technician, system group and store "
            "has the base rate."
        ),
    },
    "no_show": {
        "store_id": "S02",
        "advisor_id": "S02-SA03",
        "no_show_rate": 0.30,
        "base_no_show_rate": 0.10,
        "description": (
            "Appointments booked with advisor S02-SA03 end as no-shows 30 % of "
            "the time (of appointments due), against 10 % for everyone else."
        ),
    },
    "satisfaction_drop": {
        "store_id": "S05",
        "from_month": "2025-04",
        "top_box_drop": 0.15,
        "base_top_box": 0.80,
        "description": (
            "Surveys of S05 ROs opened from April 2025 on are top box 15 points "
            "less often (about 65 % against 80 % before, before the effect of "
            "complaints and comebacks)."
        ),
    },
}
"""Effects planted in the sample for the analyses to find, keyed by kind."""


def generate_sample(
    seed: int = SAMPLE_SEED,
    n_stores: int = 6,
    months: int = 24,
    n_repair_orders: int = 60_000,
    start: str = "2024-01",
    planted_effects: bool = True,
) -> ServiceData:
    """Generate a deterministic synthetic dealer group.

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; the same arguments give the same
        tables.
    n_stores
        Number of stores. The first five are Chinese 4S stores (CNY, km), the
        sixth a US store (USD, miles); more stores repeat the Chinese ones.
    months
        Length of the period in calendar months.
    n_repair_orders
        Exact number of ROs, shared by store size.
    start
        First month, ``YYYY-MM``.
    planted_effects
        Plant the effects of :data:`PLANTED_EFFECTS` (those whose store is
        generated and whose month is in the period). With False every store
        of a country follows the same rates.

    Returns
    -------
    ServiceData
        Every canonical table: stores, repair orders, RO lines, appointments,
        surveys, recommendations, warranty claims and follow-ups.

    Notes
    -----
    Vehicles visit on a renewal process (gamma intervals, about six months
    apart after thinning) from the day they join the service base until their
    owner leaves it (exponential stay, mean 800 days), thinned by a daily
    volume curve with weekday, holiday (Lunar New Year, National Day) and
    summer effects. A failed repair returns after a lognormal delay (median
    8 days); see ``data/sample/README.md`` for every rate.
    """
    _check_arguments(n_stores, months, n_repair_orders)
    setup = _make_setup(seed, n_stores, months, start, planted_effects)

    sizes = setup.store_attribute("size")
    n_per_store = _share_out(n_repair_orders, sizes / sizes.sum())
    vehicles, visits = sample_visits(setup, n_per_store)
    orders = describe_visits(setup, vehicles, visits)
    orders = add_comebacks(setup, orders)
    lines = make_lines(setup, orders)
    orders = add_times(setup, orders, lines)
    orders = _number_orders(setup, orders)
    orders = _add_flags(setup, orders)

    tables = {
        "stores": _stores_table(setup),
        "repair_orders": _repair_orders_table(setup, orders, lines, vehicles),
        "ro_lines": _lines_table(setup, orders, lines),
        "appointments": make_appointments(setup, orders),
        "surveys": make_surveys(setup, orders),
        "recommendations": make_recommendations(setup, orders),
        "warranty_claims": make_warranty_claims(setup, orders, lines),
        "followups": make_followups(setup, orders),
    }
    tables = _resolve_references(tables, orders, vehicles)
    for name, key in (("repair_orders", "ro_number"), ("ro_lines", "ro_number")):
        tables[name] = tables[name].sort_values(
            ["store_id", key], kind="stable", ignore_index=True
        )
    source = f"synthetic sample (seed {seed})"
    return ServiceData(tables, source=source)


def write_sample(
    out_dir: str | Path, seed: int = SAMPLE_SEED, **options: object
) -> Path:
    """Generate a sample with :func:`generate_sample` and write it as Parquet.

    ``options`` are passed to :func:`generate_sample`. Returns the folder.
    """
    data = generate_sample(seed=seed, **options)  # type: ignore[arg-type]
    folder = write_data(data, out_dir)
    logger.info("wrote the synthetic sample (seed %s) to %s", seed, folder)
    return folder


def _check_arguments(n_stores: int, months: int, n_repair_orders: int) -> None:
    if n_stores < 1:
        raise ValueError(f"n_stores must be at least 1, got {n_stores}.")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}.")
    if n_repair_orders < 10 * n_stores:
        raise ValueError(
            f"n_repair_orders must be at least 10 per store ({10 * n_stores} for "
            f"{n_stores} stores), got {n_repair_orders}."
        )


def _make_setup(
    seed: int, n_stores: int, months: int, start: str, planted_effects: bool
) -> GroupSetup:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(start)):
        raise ValueError(f"start must be a month written YYYY-MM, got {start!r}.")
    first = pd.Period(start, freq="M").to_timestamp()
    end = (pd.Period(start, freq="M") + months).to_timestamp()
    rng = np.random.default_rng(seed)
    profiles = store_profiles(n_stores)
    width = max(2, len(str(n_stores)))
    store_ids = np.array([f"S{i + 1:0{width}d}" for i in range(n_stores)])

    advisor_store = np.repeat(np.arange(n_stores), [p.n_advisors for p in profiles])
    technician_store = np.repeat(
        np.arange(n_stores), [p.n_technicians for p in profiles]
    )
    setup = GroupSetup(
        rng=rng,
        profiles=profiles,
        store_ids=store_ids,
        start=first,
        n_days=(end - first).days,
        planted={},
        advisor_store=advisor_store,
        advisor_ids=_staff_ids(store_ids, advisor_store, "SA"),
        advisor_weights=rng.gamma(6.0, 1.0, len(advisor_store)),
        technician_store=technician_store,
        technician_ids=_staff_ids(store_ids, technician_store, "T"),
        technician_weights=rng.gamma(8.0, 1.0, len(technician_store)),
    )
    if planted_effects:
        setup.planted = _applicable_effects(setup)
    return setup


def _staff_ids(store_ids: np.ndarray, owner: np.ndarray, code: str) -> np.ndarray:
    number = rank_within(owner, np.arange(len(owner)))
    ids = sequence_ids(np.char.add(store_ids[owner], f"-{code}"), number, 2)
    return ids.to_numpy(dtype=str)


def _applicable_effects(setup: GroupSetup) -> dict[str, dict[str, object]]:
    known = set(setup.advisor_ids) | set(setup.technician_ids)
    effects = {}
    for kind, effect in PLANTED_EFFECTS.items():
        staff = effect.get("technician_id", effect.get("advisor_id"))
        if setup.store_index(effect["store_id"]) is None:
            continue
        if staff is not None and staff not in known:
            continue
        effects[kind] = effect
    return effects


def _share_out(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` by ``shares`` into integers (largest remainder)."""
    raw = total * shares
    counts = np.floor(raw).astype(np.int64)
    remainder_order = np.argsort(-(raw - counts), kind="stable")
    counts[remainder_order[: total - counts.sum()]] += 1
    return counts


def _number_orders(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Number each store's ROs in the order they were opened, from a random start."""
    store = orders["store"].to_numpy()
    first_number = setup.rng.integers(1_000, 60_000, setup.n_stores)
    number = rank_within(store, orders["opened"].to_numpy()) + first_number[store]
    orders["ro_number"] = sequence_ids("", number, 8)
    return orders


def _add_flags(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    rng = setup.rng
    n_orders = len(orders)
    pay_type = orders["pay_type"].to_numpy()
    inspected = np.isin(pay_type, ("customer_pay", "warranty", "service_contract"))
    mpi_share = np.where(orders["lane"] == "express", 0.45, 0.72)
    has_mpi = inspected & ~orders["is_comeback"] & (rng.random(n_orders) < mpi_share)
    complaint_share = np.where(orders["is_comeback"], 0.25, 0.025)
    return orders.assign(
        has_mpi=has_mpi, has_complaint=rng.random(n_orders) < complaint_share
    )


def _stores_table(setup: GroupSetup) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "store_id": setup.store_ids,
            "store_name": setup.store_attribute("name"),
            "region": setup.store_attribute("region"),
            "brand": setup.store_attribute("brand"),
            "country": setup.store_attribute("country"),
            "currency": setup.store_attribute("currency"),
            "door_labor_rate": setup.store_attribute("door_labor_rate"),
            "n_advisors": np.bincount(setup.advisor_store, minlength=setup.n_stores),
        }
    )


def _repair_orders_table(
    setup: GroupSetup, orders: pd.DataFrame, lines: pd.DataFrame, vehicles: pd.DataFrame
) -> pd.DataFrame:
    rng = setup.rng
    n_orders = len(orders)
    store = orders["store"].to_numpy()
    vehicle = vehicles.iloc[orders["vehicle"].to_numpy()]
    age_days = np.maximum(orders["day"].to_numpy() - vehicle["sold_day"].to_numpy(), 0)
    mileage = age_days * vehicle["daily_distance"].to_numpy() + rng.uniform(
        5, 60, n_orders
    )

    sums = lines.groupby("ro")[
        ["labor_sales", "parts_sales", "sublet_sales", "labor_cost", "parts_cost"]
    ].sum()
    is_discounted = (orders["pay_type"] == "customer_pay").to_numpy() & (
        rng.random(n_orders) < 0.25
    )
    discount_share = rng.choice([0.05, 0.1, 0.15], n_orders)
    decimals = np.where(setup.store_attribute("currency")[store] == "CNY", 0, 2)
    discount = np.where(
        is_discounted,
        round_money(sums["labor_sales"].to_numpy() * discount_share, decimals),
        0.0,
    )
    total = sums[["labor_sales", "parts_sales", "sublet_sales"]].sum(axis=1) - discount

    def stamp(column: str) -> np.ndarray:
        return minutes_to_timestamps(setup.start, orders[column])

    return pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "ro_number": orders["ro_number"].array,
            "advisor_id": text_take(setup.advisor_ids, orders["advisor"]),
            "technician_id": text_take(setup.technician_ids, orders["technician"]),
            "vin": vehicle["vin"].array,
            "model": vehicle["model"].array,
            "model_year": vehicle["model_year"].to_numpy(),
            "mileage": np.round(mileage),
            "mileage_unit": text_take(setup.store_attribute("mileage_unit"), store),
            "ro_type": orders["ro_type"].to_numpy(),
            "pay_type": orders["pay_type"].to_numpy(),
            "lane": orders["lane"].to_numpy(),
            "is_waiter": orders["is_waiter"].to_numpy(),
            "opened_at": stamp("opened"),
            "promised_at": stamp("promised"),
            "completed_at": stamp("completed"),
            "closed_at": stamp("closed"),
            "delivered_at": stamp("delivered"),
            "appointment_id": None,
            "is_comeback_flagged": orders["dms_flag"].to_numpy(),
            "comeback_cause": orders["comeback_cause"].to_numpy(),
            "has_mpi": orders["has_mpi"].to_numpy(),
            "has_complaint": orders["has_complaint"].to_numpy(),
            "labor_sales": np.round(sums["labor_sales"].to_numpy(), 2),
            "parts_sales": np.round(sums["parts_sales"].to_numpy(), 2),
            "sublet_sales": np.round(sums["sublet_sales"].to_numpy(), 2),
            "discount": discount,
            "total_sales": np.round(total.to_numpy(), 2),
            "labor_cost": np.round(sums["labor_cost"].to_numpy(), 2),
            "parts_cost": np.round(sums["parts_cost"].to_numpy(), 2),
        }
    )


def _lines_table(
    setup: GroupSetup, orders: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    ro = lines["ro"].to_numpy()
    operation = lines["operation"].to_numpy()
    return pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, lines["store"]),
            "ro_number": text_take(orders["ro_number"].array, ro),
            "line_number": text_take(
                np.arange(1, 100).astype(str), lines["line_number"]
            ),
            "op_code": text_take(OPERATIONS["op_code"], operation),
            "op_description": text_take(OPERATIONS["description"], operation),
            "system_group": text_take(SYSTEM_GROUPS, lines["system_group"]),
            "pay_type": lines["pay_type"].array,
            "technician_id": text_take(setup.technician_ids, lines["technician"]),
            "hours_sold": lines["hours_sold"].to_numpy(),
            "hours_clocked": lines["hours_clocked"].to_numpy(),
            "labor_sales": lines["labor_sales"].to_numpy(),
            "labor_cost": lines["labor_cost"].to_numpy(),
            "parts_sales": lines["parts_sales"].to_numpy(),
            "parts_cost": lines["parts_cost"].to_numpy(),
            "sublet_sales": lines["sublet_sales"].to_numpy(),
            "sublet_cost": lines["sublet_cost"].to_numpy(),
            "complaint": text_take(COMPLAINT_TEXTS, lines["complaint"]),
            "correction": text_take(OPERATIONS["description"], operation),
        }
    )


def _resolve_references(
    tables: dict[str, pd.DataFrame], orders: pd.DataFrame, vehicles: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Replace internal RO and vehicle positions by RO numbers and VINs."""
    ro_numbers = orders["ro_number"].array

    def ro_number(position: pd.Series) -> pd.api.extensions.ExtensionArray:
        return text_take(ro_numbers, position)

    appointments = tables["appointments"]
    appointments["ro_number"] = ro_number(appointments.pop("ro"))
    appointments["vin"] = text_take(vehicles["vin"].array, appointments.pop("vehicle"))
    arrived = appointments.dropna(subset=["ro_number"])
    repair_orders = tables["repair_orders"]
    by_ro = pd.Series(
        arrived["appointment_id"].to_numpy(),
        index=pd.MultiIndex.from_arrays([arrived["store_id"], arrived["ro_number"]]),
    )
    keys = pd.MultiIndex.from_arrays(
        [repair_orders["store_id"], repair_orders["ro_number"]]
    )
    repair_orders["appointment_id"] = by_ro.reindex(keys).to_numpy()

    for name in ("surveys", "recommendations", "warranty_claims", "followups"):
        table = tables[name]
        table.insert(1, "ro_number", ro_number(table.pop("ro")))
    return tables
