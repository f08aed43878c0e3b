"""Statistics for comparing KPIs with benchmarks and peers.

Intervals, tests, funnel plots, control charts, multiple comparisons,
empirical-Bayes shrinkage, case-mix standardisation and the store scorecard.
"""

from kpitools.stats.compare import (
    MIN_EXPECTED_EVENTS,
    MIN_SAMPLE_SIZE,
    compare_mean,
    compare_nps,
    compare_rate,
    scorecard,
)
from kpitools.stats.control import (
    ControlChart,
    RunsAnalysis,
    laney_p_chart,
    p_chart,
    runs_analysis,
    xmr_chart,
)
from kpitools.stats.funnel import (
    FunnelResult,
    Overdispersion,
    estimate_overdispersion,
    funnel_limits,
    funnel_table,
)
from kpitools.stats.intervals import (
    byar_interval,
    difference_interval,
    poisson_interval,
    proportion_interval,
)
from kpitools.stats.multiple import adjust_pvalues
from kpitools.stats.results import FLAGS, Comparison, decide_flag
from kpitools.stats.shrinkage import ShrinkageResult, fit_beta_prior, shrink_rates
from kpitools.stats.standardise import indirect_standardise
from kpitools.stats.tests import (
    TestResult,
    binomial_test,
    bootstrap_mean_test,
    direction_alternative,
    nps_standard_error,
    nps_test,
    one_sample_t_test,
    welch_t_test,
)

__all__ = [
    "Comparison",
    "ControlChart",
    "FLAGS",
    "FunnelResult",
    "MIN_EXPECTED_EVENTS",
    "MIN_SAMPLE_SIZE",
    "Overdispersion",
    "RunsAnalysis",
    "ShrinkageResult",
    "TestResult",
    "adjust_pvalues",
    "binomial_test",
    "bootstrap_mean_test",
    "byar_interval",
    "compare_mean",
    "compare_nps",
    "compare_rate",
    "decide_flag",
    "difference_interval",
    "direction_alternative",
    "estimate_overdispersion",
    "fit_beta_prior",
    "funnel_limits",
    "funnel_table",
    "indirect_standardise",
    "laney_p_chart",
    "nps_standard_error",
    "nps_test",
    "one_sample_t_test",
    "p_chart",
    "poisson_interval",
    "proportion_interval",
    "runs_analysis",
    "scorecard",
    "shrink_rates",
    "welch_t_test",
    "xmr_chart",
]
