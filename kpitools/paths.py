"""Project paths: the one place where kpitools finds its bundled files."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BENCHMARKS_FILE",
    "NOTEBOOKS_DIR",
    "PACKAGE_DIR",
    "PROJECT_DIR",
    "REPORTS_DIR",
    "SAMPLE_DATA_DIR",
]

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SAMPLE_DATA_DIR = PROJECT_DIR / "data" / "sample"
BENCHMARKS_FILE = PROJECT_DIR / "data" / "benchmarks.csv"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
REPORTS_DIR = PROJECT_DIR / "reports"
