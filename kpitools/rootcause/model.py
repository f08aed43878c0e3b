"""Risk-adjusted logistic model of coming back, and observed/expected ratios."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from kpitools.exceptions import DegenerateDataWarning
from kpitools.rootcause._stats import poisson_ratio_interval
from kpitools.rootcause.association import (
    MIN_LEVEL_REPAIR_ORDERS,
    OTHER_LEVEL,
    independent_columns,
)
from kpitools.rootcause.factors import get_factor
from kpitools.rootcause.strata import MISSING_LEVEL

__all__ = ["CASE_MIX_FACTORS", "RiskModel", "fit_risk_model"]

# Case mix: what the car and the job bring, not what the shop does with it.
CASE_MIX_FACTORS = (
    "system_group",
    "ro_type",
    "pay_type",
    "mileage_band",
    "vehicle_age",
    "model",
)
CLUSTER_COLUMN = "technician_id"
# A log-odds standard error above this (odds ratio interval wider than a
# factor of about e^(2 * 1.96 * 5) = 3e8) means the level had too few or no
# events for the fit to estimate: quasi-separation (Albert and Anderson 1984,
# Biometrika 71:1).
MAX_LOG_ODDS_STANDARD_ERROR = 5.0
# |log odds ratio| above 10 (odds ratio beyond 22,000 or below 1/22,000) is
# not a plausible effect of case mix on comebacks; it is a fit running off.
MAX_LOG_ODDS = 10.0
TOO_FEW_EVENTS_NOTE = "too few events to estimate"


@dataclass(frozen=True)
class RiskModel:
    """A fitted case-mix model and what follows from it.

    Attributes
    ----------
    outcome
        Column modelled.
    case_mix
        Factors in the model (those with at least two levels in the data).
    odds_ratios
        One row per model term: ``factor, level, reference, odds_ratio,
        ci_low, ci_high, p_value, note`` with cluster-robust intervals. A
        term the data cannot estimate (no or almost no events in the level,
        a non-finite or huge standard error) has NaN values and the note
        ``"too few events to estimate"``.
    observed_expected
        One row per technician and per advisor: ``unit, unit_id,
        n_repair_orders, observed, expected, ratio, ci_low, ci_high, flag``.
    n_repair_orders, n_clusters
        ROs in the fit and technicians used as clusters.
    """

    outcome: str
    case_mix: tuple[str, ...]
    odds_ratios: pd.DataFrame
    observed_expected: pd.DataFrame
    n_repair_orders: int
    n_clusters: int


def fit_risk_model(
    table: pd.DataFrame,
    *,
    outcome: str = "is_comeback_confirmed",
    case_mix: Sequence[str] = CASE_MIX_FACTORS,
    confidence_level: float = 0.95,
    min_level_repair_orders: int = MIN_LEVEL_REPAIR_ORDERS,
) -> RiskModel:
    """Fit a logistic model of coming back on case mix; compare people with it.

    Parameters
    ----------
    table
        One row per RO with the factor columns and the boolean ``outcome``.
    outcome
        Boolean column that marks an RO that came back.
    case_mix
        Factor names to adjust for. Factors with a single level are skipped.
    confidence_level
        Level of the odds-ratio and observed/expected intervals.
    min_level_repair_orders
        Levels with fewer ROs are pooled into ``"(other)"``; the most common
        level of each factor is the reference.

    Returns
    -------
    RiskModel

    Warns
    -----
    DegenerateDataWarning
        Some terms could not be estimated (quasi-separation); they are kept
        with NaN values and a note.

    Notes
    -----
    A binomial GLM with logit link (``statsmodels``) is fitted to counts
    grouped by every case-mix level, technician and advisor, which gives the
    same estimates as a fit to one row per RO. Standard errors are
    cluster-robust with technicians as clusters (Liang and Zeger 1986,
    Biometrika 73:13), because ROs worked by one technician are not
    independent. Expected comebacks of a technician or advisor are the sum of
    the model's probabilities over their ROs, so O/E compares each person
    with an average person given the same work. The O/E interval treats the
    observed count as Poisson (exact Garwood limits).
    """
    case_mix = tuple(name for name in case_mix if _n_levels(table, name) >= 2)
    columns = [get_factor(name).column for name in case_mix]
    keys = pd.DataFrame({c: _pool(table[c], min_level_repair_orders) for c in columns})
    keys["technician_id"] = (
        table["technician_id"].astype("string").fillna(MISSING_LEVEL)
    )
    keys["advisor_id"] = table["advisor_id"].astype("string").fillna(MISSING_LEVEL)
    events = table[outcome].astype("boolean").fillna(False).astype(int)
    grouped = (
        events.groupby([keys[c] for c in keys.columns], observed=True)
        .agg(["sum", "size"])
        .reset_index()
    )

    design, terms = _design(grouped, dict(zip(case_mix, columns, strict=True)))
    keep = independent_columns(design)
    design, terms = design[:, keep], [terms[i] for i in keep]
    endog = np.column_stack([grouped["sum"], grouped["size"] - grouped["sum"]])
    clusters = pd.factorize(grouped[CLUSTER_COLUMN])[0]
    fit = _fit(endog, design, clusters)

    odds_ratios = _odds_ratios(fit, terms, confidence_level, design.T @ endog)
    expected = fit.predict(design) * grouped["size"].to_numpy()
    grouped = grouped.assign(expected=expected)
    observed_expected = pd.concat(
        [
            _observed_expected(
                grouped, "technician", "technician_id", confidence_level
            ),
            _observed_expected(grouped, "advisor", "advisor_id", confidence_level),
        ],
        ignore_index=True,
    )
    return RiskModel(
        outcome=outcome,
        case_mix=case_mix,
        odds_ratios=odds_ratios,
        observed_expected=observed_expected,
        n_repair_orders=int(grouped["size"].sum()),
        n_clusters=int(clusters.max() + 1),
    )


def _n_levels(table: pd.DataFrame, name: str) -> int:
    column = get_factor(name).column
    return int(table[column].nunique(dropna=True)) if column in table else 0


def _pool(values: pd.Series, min_repair_orders: int) -> pd.Series:
    text = values.astype("string").fillna(MISSING_LEVEL)
    sizes = text.map(text.value_counts())
    return text.where(sizes >= min_repair_orders, OTHER_LEVEL)


def _design(grouped: pd.DataFrame, columns: dict[str, str]):
    """Return the treatment-coded design and (factor, level, reference) per term."""
    parts, terms = [np.ones((len(grouped), 1))], [("const", "", "")]
    for name, column in columns.items():
        sizes = grouped.groupby(column)["size"].sum()
        reference = sizes.idxmax()
        for level in sizes.index.drop(reference):
            parts.append(grouped[column].eq(level).to_numpy(float)[:, None])
            terms.append((name, level, reference))
    return np.hstack(parts), terms


def _fit(endog: np.ndarray, design: np.ndarray, clusters: np.ndarray):
    model = sm.GLM(endog, design, family=sm.families.Binomial())
    # statsmodels' own separation warnings are replaced by the per-term check
    # in _odds_ratios, which names the terms and says what to do.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if clusters.max() >= 1:
            fit = model.fit(cov_type="cluster", cov_kwds={"groups": clusters})
        else:
            fit = model.fit()
    return fit


def _odds_ratios(
    fit, terms, confidence_level: float, term_counts: np.ndarray
) -> pd.DataFrame:
    """Odds ratio rows; ``term_counts`` holds (events, non-events) per term."""
    interval = np.asarray(fit.conf_int(alpha=1 - confidence_level))
    params = np.asarray(fit.params)
    errors = np.asarray(fit.bse)
    # A level with no event (or no non-event) is separated; cluster-robust
    # errors can still come out small there, so the counts are checked too.
    with np.errstate(over="ignore", invalid="ignore"):
        is_degenerate = (
            ~np.isfinite(errors)
            | ~np.isfinite(params)
            | (errors > MAX_LOG_ODDS_STANDARD_ERROR)
            | (np.abs(params) > MAX_LOG_ODDS)
            | (term_counts.min(axis=1) == 0)
        )
        rows = [
            {
                "factor": column,
                "level": level,
                "reference": reference,
                "odds_ratio": np.nan if is_degenerate[i] else np.exp(params[i]),
                "ci_low": np.nan if is_degenerate[i] else np.exp(interval[i, 0]),
                "ci_high": np.nan if is_degenerate[i] else np.exp(interval[i, 1]),
                "p_value": np.nan if is_degenerate[i] else np.asarray(fit.pvalues)[i],
                "note": TOO_FEW_EVENTS_NOTE if is_degenerate[i] else "",
            }
            for i, (column, level, reference) in enumerate(terms)
            if column != "const"
        ]
    columns = [
        "factor",
        "level",
        "reference",
        "odds_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "note",
    ]
    table = pd.DataFrame(rows, columns=columns)
    unestimated = table.loc[table["note"] != "", ["factor", "level"]]
    if not unestimated.empty:
        names = ", ".join(f"{f}={v}" for f, v in unestimated.itertuples(index=False))
        warnings.warn(
            f"The case-mix model cannot estimate {len(unestimated)} term(s) "
            f"({names}): their levels have too few or no comebacks "
            "(quasi-separation), so they are shown without an odds ratio. "
            "Pass fewer case_mix factors or raise min_level_repair_orders.",
            DegenerateDataWarning,
            stacklevel=4,
        )
    return table


def _observed_expected(
    grouped: pd.DataFrame, unit: str, column: str, confidence_level: float
) -> pd.DataFrame:
    totals = grouped.groupby(column).agg(
        n_repair_orders=("size", "sum"),
        observed=("sum", "sum"),
        expected=("expected", "sum"),
    )
    low, high = poisson_ratio_interval(
        totals["observed"], totals["expected"], confidence_level
    )
    totals = totals.assign(
        ratio=totals["observed"] / totals["expected"], ci_low=low, ci_high=high
    )
    totals["flag"] = np.select(
        [totals["ci_low"] > 1, totals["ci_high"] < 1],
        ["higher", "lower"],
        default="no evidence",
    )
    totals = totals.sort_values("ci_low", ascending=False).reset_index()
    return totals.rename(columns={column: "unit_id"}).assign(unit=unit)[
        [
            "unit",
            "unit_id",
            "n_repair_orders",
            "observed",
            "expected",
            "ratio",
            "ci_low",
            "ci_high",
            "flag",
        ]
    ]
