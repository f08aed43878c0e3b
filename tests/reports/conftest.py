"""Tiny notebooks and data folders for the report runner tests.

The notebooks are written into tmp_path by these fixtures, so nbval never
collects them as tests of their own.
"""

from pathlib import Path

import nbformat
import pytest

# The parameters a store report notebook declares, as the runner passes them.
STORE_PARAMETERS_CELL = """\
store_id: str = "S1"  # store code
period: str = ""  # YYYY-MM or YYYY-MM:YYYY-MM
data_dir: str = ""  # data folder
benchmarks_file: str = ""  # benchmarks CSV
comeback_window_days: int = 30  # comeback window in days
language: str = "en"  # en or zh
summary_path: str = ""  # JSON summary for the index page"""

# Store BAD raises, SLOW sleeps, DEAD kills the kernel, in a cell that imports
# only the standard library so that a short cell timeout cannot hit it.
STORE_FAILURE_CELL = """\
import os
import time

if store_id == "BAD":
    raise RuntimeError("planted failure for store BAD")
if store_id == "SLOW":
    time.sleep(120)
if store_id == "DEAD":
    os._exit(1)"""

# Writes a one-KPI scorecard flagged worse.
STORE_BODY_CELL = """\
import pandas as pd

from kpitools.reports import write_report_summary

scorecard = pd.DataFrame(
    {
        "kpi": ["comeback_candidate_rate"],
        "label": ["Comeback rate"],
        "value": [0.125],
        "n": [80],
        "ci_low": [0.069],
        "ci_high": [0.215],
        "benchmark": [0.05],
        "flag": ["worse"],
        "available": [True],
        "reason": [""],
        "format": ["percent"],
    }
)
if summary_path:
    write_report_summary(
        summary_path,
        store_id=store_id,
        period=period or "2025-01:2025-12",
        language=language,
        scorecard=scorecard,
        settings={"comeback_window_days": comeback_window_days},
        n_repair_orders=80,
    )
print("store", repr(store_id), "type", type(store_id).__name__)"""

MARKER_CODE = "MARKER_CODE_THAT_MUST_NOT_BE_IN_HTML = 1"


def write_notebook(path: Path, cells: list[nbformat.NotebookNode]) -> Path:
    """Write ``cells`` as a notebook with the python3 kernel."""
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def store_notebook(tmp_path: Path) -> Path:
    """A store report notebook that writes a summary, or fails on request."""
    parameters = nbformat.v4.new_code_cell(STORE_PARAMETERS_CELL)
    parameters.metadata["tags"] = ["parameters"]
    return write_notebook(
        tmp_path / "tiny_store_report.ipynb",
        [
            nbformat.v4.new_markdown_cell("# Tiny store report"),
            parameters,
            nbformat.v4.new_code_cell(MARKER_CODE),
            nbformat.v4.new_code_cell(STORE_FAILURE_CELL),
            nbformat.v4.new_code_cell(STORE_BODY_CELL),
        ],
    )


@pytest.fixture
def marker_code() -> str:
    """A line of code in the tiny notebook that no HTML page may show."""
    return MARKER_CODE


@pytest.fixture
def untagged_notebook(tmp_path: Path) -> Path:
    """A notebook whose parameters cell lacks the ``parameters`` tag."""
    return write_notebook(
        tmp_path / "untagged.ipynb",
        [nbformat.v4.new_code_cell('store_id: str = "S1"')],
    )


@pytest.fixture
def store_data_dir(tmp_path: Path) -> Path:
    """A data folder whose repair orders name the stores S1, S2 and BAD."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "repair_orders.csv").write_text(
        "store_id,ro_number\nS1,1\nS2,2\nBAD,3\nS2,4\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def make_notebook(tmp_path: Path):
    """Return a function writing a notebook from a parameters cell and a body."""

    def make(name: str, parameters_source: str, body: str = "") -> Path:
        parameters = nbformat.v4.new_code_cell(parameters_source)
        parameters.metadata["tags"] = ["parameters"]
        cells = [parameters, nbformat.v4.new_code_cell(body or "pass")]
        return write_notebook(tmp_path / f"{name}.ipynb", cells)

    return make
