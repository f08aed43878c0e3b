"""Rows set aside at import, each with its reason, source file and row number."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpitools.importing.readers import SOURCE_FILE, SOURCE_ROW
from kpitools.privacy import mask_vins

__all__ = ["QUARANTINE_DIR", "REASONS", "Quarantine"]

QUARANTINE_DIR = "quarantine"

REASONS = {
    "missing_key": "a key field (RO number, line, ...) is empty",
    "missing_value": "a required field is empty",
    "unparseable_date": "no declared date format matches",
    "unparseable_amount": "not a money amount",
    "unparseable_number": "not a number",
    "unparseable_flag": "not a yes/no value",
    "unparseable_line": "a listed line does not match the profile's pattern",
    "unknown_code": "a code that the profile does not map",
    "negative_value": "a negative value where none is allowed (hours, mileage)",
    "out_of_range": "a value below the profile's minimum",
    "invalid_value": "a value that breaks the canonical table's checks",
    "duplicate_key": "the same key appears earlier in the same file",
    "duplicate_across_files": "the same record appears in an earlier input file",
}
"""Quarantine reason codes and what each means."""


@dataclass
class Quarantine:
    """Collect quarantined rows per table, then write them as CSV files."""

    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)

    def add(
        self,
        table: str,
        rows: pd.DataFrame,
        reason: pd.Series | str,
        detail: pd.Series | str = "",
        *,
        vin_columns: tuple[str, ...] = (),
    ) -> None:
        """Record ``rows`` as quarantined from ``table``.

        ``rows`` carries the source values (VIN columns are masked here) and
        ``_source_file``/``_source_row`` where known.
        """
        if rows.empty:
            return
        if isinstance(reason, str) and reason not in REASONS:
            raise ValueError(f"Unknown quarantine reason {reason!r}; see REASONS.")
        out = pd.DataFrame(index=rows.index)
        out["source_file"] = (
            rows[SOURCE_FILE].map(lambda p: Path(str(p)).name)
            if SOURCE_FILE in rows
            else pd.NA
        )
        out["source_row"] = rows.get(SOURCE_ROW, pd.NA)
        out["reason"] = reason
        out["detail"] = detail
        values = rows.drop(columns=[SOURCE_FILE, SOURCE_ROW], errors="ignore")
        for column in values.columns:
            text = values[column].astype("string")
            if column in vin_columns:
                text = mask_vins(text)
            out[column] = text
        self.frames.setdefault(table, []).append(out.reset_index(drop=True))

    def rows(self, table: str) -> pd.DataFrame:
        """All quarantined rows of ``table`` (an empty frame when none)."""
        frames = self.frames.get(table)
        if not frames:
            return pd.DataFrame(columns=["source_file", "source_row", "reason"])
        return pd.concat(frames, ignore_index=True)

    def counts(self, table: str) -> dict[str, int]:
        """Quarantined rows of ``table`` per reason code."""
        rows = self.rows(table)
        if rows.empty:
            return {}
        return {str(k): int(v) for k, v in rows["reason"].value_counts().items()}

    def write(self, out_dir: Path, tables: list[str]) -> dict[str, Path]:
        """Write ``quarantine/<table>.csv`` for every table that set rows aside."""
        written = {}
        folder = out_dir / QUARANTINE_DIR
        for table in tables:
            rows = self.rows(table)
            if rows.empty:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{table}.csv"
            rows.to_csv(path, index=False, encoding="utf-8")
            written[table] = path
        return written
