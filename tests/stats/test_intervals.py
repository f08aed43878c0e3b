"""Intervals for proportions, differences and counts against published values."""

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from kpitools.stats import (
    byar_interval,
    difference_interval,
    poisson_interval,
    proportion_interval,
)

# Newcombe's hybrid score interval (method 10 of Newcombe 1998, score
# without continuity correction), 4 decimals, from the test data of the
# Python package DBCI (GitHub DeepPSP/DBCI, commit 3b06f1ebc6d4,
# test/test-data/example-56-70-vs-48-80.csv, example-9-10-vs-3-10.csv and
# example-10-10-vs-0-20.csv, row "wilson"), which transcribe the SAS
# paper WUSS 2016 no. 127.
DBCI_NEWCOMBE = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), DBCI_NEWCOMBE)
def test_newcombe_published_cases(counts, expected):
    low, high = difference_interval(*counts)
    assert low == pytest.approx(expected[0], abs=5e-5)
    assert high == pytest.approx(expected[1], abs=5e-5)


@pytest.mark.parametrize(
    "counts", [(56, 70, 48, 80), (9, 10, 3, 10), (10, 10, 0, 20), (7, 34, 1, 34)]
)
def test_newcombe_agrees_with_statsmodels(counts):
    # Independent implementation: statsmodels 0.15
    # confint_proportions_2indep(method="newcomb", compare="diff").
    expected = confint_proportions_2indep(*counts, method="newcomb", compare="diff")
    low, high = difference_interval(*counts)
    assert low == pytest.approx(expected[0], abs=1e-12)
    assert high == pytest.approx(expected[1], abs=1e-12)


def test_newcombe_fagerland_example():
    # Fagerland et al. (2015), as quoted in statsmodels 0.15
    # stats/tests/test_proportion.py::test_confint_2indep: 7/34 vs 1/34,
    # "Newcombe hybrid score 0.019 0.34", so half a unit in the last
    # printed digit is 0.0005 for the lower and 0.005 for the upper limit.
    low, high = difference_interval(7, 34, 1, 34)
    assert low == pytest.approx(0.019, abs=5e-4)
    assert high == pytest.approx(0.34, abs=5e-3)


def test_difference_interval_vectorised():
    # Same DBCI values as test_newcombe_published_cases.
    low, high = difference_interval([56, 9], [70, 10], [48, 3], [80, 10])
    assert low == pytest.approx([0.0524, 0.1705], abs=5e-5)
    assert high == pytest.approx([0.3339, 0.8090], abs=5e-5)


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


def _breslow_day_limits(count, z=1.959964):
    # Closed form, as in R PHEindicatormethods byars_lower()/byars_upper()
    # (GitHub ukhsa-collaboration/PHEindicatormethods, R/utils.R, commit
    # 0031e305105d), which cite Breslow and Day (1987).
    low = count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper_count = count + 1
    high = (
        upper_count
        * (1 - 1 / (9 * upper_count) + z / (3 * math.sqrt(upper_count))) ** 3
    )
    return low, high


def test_byar_breslow_day_closed_form():
    # For O = 10: 10 * 0.78230^3 = 4.7874 and 11 * 1.18689^3 = 18.391
    # (the exact Poisson limits are 4.795 and 18.39). z is printed to 7
    # digits, hence the 1e-6 tolerance.
    expected_low, expected_high = _breslow_day_limits(10)
    low, high = byar_interval(10)
    assert low == pytest.approx(expected_low, abs=1e-6)
    assert high == pytest.approx(expected_high, abs=1e-6)
    assert low == pytest.approx(4.7874, abs=1e-4)
    assert high == pytest.approx(18.391, abs=1e-3)


def test_byar_ratio_divides_by_expected():
    expected_low, expected_high = _breslow_day_limits(10)
    low, high = byar_interval(10, expected=8.0)
    assert low == pytest.approx(expected_low / 8, abs=1e-6)
    assert high == pytest.approx(expected_high / 8, abs=1e-6)


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
