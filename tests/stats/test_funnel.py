"""Funnel limits and overdispersion, checked by hand calculation."""

import warnings

import numpy as np
import pytest

from kpitools.exceptions import SmallSampleWarning
from kpitools.stats import estimate_overdispersion, funnel_limits, funnel_table

# Ten units of 100 trials around a target of 0.5 (s = 0.05), with z-scores
# -3, -1, -1, -1, 0, 0, 1, 1, 1, 3: counts = 100 (0.5 + 0.05 z).
CHANCE_COUNTS = [35, 45, 45, 45, 50, 50, 55, 55, 55, 65]
# The same with z-scores -6, -4, -4, -4, 0, 0, 4, 4, 4, 6.
SPREAD_COUNTS = [20, 30, 30, 30, 50, 50, 70, 70, 70, 80]


def test_exact_binomial_limits_hand_calculation():
    # Interpolated exact binomial limit of Spiegelhalter (2005), Appendix
    # A.1.1, in the form of R. Wicklin, "Funnel plots for proportions", The
    # DO Loop (SAS blog), 23 Nov 2011: r = the p-quantile of Bin(n, target),
    # alpha = (F(r) - p)/(F(r) - F(r - 1)), limit = (r - alpha)/n.
    # Worked by hand for n = 10, target 0.5 from the Bin(10, 0.5) CDF in
    # 1024ths:
    # upper 97.5%: r = 8, F(8) = 1013, F(7) = 968,
    #   alpha = (1013 - 998.4)/45 = 0.324444, limit = (8 - alpha)/10 = 0.767556
    # lower 2.5%: r = 2, F(2) = 56, F(1) = 11,
    #   alpha = (56 - 25.6)/45 = 0.675556, limit = (2 - alpha)/10 = 0.132444
    limits = funnel_limits([10], 0.5, confidence_levels=(0.95,))
    assert limits["upper_95"].iloc[0] == pytest.approx(0.7675556, abs=1e-7)
    assert limits["lower_95"].iloc[0] == pytest.approx(0.1324444, abs=1e-7)


def test_normal_limits_hand_calculation():
    # 0.5 +- 1.959964 sqrt(0.25/100) = 0.5 +- 0.0979982;
    # 0.5 +- 3.090232 * 0.05 = 0.5 +- 0.1545116.
    limits = funnel_limits([100], 0.5, method="normal")
    assert limits["upper_95"].iloc[0] == pytest.approx(0.5979982, abs=1e-7)
    assert limits["lower_95"].iloc[0] == pytest.approx(0.4020018, abs=1e-7)
    assert limits["upper_99_8"].iloc[0] == pytest.approx(0.6545116, abs=1e-7)


def test_limits_zero_denominator_is_nan():
    limits = funnel_limits([0, 50], 0.2)
    assert np.isnan(limits.loc[0, "upper_95"])
    assert not np.isnan(limits.loc[1, "upper_95"])


def test_limits_multiplicative_phi_widens_by_sqrt_phi():
    plain = funnel_limits([100], 0.5, method="normal")
    wider = funnel_limits([100], 0.5, phi=4.0)
    assert wider["upper_95"].iloc[0] - 0.5 == pytest.approx(
        2 * (plain["upper_95"].iloc[0] - 0.5), rel=1e-12
    )


def test_winsorised_phi_hand_calculation():
    # 10% and 90% quantiles (linear) of the z-scores: -3 + 0.9 * 2 = -1.2 and
    # 1.2; winsorised squares sum to 2 * 1.44 + 6 = 8.88, phi = 0.888.
    # I phi = 8.88 < I - 1 = 9, so tau^2 = 0.
    result = estimate_overdispersion(CHANCE_COUNTS, [100] * 10, 0.5)
    assert result.phi == pytest.approx(0.888, abs=1e-12)
    assert result.tau2 == 0.0
    assert not result.is_overdispersed


def test_winsorised_tau2_hand_calculation():
    # Winsorised at -4.2 and 4.2: squares sum to 2 * 17.64 + 6 * 16 = 131.28,
    # phi = 13.128. w = 1/s^2 = 400 per unit: sum w = 4000, sum w^2/sum w =
    # 400, tau^2 = (131.28 - 9) / 3600 = 0.0339667.
    result = estimate_overdispersion(SPREAD_COUNTS, [100] * 10, 0.5)
    assert result.phi == pytest.approx(13.128, abs=1e-9)
    assert result.tau2 == pytest.approx(122.28 / 3600, abs=1e-12)
    assert result.is_overdispersed


def test_additive_limits_use_tau2():
    # Limits 0.5 +- 1.959964 sqrt(0.0025 + 0.0339667) = 0.5 +- 0.374280.
    result = funnel_table(SPREAD_COUNTS, [100] * 10, target=0.5, adjustment="additive")
    assert result.table["upper_95"].iloc[0] == pytest.approx(0.874280, abs=2e-6)
    assert (result.table["position_95"] == "within").all()


def test_auto_adjustment_keeps_exact_limits_without_overdispersion():
    result = funnel_table(CHANCE_COUNTS, [100] * 10, target=0.5)
    assert result.adjustment == "none"
    assert result.method == "exact"


def test_unadjusted_positions():
    result = funnel_table(SPREAD_COUNTS, [100] * 10, target=0.5, adjustment="none")
    positions = result.table["position_99_8"].tolist()
    assert positions[0] == "below"
    assert positions[-1] == "above"
    assert positions[4] == "within"


def test_default_target_is_pooled_rate():
    result = funnel_table([10, 30], [100, 100], adjustment="none")
    assert result.target == pytest.approx(0.2)


def test_few_units_warn():
    with pytest.warns(SmallSampleWarning, match="3 units"):
        estimate_overdispersion([1, 2, 3], [10, 10, 10], 0.2)


def test_zero_denominator_unit_has_no_data():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        result = funnel_table([3, 0], [10, 0], target=0.3)
    assert result.table.loc[1, "position_95"] == "no data"
    assert np.isnan(result.table.loc[1, "value"])


def test_limits_grid_for_drawing():
    result = funnel_table(SPREAD_COUNTS, [100] * 10, target=0.5, adjustment="none")
    grid = result.limits(n_points=50)
    assert len(grid) == 50
    assert grid["denominator"].max() == pytest.approx(105.0)
