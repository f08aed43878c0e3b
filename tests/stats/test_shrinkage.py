"""Empirical-Bayes shrinkage: prior fits, degenerate data, properties."""

import numpy as np
import pytest

from kpitools.exceptions import DegenerateDataWarning
from kpitools.stats import fit_beta_prior, shrink_rates


def test_moment_prior_hand_calculation():
    # Hand calculation, two units 10/100 and 30/100: pooled p = 0.2,
    # S = 100 (0.01) + 100 (0.01) = 2, S/(p(1-p)) = 12.5,
    # rho = (12.5 - 1)/(200 - 20000/200 - 1) = 11.5/99 = 0.1161616,
    # alpha0 + beta0 = (1 - rho)/rho = 7.6087, alpha0 = 1.521739.
    alpha0, beta0 = fit_beta_prior([10, 30], [100, 100])
    assert alpha0 == pytest.approx(0.2 * 87.5 / 11.5, rel=1e-9)
    assert beta0 == pytest.approx(0.8 * 87.5 / 11.5, rel=1e-9)


def test_ml_prior_recovers_simulated_prior():
    rng = np.random.default_rng(2024)
    rates = rng.beta(20, 60, size=400)
    trials = rng.integers(50, 400, size=400)
    successes = rng.binomial(trials, rates)
    alpha0, beta0 = fit_beta_prior(successes, trials, method="ml")
    assert alpha0 / (alpha0 + beta0) == pytest.approx(0.25, abs=0.01)
    assert alpha0 + beta0 == pytest.approx(80, rel=0.3)


def test_identical_rates_degenerate_to_pooled_rate():
    with pytest.warns(DegenerateDataWarning, match="pooled rate 0.2"):
        result = shrink_rates([20, 40, 10], [100, 200, 50])
    assert result.is_degenerate
    assert result.table["shrunk_rate"].tolist() == pytest.approx([0.2, 0.2, 0.2])


def test_small_units_move_most():
    result = shrink_rates([1, 30, 300], [2, 100, 1000], prior=(20.0, 80.0))
    moves = (result.table["raw_rate"] - result.table["shrunk_rate"]).abs()
    assert moves.iloc[0] > moves.iloc[1] > moves.iloc[2]


def test_zero_trials_unit_gets_prior():
    result = shrink_rates([5, 0], [20, 0], prior=(2.0, 8.0))
    assert result.table["shrunk_rate"].iloc[1] == pytest.approx(0.2)
    assert np.isnan(result.table["raw_rate"].iloc[1])


def test_unknown_method():
    with pytest.raises(ValueError, match="'moments' or 'ml'"):
        shrink_rates([1, 2], [10, 10], method="bayes")
