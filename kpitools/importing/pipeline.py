"""Turn export files into a canonical data folder, with nothing lost.

Every record read ends either in a canonical table or in
``quarantine/<table>.csv`` with its reason, and ``import_summary.json``
states per table: rows read = rows used + rows quarantined.
"""

from __future__ import annotations

import fnmatch
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kpitools.exceptions import DataQualityWarning, ImportFormatError, ProfileError
from kpitools.importing.profiles import FieldSpec, Profile, TableProfile, load_profile
from kpitools.importing.quarantine import Quarantine
from kpitools.importing.readers import (
    ENCODINGS,
    SOURCE_FILE,
    SOURCE_ROW,
    SourceTable,
    read_source,
)
from kpitools.importing.values import (
    check_vins,
    normalise_vins,
    parse_amounts,
    parse_codes,
    parse_dates,
    parse_flags,
    parse_ids,
    parse_numbers,
    to_text,
    warn_bad_vins,
)
from kpitools.privacy import hash_series
from kpitools.schemas import TABLE_SCHEMAS
from kpitools.tables import ServiceData, write_data

__all__ = ["ImportResult", "import_export"]

_SUPPORTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet"}
_ORIGIN = [SOURCE_FILE, SOURCE_ROW]


@dataclass
class ImportResult:
    """What an import wrote.

    Attributes
    ----------
    out_dir
        The canonical data folder.
    data
        The tables written (absent tables are ``None``).
    summary
        The content of ``import_summary.json``.
    quarantine_files
        Table name to the quarantine CSV written for it.
    """

    out_dir: Path
    data: ServiceData
    summary: dict[str, Any]
    quarantine_files: dict[str, Path] = field(default_factory=dict)

    def summary_table(self) -> pd.DataFrame:
        """Tabulate the row accounting, one row per table.

        Columns: rows read, used and quarantined, the quarantine reasons, the
        VINs failing the check digit, and optional columns missing from the
        files.
        """
        rows = []
        for table, counts in self.summary["tables"].items():
            reasons = ", ".join(
                f"{reason} {n}" for reason, n in counts["quarantined_by_reason"].items()
            )
            rows.append(
                {
                    "table": table,
                    "rows_read": counts["rows_read"],
                    "rows_used": counts["rows_used"],
                    "rows_quarantined": counts["rows_quarantined"],
                    "reasons": reasons,
                    "vin_check_failed": counts.get("vin_check_failed", 0),
                    "missing_optional_columns": ", ".join(
                        counts.get("missing_optional_columns", {}).values()
                    ),
                }
            )
        return pd.DataFrame(rows)


def import_export(
    paths: str | Path | list[str | Path],
    profile: str | Path | Profile,
    out_dir: str | Path,
    *,
    store_id: str | None = None,
) -> ImportResult:
    """Import dealer export files into a canonical data folder.

    Parameters
    ----------
    paths
        Export files, or folders whose supported files are all read. Several
        files of the same export are combined and duplicates between them
        are quarantined.
    profile
        A shipped profile name (``dms-labor-lines``), a YAML path, or a
        loaded :class:`Profile`.
    out_dir
        Folder to write ``<table>.parquet``, ``quarantine/<table>.csv`` and
        ``import_summary.json`` into.
    store_id
        Store code for every row; defaults to the profile's ``store_id``.

    Returns
    -------
    ImportResult

    Raises
    ------
    ImportFormatError
        A file cannot be read or lacks a column the profile requires.
    ProfileError
        The profile is invalid or no store code is known.
    """
    profile = load_profile(profile)
    files = _expand_paths(paths)
    store = store_id or profile.store_id
    sources = [read_source(path, profile.layout) for path in files]
    _check_sources(sources, profile)

    quarantine = Quarantine()
    built: dict[str, pd.DataFrame] = {}
    internal: dict[str, pd.DataFrame] = {}
    table_counts: dict[str, dict[str, Any]] = {}
    for table in profile.tables.values():
        result = _build_table(table, profile, sources, internal, store, quarantine)
        if result is None:
            continue
        output, full, rows_read, extra = result
        output = _quarantine_invalid(table.name, output, full, quarantine)
        built[table.name] = output
        internal[table.name] = full.loc[output.index]
        counts = quarantine.counts(table.name)
        table_counts[table.name] = {
            "rows_read": rows_read,
            "rows_used": len(output),
            "rows_quarantined": sum(counts.values()),
            "quarantined_by_reason": counts,
            **extra,
        }

    out_path = Path(out_dir)
    summary = _summary(profile, store, sources, table_counts)
    tables = {name: frame.reset_index(drop=True) for name, frame in built.items()}
    data = ServiceData(tables, source=str(out_path), import_summary=summary)
    write_data(data, out_path)
    written = quarantine.write(out_path, list(built))
    return ImportResult(out_path, data, summary, written)


