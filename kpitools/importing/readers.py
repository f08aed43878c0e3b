"""Read export files (CSV, TSV, Excel, Parquet) into one row per record.

Report-style layouts are undone here: title rows above the header, a header
split over several rows, page headers repeated through the file, blank spacer
rows, totals rows, duplicate column names and records spread over several
physical rows. What is removed is counted, so the import summary can show it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpitools.exceptions import ImportFormatError

__all__ = [
    "ENCODINGS",
    "Layout",
    "SourceTable",
    "decode_bytes",
    "read_source",
]

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030")
"""Encodings tried for text files, in this order (see :func:`decode_bytes`)."""

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"

_BOM_UTF8 = b"\xef\xbb\xbf"
_BOM_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass(frozen=True)
class Layout:
    """How a source file is laid out; read from the ``source`` key of a profile.

    Attributes
    ----------
    format
        ``csv``, ``tsv``, ``excel``, ``parquet`` or ``auto`` (by file suffix).
    encoding
        ``auto`` (see :func:`decode_bytes`) or a Python codec name.
    delimiter
        Field separator of text files; sniffed from ``,;\\t|`` when None.
    sheet
        Excel sheet name or 0-based position.
    header_row
        1-based physical row of the first header row; the rows above it are
        title rows.
    header_rows
        How many rows the header spans; their cells are joined with a space.
    page_headers
        Drop body rows that repeat a header row.
    totals_pattern
        Regular expression; a row whose first non-empty cell matches it is a
        totals row and is dropped.
    record_start
        ``(column, pattern)``: a row whose ``column`` matches ``pattern``
        starts a record and the rows below it, up to the next start, continue
        it. None when every row is a record.
    record_lists
        Columns whose non-empty cells are gathered from every row of a record
        and joined with newlines.
    """

    format: str = "auto"
    encoding: str = "auto"
    delimiter: str | None = None
    sheet: str | int = 0
    header_row: int = 1
    header_rows: int = 1
    page_headers: bool = True
    totals_pattern: str | None = None
    record_start: tuple[str, str] | None = None
    record_lists: tuple[str, ...] = ()


@dataclass
class SourceTable:
    """The records of one file with their origin, and what the layout removed.

    ``records`` has one column per header name plus ``_source_file`` and
    ``_source_row`` (the 1-based physical row, as a spreadsheet shows it).
    """

    path: Path
    records: pd.DataFrame
    layout_rows: dict[str, int] = field(default_factory=dict)
    encoding: str | None = None


def decode_bytes(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode ``data`` strictly with the first encoding that fits.

    The order is UTF-8, UTF-8 with BOM, UTF-16 with BOM, then GB18030 (a
    superset of GBK, as written by Excel on Chinese Windows). No codec is
    used with ``errors="replace"``, so a wrong guess cannot slip through.

    Returns
    -------
    text, encoding

    Raises
    ------
    ImportFormatError
        No encoding fits; the message names the file and the byte offset at
        which UTF-8 and GB18030 decoding failed.
    """
    if data.startswith(_BOM_UTF16):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise ImportFormatError(
                f"{path}: starts with a UTF-16 byte-order mark but is not valid "
                f"UTF-16 at byte offset {error.start}. Re-export the file as "
                "UTF-8 CSV."
            ) from None
    encoding = "utf-8-sig" if data.startswith(_BOM_UTF8) else "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        utf8_offset = error.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            f"{path}: cannot decode the file as UTF-8 (invalid byte at offset "
            f"{utf8_offset}), UTF-16 (no byte-order mark) or GB18030 (invalid "
            f"byte at offset {error.start}). Re-export it as UTF-8 CSV or name "
            "the encoding in the profile (source: encoding: ...)."
        ) from None


