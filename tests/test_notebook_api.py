"""Notebooks use only the public API: names listed in a public module's __all__."""

import ast
import importlib
import json

import pytest

from kpitools.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def _code(notebook) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = "\n".join(
        "".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"
    )
    # IPython magics and shell escapes are not Python; drop them before parsing.
    return "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )


def _kpitools_imports(notebook):
    """Yield (module, name) for every import of a kpitools name."""
    for node in ast.walk(ast.parse(_code(notebook))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "kpitools"
        ):
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kpitools"):
                    yield alias.name, None


def test_notebooks_found():
    assert {path.name for path in NOTEBOOKS} >= {
        "store_report.ipynb",
        "group_overview.ipynb",
        "return_rate_rootcause.ipynb",
    }


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_imports_public_names(notebook):
    imports = list(_kpitools_imports(notebook))
    assert imports, "a report notebook must call kpitools"
    private = []
    for module_name, name in imports:
        if any(part.startswith("_") for part in module_name.split(".")):
            private.append(module_name)
            continue
        if name is None:
            continue
        module = importlib.import_module(module_name)
        exported = getattr(module, "__all__", [])
        is_submodule = hasattr(module, "__path__") and importlib.util.find_spec(
            f"{module_name}.{name}"
        )
        if name not in exported and not is_submodule:
            private.append(f"{module_name}.{name}")
    assert private == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_defines_no_functions(notebook):
    tree = ast.parse(_code(notebook))
    definitions = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
    ]
    assert definitions == []
