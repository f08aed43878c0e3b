"""Tests of kpitools.reports.batch and index: failures, overview, root cause."""

import pytest

from kpitools.cli import main
from kpitools.exceptions import ReportError
from kpitools.reports import build_reports, list_store_ids, write_index

OVERVIEW_PARAMETERS = """\
period: str = ""
data_dir: str = ""
benchmarks_file: str = ""
language: str = "en"
store_ids: str = ""
"""
ROOTCAUSE_PARAMETERS = """\
store_id: str = "S1"
data_dir: str = ""
period: str = ""
"""


def test_list_store_ids_sorted_unique(store_data_dir):
    assert list_store_ids(store_data_dir) == ["BAD", "S1", "S2"]


def test_unknown_store_rejected(store_data_dir, store_notebook, tmp_path):
    with pytest.raises(ReportError, match="S9 have no repair orders.*BAD, S1, S2"):
        build_reports(
            store_data_dir,
            tmp_path / "out",
            store_ids=["S9"],
            store_notebook=store_notebook,
            progress=False,
        )


def test_unknown_language_rejected(store_data_dir, tmp_path):
    with pytest.raises(ReportError, match="'fr'"):
        build_reports(store_data_dir, tmp_path / "out", language="fr")


def test_cli_failing_store_reported(store_data_dir, store_notebook, tmp_path, capsys):
    out = tmp_path / "out"

    exit_code = main(
        [
            "report",
            str(store_data_dir),
            "--notebook",
            str(store_notebook),
            "--no-overview",
            "--out",
            str(out),
        ]
    )

    assert exit_code == 1
    assert "failed: BAD" in capsys.readouterr().err
    assert (out / "stores" / "S1.html").is_file()
    assert (out / "stores" / "S2.html").is_file()
    assert not (out / "stores" / "BAD.html").exists()
    assert "planted failure" in (out / "stores" / "BAD.ipynb").read_text("utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "RuntimeError: planted failure for store BAD" in index
    assert 'href="stores/S1.html"' in index
    assert 'href="stores/S2.html"' in index
    # Headline value from the summary: 0.125 as a percentage, flagged worse.
    assert "12.5% ▼" in index


def test_cli_chinese_store_ok_exits_zero(store_data_dir, store_notebook, tmp_path):
    exit_code = main(
        [
            "report",
            str(store_data_dir),
            "--store",
            "S2",
            "--language",
            "zh",
            "--notebook",
            str(store_notebook),
            "--no-overview",
            "--out",
            str(tmp_path / "out"),
        ]
    )

    assert exit_code == 0
    assert [p.name for p in (tmp_path / "out" / "stores").glob("*.html")] == ["S2.html"]


def test_timeout_and_dead_kernel_recorded(store_notebook, tmp_path):
    data_dir = tmp_path / "data_slow"
    data_dir.mkdir()
    (data_dir / "repair_orders.csv").write_text(
        "store_id\nSLOW\nDEAD\n", encoding="utf-8"
    )

    batch = build_reports(
        data_dir,
        tmp_path / "out",
        overview=False,
        progress=False,
        timeout=5,
        store_notebook=store_notebook,
    )

    outcomes = {store.store_id: store for store in batch.stores}
    assert not outcomes["SLOW"].ok
    assert "timed out" in outcomes["SLOW"].error.lower()
    assert not outcomes["DEAD"].ok
    assert "died" in outcomes["DEAD"].error.lower()
    assert sorted(batch.failed) == ["DEAD", "SLOW"]


def test_overview_and_rootcause_linked(
    store_data_dir, store_notebook, make_notebook, tmp_path
):
    overview = make_notebook("overview", OVERVIEW_PARAMETERS, "print(store_ids)")
    rootcause = make_notebook("rootcause", ROOTCAUSE_PARAMETERS, "print(store_id)")

    batch = build_reports(
        store_data_dir,
        tmp_path / "out",
        store_ids=["S1", "S2"],
        rootcause=True,
        progress=False,
        store_notebook=store_notebook,
        overview_notebook=overview,
        rootcause_notebook=rootcause,
    )
    index = write_index(batch).read_text(encoding="utf-8")

    assert batch.overview is not None and batch.overview.ok
    assert 'href="group_overview.html"' in index
    # The tiny notebook flags the comeback rate worse for every store.
    assert 'href="rootcause/S1.html"' in index
    assert 'href="rootcause/S2.html"' in index
    assert batch.failed == []


def test_rootcause_notebook_without_store_id(
    store_data_dir, store_notebook, make_notebook, tmp_path
):
    rootcause = make_notebook("rootcause_bad", 'data_dir: str = ""')

    batch = build_reports(
        store_data_dir,
        tmp_path / "out",
        store_ids=["S1"],
        overview=False,
        rootcause=True,
        progress=False,
        store_notebook=store_notebook,
        rootcause_notebook=rootcause,
    )

    assert batch.stores[0].ok
    assert "does not declare ['store_id']" in batch.stores[0].rootcause.error
    assert batch.failed == ["S1 (root cause)"]
