"""One call from a data folder to a comeback root-cause study."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kpitools.exceptions import SmallSampleWarning
from kpitools.rootcause._stats import wilson_interval
from kpitools.rootcause.association import (
    adjust_families,
    confirm_drivers,
    scan_factors,
    scan_within,
)
from kpitools.rootcause.drilldown import drilldown
from kpitools.rootcause.factors import (
    DEFAULT_FACTORS,
    FACTORS,
    add_factor_columns,
    get_factor,
)
from kpitools.rootcause.model import RiskModel, fit_risk_model
from kpitools.rootcause.pareto import pareto_table
from kpitools.rootcause.strata import MIN_REPAIR_ORDERS, stratify
from kpitools.rootcause.survival import HORIZONS_DAYS, return_curve, time_to_return
from kpitools.tables import ServiceData

__all__ = ["OUTCOMES", "RootCauseStudy", "comeback_study"]

#: Outcome name to (column of the comeback table, plain-words label).
OUTCOMES = {
    "confirmed": ("is_comeback_confirmed", "confirmed comeback"),
    "candidate": (
        "is_comeback_candidate",
        "comeback candidate (same vehicle, same system group, within the window)",
    ),
    "revisit": (
        "is_revisit",
        "revisit (same vehicle back for any reason within the window; "
        "not a comeback rate)",
    ),
}
BASELINE_FACTORS = ("system_group",)
PERIOD_PATTERN = re.compile(r"^\d{4}-\d{2}(:\d{4}-\d{2})?$")


@dataclass(frozen=True)
class RootCauseStudy:
    """Result of :func:`comeback_study`.

    Attributes
    ----------
    store_id, period
        Scope of the study (``None``: every store, every month).
    outcome, outcome_label
        ``"confirmed"``, ``"candidate"`` or ``"revisit"`` and its meaning.
    window_days, fdr
        Comeback window and false discovery rate used.
    n_repair_orders, n_events, rate, ci_low, ci_high
        Overall rate with its 95% Wilson interval.
    strata
        Every level of every factor scanned (see :func:`stratify`).
    associations
        One row per factor (see :func:`scan_factors` and
        :func:`confirm_drivers`); ``is_driver`` marks the drivers.
    within_groups
        Technicians tested within each system group (see
        :func:`scan_within`), adjusted in the same Benjamini-Hochberg family
        as the factors other than the baseline; empty when technician or
        system group is not scanned.
    model
        Case-mix model with observed/expected per technician and advisor, or
        ``None`` when it could not be fitted.
    time_to_return, return_curve
        Cumulative incidence of any return visit at 7, 30 and 90 days
        (Kaplan-Meier), and by day.
    window_rates
        Revisit, candidate and confirmed rates for each horizon as a window,
        over the ROs old enough for the longest one
        (``kpitools.kpis.time_to_return_table``).
    pareto_causes, pareto_system_groups
        Pareto tables of confirmed causes and of system groups.
    limitations
        What this data cannot support, in plain words.
    table
        One row per RO in scope with the factor columns (VINs unmasked:
        show it through :meth:`drilldown`, which masks them).
    """

    store_id: str | None
    period: str | None
    outcome: str
    outcome_label: str
    window_days: int
    fdr: float
    n_repair_orders: int
    n_events: int
    rate: float
    ci_low: float
    ci_high: float
    strata: pd.DataFrame
    associations: pd.DataFrame
    model: RiskModel | None
    time_to_return: pd.DataFrame
    return_curve: pd.DataFrame
    window_rates: pd.DataFrame
    pareto_causes: pd.DataFrame
    pareto_system_groups: pd.DataFrame
    limitations: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    within_groups: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def outcome_column(self) -> str:
        """Column of :attr:`table` that marks an RO that came back."""
        return OUTCOMES[self.outcome][0]

    @property
    def drivers(self) -> list[str]:
        """Factors confirmed as drivers, strongest first."""
        rows = self.associations[self.associations["is_driver"]]
        return rows.sort_values("p_value")["factor"].tolist()

    def top_levels(self, factor: str, n: int = 3) -> pd.DataFrame:
        """Return the ``n`` best-ranked levels of ``factor`` (highest rates first)."""
        rows = self.strata[self.strata["factor"] == factor]
        return rows.sort_values("rank").head(n)

    def drilldown(self, factor: str, level: str, **kwargs: Any) -> pd.DataFrame:
        """List the ROs of one factor level with VINs masked (see :func:`drilldown`)."""
        return drilldown(
            self.table, factor, level, outcome=self.outcome_column, **kwargs
        )

    def flagged_within_groups(self) -> pd.DataFrame:
        """Return the rows of :attr:`within_groups` flagged at the study's FDR."""
        if self.within_groups.empty:
            return self.within_groups
        rows = self.within_groups[self.within_groups["is_associated"]]
        return rows.sort_values("p_value")

    def findings(self) -> list[str]:
        """State in plain words what the data supports and what it does not."""
        return _findings(self)

    def summary(self) -> dict[str, Any]:
        """Return a small JSON-ready summary (no VIN, no RO rows)."""
        drivers = []
        for name in self.drivers:
            top = self.top_levels(name, 1).iloc[0]
            row = self.associations.set_index("factor").loc[name]
            drivers.append(
                {
                    "factor": name,
                    "p_value": float(row["p_value"]),
                    "p_adjusted": float(row["p_adjusted"]),
                    "top_level": str(top["level"]),
                    "top_level_rate": float(top["rate"]),
                    "top_level_repair_orders": int(top["n_repair_orders"]),
                }
            )
        return {
            "store_id": self.store_id,
            "period": self.period,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "window_days": self.window_days,
            "fdr": self.fdr,
            "n_repair_orders": self.n_repair_orders,
            "n_events": self.n_events,
            "rate": _float(self.rate),
            "ci_low": _float(self.ci_low),
            "ci_high": _float(self.ci_high),
            "factors_scanned": self.associations["factor"].tolist(),
            "factors_associated": self.associations.loc[
                self.associations["is_associated"], "factor"
            ].tolist(),
            "drivers": drivers,
            "within_groups_associated": [
                {
                    "factor": str(row["factor"]),
                    "within": str(row["within"]),
                    "p_value": float(row["p_value"]),
                    "p_adjusted": float(row["p_adjusted"]),
                    "top_level": str(row["top_level"]),
                }
                for _, row in self.flagged_within_groups().iterrows()
            ],
            "findings": self.findings(),
            "limitations": list(self.limitations),
        }


