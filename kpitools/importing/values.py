"""Vectorised parsers for the values found in dealer exports.

Each parser takes a Series of raw cells (strings, numbers or datetimes as the
reader produced them) and returns ``(parsed, failed)``: the parsed Series and a
boolean mask of the non-empty cells that could not be parsed. Empty cells are
missing values, not failures. Nothing is guessed: dates are read only with the
formats a profile declares, in the order it declares them.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpitools.exceptions import DataQualityWarning

__all__ = [
    "EXCEL_SERIAL",
    "check_vins",
    "normalise_vins",
    "parse_amounts",
    "parse_codes",
    "parse_dates",
    "parse_flags",
    "parse_ids",
    "parse_numbers",
    "to_text",
]

EXCEL_SERIAL = "excel"
"""Date format name for Excel serial day numbers (day 0 is 1899-12-30)."""

EXCEL_ORIGIN = pd.Timestamp("1899-12-30")

# Excel serials between 1960-01-01 and 2100-01-01; anything else is not a date.
_SERIAL_RANGE = (21916, 73051)

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９．，－（）＄￥：／",
    "0123456789.,-()$¥:/",
)
_CURRENCY = r"(?i)RMB|CNY|USD|US\$|[¥$€£元]"

VIN_LENGTH = 17
_VIN_PATTERN = r"[A-HJ-NPR-Z0-9]{17}"
# Transliteration and position weights of the check digit at position 9
# (US rule 49 CFR 565.15).
_VIN_VALUES = dict(
    zip(
        "0123456789ABCDEFGHJKLMNPRSTUVWXYZ",
        [*range(10), *range(1, 9), 1, 2, 3, 4, 5, 7, 9, *range(2, 10)],
        strict=True,
    )
)
_VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])
_VIN_LOOKUP = np.zeros(256, dtype=np.int64)
for _char, _value in _VIN_VALUES.items():
    _VIN_LOOKUP[ord(_char)] = _value


def to_text(values: pd.Series) -> pd.Series:
    """Convert raw cells to stripped strings; empty strings become missing.

    Integral floats (``6085330.0``, as Excel stores numbers) lose the ``.0``.
    """
    if values.dtype == object:
        is_integral_float = values.map(
            lambda v: isinstance(v, float) and v.is_integer()
        ).astype(bool)
        if is_integral_float.any():
            values = values.copy()
            values[is_integral_float] = values[is_integral_float].map(
                lambda v: str(int(v))
            )
    # Arrow-backed strings keep the .str methods below vectorised in C.
    text = values.astype("string[pyarrow]").str.strip()
    return text.mask(text == "")


def parse_ids(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read identifiers as strings, keeping leading zeros (``"034"``)."""
    text = to_text(values)
    return text, pd.Series(False, index=values.index)


