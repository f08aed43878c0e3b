"""Why repairs come back: rates by factor, tests, a case-mix model, time to return."""

from kpitools.rootcause.association import (
    AssociationTest,
    TrendTest,
    adjust_families,
    association_test,
    cochran_armitage,
    confirm_drivers,
    permutation_test,
    scan_factors,
    scan_within,
)
from kpitools.rootcause.display import (
    drilldown_frame,
    findings_markdown,
    format_p_value,
    format_percent,
    rootcause_table,
)
from kpitools.rootcause.drilldown import drilldown
from kpitools.rootcause.factors import (
    DEFAULT_FACTORS,
    FACTORS,
    Factor,
    add_factor_columns,
    get_factor,
)
from kpitools.rootcause.model import CASE_MIX_FACTORS, RiskModel, fit_risk_model
from kpitools.rootcause.pareto import pareto_table
from kpitools.rootcause.plots import (
    observed_expected_plot,
    pareto_plot,
    return_curve_plot,
    strata_plot,
)
from kpitools.rootcause.strata import MIN_REPAIR_ORDERS, stratify
from kpitools.rootcause.study import OUTCOMES, RootCauseStudy, comeback_study
from kpitools.rootcause.survival import return_curve, time_to_return

__all__ = [
    "CASE_MIX_FACTORS",
    "DEFAULT_FACTORS",
    "FACTORS",
    "MIN_REPAIR_ORDERS",
    "OUTCOMES",
    "AssociationTest",
    "Factor",
    "RiskModel",
    "RootCauseStudy",
    "TrendTest",
    "add_factor_columns",
    "adjust_families",
    "association_test",
    "cochran_armitage",
    "comeback_study",
    "confirm_drivers",
    "drilldown",
    "drilldown_frame",
    "findings_markdown",
    "format_p_value",
    "format_percent",
    "fit_risk_model",
    "get_factor",
    "observed_expected_plot",
    "pareto_plot",
    "pareto_table",
    "permutation_test",
    "return_curve",
    "return_curve_plot",
    "rootcause_table",
    "scan_factors",
    "scan_within",
    "strata_plot",
    "stratify",
    "time_to_return",
]