def comeback_study(
    data: ServiceData,
    *,
    store_id: str | None = None,
    period: str | None = None,
    settings: Any = None,
    factors: Sequence[str] | str | None = None,
    fdr: float = 0.05,
    outcome: str = "auto",
    horizons: Sequence[int] = HORIZONS_DAYS,
    min_repair_orders: int = MIN_REPAIR_ORDERS,
    fit_model: bool = True,
    seed: int = 0,
    adjust_for: Sequence[str] = BASELINE_FACTORS,
) -> RootCauseStudy:
    """Study why ROs come back: rates by factor, tests, model, time to return.

    Parameters
    ----------
    data
        Canonical tables (``kpitools.load_data``).
    store_id
        Store to study; ``None`` or ``""`` studies the whole group, and then
        the store itself is one of the factors.
    period
        ``"YYYY-MM"`` or ``"YYYY-MM:YYYY-MM"`` (inclusive) of the original
        ROs; ``None`` for all.
    settings
        ``kpitools.kpis.KpiSettings``; the comeback window and system-group
        rule come from it. Default settings when ``None``.
    factors
        Factor names (or one comma-separated string) to scan; default every
        factor in :data:`kpitools.rootcause.FACTORS` but ``store``.
    fdr
        False discovery rate ``q`` of the Benjamini-Hochberg scan.
    outcome
        ``"confirmed"``, ``"candidate"``, ``"revisit"`` or ``"auto"``: the
        confirmed comebacks when the data has a DMS comeback flag or cause
        codes, else comeback candidates when ROs carry system groups other
        than maintenance, else revisits (labelled as such).
    horizons
        Days at which to read the time-to-return curve.
    min_repair_orders
        Levels with fewer ROs are flagged "too few data".
    fit_model
        Fit the case-mix logistic model (skip it in large simulations).
    seed
        Seed of the Monte Carlo exact tests.
    adjust_for
        Baseline factors the other factors are tested within (default the
        system group, whose comeback rates differ by nature of the work).
        Pass ``()`` for unadjusted tests of every factor.

    Returns
    -------
    RootCauseStudy

    Raises
    ------
    ValueError
        For an unknown factor, store or outcome, a malformed period, or a
        scope with no RO.

    Warns
    -----
    SmallSampleWarning
        When the scope has fewer than ``min_repair_orders`` ROs, or factor
        levels do (one warning listing the factors).

    Notes
    -----
    The baseline factors (``adjust_for``) are tested on their own
    (chi-square, Fisher exact or its Monte Carlo r x c form). Every other
    factor is tested within their levels by a stratified permutation test
    (:func:`scan_factors`), and technicians are tested within each system
    group (:func:`scan_within`). Benjamini-Hochberg controls the false
    discovery rate over all these tests, with the baseline factors as a
    family apart (:func:`adjust_families`). The associated factors are then
    sorted into drivers and passengers by conditional likelihood-ratio tests
    (:func:`confirm_drivers`). The case-mix model (:func:`fit_risk_model`)
    gives observed/expected comebacks per technician and advisor.
    """
    from kpitools.kpis import KpiSettings, comeback_table, time_to_return_table

    settings = KpiSettings() if settings is None else settings
    store_id = store_id or None
    _check_period(period)
    factor_names = _factor_names(factors, data, store_id)

    scope = data if store_id is None else _store_data(data, store_id)
    comebacks = add_factor_columns(
        comeback_table(scope, settings), scope.tables.get("ro_lines")
    )
    end_of_data = pd.to_datetime(comebacks["opened_at"]).max()
    table = _in_period(comebacks, period)
    if table.empty:
        raise ValueError(
            f"No RO for store {store_id or 'all stores'} in period {period}. "
            "Check the period (YYYY-MM or YYYY-MM:YYYY-MM) against the data."
        )
    outcome = _choose_outcome(outcome, scope, table)
    column, label = OUTCOMES[outcome]
    table = table[table[column].notna()]
    if getattr(settings, "comeback_require_full_window", False):
        # A recent RO's window is still open: its outcome is not known yet.
        table = table[table["is_window_complete"].astype("boolean").fillna(True)]

    n_total = len(table)
    n_events = int(table[column].astype("boolean").fillna(False).sum())
    ci_low, ci_high = wilson_interval([n_events], [n_total])
    if n_total < min_repair_orders:
        warnings.warn(
            f"Comeback study for {store_id or 'all stores'}, {period or 'all months'}: "
            f"{n_total} ROs, fewer than the {min_repair_orders} needed for a stable "
            "rate. Widen the period or study the whole group.",
            SmallSampleWarning,
            stacklevel=2,
        )

    strata = _stratify_all(table, factor_names, column, min_repair_orders)
    baseline = [name for name in adjust_for if name in factor_names]
    scan = scan_factors(
        table, factor_names, outcome=column, fdr=fdr, seed=seed, adjust_for=baseline
    )
    within = _scan_technicians_within(table, factor_names, baseline, column, seed)
    scan, within = adjust_families(scan, within, fdr=fdr, baseline=baseline)
    associations = confirm_drivers(table, scan, outcome=column, fdr=fdr)
    model = _fit_model(table, column) if fit_model else None
    marks, curve = _time_to_return(table, end_of_data, horizons)
    window_rates = time_to_return_table(scope, windows=horizons, settings=settings)

    study = RootCauseStudy(
        store_id=store_id,
        period=period,
        outcome=outcome,
        outcome_label=label,
        window_days=int(settings.comeback_window_days),
        fdr=fdr,
        n_repair_orders=n_total,
        n_events=n_events,
        rate=n_events / n_total,
        ci_low=float(ci_low[0]),
        ci_high=float(ci_high[0]),
        strata=strata,
        associations=associations,
        model=model,
        time_to_return=marks,
        return_curve=curve,
        window_rates=window_rates,
        pareto_causes=pareto_table(table, "comeback_cause", outcome=column)
        if outcome == "confirmed"
        else pareto_table(table.iloc[:0], "comeback_cause", outcome=column),
        pareto_system_groups=pareto_table(table, "system_group", outcome=column),
        limitations=(),
        table=table,
        within_groups=within if within is not None else pd.DataFrame(),
    )
    limitations = _limitations(study, scope, factor_names)
    return _replace(study, limitations=tuple(limitations))


