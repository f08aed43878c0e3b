"""Every case of the statistics reference file, each against its published source.

Sources are recorded in the file itself (field ``anchor``): R binom, R
binom.test, R multtest, R qicharts2, R ebbr, R FunnelPlotR, R NPS.
"""

import warnings

import numpy as np
import pytest

from kpitools.exceptions import SmallSampleWarning
from kpitools.stats import (
    adjust_pvalues,
    binomial_test,
    estimate_overdispersion,
    funnel_limits,
    funnel_table,
    nps_standard_error,
    p_chart,
    proportion_interval,
    shrink_rates,
)

CI_METHODS = {
    "wilson": "wilson",
    "clopper_pearson": "clopper_pearson",
    "agresti_coull": "agresti_coull",
    "wald": "wald",
    "jeffreys_equal_tailed": "jeffreys",
}


def test_reference_proportion_intervals(reference_cases):
    case = reference_cases["CI-01"]
    tolerance = case["tolerance"]["abs"]
    for row in case["inputs_and_expected"]:
        for name, expected in row["expected"].items():
            low, high = proportion_interval(row["x"], row["n"], CI_METHODS[name])
            label = f"{name} x={row['x']} n={row['n']}"
            assert abs(low - expected[0]) <= tolerance, label
            assert abs(high - expected[1]) <= tolerance, label


def test_reference_jeffreys_boundaries(reference_cases):
    # Jeffreys limits at x = 0 and x = n, which R binom does not report.
    assert proportion_interval(0, 30, "jeffreys")[0] == 0.0
    assert proportion_interval(30, 30, "jeffreys")[1] == 1.0


def test_reference_clopper_pearson_boundaries(reference_cases):
    assert proportion_interval(0, 30, "clopper_pearson")[0] == 0.0
    assert proportion_interval(30, 30, "clopper_pearson")[1] == 1.0


def test_reference_exact_binomial_test(reference_cases):
    case = reference_cases["TB-01"]
    x, n, p0 = (case["inputs"][key] for key in ("x", "n", "p0"))
    expected = case["expected"]
    tolerance = case["tolerance"]["abs"]

    two_sided = binomial_test(x, n, p0)
    greater = binomial_test(x, n, p0, alternative="greater")
    less = binomial_test(x, n, p0, alternative="less")

    assert two_sided.p_value == pytest.approx(
        expected["p_two_sided_minlike"], abs=tolerance
    )
    assert greater.p_value == pytest.approx(expected["p_greater"], abs=tolerance)
    assert less.p_value == pytest.approx(expected["p_less"], abs=tolerance)
    assert two_sided.estimate == pytest.approx(expected["estimate"], abs=tolerance)
    assert [two_sided.ci_low, two_sided.ci_high] == pytest.approx(
        expected["ci95_two_sided_clopper_pearson"], abs=tolerance
    )
    assert [greater.ci_low, greater.ci_high] == pytest.approx(
        expected["ci95_one_sided_greater"], abs=tolerance
    )
    assert [less.ci_low, less.ci_high] == pytest.approx(
        expected["ci95_one_sided_less"], abs=tolerance
    )


def test_reference_adjusted_pvalues(reference_cases):
    case = reference_cases["MT-01"]
    p_values = case["inputs"]["p_values"]
    tolerance = case["tolerance"]["abs"]
    names = {
        "bonferroni": "bonferroni",
        "holm": "holm",
        "hochberg": "hochberg",
        "bh": "fdr_bh",
        "by": "fdr_by",
    }
    for name, expected in case["expected"]["adjusted_in_input_order"].items():
        adjusted = adjust_pvalues(p_values, names[name])
        assert adjusted == pytest.approx(expected, abs=tolerance), name


def test_reference_bh_reject_set(reference_cases):
    case = reference_cases["MT-01"]
    adjusted = adjust_pvalues(case["inputs"]["p_values"], "fdr_bh")
    assert list(adjusted <= 0.05) == case["expected"]["bh_reject_at_0.05"]


def test_reference_variance(reference_cases):
    case = reference_cases["NPS-01"]
    share = case["inputs"]
    tolerance = case["tolerance"]["abs"]
    # Shares 1/2, 1/3, 1/6 are counts 3, 2, 1 of 6 answers.
    assert share["P"] + share["passive"] + share["D"] == pytest.approx(1.0)
    nps, standard_error = nps_standard_error(3, 1, 6)
    assert nps == pytest.approx(share["P"] - share["D"], abs=tolerance)
    assert nps == pytest.approx(case["expected"]["nps"], abs=tolerance)
    variance = standard_error**2 * 6
    assert variance == pytest.approx(
        case["expected"]["variance_per_response"], abs=tolerance
    )
    assert np.sqrt(variance) == pytest.approx(
        case["expected"]["sd_per_response"], abs=tolerance
    )


def test_reference_p_chart_limits(reference_cases):
    case = reference_cases["SPC-01"]
    expected = case["expected"]
    tolerance = case["tolerance"]["abs"]
    chart = p_chart(case["inputs"]["count"], case["inputs"]["size"])

    assert chart.table["center"].iloc[0] == pytest.approx(expected["cl"], abs=tolerance)
    assert chart.table["upper"].tolist() == pytest.approx(
        expected["ucl"], abs=tolerance
    )
    assert chart.table["lower"].tolist() == pytest.approx(
        expected["lcl"], abs=tolerance
    )
    outside = (chart.table.index[chart.table["is_outside"]] + 1).tolist()
    assert outside == expected["sigma_signal_points_1based"]


