"""Read and write a data folder of canonical tables (Parquet), validated at the door."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpitools.schemas import TABLE_NAMES, TABLE_SCHEMAS, empty_table, validate_table

__all__ = ["IMPORT_SUMMARY_FILE", "ServiceData", "load_data", "write_data"]

IMPORT_SUMMARY_FILE = "import_summary.json"


@dataclass
class ServiceData:
    """The canonical tables of one data folder.

    A table the source does not provide is ``None``, never an empty frame, so
    a KPI that needs it can say "not available" rather than report zero.

    Attributes
    ----------
    tables
        Table name to validated DataFrame, or ``None`` when absent.
    source
        Where the data came from (a folder path or a description).
    import_summary
        The importer's row accounting (rows read, used and quarantined per
        table) when the folder was written by ``kpitools import``.
    data_end
        End of what the extract observes: the end of the last day with an RO
        opened in the whole folder. Windows that run past it (comebacks,
        follow-ups) are not yet complete. A filtered copy keeps the folder's
        value, so one store computed alone sees the same data end as the group.
        When not given, it is taken from the repair orders passed in.
    """

    tables: dict[str, pd.DataFrame | None]
    source: str = ""
    import_summary: dict[str, Any] = field(default_factory=dict)
    data_end: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(TABLE_NAMES)
        if unknown:
            raise ValueError(
                f"Unknown table names {sorted(unknown)}; "
                f"expected some of {TABLE_NAMES}."
            )
        for name in TABLE_NAMES:
            self.tables.setdefault(name, None)
        if self.data_end is None and self.tables["repair_orders"] is not None:
            self.data_end = _data_end(self.tables["repair_orders"]["opened_at"])

    def has(self, name: str) -> bool:
        """Return whether table ``name`` is present (it may still have zero rows)."""
        return self.tables.get(name) is not None

    def get(self, name: str) -> pd.DataFrame:
        """Return table ``name``; raise ``KeyError`` with the reason if absent."""
        table = self.tables.get(name)
        if table is None:
            raise KeyError(
                f"This data ({self.source or 'in memory'}) has no {name} table."
            )
        return table

    def table_or_empty(self, name: str) -> pd.DataFrame:
        """Return table ``name``, or an empty typed frame if absent."""
        table = self.tables.get(name)
        return empty_table(name) if table is None else table

    @property
    def store_ids(self) -> list[str]:
        """Sorted store codes that have at least one repair order."""
        return sorted(self.get("repair_orders")["store_id"].dropna().unique().tolist())

    def for_store(self, store_id: str) -> ServiceData:
        """Return the tables restricted to one store."""
        return self.filter(store_ids=[store_id])

    def filter(self, store_ids: list[str] | None = None) -> ServiceData:
        """Return the tables restricted to ``store_ids`` (all stores if None)."""
        if store_ids is None:
            return self
        wanted = set(store_ids)
        tables = {
            name: None
            if table is None
            else table[table["store_id"].isin(wanted)].copy()
            for name, table in self.tables.items()
        }
        return ServiceData(
            tables,
            source=self.source,
            import_summary=self.import_summary,
            data_end=self.data_end,
        )


def load_data(
    data_dir: str | Path,
    *,
    store_ids: list[str] | None = None,
    validate: bool = True,
) -> ServiceData:
    """Read every canonical table found in ``data_dir``.

    Each table is ``<name>.parquet`` (or ``<name>.csv`` for small hand-made
    folders, read with every column as text and then coerced by the schema).
    Missing files give ``None`` tables. The import summary is read from
    ``import_summary.json`` when present.

    Parameters
    ----------
    data_dir
        A canonical data folder.
    store_ids
        Read only these stores' rows. Parquet tables are filtered while they
        are read, so one store of a large group never loads the others' rows.
        The result equals ``load_data(data_dir).filter(store_ids)``, including
        :attr:`ServiceData.data_end`, which still comes from the whole folder.
    validate
        Check every table against its schema.

    Raises
    ------
    FileNotFoundError
        ``data_dir`` does not exist or contains no repair orders.
    DataValidationError
        A table breaks its schema; the message lists every failing value.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Data folder {folder} does not exist. Pass a folder written by "
            "'kpitools import' or the bundled sample (data/sample)."
        )
    orders_file = folder / "repair_orders.parquet"
    if store_ids is not None and not orders_file.is_file():
        # CSV folders are small hand-made ones: read whole, then filter.
        return load_data(folder, validate=validate).filter(store_ids)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in TABLE_NAMES:
        tables[name] = _read_table(folder, name, validate=validate, store_ids=store_ids)
    if tables["repair_orders"] is None:
        raise FileNotFoundError(
            f"Data folder {folder} has no repair_orders.parquet or repair_orders.csv. "
            "Every analysis needs repair orders; run 'kpitools import' first."
        )
    data_end = None
    if store_ids is not None:
        opened = pd.read_parquet(orders_file, columns=["opened_at"])["opened_at"]
        data_end = _data_end(opened)
    summary_file = folder / IMPORT_SUMMARY_FILE
    summary = (
        json.loads(summary_file.read_text(encoding="utf-8"))
        if summary_file.exists()
        else {}
    )
    return ServiceData(
        tables, source=str(folder), import_summary=summary, data_end=data_end
    )


def write_data(data: ServiceData, data_dir: str | Path) -> Path:
    """Write every present table as Parquet (and the import summary as JSON)."""
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in data.tables.items():
        if table is None:
            continue
        validated = validate_table(name, table, source=str(folder / f"{name}.parquet"))
        validated.to_parquet(
            folder / f"{name}.parquet", index=False, compression="zstd"
        )
    if data.import_summary:
        (folder / IMPORT_SUMMARY_FILE).write_text(
            json.dumps(data.import_summary, indent=2, ensure_ascii=False, default=str),
            encoding="utf-8",
        )
    return folder


def _read_table(
    folder: Path, name: str, *, validate: bool, store_ids: list[str] | None = None
) -> pd.DataFrame | None:
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        filters = None if store_ids is None else [("store_id", "in", list(store_ids))]
        table = pd.read_parquet(parquet, filters=filters)
        source = str(parquet)
    elif csv.exists():
        table = _read_canonical_csv(csv, name)
        source = str(csv)
    else:
        return None
    if not validate:
        return table
    return validate_table(name, table, source=source)


def _read_canonical_csv(path: Path, name: str) -> pd.DataFrame:
    spec = TABLE_SCHEMAS[name]
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for column_name, column in spec.schema.columns.items():
        if column_name in table.columns and "datetime" in str(column.dtype):
            table[column_name] = pd.to_datetime(table[column_name], format="ISO8601")
        elif column_name in table.columns and str(column.dtype) == "boolean":
            table[column_name] = (
                table[column_name]
                .str.lower()
                .map({"true": True, "false": False, "1": True, "0": False})
                .astype("boolean")
            )
    return table


def _data_end(opened_at: pd.Series) -> pd.Timestamp | None:
    """End of the last day with an RO opened; exports cover whole days."""
    last = pd.to_datetime(opened_at, errors="coerce").max()
    if pd.isna(last):
        return None
    return last.normalize() + pd.Timedelta(days=1)