def _check_sources(sources: list[SourceTable], profile: Profile) -> None:
    """Raise ImportFormatError for files without data or with a foreign header.

    A header with none of the profile's columns after a GB18030 decode is
    most likely another encoding (Big5 also decodes as GB18030).
    """
    if sources and all(source.records.empty for source in sources):
        names = ", ".join(source.path.name for source in sources)
        raise ImportFormatError(
            f"{names}: the file has a header but no data rows, so there is "
            "nothing to import. Export the data again with its rows."
        )
    expected = _profile_columns(profile)
    for source in sources:
        if source.encoding != "gb18030" or not expected:
            continue
        if expected.isdisjoint(source.records.columns):
            found = [c for c in source.records.columns if c not in _ORIGIN]
            raise ImportFormatError(
                f"{source.path}: none of the columns of profile {profile.name} "
                f"is in the header {found[:8]}, so the encoding may be wrong. "
                f"Encodings tried: {', '.join(ENCODINGS)} (decoded as gb18030). "
                "Re-export the file as UTF-8 CSV."
            )


def _profile_columns(profile: Profile) -> set[str]:
    """Source column names the profile reads, for any table."""
    columns = {spec.column for spec in profile.fields.values() if spec.column}
    for table in profile.tables.values():
        columns |= {spec.column for spec in table.fields.values() if spec.column}
        if table.columns is None and not table.fields:
            columns |= set(TABLE_SCHEMAS[table.name].schema.columns)
    return columns


def _expand_paths(paths: str | Path | list[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in _SUPPORTED_SUFFIXES and p.is_file()
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"Export file or folder {path} does not exist.")
    if not files:
        raise ImportFormatError(
            f"No export files found in {[str(i) for i in items]}. Pass .csv, .tsv, "
            ".xlsx, .xls or .parquet files."
        )
    return files


def _build_table(
    table: TableProfile,
    profile: Profile,
    sources: list[SourceTable],
    internal: dict[str, pd.DataFrame],
    store: str | None,
    quarantine: Quarantine,
) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, Any]] | None:
    if table.source == "records":
        chosen = [
            s
            for s in sources
            if table.files is None or fnmatch.fnmatch(s.path.name, table.files)
        ]
        if not chosen:
            return None
        return _build_from_records(table, profile, chosen, store, quarantine)
    parent = internal.get(table.from_table or "")
    if parent is None:
        if table.from_table not in profile.tables:
            raise ProfileError(
                f"Profile {profile.name}: tables.{table.name}.from names "
                f"{table.from_table!r}, which is not a table built before it."
            )
        return None
    if table.source == "aggregate":
        return _build_aggregate(table, parent, quarantine)
    return _build_exploded(table, profile, parent, quarantine)


# -- records -----------------------------------------------------------------


def _table_fields(table: TableProfile, profile: Profile) -> dict[str, FieldSpec]:
    if table.columns is None and not table.fields and table.source == "records":
        return _canonical_fields(table.name)
    return {**profile.fields, **table.fields}


def _canonical_fields(name: str) -> dict[str, FieldSpec]:
    """Fields of a canonical CSV: every schema column, read by its own name."""
    spec = TABLE_SCHEMAS[name]
    fields = {}
    for column_name, column in spec.schema.columns.items():
        dtype = str(column.dtype)
        if "datetime" in dtype:
            kind, formats = "date", ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
        elif dtype == "float64":
            kind, formats = "amount", ()
        elif dtype == "Int64":
            kind, formats = "integer", ()
        elif dtype == "boolean":
            kind, formats = "flag", ()
        elif column_name == "vin":
            kind, formats = "vin", ()
        else:
            kind, formats = "id", ()
        fields[column_name] = FieldSpec(
            name=column_name,
            column=column_name,
            type=kind,
            formats=formats,
            required=column_name in spec.key or not column.nullable,
        )
    return fields


