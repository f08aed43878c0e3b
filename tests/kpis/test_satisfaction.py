"""CSI top box, CSI mean, CSI index and NPS on four hand-built surveys."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kpitools.kpis import KpiSettings

from .conftest import kpi_by, kpi_row, make_data, ro

FACTORS = (
    "factor_service_initiation",
    "factor_service_advisor",
    "factor_service_facility",
    "factor_vehicle_pickup",
    "factor_service_quality",
)


def survey(survey_id, advisor, answered, overall, scale, recommend, factors, **extra):
    row = {
        "store_id": "S1",
        "survey_id": survey_id,
        "ro_number": f"R{survey_id}",
        "advisor_id": advisor,
        "sent_at": pd.Timestamp("2024-01-02"),
        "answered_at": pd.Timestamp(answered) if answered else None,
        "overall_score": overall,
        "score_scale": scale,
        "recommend_score": recommend,
        **extra,
    }
    row.update(dict(zip(FACTORS, factors, strict=True)))
    return row


@pytest.fixture
def surveys() -> list[dict]:
    return [
        # factors average 9 -> 900 points; 8 of advisor factor
        survey("1", "A", "2024-01-05", 10.0, 10, 10, (10, 8, 9, 9, 9)),
        survey("2", "A", "2024-01-10", 8.0, 10, 7, (8, 8, 8, 8, 8)),
        # 5 of 5 is top box; one factor missing, the others give 1000
        survey("3", "B", "2024-02-03", 5.0, 5, 3, (10, 10, 10, 10, None)),
        # sent, never answered
        survey("4", "B", None, None, 10, None, (None,) * 5),
    ]


@pytest.fixture
def data(surveys):
    orders = [ro(f"R{i}", "2024-01-02") for i in range(1, 5)]
    return make_data(repair_orders=orders, surveys=surveys)


def test_csi_top_box_by_scale(data):
    row = kpi_row(data, "csi_top_box")
    # surveys 1 (10 of 10) and 3 (5 of 5) are top box; 2 (8 of 10) is not
    assert row["numerator"] == 2
    assert row["denominator"] == 3
    assert row["value"] == pytest.approx(2 / 3)


def test_csi_top_box_per_advisor(data):
    table = kpi_by(data, "csi_top_box", "store,advisor")
    assert table.loc[("S1", "A"), "value"] == pytest.approx(0.5)  # 1 of 2
    assert table.loc[("S1", "B"), "value"] == pytest.approx(1.0)  # 1 of 1


def test_csi_top_box_threshold_setting(data):
    settings = KpiSettings(top_box_threshold=8)
    # on 10 points: 10, 8 and 5/5 -> 10 all reach 8
    assert kpi_row(data, "csi_top_box", settings)["value"] == pytest.approx(1.0)


def test_csi_top_box_flag_wins(surveys):
    surveys[1]["is_top_box"] = True
    data = make_data(repair_orders=[ro("R1", "2024-01-02")], surveys=surveys)
    assert kpi_row(data, "csi_top_box")["value"] == pytest.approx(1.0)  # 3 of 3


def test_csi_mean_rescales_and_std(data):
    row = kpi_row(data, "csi_mean")
    # scores on 10 points: 10, 8, 10 -> mean 28/3
    assert row["value"] == pytest.approx(28 / 3)
    assert row["n"] == 3
    # sample sd of (10, 8, 10): sqrt(((2/3)^2 * 2 + (4/3)^2) / 2) = sqrt(4/3)
    assert row["std"] == pytest.approx(math.sqrt(4 / 3))


def test_csi_mean_scale_setting(data):
    row = kpi_row(data, "csi_mean", KpiSettings(csi_mean_scale=5))
    assert row["value"] == pytest.approx(14 / 3)  # 5, 4, 5


def test_csi_index_equal_weights(data):
    # 900, 800, 1000 -> 900
    assert kpi_row(data, "csi_index")["value"] == pytest.approx(900)


def test_csi_index_factor_weights(data):
    weights = {"factor_service_advisor": 1.0}
    row = kpi_row(data, "csi_index", KpiSettings(csi_factor_weights=weights))
    # advisor factor only: 800, 800, 1000 -> 2600 / 3
    assert row["value"] == pytest.approx(2600 / 3)


def test_nps_counts(data):
    row = kpi_row(data, "nps")
    # promoters: survey 1 (10); detractors: survey 3 (3); passive: survey 2 (7)
    assert row["promoters"] == 1
    assert row["detractors"] == 1
    assert row["denominator"] == 3
    assert row["value"] == pytest.approx(0.0)


def test_nps_thresholds(data):
    settings = KpiSettings(nps_promoter_min=7)
    # promoters 10 and 7, detractor 3: 100 * (2 - 1) / 3
    assert kpi_row(data, "nps", settings)["value"] == pytest.approx(100 / 3)


def test_surveys_table_missing():
    data = make_data(repair_orders=[ro("R1", "2024-01-02")])
    row = kpi_row(data, "csi_top_box")
    assert not row["available"]
    assert "no surveys table" in row["reason"]
    assert math.isnan(row["value"])


def test_recommend_column_empty(surveys):
    for row in surveys:
        row["recommend_score"] = None
    data = make_data(repair_orders=[ro("R1", "2024-01-02")], surveys=surveys)
    row = kpi_row(data, "nps")
    assert not row["available"]
    assert "recommend_score is empty" in row["reason"]


def test_csi_index_without_factors(surveys):
    for row in surveys:
        for factor in FACTORS:
            row[factor] = None
    data = make_data(repair_orders=[ro("R1", "2024-01-02")], surveys=surveys)
    assert not kpi_row(data, "csi_index")["available"]


def test_month_without_surveys(data):
    table = kpi_by(data, "csi_top_box", "store,month")
    # ROs exist in 2024-01 only, surveys answered in 2024-01 and 2024-02
    assert table.loc[("S1", "2024-02"), "value"] == pytest.approx(1.0)
    assert table.loc[("S1", "2024-01"), "value"] == pytest.approx(0.5)