def read_source(path: str | Path, layout: Layout) -> SourceTable:
    """Read one export file and undo its report layout.

    Parameters
    ----------
    path
        CSV, TSV, Excel (.xlsx, .xls) or Parquet file.
    layout
        The profile's layout options.

    Raises
    ------
    ImportFormatError
        The file cannot be read, is empty, or its header is not where the
        profile says.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Export file {path} does not exist.")
    file_format = _file_format(path, layout)
    if file_format == "parquet":
        return _read_parquet(path)
    encoding = None
    if file_format == "excel":
        grid = _read_excel_grid(path, layout)
        first_row = 1
    else:
        grid, encoding = _read_text_grid(path, layout, file_format)
        first_row = layout.header_row
    table = _undo_layout(grid, path, layout, first_row)
    table.encoding = encoding
    return table


def _file_format(path: Path, layout: Layout) -> str:
    suffix = path.suffix.lower()
    if layout.format != "auto":
        _check_suffix(path, suffix, layout.format)
        return layout.format
    if suffix in _EXCEL_SUFFIXES:
        return "excel"
    if suffix == ".parquet":
        return "parquet"
    if suffix == ".tsv":
        return "tsv"
    if suffix in _TEXT_SUFFIXES:
        return "csv"
    raise ImportFormatError(
        f"{path}: unknown file type {suffix!r}. Use .csv, .tsv, .xlsx, .xls or "
        ".parquet, or set source: format: in the profile."
    )


def _check_suffix(path: Path, suffix: str, file_format: str) -> None:
    """Raise ImportFormatError when the suffix names another known format."""
    expected = {
        "excel": _EXCEL_SUFFIXES,
        "parquet": {".parquet"},
        "csv": _TEXT_SUFFIXES,
        "tsv": {*_TEXT_SUFFIXES, ".tsv"},
    }[file_format]
    known = {*_EXCEL_SUFFIXES, *_TEXT_SUFFIXES, ".tsv", ".parquet"}
    if suffix in known and suffix not in expected:
        raise ImportFormatError(
            f"{path}: the profile sets source: format: {file_format}, which "
            f"expects {', '.join(sorted(expected))} files, but got a {suffix} "
            "file. Pass the export in that format or choose a profile for "
            f"{suffix} files."
        )


def _read_parquet(path: Path) -> SourceTable:
    try:
        records = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several unrelated types
        raise ImportFormatError(
            f"{path}: not a readable Parquet file ({error})."
        ) from None
    records.columns = _unique_names([str(c) for c in records.columns])
    records[SOURCE_FILE] = str(path)
    records[SOURCE_ROW] = pd.RangeIndex(2, len(records) + 2)
    return SourceTable(path, records.reset_index(drop=True), {})


def _read_excel_grid(path: Path, layout: Layout) -> pd.DataFrame:
    engine = "xlrd" if path.suffix.lower() == ".xls" else "openpyxl"
    try:
        grid = pd.read_excel(
            path, sheet_name=layout.sheet, header=None, dtype=object, engine=engine
        )
    except (ValueError, KeyError, OSError) as error:
        raise ImportFormatError(
            f"{path}: cannot read sheet {layout.sheet!r} ({error}). Check that "
            "the file is an Excel workbook and that source: sheet: names a sheet."
        ) from None
    except Exception as error:  # zipfile, xlrd and openpyxl errors
        raise ImportFormatError(
            f"{path}: not a readable Excel workbook ({type(error).__name__}: "
            f"{error}). Open it in Excel and save it again as .xlsx."
        ) from None
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    return grid


def _read_text_grid(
    path: Path, layout: Layout, file_format: str
) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    if layout.encoding == "auto":
        text, encoding = decode_bytes(data, path)
    else:
        try:
            text, encoding = data.decode(layout.encoding), layout.encoding
        except (UnicodeDecodeError, LookupError) as error:
            raise ImportFormatError(
                f"{path}: cannot decode as {layout.encoding} ({error}). Fix "
                "source: encoding: in the profile or set it to auto."
            ) from None
    if not text.strip():
        raise ImportFormatError(f"{path}: the file is empty. Export it again.")
    delimiter = _delimiter(text, path, layout, file_format)
    skip = layout.header_row - 1
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skiprows=skip,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise ImportFormatError(
            f"{path}: cannot split the file into columns with delimiter "
            f"{delimiter!r} ({error}). Check source: delimiter: and "
            "header_row: in the profile."
        ) from None
    except pd.errors.EmptyDataError:
        raise ImportFormatError(
            f"{path}: no rows at or below header row {layout.header_row}. "
            "Check source: header_row: in the profile."
        ) from None
    grid.index = pd.RangeIndex(skip + 1, skip + 1 + len(grid))
    return grid, encoding


def _delimiter(text: str, path: Path, layout: Layout, file_format: str) -> str:
    if layout.delimiter:
        return layout.delimiter
    if file_format == "tsv":
        return "\t"
    lines = text.splitlines()[layout.header_row - 1 : layout.header_row + 20]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        if "," in sample or len(lines) <= 1:
            return ","
        raise ImportFormatError(
            f"{path}: cannot tell the field delimiter from the first rows. Set "
            "source: delimiter: in the profile."
        ) from None


def _undo_layout(
    grid: pd.DataFrame, path: Path, layout: Layout, first_row: int
) -> SourceTable:
    counts: dict[str, int] = {}
    header_start = layout.header_row - first_row
    header_end = header_start + layout.header_rows
    if len(grid) < header_end:
        raise ImportFormatError(
            f"{path}: the header should be on rows {layout.header_row}-"
            f"{layout.header_row + layout.header_rows - 1} but the file has "
            f"{len(grid) + first_row - 1} rows. Check source: header_row:."
        )
    counts["title_rows"] = layout.header_row - 1
    header = grid.iloc[header_start:header_end]
    body = grid.iloc[header_end:]
    names = _header_names(header)
    if not any(n for n in names if not n.startswith("column_")):
        raise ImportFormatError(
            f"{path}: row {layout.header_row} is empty, so it cannot be the "
            "header. Set source: header_row: to the row holding the column names."
        )

    nonblank = _nonblank_mask(body)
    counts["blank_rows"] = int((~nonblank).sum())
    body = body[nonblank]
    if layout.page_headers and len(body):
        repeat = _page_header_mask(body, header)
        counts["page_header_rows"] = int(repeat.sum())
        body = body[~repeat]
    if layout.totals_pattern and len(body):
        totals = _first_cell(body).str.match(layout.totals_pattern).fillna(False)
        counts["totals_rows"] = int(totals.sum())
        body = body[~totals.astype(bool)]

    body = body.copy()
    body.columns = names
    body[SOURCE_FILE] = str(path)
    body[SOURCE_ROW] = body.index.to_numpy()
    if layout.record_start is not None:
        body = _join_records(body, path, layout, counts)
    return SourceTable(path, body.reset_index(drop=True), counts)


def _header_names(header: pd.DataFrame) -> list[str]:
    names = []
    for position in range(header.shape[1]):
        parts = [
            str(v).strip()
            for v in header.iloc[:, position]
            if pd.notna(v) and str(v).strip()
        ]
        names.append(" ".join(parts) if parts else f"column_{position + 1}")
    return _unique_names(names)


def _unique_names(names: list[str]) -> list[str]:
    """Suffix repeated names like pandas does: ``Gross``, ``Gross.1``, ``Gross.2``."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        if name in seen:
            seen[name] += 1
            unique.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            unique.append(name)
    return unique


