"""Hypothesis tests against published R output and hand calculations."""

import math

import numpy as np
import pytest
from scipy import stats

from kpitools.stats import (
    binomial_test,
    bootstrap_mean_test,
    direction_alternative,
    nps_standard_error,
    nps_test,
    one_sample_t_test,
    welch_t_test,
)

# R's built-in `sleep` data (Cushny and Peebles 1905), extra sleep in hours.
SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def _summary(values):
    return float(np.mean(values)), float(np.std(values, ddof=1)), len(values)


# R's own example output, tests/Examples/stats-Ex.Rout.save in the R sources
# (GitHub mirror wch/r-source, commit 8f6c226ba058, R-devel of 2014-11-20),
# section t.test. R prints t and df to 4-5 significant digits, the p-value
# to 4 and the interval to 7 decimals, so the tolerances are half a unit in
# the last printed digit.
R_WELCH_EXAMPLES = [
    # with(sleep, t.test(extra[group == 1], extra[group == 2])):
    # t = -1.8608, df = 17.776, p-value = 0.07939, CI -3.3654832 0.2054832.
    (SLEEP_GROUP_1, SLEEP_GROUP_2, -1.8608, 17.776, 0.07939, 5e-6),
    # t.test(1:10, y = c(7:20)): t = -5.4349, df = 21.982,
    # p-value = 1.855e-05, CI -11.052802 -4.947198.
    (list(range(1, 11)), list(range(7, 21)), -5.4349, 21.982, 1.855e-05, 5e-9),
]
R_WELCH_INTERVALS = [(-3.3654832, 0.2054832, 5e-8), (-11.052802, -4.947198, 5e-7)]


@pytest.mark.parametrize(
    ("example", "interval"), list(zip(R_WELCH_EXAMPLES, R_WELCH_INTERVALS, strict=True))
)
def test_welch_matches_r_examples(example, interval):
    first, second, t_value, df, p_value, p_tolerance = example
    result = welch_t_test(*_summary(first), *_summary(second))
    assert result.statistic == pytest.approx(t_value, abs=5e-5)
    assert result.df == pytest.approx(df, abs=5e-4)
    assert result.p_value == pytest.approx(p_value, abs=p_tolerance)
    assert result.ci_low == pytest.approx(interval[0], abs=interval[2])
    assert result.ci_high == pytest.approx(interval[1], abs=interval[2])


def test_one_sample_t_matches_r_paired_sleep():
    # A paired t test is the one-sample t test of the differences. R's
    # example output for the sleep data, tests/Examples/datasets-Ex.Rout.save
    # in the R sources (wch/r-source, commit 0044f6e9d583, R-devel of
    # 2010-11-22), section sleep:
    # with(sleep, t.test(extra[group == 1], extra[group == 2], paired = TRUE))
    # prints t = -4.0621, df = 9, p-value = 0.002833,
    # 95 percent CI -2.4598858 -0.7001142.
    differences = np.subtract(SLEEP_GROUP_1, SLEEP_GROUP_2)
    result = one_sample_t_test(*_summary(differences), benchmark=0.0)
    assert result.statistic == pytest.approx(-4.0621, abs=5e-5)
    assert result.df == 9
    assert result.p_value == pytest.approx(0.002833, abs=5e-7)
    assert result.ci_low == pytest.approx(-2.4598858, abs=5e-8)
    assert result.ci_high == pytest.approx(-0.7001142, abs=5e-8)


def test_one_sample_t_agrees_with_scipy_on_raw_data():
    # Independent route: scipy.stats.ttest_1samp (scipy 1.17) works from the
    # raw values, while one_sample_t_test works from mean, sd and n.
    reference = stats.ttest_1samp(SLEEP_GROUP_1, 0.0)
    reference_interval = reference.confidence_interval(0.95)
    result = one_sample_t_test(*_summary(SLEEP_GROUP_1), benchmark=0.0)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)
    assert result.ci_low == pytest.approx(reference_interval.low, rel=1e-10)
    assert result.ci_high == pytest.approx(reference_interval.high, rel=1e-10)


def test_one_sample_t_one_sided_halves_p():
    two_sided = one_sample_t_test(*_summary(SLEEP_GROUP_1), benchmark=0.0)
    greater = one_sample_t_test(
        *_summary(SLEEP_GROUP_1), benchmark=0.0, alternative="greater"
    )
    assert greater.p_value == pytest.approx(two_sided.p_value / 2, rel=1e-12)
    assert greater.ci_high == math.inf


def test_t_test_needs_two_values():
    result = one_sample_t_test(4.5, math.nan, 1, benchmark=4.0)
    assert math.isnan(result.p_value)
    assert "n >= 2" in result.reason


