import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table

from kpitools.rootcause import (
    association_test,
    cochran_armitage,
    confirm_drivers,
    scan_factors,
)

# Agresti (2013), Categorical Data Analysis, 3rd ed., section 3.4.1 (Table 3.7):
# infant malformation by mother's alcohol consumption (0, <1, 1-2, 3-5, >=6
# drinks a day), scores 0, 0.5, 1.5, 4, 7. Agresti reports M^2 = 6.57, P = 0.01.
MALFORMED = [48, 38, 5, 1, 1]
TOTALS = [17066 + 48, 14464 + 38, 788 + 5, 126 + 1, 37 + 1]
SCORES = [0, 0.5, 1.5, 4.0, 7.0]


def test_cochran_armitage_matches_agresti():
    result = cochran_armitage(MALFORMED, TOTALS, SCORES)
    n = sum(TOTALS)
    m_squared = result.statistic**2 * (n - 1) / n
    assert m_squared == pytest.approx(6.57, abs=0.01)
    assert result.p_value == pytest.approx(0.0104, abs=0.0005)
    assert result.statistic > 0


def test_cochran_armitage_matches_linear_by_linear():
    table = np.column_stack([MALFORMED, np.subtract(TOTALS, MALFORMED)])
    reference = Table(table).test_ordinal_association(
        row_scores=np.array(SCORES), col_scores=np.array([1.0, 0.0])
    )
    result = cochran_armitage(MALFORMED, TOTALS, SCORES)
    n = sum(TOTALS)
    assert abs(reference.zscore) * np.sqrt(n / (n - 1)) == pytest.approx(
        abs(result.statistic), rel=1e-6
    )


def test_cochran_armitage_monte_carlo_near_asymptotic():
    # With large balanced bands the exact and normal p-values agree closely.
    events, totals = [50, 55, 62, 70], [1000, 1000, 1000, 1000]
    exact = cochran_armitage(events, totals, n_resamples=20_000, rng=3)
    asymptotic = cochran_armitage(events, totals)
    assert exact.method == "Monte Carlo exact"
    assert exact.p_value == pytest.approx(asymptotic.p_value, abs=0.01)


def test_chi_square_for_large_counts():
    # Hand calculation: N (ad - bc)^2 / (r1 r2 c1 c2)
    # = 200 (10*80 - 90*20)^2 / (100 * 100 * 30 * 170) = 3.92157.
    result = association_test([10, 20], [100, 100])
    assert result.test == "chi-square"
    assert result.statistic == pytest.approx(3.92157, rel=1e-5)
    assert result.p_value == pytest.approx(stats.chi2.sf(3.92157, 1), rel=1e-4)


def test_fisher_for_small_2x2():
    # Hand calculation with the hypergeometric law (3 events, 10 + 10 ROs):
    # P(3 in row 1) = P(0 in row 1) = 120/1140, so two-sided p = 240/1140.
    result = association_test([3, 0], [10, 10])
    assert result.test == "Fisher exact"
    assert result.p_value == pytest.approx(240 / 1140, rel=1e-9)


def test_monte_carlo_for_sparse_r_by_c():
    result = association_test([3, 0, 1, 0], [10, 10, 12, 9], rng=0)
    assert result.test.startswith("Fisher-Freeman-Halton")
    assert 0 < result.p_value <= 1
    assert np.isnan(result.df)


def test_trend_for_ordered_bands():
    result = association_test([5, 10, 20], [200, 200, 200], ordered=True)
    assert result.test == "Cochran-Armitage trend"
    assert result.statistic > 0
    assert result.p_value < 0.01


@pytest.mark.parametrize(
    ("events", "totals", "note"),
    [([3], [10], "fewer than two levels"), ([0, 0], [10, 20], "same outcome")],
)
def test_untestable_tables(events, totals, note):
    result = association_test(events, totals)
    assert result.test == "not tested"
    assert np.isnan(result.p_value)
    assert note in result.note


FACTOR_NAMES = [
    "technician",
    "advisor",
    "system_group",
    "op_code",
    "pay_type",
    "model",
    "mileage_band",
    "vehicle_age",
    "weekday",
    "appointment",
]


def test_scan_flags_planted_factors(planted_table):
    scan = scan_factors(planted_table, FACTOR_NAMES).set_index("factor")
    assert scan.loc["technician", "is_associated"]
    assert scan.loc["system_group", "is_associated"]
    assert not scan.loc["advisor", "is_associated"]
    assert not scan.loc["pay_type", "is_associated"]


def test_scan_flags_nothing_without_effect(null_table):
    scan = scan_factors(null_table, FACTOR_NAMES)
    assert not scan["is_associated"].any()
    assert scan["p_adjusted"].ge(scan["p_value"]).all()


def test_drivers_drop_nested_op_code(planted_table):
    scan = scan_factors(planted_table, FACTOR_NAMES)
    drivers = confirm_drivers(planted_table, scan).set_index("factor")
    # op codes are nested in system groups: associated, but explained by them
    assert drivers.loc["op_code", "is_associated"]
    assert not drivers.loc["op_code", "is_driver"]
    assert drivers.loc["technician", "is_driver"]
    assert drivers.loc["system_group", "is_driver"]
    assert drivers["is_driver"].sum() == 2