def test_reference_runs_analysis(reference_cases):
    case = reference_cases["SPC-01"]
    expected = case["expected"]
    runs = p_chart(case["inputs"]["count"], case["inputs"]["size"]).runs[0]
    assert runs.n_useful == expected["n_useful"]
    assert runs.longest_run == expected["longest_run"]
    assert runs.longest_run_max == expected["longest_run_max"]
    assert runs.n_crossings == expected["n_crossings"]
    assert runs.n_crossings_min == expected["n_crossings_min"]
    assert runs.is_signal == expected["runs_signal"]


def test_reference_posterior_with_given_prior(reference_cases):
    case = reference_cases["EB-01"]
    units = case["inputs"]["units"]
    prior = (case["inputs"]["alpha0"], case["inputs"]["beta0"])
    tolerance = case["tolerance"]
    result = shrink_rates(
        [unit["x"] for unit in units], [unit["n"] for unit in units], prior=prior
    )
    for unit, expected in zip(units, case["expected"], strict=True):
        assert (unit["x"], unit["n"]) == (expected["x"], expected["total"])
    for row, expected in zip(result.table.itertuples(), case["expected"], strict=True):
        assert row.alpha1 == pytest.approx(
            expected["alpha1"], abs=tolerance["alpha_beta_abs"]
        )
        assert row.beta1 == pytest.approx(
            expected["beta1"], abs=tolerance["alpha_beta_abs"]
        )
        assert row.shrunk_rate == pytest.approx(
            expected["fitted"], abs=tolerance["fitted_abs"]
        )
        assert row.raw_rate == pytest.approx(expected["raw"], abs=1e-12)
        assert [row.ci_low, row.ci_high] == pytest.approx(
            expected["cred95_derived"], abs=tolerance["cred_abs"]
        )


def _fp03_inputs(case):
    inputs = case["inputs"]
    return inputs["numerator"], inputs["denominator"], inputs["group"]


def test_reference_phi_and_tau2(reference_cases):
    case = reference_cases["FP-03"]
    observed, expected_counts, _ = _fp03_inputs(case)
    expected = case["expected"]
    with pytest.warns(SmallSampleWarning, match="6 units"):
        result = estimate_overdispersion(
            observed,
            expected_counts,
            1.0,
            data_type="ratio",
            trim=case["inputs"]["trim_by"],
            trim_method="truncate",
        )
    assert result.phi == pytest.approx(
        expected["phi"], abs=case["tolerance"]["phi_abs"]
    )
    assert result.phi == pytest.approx(
        expected["phi_full"], abs=case["tolerance"]["phi_abs"]
    )
    assert result.tau2 == pytest.approx(
        expected["tau2"], rel=case["tolerance"]["tau2_rel"]
    )
    assert result.n_units - result.n_used == expected["n_truncated"]
    unit_z = [unit["z_unadjusted"] for unit in expected["units"]]
    assert result.z_scores.tolist() == pytest.approx(unit_z, rel=1e-9)


def test_reference_adjusted_limits_and_verdicts(reference_cases):
    case = reference_cases["FP-03"]
    observed, expected_counts, groups = _fp03_inputs(case)
    rel = case["tolerance"]["limits_rel"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        result = funnel_table(
            observed,
            expected_counts,
            groups,
            data_type="ratio",
            adjustment="auto",
            trim_method="truncate",
        )
    assert result.adjustment == "additive"
    for row, unit in zip(
        result.table.itertuples(), case["expected"]["units"], strict=True
    ):
        assert row.value == pytest.approx(unit["rr"], rel=1e-12)
        assert [row.lower_95, row.upper_95] == pytest.approx(unit["OD95"], rel=rel)
        assert [row.lower_99_8, row.upper_99_8] == pytest.approx(unit["OD998"], rel=rel)
        assert (row.position_95 != "within") == unit["outlier_OD95"]
        assert (row.position_99_8 != "within") == unit["outlier_OD998"]
    outside_95 = (result.table["position_95"] != "within").sum()
    outside_99_8 = (result.table["position_99_8"] != "within").sum()
    assert outside_95 == case["expected"]["n_outliers_95_adjusted"]
    assert outside_99_8 == case["expected"]["n_outliers_99.8_adjusted"]


def test_reference_unadjusted_poisson_limits(reference_cases):
    case = reference_cases["FP-03"]
    _, expected_counts, _ = _fp03_inputs(case)
    limits = funnel_limits(expected_counts, 1.0, data_type="ratio", method="exact")
    expected = [unit["poisson95"] for unit in case["expected"]["units"]]
    got = limits[["lower_95", "upper_95"]].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=case["tolerance"]["limits_rel"])


def test_reference_unit_b_verdict_changes(reference_cases):
    # Unit b lies above the unadjusted 95% limit but inside the adjusted one.
    case = reference_cases["FP-03"]
    observed, expected_counts, groups = _fp03_inputs(case)
    plain = funnel_table(
        observed, expected_counts, groups, data_type="ratio", adjustment="none"
    )
    assert plain.table.loc[1, "position_95"] == "above"
