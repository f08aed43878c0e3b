"""Per-call context of the KPI engine: input checks and shared derived frames.

One :class:`KpiContext` lives for one ``compute_kpis`` call, so each derived
frame (RO attributes, the comeback table, money per RO) is built once and
shared by every KPI that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from kpitools.kpis.settings import KpiSettings
from kpitools.tables import ServiceData

__all__ = ["RO_ATTRIBUTES", "KpiContext", "KpiUnavailableError"]

# RO columns that every unit carrying (store_id, ro_number) can be grouped by.
RO_ATTRIBUTES = (
    "advisor_id",
    "technician_id",
    "pay_type",
    "lane",
    "ro_type",
    "model",
    "vehicle_age_band",
)
# Low-cardinality text columns turned into categoricals once per call: grouping,
# taking and factorising Arrow-backed strings is several times slower.
CATEGORY_COLUMNS = frozenset(
    {
        "store_id",
        "advisor_id",
        "technician_id",
        "pay_type",
        "lane",
        "ro_type",
        "model",
        "status",
        "system_group",
    }
)
# Free text no KPI reads; dropped from the working copies so that filtering
# rows does not copy long strings.
UNUSED_TEXT_COLUMNS = frozenset(
    {
        "complaint",
        "cause",
        "correction",
        "op_description",
        "description",
        "reject_reason",
        "store_name",
        "channel",
    }
)
VEHICLE_AGE_BANDS = (0, 3, 6, 10)  # band edges in years: 0-2, 3-5, 6-9, 10+
KM_PER_MILE = 1.609344

T = TypeVar("T")


class KpiUnavailableError(Exception):
    """A KPI cannot be computed from this data; ``reason`` states why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KpiContext:
    """Inputs and cached intermediate frames for one engine call.

    Parameters
    ----------
    data
        The canonical tables.
    settings
        Definitional choices.
    by
        Grouping keys of the call (unit functions use it to pick line-level
        pay types when ``pay_type`` is a key).
    month_range
        Inclusive month codes of the call's period, None for all data
        (snapshot KPIs such as retention use it to pick their months).
    """

    def __init__(
        self,
        data: ServiceData,
        settings: KpiSettings,
        by: tuple[str, ...] = (),
        month_range: tuple[int, int] | None = None,
    ) -> None:
        self.data = data
        self.settings = settings
        self.by = by
        self.month_range = month_range
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Return ``build()``, computed once per context under ``key``.

        A :class:`KpiUnavailableError` is cached too and raised again.
        """
        if key not in self._cache:
            try:
                self._cache[key] = build()
            except KpiUnavailableError as error:
                self._cache[key] = error
        value = self._cache[key]
        if isinstance(value, KpiUnavailableError):
            raise value
        return value  # type: ignore[no-any-return]

    def table(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` with its grouping columns as categoricals (cached)."""
        return self.cached(f"table:{name}", lambda: self._build_table(name))

    def _build_table(self, name: str) -> pd.DataFrame | None:
        frame = self.data.tables.get(name)
        if frame is None:
            return None
        unused = [c for c in frame.columns if c in UNUSED_TEXT_COLUMNS]
        frame = frame.drop(columns=unused).reset_index(drop=True)
        converted = {
            column: frame[column].astype("category")
            for column in frame.columns
            if column in CATEGORY_COLUMNS
            and not isinstance(frame[column].dtype, pd.CategoricalDtype)
        }
        return frame.assign(**converted)

    def has_values(self, table: str, column: str) -> bool:
        """Return whether ``table`` has ``column`` with at least one value."""
        frame = self.data.tables.get(table)
        if frame is None or column not in frame.columns:
            return False
        working = self.require(table)
        return self.cached(
            f"has:{table}.{column}", lambda: bool(working[column].notna().any())
        )

    def require(self, table: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        """Return ``table``; raise :class:`KpiUnavailableError` if it or a column
        is missing or entirely null."""
        frame = self.table(table)
        if frame is None:
            raise KpiUnavailableError(f"no {table} table in this data")
        for column in columns:
            if column not in frame.columns:
                raise KpiUnavailableError(f"{table} has no {column} column")
            if not self.has_values(table, column):
                raise KpiUnavailableError(f"{table}.{column} is empty in this data")
        return frame

    @property
    def repair_orders(self) -> pd.DataFrame:
        """The repair orders with a clean RangeIndex (positions are row numbers)."""
        return self.cached("repair_orders", self._build_repair_orders)

    def _build_repair_orders(self) -> pd.DataFrame:
        return self.require("repair_orders", ("store_id", "ro_number", "opened_at"))

    @property
    def data_end(self) -> pd.Timestamp:
        """End of the last day with an RO opening: the end of what is observed.

        Exports cover whole days, so the day's end (not the last opening time)
        is used. The data folder's value (:attr:`ServiceData.data_end`) wins,
        so a store computed alone sees the same data end as the whole group.
        """
        return self.cached("data_end", self._build_data_end)

    def _build_data_end(self) -> pd.Timestamp:
        if self.data.data_end is not None:
            return self.data.data_end
        last = self.repair_orders["opened_at"].max()
        if pd.isna(last):
            return last
        return last.normalize() + pd.Timedelta(days=1)

    def ro_attributes(self) -> pd.DataFrame:
        """RO grouping attributes aligned with :attr:`repair_orders` rows.

        Columns that are absent or entirely null are left out, so a grouping
        by them is reported as impossible rather than as one null group.
        """
        return self.cached("ro_attributes", self._build_ro_attributes)

    def _build_ro_attributes(self) -> pd.DataFrame:
        orders = self.repair_orders
        columns = {
            name: orders[name].astype("category")
            for name in RO_ATTRIBUTES
            if name in orders.columns and self.has_values("repair_orders", name)
        }
        if "model_year" in orders.columns and orders["model_year"].notna().any():
            columns["vehicle_age_band"] = vehicle_age_band(
                orders["opened_at"], orders["model_year"]
            )
        return pd.DataFrame(columns, index=orders.index)

    def ro_positions(self, frame: pd.DataFrame) -> np.ndarray:
        """Row positions in :attr:`repair_orders` of ``frame``'s
        ``(store_id, ro_number)``; -1 where the RO is not in the data."""
        index = self.cached("ro_index", self._build_ro_index)
        number_codes = _lookup(frame["ro_number"], index.numbers)
        store_codes = _lookup(frame["store_id"], index.stores)
        found = (number_codes >= 0) & (store_codes >= 0)
        if index.is_number_unique:
            # Each RO number names one row, so its code is the row position;
            # the store must still match.
            positions = np.where(found, number_codes, -1)
            matches = index.store_codes[np.where(found, positions, 0)] == store_codes
            return np.where(found & matches, positions, -1)
        keys = np.where(found, store_codes * len(index.numbers) + number_codes, -1)
        positions = np.asarray(index.keys.get_indexer(pd.Index(keys)))
        return np.where(found, positions, -1)

    def table_positions(self, table: str) -> np.ndarray:
        """Cached :meth:`ro_positions` of every row of child ``table``."""
        frame = self.require(table)
        return self.cached(f"positions:{table}", lambda: self.ro_positions(frame))

    def _build_ro_index(self) -> _RoIndex:
        orders = self.repair_orders
        encoded = pc.dictionary_encode(_text_array(orders["ro_number"]))
        number_codes = encoded.indices.to_numpy(zero_copy_only=False).astype("int64")
        store_codes, stores = pd.factorize(orders["store_id"].astype("object"))
        keys = store_codes.astype("int64") * len(encoded.dictionary) + number_codes
        return _RoIndex(
            numbers=encoded.dictionary,
            stores=pa.array([str(store) for store in stores], type=pa.large_string()),
            store_codes=store_codes.astype("int64"),
            is_number_unique=len(encoded.dictionary) == len(orders),
            keys=pd.Index(keys),
        )

    def ro_column(self, column: str, positions: np.ndarray) -> pd.Series:
        """Values of RO ``column`` at ``positions`` (null where position is -1)."""
        values = self.repair_orders[column]
        taken = values.take(np.where(positions < 0, 0, positions)).reset_index(
            drop=True
        )
        return taken.where(pd.Series(positions >= 0), other=None)

    def maintenance_mask(self) -> pd.Series:
        """Boolean per RO row: the RO is maintenance only.

        Taken from the lines where they carry system groups (every line in
        the maintenance group), else from ``ro_type == "maintenance"``. Lines
        win because an RO typed as a service visit can still carry repair
        work (brakes, tyres) that can come back.
        """
        return self.cached("maintenance", self._build_maintenance_mask)

    def _build_maintenance_mask(self) -> pd.Series:
        orders = self.repair_orders
        if self.has_values("ro_lines", "system_group"):
            lines = self.require("ro_lines")
            positions = self.table_positions("ro_lines")
            is_other = (lines["system_group"] != "maintenance").fillna(True)
            has_other = np.zeros(len(orders), dtype=bool)
            has_line = np.zeros(len(orders), dtype=bool)
            valid = positions >= 0
            has_line[positions[valid]] = True
            has_other[positions[valid & is_other.to_numpy(dtype=bool)]] = True
            return pd.Series(has_line & ~has_other, index=orders.index)
        if self.has_values("repair_orders", "ro_type"):
            return (orders["ro_type"] == "maintenance").fillna(False).astype(bool)
        raise KpiUnavailableError(
            "neither ro_lines.system_group nor repair_orders.ro_type is present, "
            "so maintenance-only ROs cannot be told apart"
        )


@dataclass(frozen=True)
class _RoIndex:
    """Lookup structures from (store_id, ro_number) to repair_orders rows."""

    numbers: pa.Array
    stores: pa.Array
    store_codes: np.ndarray
    is_number_unique: bool
    keys: pd.Index


def _text_array(values: pd.Series) -> pa.Array:
    """``values`` as an Arrow large_string array (nulls kept)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = _text_array(pd.Series(values.cat.categories.astype("str")))
        codes = pa.array(values.cat.codes.to_numpy(), mask=values.isna().to_numpy())
        return categories.take(codes)
    if values.dtype != "str":
        values = values.astype("str")
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _lookup(values: pd.Series, uniques: pa.Array) -> np.ndarray:
    """Position of each value in ``uniques``; -1 where absent or missing.

    Uses Arrow's hash kernel, which is several times faster on text than a
    pandas Index lookup.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        per_category = _lookup(pd.Series(values.cat.categories.astype("str")), uniques)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, per_category[np.maximum(codes, 0)], -1)
    found = pc.index_in(_text_array(values), value_set=uniques)
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype("int64")


def vehicle_age_band(opened_at: pd.Series, model_year: pd.Series) -> pd.Series:
    """Vehicle age band (``"0-2"``, ``"3-5"``, ``"6-9"``, ``"10+"`` years).

    Age is the calendar year of the visit minus the model year, floored at 0.
    """
    age = (opened_at.dt.year - model_year.astype("float64")).clip(lower=0)
    labels = ["0-2", "3-5", "6-9", "10+"]
    bins = [*VEHICLE_AGE_BANDS, np.inf]
    return pd.cut(age, bins=bins, right=False, labels=labels)


def first_present(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Row-wise first non-null of ``columns`` that exist in ``frame``."""
    result = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for column in columns:
        if column in frame.columns:
            result = result.fillna(frame[column])
    return result
