import numpy as np
import pandas as pd
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


def test_permutation_matches_fisher_2x2():
    # Hand calculation with the hypergeometric law (3 events, 10 + 10 ROs):
    # |O - E| is at least 1.5 only for 0 or 3 events in row 1, so the exact
    # p-value is 2 * 120/1140 = 240/1140 = 0.2105. The Monte Carlo estimate
    # from 99,999 permutations has a standard error of about 0.0013.
    from kpitools.rootcause import permutation_test

    levels = ["a"] * 10 + ["b"] * 10
    events = [True] * 3 + [False] * 7 + [False] * 10
    result = permutation_test(levels, events, n_resamples=99_999, rng=0)
    assert result.test == "permutation"
    assert result.p_value == pytest.approx(240 / 1140, abs=0.005)


def test_permutation_respects_strata():
    # Level "a" is only in the high-rate stratum x. Within x, "a" and "b"
    # share the same rate (20 of 50 each); in stratum y "b" has 1 of 100.
    # Within strata the statistic is exactly 0 and every permutation ties
    # with it, so p = 1. Pooled, "a" has 20 of 50 against 21 of 150 for "b".
    from kpitools.rootcause import permutation_test

    levels = ["a"] * 50 + ["b"] * 150
    strata = ["x"] * 100 + ["y"] * 100
    events = (
        [True] * 20 + [False] * 30 + [True] * 20 + [False] * 30 + [True] + [False] * 99
    )
    result = permutation_test(levels, events, strata, n_resamples=999, rng=1)
    assert result.test == "stratified permutation"
    assert result.statistic == pytest.approx(0.0, abs=1e-12)
    assert result.p_value == 1.0
    unadjusted = permutation_test(levels, events, n_resamples=999, rng=1)
    assert unadjusted.p_value <= 0.005


def test_permutation_pvalue_uniform_under_null():
    # Sparse null tables (about 15 events over 8 levels): the share of
    # p-values at or below 0.05 must not exceed 0.05 beyond binomial noise
    # (400 tables: 3 standard errors is 0.033).
    from kpitools.rootcause import permutation_test

    rng = np.random.default_rng(5)
    p_values = []
    for _ in range(400):
        levels = rng.choice(list("abcdefgh"), 800)
        strata = rng.choice(["x", "y"], 800)
        events = rng.random(800) < np.where(strata == "x", 0.03, 0.01)
        p_values.append(
            permutation_test(levels, events, strata, n_resamples=199, rng=rng).p_value
        )
    assert np.mean(np.array(p_values) <= 0.05) <= 0.05 + 0.033


def test_scan_within_finds_technician_group(planted_table):
    from kpitools.rootcause import scan_within

    # Plant a technician effect on one system group only.
    table = planted_table.copy()
    rng = np.random.default_rng(3)
    target = (table["technician_id"] == "T02") & (table["system_group"] == "hvac")
    table.loc[target, "is_comeback_confirmed"] = rng.random(target.sum()) < 0.4
    within = scan_within(table, "technician", "system_group").set_index("within")
    assert within.loc["hvac", "p_value"] < 0.001
    assert within.loc["hvac", "top_level"] == "T02"
    assert set(within.index) == {"engine", "brakes", "electrical", "hvac"}


def test_adjust_families_keeps_baseline_apart():
    from kpitools.rootcause import adjust_families

    scan = pd.DataFrame(
        {"factor": ["system_group", "advisor", "model"], "p_value": [1e-9, 0.02, 0.5]}
    )
    within = pd.DataFrame({"within": ["engine", "hvac"], "p_value": [0.3, 0.04]})
    scan, within = adjust_families(scan, within, fdr=0.05, baseline=["system_group"])
    scan = scan.set_index("factor")
    # Hand calculation, BH over the 4 non-baseline p-values 0.02, 0.04, 0.3,
    # 0.5: adjusted 0.02 * 4/1 = 0.08, 0.04 * 4/2 = 0.08, 0.3 * 4/3 = 0.4, 0.5.
    assert scan.loc["system_group", "p_adjusted"] == pytest.approx(1e-9)
    assert scan.loc["advisor", "p_adjusted"] == pytest.approx(0.08)
    assert scan.loc["model", "p_adjusted"] == pytest.approx(0.5)
    assert within["p_adjusted"].tolist() == pytest.approx([0.4, 0.08])
    assert scan["is_associated"].tolist() == [True, False, False]
    assert not within["is_associated"].any()
