"""Indirect standardisation, checked by hand calculation."""

import math

import pandas as pd
import pytest

from kpitools.stats.standardise import indirect_standardise


def _cells():
    # Aggregated cells. Reference rates (both stores pooled): warranty
    # 20/200 = 0.10, customer pay 20/400 = 0.05.
    # S1: 150 warranty, 50 customer pay -> expected 15 + 2.5 = 17.5,
    #     observed 18 -> O/E = 1.028571.
    # S2: 50 warranty, 350 customer pay -> expected 5 + 17.5 = 22.5,
    #     observed 22 -> O/E = 0.977778.
    return pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S2", "S2"],
            "pay_type": ["W", "CP", "W", "CP"],
            "comebacks": [15, 3, 5, 17],
            "ros": [150, 50, 50, 350],
        }
    )


def test_expected_counts_hand_calculation():
    result = indirect_standardise(
        _cells(), strata=["pay_type"], event="comebacks", trials="ros"
    ).set_index("store_id")
    assert result.loc["S1", "expected"] == pytest.approx(17.5)
    assert result.loc["S2", "expected"] == pytest.approx(22.5)
    assert result.loc["S1", "ratio"] == pytest.approx(18 / 17.5)
    assert result.loc["S2", "ratio"] == pytest.approx(22 / 22.5)


def _poisson_cdf(k, mean):
    # P(X <= k) for X ~ Poisson(mean), summed term by term.
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


def test_exact_interval_divides_poisson_limits():
    # Exact (Garwood) limits for O = 18 events over E = 17.5: the lower limit
    # L solves P(X >= 18 | L) = 0.025 and the upper limit U solves
    # P(X <= 18 | U) = 0.025. Chi-square tables give L = chi2(0.025; 36)/2 =
    # 10.668 and U = chi2(0.975; 38)/2 = 28.448. The tail equations are
    # checked with a term-by-term Poisson sum, independent of scipy.
    result = indirect_standardise(
        _cells(), strata=["pay_type"], event="comebacks", trials="ros"
    ).set_index("store_id")
    lower_count = result.loc["S1", "ci_low"] * 17.5
    upper_count = result.loc["S1", "ci_high"] * 17.5
    assert 1 - _poisson_cdf(17, lower_count) == pytest.approx(0.025, abs=1e-9)
    assert _poisson_cdf(18, upper_count) == pytest.approx(0.025, abs=1e-9)
    assert lower_count == pytest.approx(10.668, abs=1e-3)
    assert upper_count == pytest.approx(28.448, abs=1e-3)


def test_unit_rows_equal_aggregated_cells():
    cells = _cells()
    units = cells.loc[cells.index.repeat(cells["ros"])].reset_index(drop=True)
    units["is_comeback"] = 0
    position = 0
    for _, cell in cells.iterrows():
        units.loc[position : position + cell["comebacks"] - 1, "is_comeback"] = 1
        position += cell["ros"]
    result = indirect_standardise(units, strata=["pay_type"], event="is_comeback")
    assert result["expected"].tolist() == pytest.approx([17.5, 22.5])


def test_stratum_missing_from_reference():
    reference = _cells()[_cells()["pay_type"] == "CP"]
    result = indirect_standardise(
        _cells(),
        strata=["pay_type"],
        event="comebacks",
        trials="ros",
        reference=reference,
    )
    assert result["ratio"].isna().all()
    assert result["reason"].str.startswith("no expected events").all()
    assert math.isnan(result["ci_low"].iloc[0])


def test_missing_column_message():
    with pytest.raises(ValueError, match="missing columns \\['vehicle_age'\\]"):
        indirect_standardise(_cells(), strata=["vehicle_age"], event="comebacks")
