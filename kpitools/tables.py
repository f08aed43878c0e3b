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
    """

    tables: dict[str, pd.DataFrame | None]
    source: str = ""
    import_summary: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(TABLE_NAMES)
        if unknown:
            raise ValueError(
                f"Unknown table names {sorted(unknown)}; "
                f"expected some of {TABLE_NAMES}."
            )
        for name in TABLE_NAMES:
            self.tables.setdefault(name, None)

    def has(self, name: str) -> bool:
        """Whether table ``name`` is present (it may still have zero rows)."""
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
            tables, source=self.source, import_summary=self.import_summary
        )


def load_data(data_dir: str | Path, *, validate: bool = True) -> ServiceData:
    """Read every canonical table found in ``data_dir``.

    Each table is ``<name>.parquet`` (or ``<name>.csv`` for small hand-made
    folders, read with every column as text and then coerced by the schema).
    Missing files give ``None`` tables. The import summary is read from
    ``import_summary.json`` when present.

    Raises
    ------
    FileNotFoundError
        ``data_dir`` does not exist or holds no repair orders.
    DataValidationError
        A table breaks its schema; the message lists every failing value.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Data folder {folder} does not exist. Pass a folder written by "
            "'kpitools import' or the bundled sample (data/sample)."
        )
    tables: dict[str, pd.DataFrame | None] = {}
    for name in TABLE_NAMES:
        tables[name] = _read_table(folder, name, validate=validate)
    if tables["repair_orders"] is None:
        raise FileNotFoundError(
            f"Data folder {folder} has no repair_orders.parquet or repair_orders.csv. "
            "Every analysis needs repair orders; run 'kpitools import' first."
        )
    summary_file = folder / IMPORT_SUMMARY_FILE
    summary = (
        json.loads(summary_file.read_text(encoding="utf-8"))
        if summary_file.exists()
        else {}
    )
    return ServiceData(tables, source=str(folder), import_summary=summary)


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


def _read_table(folder: Path, name: str, *, validate: bool) -> pd.DataFrame | None:
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        table = pd.read_parquet(parquet)
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
