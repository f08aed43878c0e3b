"""Tests of the benchmarks file and of picking the benchmark for a store."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kpitools.benchmarks import (
    BENCHMARK_COLUMNS,
    KPI_NAMES,
    Benchmark,
    load_benchmarks,
    select_benchmark,
)
from kpitools.exceptions import DataValidationError

HEADER = ",".join(BENCHMARK_COLUMNS)


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "benchmarks.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path: Path) -> pd.DataFrame:
    return load_benchmarks(
        write_csv(
            tmp_path,
            "csi_index,759,,,points,,,CN,2023,China study 2023,published",
            "csi_index,773,,,points,,,CN,2024,China study 2024,published",
            "csi_index,846,,,points,,,US,2023,US study 2023,published",
            "csi_index,851,,,points,,,US,2024,US study 2024,published",
            "csi_top_box,0.85,,,proportion,,GAC,CN,,brand standard,published",
            "csi_top_box,0.80,,,proportion,,,CN,,country target,published",
            "labor_gross_pct,0.76,,,proportion,,,,,any market,published",
            "hours_per_ro,1.55,1.3,1.8,hours,,,US,,band source,published",
            "complaint_rate,0.04,,,proportion,South China,,CN,,regional,published",
        )
    )


def test_bundled_file_loads() -> None:
    benchmarks = load_benchmarks()
    assert len(benchmarks) > 0
    assert set(benchmarks["kpi"]) <= set(KPI_NAMES)
    assert (benchmarks["source"] != "").all()
    assert set(benchmarks["kind"]) <= {"published", "context", "standard"}


def test_bundled_file_has_both_markets() -> None:
    benchmarks = load_benchmarks()
    # Values from the J.D. Power China and U.S. CSI studies, 2024.
    china = select_benchmark(benchmarks, "csi_index", country="CN", year=2024)
    us = select_benchmark(benchmarks, "csi_index", country="US", year=2024)
    assert china is not None and china.value == 773
    assert us is not None and us.value == 851


def test_load_types(table: pd.DataFrame) -> None:
    assert table["value"].dtype == float
    assert str(table["year"].dtype) == "Int64"
    assert table.loc[7, "low"] == 1.3
    assert math.isnan(table.loc[0, "low"])
    assert table.loc[6, "country"] == ""


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("csi_indx,1,,,points,,,CN,2023,s,published", "kpi", "csi_indx"),
        ("nps,abc,,,points,,,CN,2023,s,published", "value", "abc"),
        ("nps,,,,points,,,CN,2023,s,published", "value", "''"),
        ("nps,1,x,,points,,,CN,2023,s,published", "low", "x"),
        ("nps,1,,,points,,,CN,20.5,s,published", "year", "20.5"),
        ("nps,1,,,points,,,CN,2023,s,guessed", "kind", "guessed"),
    ],
)
def test_load_names_bad_cell(tmp_path: Path, row: str, column: str, value: str) -> None:
    path = write_csv(tmp_path, "csi_index,759,,,points,,,CN,2023,s,published", row)
    with pytest.raises(DataValidationError, match=f"row 3, column '{column}'") as info:
        load_benchmarks(path)
    assert str(path) in str(info.value)
    assert value in str(info.value)


def test_load_rejects_low_above_high(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "hours_per_ro,1.5,1.8,1.3,hours,,,US,,s,published")
    with pytest.raises(DataValidationError, match="row 2, column 'low': low 1.8 is"):
        load_benchmarks(path)


def test_load_lists_every_problem(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "unknown_kpi,1,,,x,,,CN,,s,published",
        "nps,ten,,,x,,,CN,,s,published",
    )
    with pytest.raises(DataValidationError) as info:
        load_benchmarks(path)
    assert "row 2, column 'kpi'" in str(info.value)
    assert "row 3, column 'value'" in str(info.value)


def test_load_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.csv"
    path.write_text("kpi,value\nnps,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="missing columns"):
        load_benchmarks(path)


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_benchmarks(tmp_path / "absent.csv")


def test_select_latest_year(table: pd.DataFrame) -> None:
    picked = select_benchmark(table, "csi_index", country="CN")
    assert isinstance(picked, Benchmark)
    assert picked.value == 773
    assert picked.year == 2024
    assert picked.source == "China study 2024"


def test_select_year_not_after_data(table: pd.DataFrame) -> None:
    assert select_benchmark(table, "csi_index", country="US", year=2023).value == 846
    assert select_benchmark(table, "csi_index", country="US", year=2030).value == 851


def test_select_earliest_later_year(table: pd.DataFrame) -> None:
    # No row is from 2020 or earlier, so the nearest later year is used.
    assert select_benchmark(table, "csi_index", country="US", year=2020).value == 846


def test_select_other_country_none(table: pd.DataFrame) -> None:
    assert select_benchmark(table, "csi_index", country="DE") is None
    assert select_benchmark(table, "csi_index") is None


def test_select_most_specific(table: pd.DataFrame) -> None:
    by_brand = select_benchmark(table, "csi_top_box", country="CN", brand="gac")
    other_brand = select_benchmark(table, "csi_top_box", country="CN", brand="Kia")
    assert by_brand.source == "brand standard"
    assert other_brand.source == "country target"


def test_select_region_row_needs_region(table: pd.DataFrame) -> None:
    assert select_benchmark(table, "complaint_rate", country="CN") is None
    picked = select_benchmark(
        table, "complaint_rate", country="CN", region="South China"
    )
    assert picked.value == 0.04


def test_select_generic_row_applies_everywhere(table: pd.DataFrame) -> None:
    assert select_benchmark(table, "labor_gross_pct").value == 0.76
    assert select_benchmark(table, "labor_gross_pct", country="CN").value == 0.76


def test_select_band(table: pd.DataFrame) -> None:
    band = select_benchmark(table, "hours_per_ro", country="US")
    assert band.has_band
    assert (band.low, band.high) == (1.3, 1.8)
    assert not select_benchmark(table, "csi_index", country="US").has_band


def test_select_unlisted_kpi_none(table: pd.DataFrame) -> None:
    assert select_benchmark(table, "nps", country="CN") is None


def test_bundled_labour_gross_applies_in_australia_only() -> None:
    # dealerguide.com.au publishes an Australian practice target (76 %).
    benchmarks = load_benchmarks()
    assert select_benchmark(benchmarks, "labor_gross_pct", country="CN") is None
    assert select_benchmark(benchmarks, "labor_gross_pct", country="US") is None
    assert select_benchmark(benchmarks, "labor_gross_pct") is None
    australia = select_benchmark(benchmarks, "labor_gross_pct", country="AU")
    assert australia is not None and australia.value == 0.76


def test_bundled_kinds_of_untestable_references() -> None:
    benchmarks = load_benchmarks()
    # J.D. Power's CSI index is a proprietary instrument: context only.
    china = select_benchmark(benchmarks, "csi_index", country="CN", year=2024)
    assert china is not None and china.kind == "context"
    # A 100 % call-back rule is a standard, not a population rate.
    followup = select_benchmark(benchmarks, "followup_completion", country="CN")
    assert followup is not None
    assert (followup.value, followup.kind) == (1.0, "standard")


def test_load_rejects_unknown_kind(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "nps,30,,,points,,,CN,,s,guess")
    with pytest.raises(DataValidationError, match="'guess' is not one of"):
        load_benchmarks(path)
