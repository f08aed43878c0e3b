"""Shared state and vectorised helpers of the sample generator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpitools.sample._catalog import StoreProfile


@dataclass
class GroupSetup:
    """The dealer group being generated: stores, staff, calendar and draws."""

    rng: np.random.Generator
    profiles: list[StoreProfile]
    store_ids: np.ndarray
    start: pd.Timestamp
    n_days: int
    planted: dict[str, dict[str, object]]
    advisor_store: np.ndarray
    advisor_ids: np.ndarray
    advisor_weights: np.ndarray
    technician_store: np.ndarray
    technician_ids: np.ndarray
    technician_weights: np.ndarray

    @property
    def n_stores(self) -> int:
        """Number of stores."""
        return len(self.profiles)

    def store_attribute(self, name: str) -> np.ndarray:
        """Return one profile attribute as an array indexed by store."""
        return np.array([getattr(profile, name) for profile in self.profiles])

    def store_index(self, store_id: object) -> int | None:
        """Return the position of ``store_id``, or None when it is not generated."""
        matches = np.flatnonzero(self.store_ids == store_id)
        return int(matches[0]) if len(matches) else None

    def dates(self, day: np.ndarray | pd.Series) -> pd.DatetimeIndex:
        """Return the calendar date of each day number (0 = first day)."""
        return self.start + pd.to_timedelta(np.asarray(day), unit="D")


def pick_within_groups(
    rng: np.random.Generator, group: np.ndarray, weights: np.ndarray, owner: np.ndarray
) -> np.ndarray:
    """Draw one member per row from the members of the row's group.

    ``owner[m]`` is the group of member ``m`` and ``weights[m]`` its relative
    weight; members of one group must be contiguous. The draw is an inverse-CDF
    lookup on the cumulative weights shifted by the group number, so one
    ``searchsorted`` serves every group at once.
    """
    totals = np.bincount(owner, weights=weights, minlength=owner.max() + 1)
    shifted = _group_cumulative(weights / totals[owner], owner) + owner
    draws = group + rng.random(len(group))
    picked = np.searchsorted(shifted, draws, side="right")
    return np.minimum(picked, len(weights) - 1)


def _group_cumulative(shares: np.ndarray, owner: np.ndarray) -> np.ndarray:
    total = np.cumsum(shares)
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    before = np.r_[0.0, total][first]
    return total - np.repeat(before, np.diff(np.r_[first, len(owner)]))


def choose(
    rng: np.random.Generator, options: list[str] | tuple[str, ...], p, size: int
) -> np.ndarray:
    """Draw ``size`` options with probabilities ``p`` as a string array."""
    return np.asarray(options)[rng.choice(len(options), size=size, p=p)]


def minutes_to_timestamps(start: pd.Timestamp, minutes: np.ndarray) -> np.ndarray:
    """Convert minutes since ``start`` (NaN for missing) to ``datetime64[ns]``."""
    values = np.asarray(minutes, dtype=float)
    stamps = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    present = ~np.isnan(values)
    stamps[present] = np.datetime64(start.to_datetime64(), "ns") + np.round(
        values[present]
    ).astype("int64").astype("timedelta64[m]").astype("timedelta64[ns]")
    return stamps


def sequence_ids(prefix: object, order: np.ndarray, width: int) -> pd.Series:
    """Return ``prefix`` followed by the zero-padded number ``order + 1``, as text."""
    numbers = pd.Series(np.asarray(order) + 1).astype("str").str.zfill(width)
    if isinstance(prefix, str):
        return prefix + numbers
    return pd.Series(prefix, dtype="str") + numbers


def text_take(labels: object, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Return ``labels[codes]`` as a pandas text array; code -1 gives a missing value.

    Taking from a small text array is much faster than converting a large
    numpy string array to pandas' Arrow-backed ``str`` dtype.
    """
    if not isinstance(labels, pd.api.extensions.ExtensionArray):
        labels = pd.array(np.asarray(labels, dtype=object), dtype="str")
    return labels.take(np.asarray(codes, dtype=np.int64), allow_fill=True)


def rank_within(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Return the 0-based rank of each row by ``key`` within its ``group``."""
    order = np.lexsort((key, group))
    ranks = np.empty(len(group), dtype=np.int64)
    sorted_group = group[order]
    first = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
    starts = np.maximum.accumulate(np.where(first, np.arange(len(group)), 0))
    ranks[order] = np.arange(len(group)) - starts
    return ranks
