"""``kpitools report`` rejects bad arguments before any notebook runs."""

from pathlib import Path

import pytest

from kpitools.cli import main
from kpitools.exceptions import ReportError
from kpitools.reports import build_reports


@pytest.fixture
def dated_data_dir(tmp_path: Path) -> Path:
    """Repair orders of stores S1 and S2 opened in 2025-01 and 2025-03."""
    folder = tmp_path / "dated"
    folder.mkdir()
    (folder / "repair_orders.csv").write_text(
        "store_id,ro_number,opened_at\nS1,1,2025-01-05 09:00\nS2,2,2025-03-20 10:30\n",
        encoding="utf-8",
    )
    return folder


def _report(data_dir: Path, out: Path, notebook: Path, *extra: str) -> int:
    arguments = ["report", str(data_dir), "--out", str(out), "--no-overview"]
    return main([*arguments, "--notebook", str(notebook), *extra])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"period": "2025-13"}, "Invalid period '2025-13'"),
        ({"period": "2025-03:2025-01"}, "ends before it starts"),
        (
            {"period": "2030-01"},
            "'2030-01' has no repair orders.*covers 2025-01 to 2025-03",
        ),
        ({"comeback_window_days": -3}, "comeback_window_days must be positive"),
        ({"store_ids": ["S9"]}, "S9 have no repair orders"),
    ],
)
def test_bad_argument_rejected_before_notebooks(
    dated_data_dir, store_notebook, tmp_path, arguments, message
):
    out = tmp_path / "out"
    with pytest.raises(ReportError, match=message):
        build_reports(
            dated_data_dir,
            out,
            store_notebook=store_notebook,
            progress=False,
            **arguments,
        )
    assert not (out / "stores").exists()


@pytest.mark.parametrize(
    "extra", [("--period", "2025-13"), ("--comeback-window-days", "-3")]
)
def test_cli_bad_argument_exits_2(
    dated_data_dir, store_notebook, tmp_path, capsys, extra
):
    out = tmp_path / "out"
    assert _report(dated_data_dir, out, store_notebook, *extra) == 2
    error = capsys.readouterr().err
    assert "Traceback" not in error
    assert error.count("error:") == 1
    assert not (out / "stores").exists()


def test_period_within_data_accepted(dated_data_dir, store_notebook, tmp_path):
    batch = build_reports(
        dated_data_dir,
        tmp_path / "out",
        store_ids=["S1"],
        period="2024-12:2025-01",
        overview=False,
        progress=False,
        store_notebook=store_notebook,
    )
    assert [store.ok for store in batch.stores] == [True]


def test_period_outside_data_rejected(dated_data_dir, tmp_path):
    with pytest.raises(ReportError, match=r"covers 2025-01 to 2025-03"):
        build_reports(dated_data_dir, tmp_path / "out", period="2024-11:2024-12")


def test_missing_data_folder_named(tmp_path, capsys):
    folder = tmp_path / "no" / "such" / "folder"
    arguments = ["report", str(folder), "--out", str(tmp_path / "out")]
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert f"Data folder {folder} does not exist" in error
    assert "repair_orders.parquet" not in error
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_reports(folder, tmp_path / "out")