def _scan_technicians_within(
    table: pd.DataFrame,
    factor_names: list[str],
    baseline: list[str],
    column: str,
    seed: int,
) -> pd.DataFrame | None:
    if "technician" not in factor_names or "system_group" not in baseline:
        return None
    return scan_within(table, "technician", "system_group", outcome=column, seed=seed)


def _replace(study: RootCauseStudy, **changes: Any) -> RootCauseStudy:
    from dataclasses import replace

    return replace(study, **changes)


def _check_period(period: str | None) -> None:
    if period is not None and not PERIOD_PATTERN.match(period):
        raise ValueError(
            f"period must be 'YYYY-MM' or 'YYYY-MM:YYYY-MM', got {period!r}."
        )


def _in_period(table: pd.DataFrame, period: str | None) -> pd.DataFrame:
    if not period:
        return table
    first, _, last = period.partition(":")
    month = pd.to_datetime(table["opened_at"]).dt.strftime("%Y-%m")
    return table[(month >= first) & (month <= (last or first))]


def _factor_names(
    factors: Sequence[str] | str | None, data: ServiceData, store_id: str | None
) -> list[str]:
    if factors is None or factors == "":
        names = list(DEFAULT_FACTORS)
        if store_id is None and len(data.store_ids) > 1:
            names.insert(0, "store")
        return names
    if isinstance(factors, str):
        factors = [name.strip() for name in factors.split(",") if name.strip()]
    for name in factors:
        get_factor(name)
    return list(dict.fromkeys(factors))


