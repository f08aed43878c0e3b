"""Fixtures for the statistics tests: the shared reference cases."""

import json

import pytest

from kpitools.paths import PROJECT_DIR

REFERENCE_FILE = PROJECT_DIR.parent / "shared" / "reference" / "stats_cases.json"


@pytest.fixture(scope="session")
def reference_cases():
    """Reference cases by id; each case names its published source."""
    if not REFERENCE_FILE.exists():
        pytest.skip(f"reference cases not found at {REFERENCE_FILE}")
    cases = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))["cases"]
    return {case["id"]: case for case in cases}
