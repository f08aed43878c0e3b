"""The ``scope`` key of import profiles: parsing and the import summary."""

import pytest

from kpitools.exceptions import ProfileError
from kpitools.importing import import_export
from kpitools.importing.profiles import parse_profile

PROFILE = {
    "name": "scoped",
    "store_id": "S1",
    "source": {"format": "csv"},
    "fields": {
        "ro_number": {"column": "RO", "type": "id", "required": True},
        "advisor_id": {"column": "SA", "type": "id"},
        "opened_at": {
            "column": "Date",
            "type": "date",
            "formats": ["%Y-%m-%d"],
            "required": True,
        },
    },
    "tables": {"repair_orders": {"columns": ["ro_number", "advisor_id", "opened_at"]}},
}


def _profile(**scope):
    return parse_profile({**PROFILE, "scope": scope})


def test_scope_defaults_to_all_work():
    scope = parse_profile(PROFILE).scope
    assert scope.is_complete
    assert scope.as_dict() == {"pay_types": None, "work": "all", "note": ""}


def test_scope_parsed():
    scope = _profile(pay_types=["customer_pay"], work="maintenance_and_addon").scope
    assert scope.pay_types == ("customer_pay",)
    assert scope.work == "maintenance_and_addon"
    assert not scope.is_complete


@pytest.mark.parametrize(
    ("scope", "match"),
    [
        ({"pay_types": ["cash"]}, "unknown pay types \\['cash'\\]"),
        ({"pay_types": []}, "non-empty list"),
        ({"work": "repairs"}, "scope.work is 'repairs'"),
        ({"filter": "x"}, "unknown key scope.filter"),
    ],
)
def test_invalid_scope_rejected(scope, match):
    with pytest.raises(ProfileError, match=match):
        _profile(**scope)


def test_scope_in_import_summary(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "RO,SA,Date\n001,A1,2024-06-01\n002,A1,2024-06-02\n", encoding="utf-8"
    )
    profile = _profile(pay_types=["customer_pay"], note="filtered at export")
    result = import_export(export, profile, tmp_path / "out")
    assert result.summary["scope"] == {
        "pay_types": ["customer_pay"],
        "work": "all",
        "note": "filtered at export",
    }
    assert result.data.import_summary["scope"]["pay_types"] == ["customer_pay"]
