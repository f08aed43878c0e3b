import numpy as np
import pytest

from kpitools.rootcause import return_curve, time_to_return


def test_kaplan_meier_by_hand():
    # Returns on day 1 and day 2; censored at day 1.5 and day 10.
    # Hand calculation: S(1) = 3/4, S(2) = 3/4 * 1/2 = 3/8, so F(2) = 5/8.
    days = [1.0, 2.0, np.nan, np.nan]
    follow_up = [10.0, 10.0, 1.5, 10.0]
    marks = time_to_return(days, follow_up, horizons=(1, 2, 5))
    assert marks["cumulative_incidence"].tolist() == pytest.approx([0.25, 0.625, 0.625])
    assert marks["n_events"].iloc[0] == 2
    assert marks["share_of_last"].iloc[0] == pytest.approx(0.4)
    assert (marks["ci_low"] <= marks["cumulative_incidence"]).all()


def test_return_after_end_of_data_is_censored():
    # A return on day 20 cannot have been seen with 10 days of follow-up.
    marks = time_to_return([20.0, np.nan], [10.0, 30.0], horizons=(30,))
    assert marks["n_events"].iloc[0] == 0
    assert marks["cumulative_incidence"].iloc[0] == 0


def test_return_curve_is_monotone():
    rng = np.random.default_rng(0)
    days = np.where(rng.random(500) < 0.3, rng.integers(0, 90, 500), np.nan)
    curve = return_curve(days, np.full(500, 100.0), max_days=90)
    assert len(curve) == 91
    assert curve["cumulative_incidence"].is_monotonic_increasing