def _store_data(data: ServiceData, store_id: str) -> ServiceData:
    if store_id not in data.store_ids:
        known = data.store_ids
        raise ValueError(
            f"Store {store_id!r} has no repair orders in {data.source or 'this data'}. "
            f"Stores found: {', '.join(known[:20])}{' ...' if len(known) > 20 else ''}."
        )
    store = data.for_store(store_id)
    # Filtering keeps the original row labels; the KPI engine expects 0..n-1.
    tables = {
        name: None if table is None else table.reset_index(drop=True)
        for name, table in store.tables.items()
    }
    return ServiceData(tables, source=store.source, import_summary=store.import_summary)


def _choose_outcome(outcome: str, data: ServiceData, table: pd.DataFrame) -> str:
    if outcome != "auto":
        if outcome not in OUTCOMES:
            raise ValueError(
                f"outcome must be 'auto' or one of {list(OUTCOMES)}, got {outcome!r}."
            )
        return outcome
    orders = data.get("repair_orders")
    has_flags = any(
        column in orders and orders[column].notna().any()
        for column in ("is_comeback_flagged", "comeback_cause")
    )
    if has_flags and table["is_comeback_confirmed"].notna().any():
        return "confirmed"
    groups = table["system_group"].dropna()
    if groups.ne("maintenance").any() and table["is_comeback_candidate"].notna().any():
        return "candidate"
    return "revisit"


def _stratify_all(
    table: pd.DataFrame, factor_names: list[str], column: str, min_repair_orders: int
) -> pd.DataFrame:
    parts, sparse = [], []
    for name in factor_names:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SmallSampleWarning)
            parts.append(
                stratify(
                    table, name, outcome=column, min_repair_orders=min_repair_orders
                )
            )
        if caught:
            sparse.append(FACTORS[name].label)
    if sparse:
        warnings.warn(
            f"Some levels of {', '.join(sparse)} have fewer than {min_repair_orders} "
            "ROs; they are flagged 'too few data' and ranked last. Widen the "
            "period to rate them.",
            SmallSampleWarning,
            stacklevel=3,
        )
    return pd.concat(parts, ignore_index=True)


def _fit_model(table: pd.DataFrame, column: str) -> RiskModel | None:
    if table[column].astype("boolean").fillna(False).sum() == 0:
        return None
    return fit_risk_model(table, outcome=column)