def _build_from_records(
    table: TableProfile,
    profile: Profile,
    sources: list[SourceTable],
    store: str | None,
    quarantine: Quarantine,
) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, Any]]:
    raw = pd.concat([s.records for s in sources], ignore_index=True)
    fields = _table_fields(table, profile)
    spec = TABLE_SCHEMAS[table.name]
    key_fields = set(spec.key) - {"store_id"}
    parsed, reason, detail, vin_failed, absent = _parse_fields(
        raw,
        fields,
        profile,
        key_fields,
        canonical=table.columns is None,
        used=_used_fields(table, fields),
    )
    _set_store(parsed, store, profile, table)
    for column, value in table.constants.items():
        parsed[column] = value
    if table.personal:
        for column, name in profile.personal_columns.items():
            if name in profile.personal_keep and column in raw:
                parsed[f"{name}_hash"] = hash_series(to_text(raw[column]))
    parsed[SOURCE_FILE] = raw[SOURCE_FILE]
    parsed[SOURCE_ROW] = raw[SOURCE_ROW]

    source_columns = [
        f.column for f in fields.values() if f.column is not None and f.column in raw
    ]
    vin_columns = tuple(
        f.column for f in fields.values() if f.type == "vin" and f.column
    )
    bad = reason.notna()
    quarantine.add(
        table.name,
        raw.loc[bad, [*dict.fromkeys(source_columns), *_ORIGIN]],
        reason[bad],
        detail[bad],
        vin_columns=vin_columns,
    )
    parsed = parsed[~bad]
    parsed = _drop_duplicates(table, parsed, spec.key, raw, source_columns, quarantine)
    if table.line_number == "sequence":
        parsed["line_number"] = _sequence(parsed)
    output = _output_columns(table, parsed)
    extra: dict[str, Any] = {}
    if vin_failed is not None:
        extra["vin_check_failed"] = vin_failed
    if absent:
        extra["missing_optional_columns"] = absent
    return output, parsed, len(raw), extra


def _used_fields(table: TableProfile, fields: dict[str, FieldSpec]) -> set[str]:
    """Names of the fields the table outputs and the fields those read."""
    used = set(table.columns or fields) | set(table.fields)
    for name in list(used):
        spec = fields.get(name)
        if spec is not None:
            used |= set(spec.of) | ({spec.map_from} if spec.map_from else set())
    return used


def _ordered(fields: dict[str, FieldSpec]) -> list[FieldSpec]:
    """Put fields computed from other fields after the fields they read."""
    plain = [f for f in fields.values() if f.type != "difference" and not f.map_from]
    derived = [f for f in fields.values() if f.type == "difference" or f.map_from]
    return plain + derived