def _stripped(column: pd.Series) -> pd.Series:
    if column.dtype == object:
        column = column.map(lambda v: v.strip() if isinstance(v, str) else v)
        return column.where(column != "")
    if pd.api.types.is_string_dtype(column):
        text = column.str.strip()
        return text.where(text != "")
    return column


def _nonblank_mask(body: pd.DataFrame) -> pd.Series:
    mask = pd.Series(False, index=body.index)
    for position in range(body.shape[1]):
        mask |= _stripped(body.iloc[:, position]).notna()
    return mask


def _page_header_mask(body: pd.DataFrame, header: pd.DataFrame) -> pd.Series:
    repeat = pd.Series(False, index=body.index)
    for _, header_row in header.iterrows():
        filled = [
            (position, str(value).strip())
            for position, value in enumerate(header_row)
            if pd.notna(value) and str(value).strip()
        ]
        if not filled:
            continue
        match = pd.Series(True, index=body.index)
        for position, value in filled:
            cells = body.iloc[:, position][match]
            equal = cells.astype("string").str.strip() == value
            match[cells.index] = equal.fillna(False).astype(bool)
        repeat |= match
    return repeat


def _first_cell(body: pd.DataFrame) -> pd.Series:
    first = pd.Series(pd.NA, index=body.index, dtype="string")
    for position in range(body.shape[1]):
        cells = _stripped(body.iloc[:, position]).astype("string")
        first = first.fillna(cells)
    return first


def _join_records(
    body: pd.DataFrame, path: Path, layout: Layout, counts: dict[str, int]
) -> pd.DataFrame:
    """Fold continuation rows into the row that starts their record."""
    assert layout.record_start is not None
    column, pattern = layout.record_start
    missing = [c for c in (column, *layout.record_lists) if c not in body.columns]
    if missing:
        raise ImportFormatError(
            f"{path}: columns {missing} named in source: record_start/"
            f"record_lists are not in the header (found: {list(body.columns)[:-2]})."
        )
    key = body[column].astype("string").str.strip()
    starts = key.str.fullmatch(pattern).fillna(False).astype(bool)
    record = starts.cumsum()
    counts["rows_before_first_record"] = int((record == 0).sum())
    counts["continuation_rows"] = int(((record > 0) & ~starts).sum())
    inside = record > 0
    records = body[starts].copy()
    for list_column in layout.record_lists:
        cells = _stripped(body.loc[inside, list_column]).astype("string")
        cells = cells.str.split(r"\r?\n", regex=True).explode().str.strip()
        cells = cells[cells.notna() & (cells != "")]
        joined = cells.groupby(record[cells.index]).agg("\n".join)
        records[list_column] = record[starts].map(joined).astype("string").values
    return records
