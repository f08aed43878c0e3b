"""Vehicles of each store's service base and the days they visit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.sample._catalog import LUNAR_NEW_YEAR
from kpitools.sample._common import GroupSetup, pick_within_groups, rank_within
from kpitools.sample._vin import make_vins

# Mean days between two visits of a vehicle before thinning; after the
# seasonal thinning a kept vehicle visits about every six months.
MEAN_VISIT_INTERVAL_DAYS = 110.0
# Mean days a vehicle stays in the service base before the owner leaves.
MEAN_STAY_DAYS = 800.0


def daily_weights(setup: GroupSetup) -> np.ndarray:
    """Return the relative RO volume of each store on each day.

    The shape is (stores, days). Chinese stores dip for a week from Lunar New
    Year and in the National Day week, are busy in the two weeks before the
    New Year and in July and August; the US store closes on Sundays and
    public holidays. Every store grows about 4 % a year.
    """
    dates = setup.start + pd.to_timedelta(np.arange(setup.n_days), unit="D")
    weekday = dates.day_of_week.to_numpy()
    month = dates.month.to_numpy()
    years = np.arange(setup.n_days) / 365.25

    china = _china_season(dates) * np.where(np.isin(month, (7, 8)), 1.08, 1.0)
    us = _us_season(dates) * np.where(np.isin(month, (6, 7, 8)), 1.05, 1.0)
    weights = np.empty((setup.n_stores, setup.n_days))
    for index, profile in enumerate(setup.profiles):
        season = china if profile.country == "CN" else us
        week = np.asarray(profile.weekday_weights)[weekday]
        weights[index] = profile.size * season * week * (1 + 0.04 * years)
    return weights


def _china_season(dates: pd.DatetimeIndex) -> np.ndarray:
    factor = np.ones(len(dates))
    for year in sorted(set(dates.year)):
        new_year = pd.Timestamp(LUNAR_NEW_YEAR.get(year, f"{year}-02-01"))
        offset = (dates - new_year).days.to_numpy()
        factor[(offset >= -14) & (offset < -1)] *= 1.25
        factor[(offset >= -1) & (offset < 7)] *= 0.25
        factor[(offset >= 7) & (offset < 14)] *= 0.85
    national_day = (dates.month == 10) & (dates.day <= 7)
    factor[national_day] *= 0.55
    return factor


def _us_season(dates: pd.DatetimeIndex) -> np.ndarray:
    factor = np.ones(len(dates))
    month, day = dates.month.to_numpy(), dates.day.to_numpy()
    thanksgiving = (month == 11) & (dates.day_of_week == 3) & (day >= 22) & (day <= 28)
    closed = ((month == 1) & (day == 1)) | ((month == 7) & (day == 4))
    closed |= ((month == 12) & (day == 25)) | thanksgiving
    factor[closed] = 0.0
    factor[(month == 12) & (day >= 24)] *= 0.7
    return factor


def make_vehicles(setup: GroupSetup, per_store: np.ndarray) -> pd.DataFrame:
    """Draw the service base: ``per_store[s]`` vehicles for store ``s``.

    About 55 % of vehicles are in the base on the first day; the rest are
    sold during the period and join on their sale day. Each vehicle has a
    model, model year, VIN, daily distance, its own mean visit interval and
    the day its owner leaves the base.
    """
    rng = setup.rng
    store = np.repeat(np.arange(setup.n_stores), per_store)
    n_vehicles = len(store)

    model_owner = np.concatenate(
        [np.full(len(p.models), i) for i, p in enumerate(setup.profiles)]
    )
    model_names = np.concatenate([p.models for p in setup.profiles])
    model_weights = np.concatenate([p.model_weights for p in setup.profiles])
    model = model_names[pick_within_groups(rng, store, model_weights, model_owner)]

    is_new = rng.random(n_vehicles) < 0.45
    join_day = np.where(is_new, rng.uniform(0, setup.n_days, n_vehicles), 0.0)
    age_years = rng.choice(10, size=n_vehicles, p=_AGE_SHARES)
    sold_day = np.where(
        is_new, join_day, -(age_years * 365.0 + rng.uniform(0, 365, n_vehicles))
    )
    sold_date = setup.start + pd.to_timedelta(np.floor(sold_day), unit="D")
    model_year = sold_date.year.to_numpy() + (rng.random(n_vehicles) < 0.3)

    wmi = setup.store_attribute("wmi")[store]
    unit = setup.store_attribute("mileage_unit")[store]
    daily_distance = np.where(unit == "km", 40.0, 33.0) * rng.lognormal(
        0, 0.35, n_vehicles
    )
    return pd.DataFrame(
        {
            "store": store,
            "vin": make_vins(rng, wmi, model_year),
            "model": model,
            "model_year": model_year,
            "sold_day": sold_day,
            "join_day": join_day,
            "leave_day": join_day + rng.exponential(MEAN_STAY_DAYS, n_vehicles),
            "daily_distance": daily_distance,
            "interval": MEAN_VISIT_INTERVAL_DAYS * rng.lognormal(0, 0.35, n_vehicles),
        }
    )


# Share of the existing base by age in whole years (0 = under one year).
_AGE_SHARES = np.array([14, 15, 14, 12, 11, 10, 8, 7, 5, 4]) / 100.0


def draw_visits(
    setup: GroupSetup, vehicles: pd.DataFrame, weights: np.ndarray
) -> pd.DataFrame:
    """Draw every vehicle's visit days, thinned by the daily volume weights.

    Visits follow a renewal process per vehicle (gamma intervals around its
    mean interval) from its join day until it leaves the base. A visit on day
    ``d`` of store ``s`` is kept with probability ``weights[s, d] / max``, so
    seasonality and weekdays shape the calendar.
    """
    rng = setup.rng
    n_vehicles = len(vehicles)
    n_steps = int(setup.n_days / 35) + 4
    interval = vehicles["interval"].to_numpy()[:, None]
    gaps = rng.gamma(4.0, 1.0, size=(n_vehicles, n_steps)) * interval / 4.0
    # A vehicle already in the base is somewhere in its cycle on day 0: the
    # gap around day 0 is length-biased (gamma shape 5 instead of 4) and day 0
    # falls uniformly inside it, which keeps the first months at steady state.
    gaps[:, 0] = (
        rng.gamma(5.0, 1.0, n_vehicles) * interval[:, 0] / 4.0 * rng.random(n_vehicles)
    )
    days = vehicles["join_day"].to_numpy()[:, None] + np.cumsum(gaps, axis=1)

    leave = vehicles["leave_day"].to_numpy()[:, None]
    valid = (days < setup.n_days) & (days < leave)
    vehicle_index = np.broadcast_to(np.arange(n_vehicles)[:, None], days.shape)[valid]
    day = np.floor(days[valid]).astype(np.int64)
    store = vehicles["store"].to_numpy()[vehicle_index]

    keep_probability = weights[store, day] / weights.max(axis=1)[store]
    kept = rng.random(len(day)) < keep_probability
    return pd.DataFrame(
        {"store": store[kept], "vehicle": vehicle_index[kept], "day": day[kept]}
    )


def sample_visits(setup: GroupSetup, n_per_store: np.ndarray) -> tuple:
    """Return (vehicles, visits) with exactly ``n_per_store[s]`` visits per store.

    The number of vehicles starts at a third of the RO count. When a store
    has fewer candidate visits than it needs, it gets 30 % more vehicles than
    that draw suggests and the draw is repeated. The surplus visits are
    dropped at random.
    """
    weights = daily_weights(setup)
    per_store = np.maximum(np.ceil(n_per_store / 3.0).astype(np.int64), 5)
    for _ in range(4):
        vehicles = make_vehicles(setup, per_store)
        visits = draw_visits(setup, vehicles, weights)
        available = np.bincount(visits["store"], minlength=setup.n_stores)
        if (available >= n_per_store).all():
            break
        ratio = 1.3 * n_per_store / np.maximum(available, 1)
        per_store = np.ceil(per_store * np.maximum(ratio, 1.0)).astype(np.int64) + 5

    store = visits["store"].to_numpy()
    rank = rank_within(store, setup.rng.random(len(store)))
    visits = visits[rank < n_per_store[store]].reset_index(drop=True)
    return vehicles, visits
