"""KPIs that a filtered export's scope makes meaningless are not available."""

import pytest

from kpitools.kpis import SCOPE_DEPENDENT_KPIS, compute_kpis, describe_scope

from .conftest import make_data, ro

CP_MAINTENANCE = {
    "pay_types": ["customer_pay"],
    "work": "maintenance_and_addon",
    "note": "",
}


@pytest.fixture
def orders():
    return make_data(
        repair_orders=[
            ro("R1", "2024-01-05", vin="V1", pay_type="customer_pay"),
            ro("R2", "2024-01-20", vin="V1", pay_type="customer_pay"),
            ro("R3", "2024-03-20", vin="V2", pay_type="customer_pay"),
        ]
    )


def _table(data, scope):
    data.import_summary["scope"] = scope
    return compute_kpis(data, by=()).set_index("kpi")


def test_scope_blocks_dependent_kpis(orders):
    table = _table(orders, CP_MAINTENANCE)
    for name in SCOPE_DEPENDENT_KPIS:
        assert not table.loc[name, "available"], name
        assert "export is limited to customer_pay" in table.loc[name, "reason"]


def test_scope_keeps_revisit_rate(orders):
    table = _table(orders, CP_MAINTENANCE)
    # R1 and R2 have a full 30-day window before the data end (2024-03-21);
    # R1 is followed by R2 after 15 days, R2 by nothing: 1 revisit of 2
    assert table.loc["revisit_rate", "available"]
    assert table.loc["revisit_rate", "numerator"] == 1
    assert table.loc["revisit_rate", "denominator"] == 2


def test_warranty_kept_when_in_scope(orders):
    scope = {"pay_types": ["customer_pay", "warranty"], "work": "all"}
    table = _table(orders, scope)
    assert "export is limited" not in table.loc["warranty_claim_rate", "reason"]
    assert "export is limited" in table.loc["comeback_candidate_rate", "reason"]


def test_full_scope_blocks_nothing(orders):
    table = _table(orders, {"pay_types": None, "work": "all"})
    assert not table["reason"].str.contains("export is limited").any()


def test_describe_scope():
    assert describe_scope(None) is None
    assert describe_scope({"pay_types": None, "work": "all"}) is None
    assert describe_scope(CP_MAINTENANCE) == "customer_pay, maintenance and add-on work"


def test_scope_caveat_on_kpis_measured_in_scope(orders):
    # KPIs of ROs are shown under a limited scope, with a caveat saying what
    # they describe. Churn is left out: the fixture's few months are fewer
    # than the churn threshold, so it is unavailable for that reason.
    table = _table(orders, CP_MAINTENANCE)
    for name in ("revisit_rate", "retention_rate"):
        assert table.loc[name, "available"], name
        assert (
            "measured on customer_pay, maintenance and add-on work only"
            in table.loc[name, "reason"]
        ), name


def test_no_scope_caveat_on_full_export(orders):
    table = _table(orders, {"pay_types": None, "work": "all"})
    assert not table["reason"].str.contains("measured on").any()