def _parse_fields(
    raw: pd.DataFrame,
    fields: dict[str, FieldSpec],
    profile: Profile,
    key_fields: set[str],
    *,
    canonical: bool,
    used: set[str],
) -> tuple[pd.DataFrame, pd.Series, pd.Series, int | None, dict[str, str]]:
    parsed = pd.DataFrame(index=raw.index)
    absent: dict[str, str] = {}
    reason = pd.Series(pd.NA, index=raw.index, dtype="string")
    detail = pd.Series(pd.NA, index=raw.index, dtype="string")
    vin_failed: int | None = None

    def flag(mask: pd.Series, code: str, spec: FieldSpec, shown: pd.Series) -> None:
        new = mask & reason.isna()
        if not new.any():
            return
        reason[new] = code
        label = (
            spec.name
            if spec.column in (None, spec.name)
            else (f"{spec.name} (column {spec.column!r})")
        )
        value = shown[new].astype("string").fillna("<empty>")
        if spec.type == "vin":
            value = value.str.len().astype("string") + " characters"
        detail[new] = label + ": " + value

    for spec in _ordered(fields):
        if spec.column is not None and spec.column not in raw:
            if canonical and not spec.required:
                continue
            needed = spec.required or spec.name in key_fields
            if not needed and (spec.name not in used or spec.optional):
                if spec.name in used:
                    absent[spec.name] = spec.column
                continue
            files = sorted({Path(str(f)).name for f in raw[SOURCE_FILE].unique()})
            found = [c for c in raw.columns if c not in _ORIGIN]
            optional = "" if needed else " or mark the field optional: true"
            raise ImportFormatError(
                f"{', '.join(files)}: column {spec.column!r} (field "
                f"{spec.name}, profile key {spec.key or spec.name}.column) is not "
                f"in the header. Found columns: {found}. Fix the column name in "
                f"the profile{optional}, or check source: header_row:."
            )
        source = raw[spec.column] if spec.column is not None else None
        values, failed, code = _parse_one(spec, source, parsed, profile, raw.index)
        flag(failed, code, spec, source if source is not None else values)
        if spec.type == "vin":
            bad_vin = check_vins(values, check_digit=profile.vin_check_digit)
            vin_failed = (vin_failed or 0) + int(bad_vin.sum())
        if spec.minimum is not None:
            below = values.notna() & (values < spec.minimum)
            code = "negative_value" if spec.minimum == 0 else "out_of_range"
            flag(below.astype(bool), code, spec, values)
        if spec.required or spec.name in key_fields:
            empty = values.isna() & ~failed
            missing = "missing_key" if spec.name in key_fields else "missing_value"
            flag(empty, missing, spec, values)
        parsed[spec.name] = values

    if vin_failed:
        files = sorted({Path(str(f)).name for f in raw[SOURCE_FILE].unique()})
        warn_bad_vins(vin_failed, ", ".join(files), stacklevel=6)
    if absent:
        files = sorted({Path(str(f)).name for f in raw[SOURCE_FILE].unique()})
        columns = ", ".join(f"{column} ({name})" for name, column in absent.items())
        warnings.warn(
            f"{', '.join(files)}: {len(absent)} optional column(s) not in the "
            f"header, so their fields are not imported: {columns}.",
            DataQualityWarning,
            stacklevel=6,
        )
    return parsed, reason, detail, vin_failed, absent


def _parse_one(
    spec: FieldSpec,
    source: pd.Series | None,
    parsed: pd.DataFrame,
    profile: Profile,
    index: pd.Index,
) -> tuple[pd.Series, pd.Series, str]:
    no_failure = pd.Series(False, index=index)
    if spec.type == "constant":
        return pd.Series(spec.value, index=index), no_failure, ""
    if spec.type == "difference":
        first, second = (parsed[name] for name in spec.of)
        return (first - second).round(2), no_failure, ""
    if spec.map_from is not None:
        source = parsed[spec.map_from]
    assert source is not None
    if spec.type == "date":
        values, failed = parse_dates(source, spec.formats)
        return values, failed, "unparseable_date"
    if spec.type == "amount":
        values, failed = parse_amounts(source)
        return values, failed, "unparseable_amount"
    if spec.type in {"number", "hours", "integer"}:
        values, failed = parse_numbers(source)
        if spec.type == "hours":
            values = values * (profile.labor_unit_minutes / 60.0)
        if spec.type == "integer":
            fractional = values.notna() & (values != values.round())
            failed = failed | fractional
            values = values.where(~fractional).round().astype("Int64")
        return values, failed, "unparseable_number"
    if spec.type == "code":
        values, failed = parse_codes(source, spec.codes, default=spec.default)
        return values, failed, "unknown_code"
    if spec.type == "flag":
        options = {}
        if spec.true_pattern:
            options["true_pattern"] = spec.true_pattern
        if spec.false_pattern:
            options["false_pattern"] = spec.false_pattern
        values, failed = parse_flags(source, **options)
        return values, failed, "unparseable_flag"
    if spec.type == "vin":
        return normalise_vins(source), no_failure, ""
    values, failed = parse_ids(source)
    return values, failed, ""


def _set_store(
    parsed: pd.DataFrame, store: str | None, profile: Profile, table: TableProfile
) -> None:
    if "store_id" in parsed and parsed["store_id"].notna().any():
        if store is not None:
            parsed["store_id"] = parsed["store_id"].fillna(store)
        return
    if store is None:
        raise ProfileError(
            f"No store code for table {table.name}: profile {profile.name} has no "
            "store_id and no store_id column. Pass --store CODE (or store_id=...)."
        )
    parsed["store_id"] = store


