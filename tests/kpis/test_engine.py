"""The KPI engine: grouping, periods, empty groups, errors and settings."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.exceptions import KpiNotFoundError
from kpitools.kpis import KPI_NAMES, REGISTRY, compute_kpis, get_kpi, list_kpis
from kpitools.kpis.engine import RESULT_COLUMNS, normalise_by, parse_period

from .conftest import kpi_row, make_data, ro


@pytest.fixture
def data():
    orders = [
        ro("R1", "2024-01-05", has_complaint=True, advisor_id="A"),
        ro("R2", "2024-01-06", has_complaint=False, advisor_id="B"),
        ro("R3", "2024-02-07", has_complaint=False, advisor_id="A"),
        ro("R4", "2024-03-08", has_complaint=True, advisor_id="A", store_id="S2"),
    ]
    return make_data(repair_orders=orders)


def test_registry_holds_catalogue():
    assert tuple(REGISTRY) == KPI_NAMES
    assert len(KPI_NAMES) == 34


def test_columns_of_result(data):
    table = compute_kpis(data, by="store,month")
    assert list(table.columns) == ["store_id", "month", *RESULT_COLUMNS]
    # every KPI for each of the three store-months
    assert len(table) == 3 * len(REGISTRY)


def test_aliases_and_errors():
    assert normalise_by("store, advisor ,month") == ("store_id", "advisor_id", "month")
    with pytest.raises(ValueError, match="Unknown grouping keys \\['shop'\\]"):
        normalise_by("shop")
    with pytest.raises(ValueError, match="repeat"):
        normalise_by("store,store_id")


def test_period_parsing():
    assert parse_period("2024-05") == (2024 * 12 + 4, 2024 * 12 + 4)
    assert parse_period("2024-01:2024-03") == (2024 * 12, 2024 * 12 + 2)
    for bad in ("2024-13", "24-01", "2024-03:2024-01", "2024-01:2024-02:2024-03"):
        with pytest.raises(ValueError, match="2024|24-01"):
            parse_period(bad)


def test_period_filter(data):
    row = kpi_row(data, "complaint_rate", period="2024-01")
    assert row["denominator"] == 2  # R1, R2
    row = kpi_row(data, "complaint_rate", period="2024-02:2024-03")
    assert row["value"] == pytest.approx(0.5)  # R3 no, R4 yes


def test_one_advisor(data):
    table = compute_kpis(data.for_store("S2"), by="advisor", kpis=["complaint_rate"])
    assert table["advisor_id"].tolist() == ["A"]
    assert table["value"].tolist() == [1.0]


def test_empty_period_gives_reason(data):
    row = kpi_row(data, "complaint_rate", period="2030-01")
    assert row["denominator"] == 0
    assert pd.isna(row["value"])
    assert row["reason"] == "no repair orders in the period"
    assert row["available"]


def test_unknown_kpi_lists_close_names():
    with pytest.raises(KpiNotFoundError, match="Did you mean nps"):
        get_kpi("npss")


def test_list_kpis_languages():
    english = list_kpis()
    chinese = list_kpis("zh")
    assert english["kpi"].tolist() == list(KPI_NAMES)
    assert chinese.set_index("kpi").loc["nps", "label"] == "净推荐值"


def test_grouping_key_not_in_data(data):
    row = compute_kpis(data, by="lane", kpis=["complaint_rate"]).iloc[0]
    assert not row["available"]
    assert "cannot be split by lane" in row["reason"]


def test_missing_table_never_zero(data):
    table = compute_kpis(data, by="store")
    unavailable = table[~table["available"]]
    assert unavailable["value"].isna().all()
    assert (unavailable["reason"] != "").all()
    assert "nps" in set(unavailable["kpi"])


def test_definitions_are_well_formed():
    for definition in REGISTRY.values():
        assert definition.label("en")
        assert definition.label("zh")
        assert definition.formula
        assert definition.source
        assert definition.requires
    with pytest.raises(ValueError, match="language"):
        get_kpi("nps").label("fr")
