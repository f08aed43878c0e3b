"""Control charts and signal rules, checked by hand calculation."""

import math

import numpy as np
import pytest

from kpitools.stats import laney_p_chart, p_chart, runs_analysis, xmr_chart


def test_laney_hand_calculation():
    # Hand calculation: CL = 60/300 = 0.2, s = sqrt(0.16/100) = 0.04,
    # z = -2.5, 0, 2.5, moving ranges 2.5, 2.5, sigma_z = 2.5/1.128 = 2.216312
    # (d2 = 1.128 as in qicharts2 qic.pp(), R/helper.functions.R),
    # UCL = 0.2 + 3 * 0.04 * 2.216312 = 0.465957, LCL clipped to 0.
    chart = laney_p_chart([10, 20, 30], [100, 100, 100])
    assert chart.sigma_z[0] == pytest.approx(2.5 / 1.128, rel=1e-12)
    assert chart.table["upper"].iloc[0] == pytest.approx(0.4659574, abs=1e-7)
    assert chart.table["lower"].iloc[0] == 0.0
    assert not chart.table["is_outside"].any()


def test_p_chart_flags_same_data_laney_does_not():
    # The plain p-chart for the data above has UCL 0.2 + 3 * 0.04 = 0.32 and
    # LCL 0.08, so 0.30 is inside but a wider spread is outside.
    counts, sizes = [5, 20, 35], [100, 100, 100]
    assert p_chart(counts, sizes).table["is_outside"].sum() == 2
    assert laney_p_chart(counts, sizes).table["is_outside"].sum() == 0


def test_xmr_hand_calculation():
    # Hand calculation: mean 12, moving ranges 2, 1, 4, 3 (mean 2.5);
    # limits 12 +- (3/1.128) 2.5 = 12 +- 6.648936; MR upper 3.267 * 2.5.
    # Constants 1.128 and 3.267 as in qicharts2 qic.i() and qic.mr().
    chart = xmr_chart([10, 12, 11, 15, 12])
    assert chart.table["center"].iloc[0] == 12
    assert chart.table["upper"].iloc[0] == pytest.approx(18.648936, abs=1e-6)
    assert chart.table["lower"].iloc[0] == pytest.approx(5.351064, abs=1e-6)
    assert chart.table["moving_range_upper"].iloc[0] == pytest.approx(8.1675)
    assert np.isnan(chart.table["moving_range"].iloc[0])


def test_run_of_seven_above():
    values = [5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 4, 4, 4, 4]
    chart = xmr_chart(values)
    is_run = chart.table["is_run"].tolist()
    # The centre is 71/14 = 5.07: points 3-9 (seven 6s) are above it.
    assert is_run == [False] * 3 + [True] * 7 + [False] * 4


def test_run_of_six_is_not_a_signal():
    values = [4, 4, 4, 6, 6, 6, 6, 6, 6, 4, 4, 4]
    assert not xmr_chart(values).table["is_run"].any()


def test_trend_of_seven():
    values = [3, 1, 2, 3, 4, 5, 6, 7, 2, 3]
    chart = xmr_chart(values)
    assert chart.table["is_trend"].tolist() == [False] + [True] * 7 + [False] * 2


def test_trend_broken_by_tie():
    values = [1, 2, 3, 3, 4, 5, 6, 7]
    assert not xmr_chart(values).table["is_trend"].any()


def test_phases_have_own_limits():
    counts = [10, 12, 11, 9, 10, 20, 22, 21, 19, 20]
    sizes = [100] * 10
    phase = ["before"] * 5 + ["after"] * 5
    chart = p_chart(counts, sizes, phase=phase)
    centers = chart.table.groupby("phase")["center"].first()
    assert centers["before"] == pytest.approx(52 / 500)
    assert centers["after"] == pytest.approx(102 / 500)
    assert set(chart.runs) == {"before", "after"}


def test_phase_length_mismatch():
    with pytest.raises(ValueError, match="one label per point"):
        p_chart([1, 2], [10, 10], phase=["a"])


def _binomial_half_cdf(k, n):
    # P(X <= k) for X ~ Bin(n, 1/2), exact with integers.
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def test_runs_analysis_shift_signal():
    # Twelve points below then twelve above the centre. The limits for 24
    # useful points follow R qicharts2 runs.analysis() (GitHub
    # anhoej/qicharts2, R/helper.functions.R, commit 03470c090b3d):
    # longest.run.max = round(log2(n)) + 3 = round(4.585) + 3 = 8 and
    # n.crossings.min = qbinom(0.05, n - 1, 0.5), the smallest k with
    # P(X <= k) >= 0.05 for X ~ Bin(23, 1/2): P(X <= 7) = 0.0466 and
    # P(X <= 8) = 0.1050, so 8. Both are worked out here without the code
    # under test. 12 > 8 and 1 < 8, so both rules signal.
    assert _binomial_half_cdf(7, 23) < 0.05 <= _binomial_half_cdf(8, 23)
    assert round(math.log2(24)) + 3 == 8
    values = [1] * 12 + [3] * 12
    result = runs_analysis(values, 2)
    assert result.n_useful == 24
    assert result.longest_run == 12
    assert result.longest_run_max == 8
    assert result.n_crossings == 1
    assert result.n_crossings_min == 8
    assert result.is_signal


def test_runs_analysis_ignores_points_on_centre():
    result = runs_analysis([1, 2, 3, 2, 1, 2, 3], 2)
    assert result.n_useful == 4


def test_zero_size_month_has_no_value():
    chart = p_chart([3, 0, 4], [50, 0, 60])
    assert np.isnan(chart.table["value"].iloc[1])
    assert not chart.table["is_outside"].iloc[1]
