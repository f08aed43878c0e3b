"""Profile checks at load time and mapped columns missing from a file."""

import json
import warnings
from pathlib import Path

import pytest
import yaml

from kpitools.exceptions import DataQualityWarning, ImportFormatError, ProfileError
from kpitools.importing import import_export, load_profile

CORPUS = Path(__file__).parents[1] / "fixtures" / "bad_inputs"
# A clean export with the columns RO, Advisor, VIN, Opened, Closed, PayType,
# Mileage, Hours, Labor, Parts, Year, Waiter.
CLEAN_EXPORT = CORPUS / "utf8_bom.csv"


def _write_profile(tmp_path: Path, **field_changes: dict) -> Path:
    raw = yaml.safe_load((CORPUS / "fixture-ro.yaml").read_text(encoding="utf-8"))
    for name, changes in field_changes.items():
        raw["fields"][name] = {**raw["fields"][name], **changes}
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_bad_date_directive_rejected(tmp_path):
    path = _write_profile(
        tmp_path, closed_at={"formats": ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%Q"]}
    )
    with pytest.raises(
        ProfileError,
        match=r"changed\.yaml: fields\.closed_at\.formats has '%Y-%m-%d %H:%M:%Q'"
        r", whose directive '%Q' is not a strptime directive",
    ):
        load_profile(path)


def test_trailing_percent_rejected(tmp_path):
    path = _write_profile(tmp_path, closed_at={"formats": ["%Y-%m-%d %"]})
    with pytest.raises(ProfileError, match=r"directive '%' is not"):
        load_profile(path)


def test_code_target_not_allowed_rejected(tmp_path):
    codes = {"C": "custmer_pay", "W": "warranty", "I": "internal"}
    path = _write_profile(tmp_path, pay_type={"codes": codes})
    with pytest.raises(
        ProfileError,
        match=r"changed\.yaml: fields\.pay_type\.codes\.C is 'custmer_pay', which "
        r"is not an allowed value of pay_type\. Allowed values: customer_pay, "
        r"warranty, internal, insurance, service_contract",
    ):
        load_profile(path)


def test_code_default_not_allowed_rejected(tmp_path):
    path = _write_profile(tmp_path, pay_type={"default": "other"})
    with pytest.raises(ProfileError, match=r"fields\.pay_type\.default is 'other'"):
        load_profile(path)


def test_missing_mapped_column_fails(tmp_path):
    path = _write_profile(tmp_path, advisor_id={"column": "Advisr"})
    with pytest.raises(
        ImportFormatError,
        match=r"utf8_bom\.csv: column 'Advisr' \(field advisor_id, profile key "
        r"fields\.advisor_id\.column\) is not in the header\. Found columns: "
        r"\['RO', 'Advisor',",
    ):
        import_export(CLEAN_EXPORT, path, tmp_path / "out")


def test_missing_optional_column_recorded(tmp_path):
    path = _write_profile(tmp_path, mileage={"column": "Milage", "optional": True})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = import_export(CLEAN_EXPORT, path, tmp_path / "out")
    messages = [str(w.message) for w in caught if w.category is DataQualityWarning]
    assert any("Milage (mileage)" in message for message in messages)
    counts = result.summary["tables"]["repair_orders"]
    assert counts["missing_optional_columns"] == {"mileage": "Milage"}
    written = json.loads((tmp_path / "out" / "import_summary.json").read_text())
    assert written["tables"]["repair_orders"]["missing_optional_columns"] == {
        "mileage": "Milage"
    }
    assert "mileage" not in result.data.get("repair_orders").columns


def test_shipped_profiles_load():
    for name in ("canonical-csv", "cn-dms", "dms-labor-lines", "xtime-asr"):
        assert load_profile(name).name == name
