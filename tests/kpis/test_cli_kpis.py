"""``kpitools kpis``: the catalogue listing and the KPI table files."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.cli import main
from kpitools.kpis import REGISTRY
from kpitools.tables import write_data

from .conftest import make_data, ro


@pytest.fixture
def data_dir(tmp_path):
    orders = [
        ro("R1", "2024-01-05", has_complaint=True, vin="V1"),
        ro("R2", "2024-01-06", has_complaint=False, advisor_id="B", vin="V2"),
        ro("R3", "2024-02-07", has_complaint=False, vin="V1"),
    ]
    return write_data(make_data(repair_orders=orders), tmp_path / "data")


def test_list_prints_catalogue(capsys):
    assert main(["kpis", "--list"]) == 0
    output = capsys.readouterr().out
    for name in REGISTRY:
        assert name in output
    assert "lower is better" in output


def test_list_in_chinese(capsys):
    assert main(["kpis", "--list", "--language", "zh"]) == 0
    assert "净推荐值" in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_writes_table_by_extension(data_dir, tmp_path, suffix, capsys):
    out = tmp_path / f"kpis{suffix}"
    arguments = ["kpis", str(data_dir), "--by", "store,advisor,month"]
    arguments += ["--out", str(out), "--setting", "comeback_window_days=60"]
    assert main(arguments) == 0
    if suffix == ".csv":
        table = pd.read_csv(out, dtype={"advisor_id": str})
    elif suffix == ".parquet":
        table = pd.read_parquet(out)
    else:
        table = pd.read_excel(out, sheet_name="kpis")
    # three advisor-months with ROs, every KPI for each; churn is unavailable
    # because two months of data are fewer than the 12-month churn threshold,
    # and retention because pay_type is missing
    assert len(table) == 3 * len(REGISTRY)
    churn = table[table["kpi"] == "churn_rate"]
    assert not churn["available"].any()
    assert churn["reason"].str.contains("churn threshold").all()
    february_b = table[(table["advisor_id"] == "B") & (table["month"] == "2024-02")]
    assert february_b.empty
    assert {"store_id", "advisor_id", "month", "kpi", "value"} <= set(table.columns)
    complaint = table[
        (table["kpi"] == "complaint_rate") & (table["month"] == "2024-01")
    ]
    assert complaint.set_index("advisor_id")["value"].to_dict() == {"A": 1.0, "B": 0.0}
    assert "comeback_window_days" in capsys.readouterr().out


def test_period_and_kpi_options(data_dir, tmp_path):
    out = tmp_path / "kpis.csv"
    arguments = ["kpis", str(data_dir), "--by", "store", "--period", "2024-02"]
    arguments += ["--kpi", "complaint_rate", "--out", str(out)]
    assert main(arguments) == 0
    table = pd.read_csv(out)
    assert table["denominator"].tolist() == [1.0]


def test_bad_arguments_exit_2(data_dir, tmp_path, capsys):
    assert main(["kpis", str(data_dir), "--out", str(tmp_path / "k.json")]) == 2
    assert ".csv, .parquet or .xlsx" in capsys.readouterr().err
    arguments = ["kpis", str(data_dir), "--out", str(tmp_path / "k.csv")]
    assert main([*arguments, "--setting", "bogus=1"]) == 2
    assert main([*arguments, "--by", "shop"]) == 2
    assert main([*arguments, "--period", "2024-13"]) == 2
    assert main(["kpis"]) == 2


def test_docs_option(tmp_path):
    target = tmp_path / "kpis.md"
    assert main(["kpis", "--docs", str(target)]) == 0
    assert "## `nps`" in target.read_text(encoding="utf-8")


def test_period_without_data_exits_2(data_dir, tmp_path, capsys):
    out = tmp_path / "k.csv"
    arguments = ["kpis", str(data_dir), "--period", "2030-01", "--out", str(out)]
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert "'2030-01' has no repair orders" in error
    # The fixture's orders are opened on 2024-01-05, 2024-01-06 and 2024-02-07.
    assert "covers 2024-01 to 2024-02" in error
    assert not out.exists()


def test_untyped_setting_exits_2(data_dir, tmp_path, capsys):
    out = tmp_path / "k.csv"
    arguments = ["kpis", str(data_dir), "--out", str(out)]
    assert main([*arguments, "--setting", "comeback_window_days=abc"]) == 2
    error = capsys.readouterr().err
    assert "'abc' for setting comeback_window_days: expected an integer" in error
    assert "not supported between" not in error