def parse_dates(
    values: pd.Series, formats: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """Parse dates with the declared ``formats``, tried in order.

    A format is a ``strftime`` pattern (``%Y/%m/%d``, ``%Y-%m-%d %H:%M``,
    ``%Y年%m月%d日``, US ``%m/%d/%y``) or ``"excel"`` for Excel serial day
    numbers counted from 1899-12-30. A cell already stored as a date by Excel
    is taken as it is. Each pattern is applied with ``pd.to_datetime(format=...)``
    to the cells that are still unparsed, so no format is inferred.

    Returns
    -------
    parsed, failed
        ``datetime64[ns]`` Series and the mask of non-empty cells that no
        format matched.
    """
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if values.dtype.kind == "M":
        parsed = values.astype("datetime64[ns]")
        return parsed, pd.Series(False, index=values.index)
    if values.dtype == object:
        is_native = values.map(
            lambda v: isinstance(v, dt.datetime | dt.date | pd.Timestamp)
        ).astype(bool)
        if is_native.any():
            parsed[is_native] = pd.to_datetime(values[is_native]).astype(
                "datetime64[ns]"
            )
    else:
        is_native = pd.Series(False, index=values.index)
    text = to_text(values.mask(is_native))
    todo = text.notna()
    for date_format in formats:
        if not todo.any():
            break
        if date_format == EXCEL_SERIAL:
            serial = pd.to_numeric(text[todo], errors="coerce")
            serial = serial.where(serial.between(*_SERIAL_RANGE))
            days = pd.to_timedelta(serial, unit="D")
            converted = (EXCEL_ORIGIN + days).dt.round("s")
        else:
            converted = pd.to_datetime(text[todo], format=date_format, errors="coerce")
        hit = converted.notna()
        parsed[hit.index[hit]] = converted[hit].astype("datetime64[ns]")
        todo[hit.index[hit]] = False
    return parsed, todo


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse money: thousands separators, currency signs, full-width digits.

    Credits written ``(12.50)`` or ``12.50-`` become negative. Float
    artefacts such as ``71.989999999999995`` are rounded to cents.
    """
    number, failed = _parse_decimal(values, currency=True)
    return number.round(2), failed


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse plain numbers (hours, mileage): separators and full width allowed."""
    return _parse_decimal(values, currency=False)


def _parse_decimal(values: pd.Series, *, currency: bool) -> tuple[pd.Series, pd.Series]:
    if values.dtype.kind in "if":
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = to_text(values)
    number = pd.to_numeric(text, errors="coerce").astype("float64")
    todo = text.notna() & number.isna()
    if todo.any():
        number[todo] = _parse_formatted(text[todo], currency=currency)
    failed = text.notna() & number.isna()
    return number, failed


def _parse_formatted(text: pd.Series, *, currency: bool) -> pd.Series:
    """Parse amounts that need cleaning first (separators, signs, credits)."""
    cleaned = text.str.translate(_FULL_WIDTH)
    if currency:
        cleaned = cleaned.str.replace(_CURRENCY, "", regex=True)
    cleaned = cleaned.str.replace(r"[,\s]", "", regex=True)
    in_brackets = cleaned.str.fullmatch(r"\(.+\)").fillna(False).astype(bool)
    trailing_minus = cleaned.str.fullmatch(r"[^-].*-").fillna(False).astype(bool)
    cleaned = cleaned.mask(in_brackets, cleaned.str.slice(1, -1))
    cleaned = cleaned.mask(trailing_minus, cleaned.str.slice(0, -1))
    number = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return number.mask(in_brackets | trailing_minus, -number)


def parse_codes(
    values: pd.Series, codes: dict[str, str], *, default: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Translate source codes (``C``, ``Warr``, ``索赔``) to canonical values.

    Codes are matched exactly after stripping spaces. A code missing from
    ``codes`` fails, unless ``default`` is given.
    """
    text = to_text(values)
    mapped = text.map(codes, na_action="ignore").astype("string")
    unknown = text.notna() & mapped.isna()
    if default is not None:
        mapped = mapped.mask(unknown, default)
        unknown = pd.Series(False, index=values.index)
    return mapped, unknown


TRUE_PATTERN = r"(?i)^(?:yes|y|true|t|1|x|是|有)\b"
FALSE_PATTERN = r"(?i)^(?:no|n|false|f|0|否|无)\b"


def parse_flags(
    values: pd.Series,
    *,
    true_pattern: str = TRUE_PATTERN,
    false_pattern: str = FALSE_PATTERN,
) -> tuple[pd.Series, pd.Series]:
    """Read yes/no flags; text after the word (``Yes - 12/11/25``) is allowed."""
    if values.dtype == bool or str(values.dtype) == "boolean":
        return values.astype("boolean"), pd.Series(False, index=values.index)
    text = to_text(values)
    is_true = text.str.contains(true_pattern, regex=True).fillna(False)
    is_false = text.str.contains(false_pattern, regex=True).fillna(False)
    flags = pd.Series(pd.NA, index=values.index, dtype="boolean")
    flags[is_false.astype(bool)] = False
    flags[is_true.astype(bool)] = True
    failed = text.notna() & ~(is_true | is_false).astype(bool)
    return flags, failed


def normalise_vins(values: pd.Series) -> pd.Series:
    """Upper-case VINs and remove spaces and hyphens."""
    text = to_text(values)
    return (
        text.str.upper().str.replace(r"[\s\-]", "", regex=True).mask(lambda s: s == "")
    )


def check_vins(vins: pd.Series, *, check_digit: str = "north_america") -> pd.Series:
    """Return the mask of VINs that fail the format or check-digit test.

    A VIN has 17 characters from 0-9 and A-Z without I, O and Q. The check
    digit at position 9 (weights and transliteration of 49 CFR 565.15) is
    tested for every VIN when ``check_digit="always"``, because vehicles sold
    in the USA all carry one. With ``"north_america"`` only VINs whose maker
    code starts with 1-5 are tested, and with ``"never"`` none. Missing VINs
    pass.
    """
    if check_digit not in {"always", "north_america", "never"}:
        raise ValueError(
            f"check_digit={check_digit!r} is invalid; use 'always', "
            "'north_america' or 'never'."
        )
    present = vins.notna()
    well_formed = vins.str.fullmatch(_VIN_PATTERN).fillna(False).astype(bool)
    failed = present & ~well_formed
    if check_digit == "never" or not well_formed.any():
        return failed
    candidates = vins[well_formed]
    if check_digit == "north_america":
        candidates = candidates[candidates.str.slice(0, 1).isin(list("12345"))]
    if candidates.empty:
        return failed
    joined = "".join(candidates.astype(object).tolist())
    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    values = _VIN_LOOKUP[codes].reshape(-1, VIN_LENGTH)
    remainder = (values @ _VIN_WEIGHTS) % 11
    expected = np.where(remainder == 10, ord("X"), remainder + ord("0"))
    actual = codes.reshape(-1, VIN_LENGTH)[:, 8]
    bad = pd.Series(expected != actual, index=candidates.index)
    failed[bad.index[bad]] = True
    return failed


def warn_bad_vins(count: int, source: str, *, stacklevel: int = 2) -> None:
    """Warn that ``count`` VINs failed their check (the rows are kept)."""
    if count:
        warnings.warn(
            f"{count} VIN(s) in {source} fail the format or check-digit test; the "
            "rows are kept and counted as 'vin_check_failed' in the import "
            "summary. Correct the VINs in the DMS if comebacks must match them.",
            DataQualityWarning,
            stacklevel=stacklevel,
        )
