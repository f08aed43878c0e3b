"""Published KPI benchmarks: read the benchmarks file and pick the one that applies.

A KPI without a published value has no row. The peer network (all stores in
the data) is then its benchmark, and the statistics layer provides it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpitools.exceptions import DataValidationError
from kpitools.kpis.registry import KPI_NAMES
from kpitools.paths import BENCHMARKS_FILE

__all__ = [
    "BENCHMARK_COLUMNS",
    "KINDS",
    "KPI_NAMES",
    "Benchmark",
    "load_benchmarks",
    "select_benchmark",
]

BENCHMARK_COLUMNS = (
    "kpi",
    "value",
    "low",
    "high",
    "unit",
    "region",
    "brand",
    "country",
    "year",
    "source",
    "kind",
)
_TEXT_COLUMNS = ("unit", "region", "brand", "country", "source", "kind")
#: What a row is. ``published``: a published value a store can be tested
#: against. ``context``: a value from a different instrument or definition
#: (J.D. Power's proprietary CSI index), shown beside the store's value but
#: never tested. ``standard``: a rule every RO must meet (a 100 % call-back
#: rule): a binomial test against 0 or 1 is refuted by one miss, so it is
#: shown and the store is tested against the peer network instead.
KINDS = ("published", "context", "standard")
_KINDS = KINDS


@dataclass(frozen=True)
class Benchmark:
    """One published benchmark value of a KPI.

    ``low`` and ``high`` bound a target band (NaN when the source gives a
    single value). ``region``, ``brand`` and ``country`` are empty text when
    the value applies to any of them.
    """

    kpi: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    year: int | None
    region: str
    kind: str
    brand: str = ""
    country: str = ""

    @property
    def has_band(self) -> bool:
        """Whether the benchmark is a target band rather than one value."""
        return not (math.isnan(self.low) or math.isnan(self.high))


def load_benchmarks(path: str | Path = BENCHMARKS_FILE) -> pd.DataFrame:
    """Read and validate a benchmarks file.

    Parameters
    ----------
    path
        CSV file (UTF-8) with the columns of :data:`BENCHMARK_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark: ``value``, ``low`` and ``high`` as floats,
        ``year`` as nullable integers, text columns with missing values as
        empty text.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    DataValidationError
        A column is missing, a KPI name is unknown, a number cannot be read,
        ``low`` is above ``high`` or ``kind`` is not one of :data:`KINDS`. The message
        names the file, the row (as numbered in a spreadsheet, header = 1),
        the column and the value.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"Benchmarks file {path} does not exist. Pass the path of a CSV with "
            f"the columns {', '.join(BENCHMARK_COLUMNS)}."
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in BENCHMARK_COLUMNS if column not in raw.columns]
    if missing:
        raise DataValidationError(
            f"Benchmarks file {path} is missing columns {missing} "
            f"(found: {list(raw.columns)}). Add them to the header row."
        )
    raw = raw.apply(lambda column: column.str.strip())
    problems = _find_problems(raw)
    if problems:
        listed = "\n".join(
            f"  {path}, row {index + 2}, column '{column}': {message}"
            for index, column, message in problems
        )
        raise DataValidationError(
            f"Benchmarks file {path} has invalid values:\n{listed}\n"
            "Fix these cells; KPI names must be registry keys and numbers plain "
            "decimals such as 0.85."
        )
    return _typed(raw)


def _find_problems(raw: pd.DataFrame) -> list[tuple[int, str, str]]:
    problems = []
    for index in raw.index[~raw["kpi"].isin(KPI_NAMES)]:
        problems.append((index, "kpi", f"unknown KPI name {raw.at[index, 'kpi']!r}"))
    for column in ("value", "low", "high", "year"):
        text = raw[column]
        number = pd.to_numeric(text, errors="coerce")
        bad = (text != "") & number.isna()
        if column == "year":
            bad |= number.notna() & (number % 1 != 0)
        if column == "value":
            bad |= text == ""
        for index in raw.index[bad]:
            problems.append((index, column, f"{text[index]!r} is not a number"))
    low = pd.to_numeric(raw["low"], errors="coerce")
    high = pd.to_numeric(raw["high"], errors="coerce")
    for index in raw.index[low > high]:
        problems.append((index, "low", f"low {low[index]} is above high {high[index]}"))
    for index in raw.index[~raw["kind"].isin(_KINDS)]:
        problems.append(
            (index, "kind", f"{raw.at[index, 'kind']!r} is not one of {_KINDS}")
        )
    return sorted(problems)


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    table = raw[list(BENCHMARK_COLUMNS)].copy()
    for column in ("value", "low", "high"):
        table[column] = pd.to_numeric(table[column]).astype(float)
    table["year"] = pd.to_numeric(table["year"]).astype("Int64")
    for column in _TEXT_COLUMNS:
        table[column] = table[column].astype(str)
    return table


def select_benchmark(
    benchmarks: pd.DataFrame,
    kpi: str,
    *,
    region: str | None = None,
    brand: str | None = None,
    country: str | None = None,
    year: int | None = None,
) -> Benchmark | None:
    """Pick the benchmark of ``kpi`` that fits a store best, or None.

    Parameters
    ----------
    benchmarks
        Table from :func:`load_benchmarks`.
    kpi
        KPI name.
    region, brand, country
        The store's region, brand and ISO country code. A row with an empty
        cell applies to every store; a row with a value applies only to stores
        with that value (case is ignored). A row for a country therefore never
        applies when ``country`` is None: a benchmark from another market is
        not a benchmark.
    year
        The year of the data. Rows of that year or earlier are preferred, the
        latest first; when there are none, the earliest later row is used.

    Returns
    -------
    Benchmark or None
        The applicable row that matches the most of region, brand and country
        (the most specific), then by year as above; None when no row applies,
        in which case the peer network is the benchmark.
    """
    rows = benchmarks[benchmarks["kpi"] == kpi]
    specificity = pd.Series(0, index=rows.index)
    applies = pd.Series(True, index=rows.index)
    for column, expected in (
        ("region", region),
        ("brand", brand),
        ("country", country),
    ):
        cell = rows[column].fillna("").astype(str).str.casefold()
        is_generic = cell == ""
        is_match = cell == expected.casefold() if expected else is_generic
        applies &= is_generic | is_match
        specificity += (~is_generic & is_match).astype(int)
    rows, specificity = rows[applies], specificity[applies]
    if rows.empty:
        return None

    row_year = rows["year"].astype("Float64")
    if year is None:
        year_rank = row_year.fillna(-1.0)
    else:
        # Earlier or equal years rank by recency; later years rank below all of
        # them, the nearest first; undated rows rank last.
        year_rank = row_year.where(row_year <= year, -row_year).fillna(-1e9)
    order = pd.DataFrame(
        {"specificity": specificity, "year_rank": year_rank.astype(float)}
    ).sort_values(["specificity", "year_rank"], ascending=False, kind="stable")
    best = rows.loc[order.index[0]]
    return Benchmark(
        kpi=str(best["kpi"]),
        value=float(best["value"]),
        low=float(best["low"]),
        high=float(best["high"]),
        unit=str(best["unit"]),
        source=str(best["source"]),
        year=None if pd.isna(best["year"]) else int(best["year"]),
        region=str(best["region"]),
        kind=str(best["kind"]),
        brand=str(best["brand"]),
        country=str(best["country"]),
    )