def test_binomial_test_zero_n_is_nan_with_reason():
    result = binomial_test(0, 0, 0.5)
    assert math.isnan(result.p_value)
    assert result.reason == "no trials (n = 0)"


def test_binomial_test_rejects_percent_benchmark():
    with pytest.raises(ValueError, match="0.85"):
        binomial_test(5, 10, 85)


def test_binomial_test_symmetric_hand_calculation():
    # Hand calculation: X ~ Bin(10, 0.5), x = 9: P(X >= 9) = 11/1024, and by
    # symmetry the two-sided minlike p-value is 22/1024.
    result = binomial_test(9, 10, 0.5)
    assert result.p_value == pytest.approx(22 / 1024, rel=1e-12)
    greater = binomial_test(9, 10, 0.5, alternative="greater")
    assert greater.p_value == pytest.approx(11 / 1024, rel=1e-12)


@pytest.mark.parametrize(
    ("direction", "side", "expected"),
    [
        ("up", "better", "greater"),
        ("up", "worse", "less"),
        ("down", "better", "less"),
        ("down", "worse", "greater"),
    ],
)
def test_direction_alternative(direction, side, expected):
    assert direction_alternative(direction, side) == expected


def test_direction_alternative_rejects_band():
    with pytest.raises(ValueError, match="band KPIs"):
        direction_alternative("band")


def test_nps_standard_error_hand_calculation():
    # Hand calculation: 50 promoters, 30 passives, 20 detractors of 100:
    # NPS = 0.3, variance = 0.7 - 0.09 = 0.61, SE = sqrt(0.0061) = 0.078102.
    nps, standard_error = nps_standard_error(50, 20, 100)
    assert nps == pytest.approx(0.3, abs=1e-12)
    assert standard_error == pytest.approx(math.sqrt(0.0061), abs=1e-12)


def test_nps_test_hand_calculation():
    # Closed form: SE = sqrt(0.0061), z = (0.3 - 0.1) / SE = 2.5607, two-sided
    # p = 2 (1 - Phi(z)) = erfc(z / sqrt(2)) = 0.010445, interval
    # 0.3 +- 1.959964 SE = 0.14692 to 0.45308. math.erfc keeps scipy out of
    # the expected value.
    standard_error = math.sqrt(0.0061)
    z = 0.2 / standard_error
    result = nps_test(50, 20, 100, benchmark=0.1)
    assert result.statistic == pytest.approx(z, rel=1e-12)
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert result.ci_low == pytest.approx(0.3 - 1.959964 * standard_error, abs=1e-7)
    assert result.ci_high == pytest.approx(0.3 + 1.959964 * standard_error, abs=1e-7)


def test_nps_zero_answers_is_nan():
    assert math.isnan(nps_standard_error(0, 0, 0)[0])
    assert nps_test(0, 0, 0, benchmark=0.2).reason == "no answers (n = 0)"


def test_bootstrap_is_reproducible_with_seed():
    first = bootstrap_mean_test(SLEEP_GROUP_2, 0.0, np.random.default_rng(7))
    second = bootstrap_mean_test(SLEEP_GROUP_2, 0.0, np.random.default_rng(7))
    assert first == second


def test_bootstrap_agrees_with_t_interval():
    rng = np.random.default_rng(11)
    scores = rng.normal(8.5, 1.2, size=400)
    boot = bootstrap_mean_test(scores, 8.0, np.random.default_rng(3), n_resamples=4000)
    t_result = one_sample_t_test(scores.mean(), scores.std(ddof=1), 400, 8.0)
    assert boot.ci_low == pytest.approx(t_result.ci_low, abs=0.02)
    assert boot.ci_high == pytest.approx(t_result.ci_high, abs=0.02)
    assert boot.p_value < 0.001


def test_bootstrap_no_difference_gives_large_p():
    scores = np.random.default_rng(5).normal(0.0, 1.0, size=200)
    result = bootstrap_mean_test(
        scores, scores.mean(), np.random.default_rng(1), n_resamples=2000
    )
    assert result.p_value > 0.9


def test_bootstrap_p_value_is_never_zero():
    # With the benchmark far outside every resampled mean no resample is as
    # extreme, so the p-value is (0 + 1)/(B + 1) = 1/100 for B = 99.
    scores = [8.0, 8.5, 9.0, 9.5, 10.0]
    result = bootstrap_mean_test(scores, 0.0, np.random.default_rng(2), n_resamples=99)
    assert result.p_value == pytest.approx(1 / 100, rel=1e-12)


def test_bootstrap_requires_generator():
    with pytest.raises(TypeError, match="default_rng"):
        bootstrap_mean_test([1.0, 2.0], 1.0, rng=42)