def _time_to_return(
    table: pd.DataFrame,
    end_of_data: pd.Timestamp,
    horizons: Sequence[int],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the return curve of any revisit, with follow-up to the end of data."""
    opened = pd.to_datetime(table["opened_at"])
    follow_up = (end_of_data - opened).dt.total_seconds() / 86_400
    days = pd.to_numeric(table["days_to_next_visit"], errors="coerce")
    marks = time_to_return(days, follow_up, horizons=horizons)
    curve = return_curve(days, follow_up, max_days=int(max(horizons)))
    return marks, curve


def _limitations(
    study: RootCauseStudy, data: ServiceData, factor_names: list[str]
) -> list[str]:
    notes = []
    table = study.table
    if study.outcome == "revisit":
        notes.append(
            "The data has no comeback flag or cause code and no system group "
            "beyond maintenance, so the rate is a revisit rate: the same vehicle "
            "back for any reason. It is not a comeback or first-time-fix rate, "
            "and a factor tied to revisits may reflect service intervals rather "
            "than failed repairs."
        )
    elif study.outcome == "candidate":
        notes.append(
            "The data has no confirmed comeback flag or cause code: the rate "
            "counts candidates (same vehicle, same system group, within "
            f"{study.window_days} days), which includes new faults in the same "
            "system. No Pareto of confirmed causes is possible."
        )
    if "ro_type" in table and set(table["ro_type"].dropna()) <= {"maintenance"}:
        notes.append(
            "Only maintenance ROs are present, so nothing can be said about "
            "repairs, diagnosis or workmanship on repairs."
        )
    pay_types = set(table["pay_type"].dropna()) if "pay_type" in table else set()
    if len(pay_types) == 1:
        notes.append(
            f"Only {next(iter(pay_types))} ROs are present: warranty and internal "
            "work, where many comebacks occur, is not covered."
        )
    untested = study.associations[study.associations["test"] == "not tested"]
    for _, row in untested.iterrows():
        notes.append(f"{row['label'].capitalize()} could not be tested: {row['note']}.")
    if not data.has("appointments") and "appointment" in factor_names:
        notes.append(
            "There is no appointments table, so appointment vs walk-in "
            "cannot be compared."
        )
    notes.append(
        "Associations are not causes: a driver says where comebacks concentrate "
        "after adjusting for the other factors scanned, not why. Read the ROs "
        "behind a driver (drilldown) before acting."
    )
    return notes


def _findings(study: RootCauseStudy) -> list[str]:
    scope = f"Store {study.store_id}" if study.store_id else "All stores"
    when = study.period or "all months"
    lines = [
        f"{scope}, {when}: {study.n_events:,} of "
        f"{study.n_repair_orders:,} ROs ({_pct(study.rate)}, 95% CI "
        f"{_pct(study.ci_low)}-{_pct(study.ci_high)}) were a {study.outcome_label}."
    ]
    scan = study.associations
    tested = scan[scan["test"] != "not tested"]
    for name in study.drivers:
        row = scan.set_index("factor").loc[name]
        top = study.top_levels(name, 1).iloc[0]
        conditional = (
            f"; still p={row['p_conditional']:.2g} after adjusting for "
            f"{row['adjusted_for']}"
            if row["adjusted_for"]
            else ""
        )
        lines.append(
            f"Driver: {row['label']} ({row['test']}, p={row['p_value']:.2g}, "
            f"BH-adjusted p={row['p_adjusted']:.2g}{conditional}). Highest: "
            f"{top['level']} with {_pct(top['rate'])} (95% CI {_pct(top['ci_low'])}-"
            f"{_pct(top['ci_high'])}) of {int(top['n_repair_orders']):,} ROs."
        )
    for _, row in study.flagged_within_groups().iterrows():
        lines.append(
            f"Within {row['within']} work, the rate differs by technician "
            f"({row['test']}, p={row['p_value']:.2g}, BH-adjusted "
            f"p={row['p_adjusted']:.2g}). Most comebacks above the group's rate: "
            f"{row['top_level']} with {int(row['top_level_events'])} of "
            f"{int(row['top_level_repair_orders']):,} ROs."
        )
    passengers = scan[scan["is_associated"] & ~scan["is_driver"]]
    for _, row in passengers.iterrows():
        lines.append(
            f"{row['label'].capitalize()} is associated (BH-adjusted p="
            f"{row['p_adjusted']:.2g}) but not after adjusting for "
            f"{row['adjusted_for']} (p={row['p_conditional']:.2g}): it travels "
            "with those drivers."
        )
    quiet = tested[~tested["is_associated"]]["label"].tolist()
    if quiet:
        lines.append(
            f"No evidence at a false discovery rate of {study.fdr:g} that the rate "
            f"differs by {', '.join(quiet)}."
        )
    if not study.drivers:
        lines.append(
            f"None of the {len(tested)} factors tested is associated with the "
            "rate: the data does not point to a driver."
        )
    if study.model is not None:
        flagged = study.model.observed_expected
        flagged = flagged[flagged["flag"] == "higher"]
        for _, row in flagged.iterrows():
            lines.append(
                f"Given case mix ({', '.join(study.model.case_mix)}), {row['unit']} "
                f"{row['unit_id']} has {int(row['observed'])} against "
                f"{row['expected']:.1f} expected (O/E {row['ratio']:.2f}, 95% CI "
                f"{row['ci_low']:.2f}-{row['ci_high']:.2f})."
            )
    marks = study.time_to_return
    if len(marks):
        parts = ", ".join(
            f"{_pct(r.cumulative_incidence)} within {r.days} days"
            for r in marks.itertuples()
        )
        lines.append(
            f"Any return visit: {parts} (Kaplan-Meier). A {study.window_days}-day "
            f"window sees {_pct(_share_at(marks, study.window_days))} of the returns "
            f"seen by day {int(marks['days'].max())}."
        )
    return lines


def _share_at(marks: pd.DataFrame, days: int) -> float:
    last = marks["cumulative_incidence"].iloc[-1]
    at = np.interp(days, marks["days"], marks["cumulative_incidence"])
    return float(at / last) if last > 0 else np.nan


def _pct(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{100 * value:.1f}%"


def _float(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
