"""Tests of kpitools.reports.runner: parameter checks, execution, HTML export."""

import json
from pathlib import Path

import pytest

from kpitools.exceptions import ReportError, UnknownParameterError
from kpitools.reports import check_parameters, notebook_parameters, run_notebook


def test_notebook_parameters_lists_declared(store_notebook):
    declared = notebook_parameters(store_notebook)

    assert set(declared) == {
        "store_id",
        "period",
        "data_dir",
        "benchmarks_file",
        "comeback_window_days",
        "language",
        "summary_path",
    }
    assert declared["comeback_window_days"]["inferred_type_name"] == "int"


def test_unknown_parameter_raises(store_notebook):
    with pytest.raises(UnknownParameterError, match="'stor_id'.*Declared parameters"):
        check_parameters(store_notebook, {"stor_id": "S1"})


def test_unknown_parameter_raises_before_running(store_notebook, tmp_path):
    output = tmp_path / "out" / "S1.ipynb"

    with pytest.raises(UnknownParameterError, match="'colour'"):
        run_notebook(store_notebook, output, {"store_id": "S1", "colour": "red"})

    assert not output.exists()


def test_untagged_notebook_rejected(untagged_notebook, tmp_path):
    with pytest.raises(ReportError, match="no cell tagged 'parameters'"):
        run_notebook(untagged_notebook, tmp_path / "out.ipynb", {"store_id": "S2"})


def test_missing_notebook_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        notebook_parameters(tmp_path / "absent.ipynb")


def test_run_writes_notebook_and_html_without_code(
    store_notebook, marker_code, tmp_path
):
    summary = tmp_path / "out" / "007.json"
    parameters = {"store_id": "007", "summary_path": summary}

    run = run_notebook(store_notebook, tmp_path / "out" / "007.ipynb", parameters)

    assert run.notebook.is_file()
    assert run.html == tmp_path / "out" / "007.html"
    page = run.html.read_text(encoding="utf-8")
    assert marker_code not in page
    assert "write_report_summary" not in page
    # "007" must arrive as the string "007", not the number 7.
    assert "store '007' type str" in page
    assert json.loads(summary.read_text(encoding="utf-8"))["store_id"] == "007"


def test_failing_cell_keeps_traceback(store_notebook, tmp_path):
    output = tmp_path / "BAD.ipynb"

    with pytest.raises(Exception, match="planted failure"):
        run_notebook(store_notebook, output, {"store_id": "BAD"})

    assert "planted failure for store BAD" in Path(output).read_text(encoding="utf-8")


def test_unparsed_parameter_line_rejected(make_notebook):
    notebook = make_notebook(
        "equals_in_comment",
        'store_id: str = "S1"  # store code\nperiod: str = ""  # empty = all',
    )

    with pytest.raises(ReportError, match="cannot parse the line 'period"):
        notebook_parameters(notebook)
