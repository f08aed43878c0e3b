"""Committed notebooks are clean: no outputs, one tagged parameters cell, no code
definitions, the portable kernel and no VIN."""

import re

import nbformat
import pytest

from kpitools.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# A VIN: 17 characters from the VIN alphabet (no I, O or Q), with a digit and
# a letter.
VIN_PATTERN = re.compile(
    r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}\b"
)


def _code_cells(path):
    contents = nbformat.read(path, as_version=4)
    return [cell for cell in contents.cells if cell.cell_type == "code"]


def test_report_notebooks_present():
    names = {path.name for path in NOTEBOOKS}

    assert {"store_report.ipynb", "group_overview.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_has_no_outputs(path):
    for cell in _code_cells(path):
        assert cell.outputs == [], f"{path.name}: cell with outputs"
        assert cell.execution_count is None, f"{path.name}: cell was run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_has_one_parameters_cell(path):
    tagged = [
        cell
        for cell in _code_cells(path)
        if "parameters" in cell.metadata.get("tags", [])
    ]

    assert len(tagged) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_uses_python3_kernel(path):
    contents = nbformat.read(path, as_version=4)

    assert contents.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_defines_no_functions(path):
    for cell in _code_cells(path):
        assert not re.search(r"^\s*(def|class) ", cell.source, re.MULTILINE), (
            f"{path.name}: move this definition into kpitools:\n{cell.source}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_contains_no_vin(path):
    text = path.read_text(encoding="utf-8")

    assert VIN_PATTERN.search(text) is None
