"""Comparisons and the store scorecard, on a KPI table built by hand."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from kpitools.exceptions import SmallSampleWarning
from kpitools.stats import Comparison
from kpitools.stats.compare import (
    SCORECARD_COLUMNS,
    compare_mean,
    compare_nps,
    compare_rate,
    scorecard,
)


def test_rate_worse_on_down_kpi():
    # R binom.test(51, 235, 1/6): two-sided p = 0.0437479701823997, as
    # transcribed in statsmodels 0.15 stats/tests/test_proportion.py
    # (test_binom_test). For a "down" KPI a higher rate is worse.
    result = compare_rate(51, 235, 1 / 6, "down", kpi="comeback_candidate_rate")
    assert result.p_value == pytest.approx(0.0437479701823997, abs=1e-10)
    assert result.flag == "worse"


def test_rate_better_on_up_kpi():
    result = compare_rate(51, 235, 1 / 6, "up")
    assert result.flag == "better"


def test_rate_zero_denominator():
    with pytest.warns(SmallSampleWarning, match="fewer than 30"):
        result = compare_rate(0, 0, 0.2, "up", kpi="csi_top_box")
    assert math.isnan(result.estimate)
    assert math.isnan(result.ci_low)
    assert result.flag == "too few data"
    assert "zero denominator" in result.reason


def test_rate_few_expected_events_is_small():
    # n = 100 against 2%: 2 expected events < 5.
    with pytest.warns(SmallSampleWarning, match="expected events"):
        result = compare_rate(9, 100, 0.02, "down")
    assert result.is_small_sample
    assert result.flag == "too few data"


def test_target_of_100_percent_is_not_small():
    # One missed follow-up refutes a 100% target: P(X = 95 | p = 1) = 0.
    result = compare_rate(95, 100, 1.0, "up", kpi="followup_completion")
    assert not result.is_small_sample
    assert result.p_value == 0.0
    assert result.flag == "worse"


def test_band_flags_only_outside():
    inside = compare_rate(60, 1000, 0.05, "band", band=(0.03, 0.08))
    outside = compare_rate(200, 1000, 0.05, "band", band=(0.03, 0.08))
    assert inside.flag == "no evidence"
    assert outside.flag == "worse"


def test_confidence_interval_other_level():
    with pytest.warns(SmallSampleWarning, match="n = 20"):
        result = compare_rate(18, 20, 0.5, "up", kpi="x")
    # Wilson 18/20 at 95% from R binom::binom.confint, as transcribed in
    # statsmodels 0.15 stats/tests/results/results_proportion.py (res_binom):
    # 0.6989663547715128, 0.972133518786232.
    assert result.confidence_interval(0.95) == pytest.approx(
        (0.6989663547715128, 0.972133518786232), abs=1e-9
    )
    low90, high90 = result.confidence_interval(0.90)
    assert low90 > result.ci_low


def test_mean_against_published_value():
    # R sleep data, group 2: mean 2.33 and sd 2.002249 computed from the ten
    # values (n = 10, so a small sample); only the flag and p < 0.01 are
    # checked (t = 3.68 on 9 df).
    with pytest.warns(SmallSampleWarning):
        result = compare_mean(2.33, 2.002249, 10, 0.0, "up")
    assert result.flag == "too few data"
    assert result.p_value < 0.01


def test_mean_against_peers_uses_welch():
    result = compare_mean(8.2, 1.0, 200, 8.5, "up", peer=(8.5, 1.1, 2000))
    assert result.method == "Welch t test"
    assert result.flag == "worse"


def test_nps_hand_calculation():
    # 50 promoters, 20 detractors of 100: NPS 30 points, SE 100 sqrt(0.0061)
    # = 7.8102 points; against 10 points z = 2.5607 and the closed form
    # p = erfc(z / sqrt(2)) = 0.010445.
    result = compare_nps(50, 20, 100, 10.0)
    assert result.estimate == pytest.approx(30.0)
    z = 20 / (100 * math.sqrt(0.0061))
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert result.flag == "better"


def test_adjusted_p_value_can_remove_flag():
    result = compare_rate(51, 235, 1 / 6, "up")
    assert isinstance(result, Comparison)
    adjusted = result.with_adjusted_p_value(0.2)
    assert adjusted.flag == "no evidence"
    assert adjusted.p_adjusted == 0.2


def _kpi_table():
    # Two stores, by hand. S1: 160 top-box of 200 answers (0.80), S2: 900 of
    # 1000 (0.90); CSI mean 8.0 (sd 1.5, n 200) vs 8.6 (sd 1.2, n 220);
    # NPS S1 promoters 90, detractors 40 of 200 (25 points); effective labour
    # rate (an amount ratio); comebacks of S1 only 12 ROs (too few).
    rows = [
        ("S1", "csi_top_box", 160, 200, 0.80, 200, np.nan, np.nan, np.nan),
        ("S2", "csi_top_box", 900, 1000, 0.90, 1000, np.nan, np.nan, np.nan),
        ("S1", "csi_mean", 1600, 200, 8.0, 200, 1.5, np.nan, np.nan),
        ("S2", "csi_mean", 1892, 220, 8.6, 220, 1.2, np.nan, np.nan),
        ("S1", "nps", 50, 200, 25.0, 200, np.nan, 90, 40),
        ("S2", "nps", 100, 200, 50.0, 200, np.nan, 120, 20),
        ("S1", "effective_labor_rate", 50000, 400, 125.0, 300, np.nan, np.nan, np.nan),
        ("S2", "effective_labor_rate", 60000, 450, 133.3, 310, np.nan, np.nan, np.nan),
        ("S1", "comeback_candidate_rate", 1, 12, 1 / 12, 12, np.nan, np.nan, np.nan),
        ("S2", "comeback_candidate_rate", 30, 600, 0.05, 600, np.nan, np.nan, np.nan),
    ]
    table = pd.DataFrame(
        rows,
        columns=[
            "store_id",
            "kpi",
            "numerator",
            "denominator",
            "value",
            "n",
            "std",
            "promoters",
            "detractors",
        ],
    )
    table["available"] = True
    table["reason"] = ""
    missing = pd.DataFrame(
        [
            {
                "store_id": "S1",
                "kpi": "complaint_rate",
                "value": np.nan,
                "n": 0.0,
                "available": False,
                "reason": "no complaints table in this data",
            }
        ]
    )
    return pd.concat([table, missing], ignore_index=True)


def test_scorecard_columns_and_rows():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        card = scorecard(_kpi_table(), None, store_id="S1")
    assert list(card.columns) == SCORECARD_COLUMNS
    assert card["kpi"].tolist() == [
        "csi_top_box",
        "csi_mean",
        "nps",
        "effective_labor_rate",
        "comeback_candidate_rate",
        "complaint_rate",
    ]


def test_scorecard_peer_benchmark_and_flags():
    with pytest.warns(SmallSampleWarning, match="comeback_candidate_rate"):
        card = scorecard(_kpi_table(), None, store_id="S1").set_index("kpi")
    # Peer top-box = (160 + 900)/1200 = 0.8833; 160/200 is well below.
    assert card.loc["csi_top_box", "benchmark"] == pytest.approx(1060 / 1200)
    assert card.loc["csi_top_box", "benchmark_source"].startswith("peer network")
    assert card.loc["csi_top_box", "flag"] == "worse"
    # Peer NPS = 100 * ((90 + 120) - (40 + 20))/400 = 37.5 points.
    assert card.loc["nps", "benchmark"] == pytest.approx(37.5)
    assert card.loc["nps", "flag"] == "worse"
    # Peer CSI mean = (1600 + 1892)/420 = 8.314.
    assert card.loc["csi_mean", "benchmark"] == pytest.approx(3492 / 420)
    assert card.loc["csi_mean", "flag"] == "worse"
    assert card.loc["effective_labor_rate", "flag"] == "no evidence"
    assert card.loc["effective_labor_rate", "reason"].startswith("not tested")
    assert card.loc["comeback_candidate_rate", "flag"] == "too few data"
    assert bool(card.loc["comeback_candidate_rate", "is_small_sample"])
    assert not bool(card.loc["complaint_rate", "available"])
    assert card.loc["complaint_rate", "reason"] == "no complaints table in this data"


def test_scorecard_adjusts_across_card():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        card = scorecard(_kpi_table(), None, store_id="S1")
    tested = card.dropna(subset=["p_value"])
    assert (tested["p_adjusted"] >= tested["p_value"]).all()
    assert card.loc[card["p_value"].isna(), "p_adjusted"].isna().all()


def test_scorecard_unknown_store():
    with pytest.raises(ValueError, match="'S9' is not in the KPI table"):
        scorecard(_kpi_table(), None, store_id="S9")


def test_scorecard_published_benchmark(tmp_path):
    benchmarks_module = pytest.importorskip("kpitools.benchmarks")
    assert hasattr(benchmarks_module, "select_benchmark")
    benchmarks = pd.DataFrame(
        [
            {
                "kpi": "csi_top_box",
                "value": 85.0,
                "low": np.nan,
                "high": np.nan,
                "unit": "percent",
                "region": "",
                "brand": "",
                "country": "CN",
                "year": 2024,
                "source": "GAC 4S standard",
                "kind": "published",
            }
        ]
    )
    path = tmp_path / "benchmarks.csv"
    benchmarks.to_csv(path, index=False)
    loaded = benchmarks_module.load_benchmarks(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        card = scorecard(_kpi_table(), loaded, store_id="S1", country="CN").set_index(
            "kpi"
        )
    assert card.loc["csi_top_box", "benchmark"] == pytest.approx(0.85)
    assert card.loc["csi_top_box", "benchmark_source"] == "GAC 4S standard"


def test_scorecard_flags_unavailable_kpi_not_available():
    # complaint_rate has available=False: nothing was measured, so the flag
    # says so instead of "too few data".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        card = scorecard(_kpi_table(), None, store_id="S1").set_index("kpi")
    assert card.loc["complaint_rate", "flag"] == "not available"
    assert not bool(card.loc["complaint_rate", "is_small_sample"])


def test_scorecard_flags_single_store_no_benchmark():
    # One store and no benchmarks file: no peers and no published value, so
    # nothing is compared. A large sample is "no benchmark", a small one
    # stays "too few data".
    table = _kpi_table()
    single = table[table["store_id"] == "S1"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        card = scorecard(single, None, store_id="S1").set_index("kpi")
    for kpi in ("csi_top_box", "csi_mean", "nps", "effective_labor_rate"):
        assert math.isnan(card.loc[kpi, "benchmark"])
        assert card.loc[kpi, "flag"] == "no benchmark", kpi
        assert card.loc[kpi, "reason"] != ""
    assert card.loc["comeback_candidate_rate", "flag"] == "too few data"
    assert card.loc["complaint_rate", "flag"] == "not available"


def test_compare_rate_without_benchmark_is_no_benchmark():
    # 40 of 100 with no benchmark: an interval but no test.
    result = compare_rate(40, 100, math.nan, "up", kpi="csi_top_box")
    assert result.flag == "no benchmark"
    assert math.isnan(result.p_value)
    assert result.with_adjusted_p_value(math.nan).flag == "no benchmark"


def _reference(kpi: str, value: float, kind: str, country: str = "CN") -> dict:
    return {
        "kpi": kpi,
        "value": value,
        "low": np.nan,
        "high": np.nan,
        "unit": "",
        "region": "",
        "brand": "",
        "country": country,
        "year": 2024,
        "source": f"{kind} source",
        "kind": kind,
    }


def _loaded(tmp_path, *rows: dict) -> pd.DataFrame:
    from kpitools.benchmarks import load_benchmarks

    path = tmp_path / "benchmarks.csv"
    pd.DataFrame(list(rows)).to_csv(path, index=False)
    return load_benchmarks(path)


def test_scorecard_context_benchmark_is_not_tested(tmp_path):
    # A CSI index mean of 850 against a context value of 773 would be
    # "better" by a t test; a context value is shown, never tested. The
    # single store has no peers, so the flag is "no benchmark".
    table = pd.DataFrame(
        [
            {
                "store_id": "S1",
                "kpi": "csi_index",
                "numerator": 850.0 * 200,
                "denominator": 200.0,
                "value": 850.0,
                "n": 200.0,
                "std": 80.0,
                "available": True,
                "reason": "",
            }
        ]
    )
    benchmarks = _loaded(tmp_path, _reference("csi_index", 773, "context"))
    card = scorecard(table, benchmarks, store_id="S1", country="CN")
    row = card.set_index("kpi").loc["csi_index"]
    assert row["flag"] == "no benchmark"
    assert math.isnan(row["p_value"])
    assert "773" in row["reason"]
    assert "context" in row["reason"]


def test_scorecard_standard_of_one_uses_peers(tmp_path):
    # Follow-up completion: S1 190 of 200 (0.95), S2 570 of 600 (0.95). A
    # 100 % standard would make both "worse" by a binomial test (any miss);
    # the card tests against the peers instead (760/800 = 0.95) and names
    # the standard in the reason.
    table = pd.DataFrame(
        [
            ("S1", "followup_completion", 190.0, 200.0, 0.95, 200.0),
            ("S2", "followup_completion", 570.0, 600.0, 0.95, 600.0),
        ],
        columns=["store_id", "kpi", "numerator", "denominator", "value", "n"],
    ).assign(available=True, reason="")
    benchmarks = _loaded(tmp_path, _reference("followup_completion", 1.0, "standard"))
    card = scorecard(table, benchmarks, store_id="S1", country="CN")
    row = card.set_index("kpi").loc["followup_completion"]
    assert row["benchmark"] == pytest.approx(760 / 800)
    assert row["benchmark_source"].startswith("peer network")
    assert row["flag"] == "no evidence"
    assert "standard source" in row["reason"]
    assert "100" in row["reason"]
