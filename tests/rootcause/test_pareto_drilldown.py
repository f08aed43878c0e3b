import pytest

from kpitools.rootcause import drilldown, pareto_table


def test_pareto_shares(planted_table):
    pareto = pareto_table(planted_table, "comeback_cause")
    events = int(planted_table["is_comeback_confirmed"].sum())
    assert pareto["n_events"].sum() == events
    assert pareto["n_events"].is_monotonic_decreasing
    assert pareto["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_pareto_by_hand():
    import pandas as pd

    table = pd.DataFrame(
        {
            "system_group": ["brakes", "brakes", "brakes", "engine", None, "hvac"],
            "is_comeback_confirmed": [True, True, True, True, True, False],
        }
    )
    pareto = pareto_table(table, "system_group")
    assert pareto["level"].tolist()[0] == "brakes"
    assert pareto["cumulative_share"].tolist() == pytest.approx([0.6, 0.8, 1.0])


def test_drilldown_masks_vins(planted_table):
    rows = drilldown(planted_table, "technician", "T01")
    assert len(rows) == int(
        (
            planted_table["technician_id"].eq("T01")
            & planted_table["is_comeback_confirmed"]
        ).sum()
    )
    assert rows["came_back"].all()
    assert rows["vin"].str.contains(r"^KND\*{10}\d{4}$").all()
    full_vins = set(planted_table["vin"])
    assert not full_vins & set(rows["vin"])


def test_drilldown_unknown_level(planted_table):
    with pytest.raises(ValueError, match="'T99' is not a level of technician"):
        drilldown(planted_table, "technician", "T99")