def _drop_duplicates(
    table: TableProfile,
    parsed: pd.DataFrame,
    key: tuple[str, ...],
    raw: pd.DataFrame,
    source_columns: list[str],
    quarantine: Quarantine,
) -> pd.DataFrame:
    """Quarantine repeated records; keep the first occurrence.

    With ``duplicates: key`` a repeated key is a duplicate wherever it is.
    With ``duplicates: content`` (line tables without a line number) only an
    identical record that was already read from an earlier file is one, as
    two identical lines on the same RO of one file can both be real.
    """
    if table.duplicates == "content" or table.line_number == "sequence":
        columns = [c for c in parsed.columns if c not in _ORIGIN]
        identity = pd.util.hash_pandas_object(parsed[columns], index=False)
    else:
        identity = pd.util.hash_pandas_object(parsed[list(key)], index=False)
    first_file = parsed[SOURCE_FILE].groupby(identity.to_numpy()).transform("first")
    repeated = identity.duplicated()
    other_file = repeated & (first_file != parsed[SOURCE_FILE])
    if table.duplicates == "content" or table.line_number == "sequence":
        same_file = pd.Series(False, index=parsed.index)
    else:
        same_file = repeated & ~other_file
    checks = ((same_file, "duplicate_key"), (other_file, "duplicate_across_files"))
    for mask, code in checks:
        if mask.any():
            columns = [*dict.fromkeys(source_columns), *_ORIGIN]
            rows = raw.loc[mask[mask].index, columns]
            shown = [c for c in key if c in parsed]
            detail = parsed.loc[mask, shown].astype("string").agg(" / ".join, axis=1)
            quarantine.add(table.name, rows, code, "key " + detail)
    return parsed[~(same_file | other_file)]


def _sequence(parsed: pd.DataFrame) -> pd.Series:
    order = parsed.groupby(["store_id", "ro_number"], sort=False).cumcount() + 1
    return order.astype("string")


def _output_columns(table: TableProfile, parsed: pd.DataFrame) -> pd.DataFrame:
    spec = TABLE_SCHEMAS[table.name]
    if table.columns is None:
        wanted = [c for c in parsed.columns if c not in _ORIGIN]
    else:
        wanted = list(dict.fromkeys(["store_id", *table.columns]))
        if "line_number" in parsed and "line_number" not in wanted:
            wanted.insert(2, "line_number")
        wanted += [c for c in table.constants if c not in wanted]
        wanted += [c for c in parsed.columns if c.endswith("_hash")]
    wanted = [c for c in wanted if c in parsed]
    ordered = [c for c in spec.columns if c in wanted]
    ordered += [c for c in wanted if c not in ordered]
    return parsed[ordered]


# -- aggregate and explode ---------------------------------------------------


def _build_aggregate(
    table: TableProfile, parent: pd.DataFrame, quarantine: Quarantine
) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, Any]]:
    keys = ["store_id", "ro_number"]
    groups = parent.groupby(keys, sort=False)
    first_columns = [c for c in (*table.first, *_ORIGIN) if c in parent]
    result = groups[first_columns].first()
    sum_columns = [c for c in table.sums if c in parent]
    if sum_columns:
        result[sum_columns] = groups[sum_columns].sum(min_count=1)
    if table.main_technician_by and "technician_id" in parent:
        weight = table.main_technician_by
        result["technician_id"] = _main_technician(parent, keys, weight)
    if table.total_sales:
        sales = ("labor_sales", "parts_sales", "sublet_sales")
        parts = [c for c in sales if c in result]
        result["total_sales"] = result[parts].sum(axis=1, min_count=1).round(2)
    for column, value in table.constants.items():
        result[column] = value
    result = result.reset_index()

    spec = TABLE_SCHEMAS[table.name]
    missing = pd.Series(False, index=result.index)
    for column in spec.required_columns:
        if column in result:
            missing |= result[column].isna()
    if missing.any():
        required = [c for c in spec.required_columns if c in result]
        quarantine.add(
            table.name,
            result.loc[missing, [*required, *_ORIGIN]],
            "missing_value",
            "empty required field on every line of the RO",
        )
    full = result[~missing]
    output = full[[c for c in full.columns if c not in _ORIGIN]]
    return output, full, len(result), {}


