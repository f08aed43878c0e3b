"""Intervals for proportions, differences and counts against published values."""

import math

import numpy as np
import pytest

from kpitools.stats import (
    byar_interval,
    difference_interval,
    poisson_interval,
    proportion_interval,
)

# Newcombe (1998), Stat Med 17:873, Table II, method 10 (score, no continuity
# correction), 4 decimals; the same values are on page 9 of the WUSS 2016
# paper 127 on SAS intervals for differences of proportions.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_table_ii(counts, expected):
    low, high = difference_interval(*counts)
    assert low == pytest.approx(expected[0], abs=6e-5)
    assert high == pytest.approx(expected[1], abs=6e-5)


def test_newcombe_fagerland_example():
    # Fagerland et al. (2015), as quoted in statsmodels 0.15
    # stats/tests/test_proportion.py::test_confint_2indep: 7/34 vs 1/34,
    # Newcombe hybrid score 0.019 to 0.340.
    low, high = difference_interval(7, 34, 1, 34)
    assert low == pytest.approx(0.019, abs=0.0015)
    assert high == pytest.approx(0.340, abs=0.0015)


def test_difference_interval_vectorised():
    low, high = difference_interval([56, 9], [70, 10], [48, 3], [80, 10])
    assert low == pytest.approx([0.0524, 0.1705], abs=6e-5)
    assert high == pytest.approx([0.3339, 0.8090], abs=6e-5)


def test_difference_interval_zero_denominator_is_nan():
    low, high = difference_interval(0, 0, 1, 10)
    assert math.isnan(low)
    assert math.isnan(high)


def test_poisson_exact_descriptools():
    # R DescTools PoissonCI(x=15, n=400, method="exact"), as quoted in
    # statsmodels 0.15 stats/tests/test_rates_poisson.py::test_rate_poisson_r.
    low, high = poisson_interval(15, 400)
    assert low == pytest.approx(0.0209884653319583, rel=1e-10)
    assert high == pytest.approx(0.0618505471787146, rel=1e-10)


def test_poisson_zero_count_and_zero_exposure():
    low, high = poisson_interval(0, 10)
    # Upper limit at x = 0 is -ln(0.025) / 10 = 0.36889 (hand calculation).
    assert low == 0.0
    assert high == pytest.approx(-math.log(0.025) / 10, rel=1e-9)
    assert all(math.isnan(v) for v in poisson_interval(5, 0))


def test_byar_half_corrected_descriptools():
    # R DescTools PoissonCI(x=15, n=400, method="byar"), as quoted in
    # statsmodels 0.15 stats/tests/test_rates_poisson.py::test_rate_poisson_r.
    low, high = byar_interval(15, 400, variant="half_corrected")
    assert low == pytest.approx(0.0219084369245707, rel=1e-10)
    assert high == pytest.approx(0.0602933510943048, rel=1e-10)


def test_byar_breslow_day_hand_calculation():
    # Hand calculation for O = 10, z = 1.96:
    # low = 10 (1 - 1/90 - 1.96/(3 sqrt 10))^3 = 10 * 0.78230^3 = 4.7876
    # high = 11 (1 - 1/99 + 1.96/(3 sqrt 11))^3 = 11 * 1.18689^3 = 18.392
    # (the exact Poisson limits are 4.795 and 18.39).
    low, high = byar_interval(10)
    assert low == pytest.approx(4.7876, abs=2e-3)
    assert high == pytest.approx(18.392, abs=2e-3)


def test_byar_ratio_divides_by_expected():
    low, high = byar_interval(10, expected=8.0)
    assert low == pytest.approx(4.7876 / 8, abs=3e-4)
    assert high == pytest.approx(18.392 / 8, abs=3e-4)


def test_byar_unknown_variant():
    with pytest.raises(ValueError, match="variant must be one of"):
        byar_interval(3, variant="byar")


def test_proportion_interval_zero_denominator_is_nan():
    low, high = proportion_interval([3, 0], [10, 0])
    assert not math.isnan(low[0])
    assert math.isnan(low[1])
    assert math.isnan(high[1])


def test_proportion_interval_rejects_excess_successes():
    with pytest.raises(ValueError, match="successes=11.0, n=10.0"):
        proportion_interval(11, 10)


def test_proportion_interval_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        proportion_interval(1, 10, "exact")


def test_proportion_interval_stays_in_unit_range():
    successes = np.arange(0, 21)
    for method in ("wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald"):
        low, high = proportion_interval(successes, 20, method)
        assert np.all((low >= 0) & (low <= high) & (high <= 1)), method


def test_wilson_level_changes_width():
    narrow = proportion_interval(18, 20, confidence_level=0.90)
    wide = proportion_interval(18, 20, confidence_level=0.99)
    assert wide[0] < narrow[0]
    assert wide[1] > narrow[1]
