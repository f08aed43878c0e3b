"""Run one parameterised notebook with papermill and export it as HTML."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpitools.exceptions import ReportError, UnknownParameterError
from kpitools.paths import NOTEBOOKS_DIR
from kpitools.reports.fonts import cjk_font_face_css, find_cjk_font_asset

__all__ = [
    "GROUP_OVERVIEW_NOTEBOOK",
    "KERNEL_NAME",
    "NOTEBOOK_TIMEOUT_SECONDS",
    "ROOTCAUSE_NOTEBOOK",
    "STORE_REPORT_NOTEBOOK",
    "NotebookRun",
    "check_parameters",
    "export_html",
    "notebook_parameters",
    "run_notebook",
]

logger = logging.getLogger(__name__)

# nbformat, papermill and nbconvert are imported inside the functions that use
# them: importing nbformat loads jsonschema's format checkers, which takes
# seconds, and notebooks import kpitools.reports only for the summary writer.

STORE_REPORT_NOTEBOOK = NOTEBOOKS_DIR / "store_report.ipynb"
GROUP_OVERVIEW_NOTEBOOK = NOTEBOOKS_DIR / "group_overview.ipynb"
ROOTCAUSE_NOTEBOOK = NOTEBOOKS_DIR / "return_rate_rootcause.ipynb"

# The kernel that ipykernel installs in every environment. A kernel name saved
# in a notebook's metadata (a conda env, say) may not exist on another machine.
KERNEL_NAME = "python3"
# Seconds one cell may run before nbclient stops it; a store report runs in
# well under a minute on the bundled sample.
NOTEBOOK_TIMEOUT_SECONDS = 600
# nbconvert warns on every export that plot images lack alternative text,
# which would repeat once per store; its errors still show.
_EXPORT_LOGGER = logging.getLogger(f"{__name__}.nbconvert")
_EXPORT_LOGGER.setLevel(logging.ERROR)
# A top-level assignment in a parameters cell: "name = ..." or "name: type = ...".
_ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]*)?=")


@dataclass(frozen=True)
class NotebookRun:
    """Outcome of one notebook run.

    Attributes
    ----------
    notebook
        The executed notebook (kept also when a cell failed, with its traceback).
    html
        The HTML page without code, or ``None`` when the run failed.
    seconds
        Wall time of the run, export included.
    """

    notebook: Path
    html: Path | None
    seconds: float


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """Return the parameters that ``notebook`` declares in its parameters cell.

    Each entry maps a name to papermill's description of it (``inferred_type_name``,
    ``default``, ``help``).

    Raises
    ------
    FileNotFoundError
        The notebook does not exist.
    ReportError
        The notebook has no cell tagged ``parameters``. papermill would only warn
        and inject the values above the notebook's own assignments, which then
        override them, so the report would silently show the defaults.
    """
    import nbformat
    import papermill

    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"Notebook {path} does not exist.")
    contents = nbformat.read(path, as_version=4)
    has_parameters_cell = any(
        "parameters" in cell.get("metadata", {}).get("tags", [])
        for cell in contents.cells
    )
    if not has_parameters_cell:
        raise ReportError(
            f"Notebook {path} has no cell tagged 'parameters'. Tag the cell that "
            "assigns the defaults with 'parameters' (in JupyterLab: property "
            "inspector, Common Tools, Cell Tags) so papermill can override them."
        )
    declared = papermill.inspect_notebook(str(path))
    _check_parameters_parsed(path, contents, declared)
    return declared


def _check_parameters_parsed(
    path: Path, contents: Any, declared: dict[str, dict[str, Any]]
) -> None:
    """Raise if papermill skipped an assignment of the parameters cell.

    papermill only logs a line it cannot parse (for example a comment that
    contains ``=``) and leaves that parameter out, so the run would silently
    keep the notebook's default for it.
    """
    cell = next(
        cell
        for cell in contents.cells
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    )
    for line in cell.source.splitlines():
        match = _ASSIGNMENT.match(line)
        if match and match.group(1) not in declared:
            raise ReportError(
                f"papermill cannot parse the line {line.strip()!r} of the "
                f"parameters cell of {path}, so the parameter {match.group(1)!r} "
                "could not be set. Keep each line to 'name: type = literal  # help' "
                "with no '=' in the help text."
            )


def check_parameters(notebook: str | Path, parameters: dict[str, Any]) -> None:
    """Raise if ``parameters`` names a parameter that ``notebook`` does not declare.

    Raises
    ------
    UnknownParameterError
        One or more names are not declared; the message lists them and the
        declared names.
    ReportError
        The notebook has no cell tagged ``parameters``.
    """
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise UnknownParameterError(
            f"Notebook {Path(notebook).name} does not declare the parameter(s) "
            f"{', '.join(repr(name) for name in unknown)}. Declared parameters: "
            f"{', '.join(sorted(declared)) or 'none'}. Check the spelling, or add "
            "the parameter to the notebook's parameters cell."
        )


def run_notebook(
    notebook: str | Path,
    output_notebook: str | Path,
    parameters: dict[str, Any],
    *,
    html: bool = True,
    timeout: int = NOTEBOOK_TIMEOUT_SECONDS,
) -> NotebookRun:
    """Execute ``notebook`` with ``parameters`` and export it as HTML without code.

    The parameters are checked against the notebook's parameters cell first,
    and passed to papermill as a dict so that a value such as ``"007"`` stays a
    string. The kernel runs in the notebook's own folder, as under nbval and
    JupyterLab, so both see the same working directory.

    Parameters
    ----------
    notebook
        The notebook to run; it must have a cell tagged ``parameters``.
    output_notebook
        Where the executed notebook goes; its folder is created.
    parameters
        Parameter names and values; ``Path`` values are passed as strings.
    html
        Also write ``output_notebook`` with the suffix ``.html``.
    timeout
        Seconds one cell may run.

    Returns
    -------
    NotebookRun

    Raises
    ------
    UnknownParameterError, ReportError
        Before running, as :func:`check_parameters` does.
    papermill.PapermillExecutionError
        A cell raised; the executed notebook is saved with the traceback.
    Exception
        nbclient's ``CellTimeoutError`` or ``DeadKernelError`` when a cell runs
        too long or the kernel dies.
    """
    import papermill

    source, target = Path(notebook), Path(output_notebook)
    values = {
        name: str(value) if isinstance(value, Path) else value
        for name, value in parameters.items()
    }
    check_parameters(source, values)
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("Running %s -> %s with %s", source, target, values)

    started = time.perf_counter()
    papermill.execute_notebook(
        str(source),
        str(target),
        parameters=values,
        kernel_name=KERNEL_NAME,
        cwd=str(source.resolve().parent),
        progress_bar=False,
        execution_timeout=timeout,
    )
    html_page = export_html(target) if html else None
    return NotebookRun(target, html_page, time.perf_counter() - started)


def export_html(executed_notebook: str | Path) -> Path:
    """Write the executed notebook as an HTML page without code cells' input.

    When a CJK font was copied into an ``assets`` folder beside the page or
    above it (:func:`kpitools.reports.fonts.copy_cjk_font`), the page loads
    it with ``@font-face``, so Chinese text renders without system fonts.

    Returns the path of the page: the notebook's path with the suffix ``.html``.
    """
    import nbformat
    from nbconvert import HTMLExporter

    path = Path(executed_notebook)
    contents = nbformat.read(path, as_version=4)
    exporter = HTMLExporter(
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        log=_EXPORT_LOGGER,
    )
    body, _ = exporter.from_notebook_node(contents)
    page = path.with_suffix(".html")
    font_file = find_cjk_font_asset(page)
    if font_file is not None:
        body = body.replace(
            "</head>", cjk_font_face_css(page, font_file) + "</head>", 1
        )
    page.write_text(body, encoding="utf-8")
    return page
