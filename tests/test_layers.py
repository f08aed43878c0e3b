"""Data flows one way: a lower layer never imports a higher one.

The layers are listed in docs/architecture.md; this test reads every module's
import statements and fails on an import that points up the list.
"""

import ast
from pathlib import Path

import pytest

import kpitools

PACKAGE_DIR = Path(kpitools.__file__).parent

LAYERS = {
    "exceptions": 0,
    "paths": 0,
    "privacy": 0,
    "schemas": 0,
    "tables": 0,
    "importing": 1,
    "sample": 1,
    "kpis": 2,
    "benchmarks": 2,
    "stats": 3,
    "plots": 3,
    "rootcause": 4,
    "reports": 5,
    "cli": 6,
}


def _layer_of(module: str) -> int | None:
    top = module.split(".")[1] if module.startswith("kpitools.") else None
    if top is None:
        return None
    if top.startswith("_cli"):
        return LAYERS["cli"]
    return LAYERS.get(top)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


MODULE_FILES = sorted(
    path
    for path in PACKAGE_DIR.rglob("*.py")
    if path.parent != PACKAGE_DIR or path.name != "__init__.py"
)


def test_every_package_module_has_a_layer():
    unplaced = [
        _module_name(path)
        for path in MODULE_FILES
        if _layer_of(_module_name(path)) is None
    ]
    assert unplaced == [], "add these modules to LAYERS and docs/architecture.md"


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: _module_name(p))
def test_module_imports_only_lower_layers(path):
    module = _module_name(path)
    own_layer = _layer_of(module)
    upward = [
        imported
        for imported in _imported_modules(path)
        if imported.startswith("kpitools.")
        and (_layer_of(imported) or 0) > (own_layer or 0)
    ]
    assert upward == [], f"{module} (layer {own_layer}) imports a higher layer"


def test_package_root_import_is_not_used_inside_package():
    # "from kpitools import x" inside the package would tie every layer to the
    # top-level re-exports, and so to the highest layer.
    offenders = [
        _module_name(path)
        for path in MODULE_FILES
        if "kpitools" in _imported_modules(path)
    ]
    assert offenders == []
