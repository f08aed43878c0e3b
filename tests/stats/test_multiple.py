"""Multiple-comparison adjustment beyond the shared reference case."""

import numpy as np
import pytest

from kpitools.stats import adjust_pvalues


def test_nan_passes_through_and_is_not_counted():
    # Hand calculation, BH on the three valid p-values 0.01, 0.04, 0.03:
    # sorted 0.01, 0.03, 0.04 -> 0.03, 0.04, 0.04; input order kept.
    adjusted = adjust_pvalues([0.01, 0.04, np.nan, 0.03])
    assert adjusted[[0, 1, 3]] == pytest.approx([0.03, 0.04, 0.04])
    assert np.isnan(adjusted[2])


def test_bonferroni_hand_calculation():
    assert adjust_pvalues([0.01, 0.2, 0.5], "bonferroni") == pytest.approx(
        [0.03, 0.6, 1.0]
    )


def test_all_nan():
    assert np.isnan(adjust_pvalues([np.nan, np.nan])).all()


def test_rejects_out_of_range():
    with pytest.raises(ValueError, match="1.5"):
        adjust_pvalues([0.1, 1.5])


def test_unknown_method():
    with pytest.raises(ValueError, match="method must be one of"):
        adjust_pvalues([0.1], "sidak")