def _main_technician(parent: pd.DataFrame, keys: list[str], weight: str) -> pd.Series:
    """Technician with the largest total ``weight`` on each RO."""
    lines = parent[[*keys, "technician_id", weight]].dropna(subset=["technician_id"])
    totals = lines.groupby([*keys, "technician_id"], sort=False)[weight].sum()
    totals = totals.fillna(0).sort_values(ascending=False, kind="stable")
    best = totals.reset_index().drop_duplicates(keys)
    return best.set_index(keys)["technician_id"]


def _build_exploded(
    table: TableProfile,
    profile: Profile,
    parent: pd.DataFrame,
    quarantine: Quarantine,
) -> tuple[pd.DataFrame, pd.DataFrame, int, dict[str, Any]]:
    pieces = []
    for column, constants in table.explode_columns.items():
        if column not in parent:
            continue
        lines = parent[["store_id", "ro_number", *_ORIGIN]].copy()
        lines["line_text"] = parent[column].astype("string").str.split("\n")
        lines = lines.explode("line_text")
        lines = lines[lines["line_text"].notna() & (lines["line_text"] != "")]
        for name, value in (constants or {}).items():
            lines[name] = value
        pieces.append(lines)
    if not pieces:
        return None  # type: ignore[return-value]
    lines = pd.concat(pieces, ignore_index=True)
    lines["line_text"] = lines["line_text"].astype("string").str.strip()
    rows_read = len(lines)

    extracted = lines["line_text"].str.extract(table.pattern or r"(?P<description>.+)")
    unmatched = extracted.isna().all(axis=1)
    quarantine.add(
        table.name,
        lines.loc[unmatched, ["ro_number", "line_text", *_ORIGIN]],
        "unparseable_line",
        "does not match tables." + table.name + ".pattern",
    )
    lines, extracted = lines[~unmatched], extracted[~unmatched]
    fields = {
        name: spec
        for name, spec in table.fields.items()
        if spec.column in extracted or spec.type in {"constant", "difference"}
    }
    parsed, reason, detail, _, _ = _parse_fields(
        extracted.assign(**{SOURCE_FILE: lines[SOURCE_FILE]}),
        fields,
        profile,
        set(),
        canonical=False,
        used=set(),
    )
    bad = reason.notna()
    quarantine.add(
        table.name,
        lines.loc[bad, ["ro_number", "line_text", *_ORIGIN]],
        reason[bad],
        detail[bad],
    )
    for column in lines.columns:
        if column not in parsed and column != "line_text":
            parsed[column] = lines[column]
    parsed = parsed[~bad]
    parsed["line_number"] = _sequence(parsed)
    output = _output_columns(table, parsed)
    return output, parsed, rows_read, {}


# -- checks and summary ------------------------------------------------------


def _quarantine_invalid(
    name: str, output: pd.DataFrame, full: pd.DataFrame, quarantine: Quarantine
) -> pd.DataFrame:
    """Quarantine rows that break a check of the canonical schema."""
    spec = TABLE_SCHEMAS[name]
    checked = spec.schema.remove_columns(
        [c for c in spec.columns if c not in output.columns]
    )
    # Key uniqueness was settled by the duplicate step; only value checks here.
    checked.unique = None
    try:
        checked.validate(output, lazy=True)
    except pa.errors.SchemaErrors as error:
        cases = error.failure_cases.dropna(subset=["index"])
        if cases.empty:
            raise
        first = cases.drop_duplicates("index").set_index("index")
        rows = np.asarray(first.index, dtype=np.int64)
        detail = first["column"].astype(str) + " fails " + first["check"].astype(str)
        detail += ": " + first["failure_case"].astype(str)
        shown = [c for c in output.columns if c != "vin"]
        quarantine.add(
            name,
            full.loc[rows, [*shown, *[c for c in _ORIGIN if c in full]]],
            "invalid_value",
            detail.to_numpy(),
        )
        output = output.drop(index=rows)
    return output


def _summary(
    profile: Profile,
    store: str | None,
    sources: list[SourceTable],
    table_counts: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    present = set(table_counts)
    return {
        "profile": profile.name,
        "store_id": store,
        "files": [
            {
                "file": s.path.name,
                "encoding": s.encoding,
                "records": len(s.records),
                "layout_rows_removed": s.layout_rows,
            }
            for s in sources
        ],
        "scope": profile.scope.as_dict(),
        "tables": table_counts,
        "absent_tables": [
            t for t in TABLE_SCHEMAS if t not in present and t != "stores"
        ],
    }
