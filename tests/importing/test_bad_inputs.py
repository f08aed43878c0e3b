"""Walk the bad-input corpus: each fixture fails or quarantines as listed."""

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpitools import exceptions
from kpitools.exceptions import DataQualityWarning
from kpitools.importing import import_export

CORPUS = Path(__file__).parents[1] / "fixtures" / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def _profile(case: dict) -> str | Path:
    name = case.get("profile", "fixture-ro.yaml")
    return CORPUS / name if name.endswith(".yaml") else name


def _run(case: dict, out: Path):
    files = [CORPUS / name for name in case["files"]]
    return import_export(files, _profile(case), out, store_id=case.get("store"))


def test_corpus_has_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['files'][0]}-{c.get('profile', '')}" for c in CASES]
)
def test_bad_input(case, tmp_path):
    if "error" in case:
        error_type = getattr(exceptions, case["error"])
        with pytest.raises(error_type, match=case["match"]):
            _run(case, tmp_path)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _run(case, tmp_path)
    quality = [str(w.message) for w in caught if w.category is DataQualityWarning]
    if "warning" in case:
        assert any(case["warning"] in message for message in quality)
    else:
        assert not quality
    counts = result.summary["tables"]["repair_orders"]
    assert counts["quarantined_by_reason"] == case.get("quarantine", {})
    assert counts["rows_read"] == counts["rows_used"] + counts["rows_quarantined"]
    if "used" in case:
        assert counts["rows_used"] == case["used"]
    if case.get("quarantine"):
        rows = pd.read_csv(tmp_path / "quarantine" / "repair_orders.csv")
        assert rows["reason"].value_counts().to_dict() == case["quarantine"]
        assert rows["source_row"].notna().all()
        assert rows["source_file"].isin(case["files"]).all()
