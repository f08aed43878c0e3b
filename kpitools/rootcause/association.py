"""Tests of association between a factor and coming back, scanned with BH."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import linalg, stats

from kpitools.rootcause._stats import benjamini_hochberg
from kpitools.rootcause.factors import Factor, get_factor
from kpitools.rootcause.strata import MISSING_LEVEL, level_counts

__all__ = [
    "AssociationTest",
    "TrendTest",
    "association_test",
    "cochran_armitage",
    "adjust_families",
    "confirm_drivers",
    "permutation_test",
    "scan_factors",
    "scan_within",
]

# Cochran's rule (Cochran 1954, Biometrics 10:417): the chi-square
# approximation is adequate when no expected count is below 1 and at most
# 20% are below 5.
MIN_EXPECTED = 5.0
MAX_SHARE_BELOW_MIN_EXPECTED = 0.2
N_RESAMPLES = 9_999
# Levels with fewer ROs are pooled before a conditional test, so a handful of
# ROs cannot make a logistic fit separate perfectly.
MIN_LEVEL_REPAIR_ORDERS = 20
OTHER_LEVEL = "(other)"


@dataclass(frozen=True)
class TrendTest:
    """Result of a Cochran-Armitage test for a trend in proportions."""

    statistic: float
    p_value: float
    method: str


@dataclass(frozen=True)
class AssociationTest:
    """Result of a test of association between a factor and the outcome.

    Attributes
    ----------
    test
        Name of the test used (chi-square, Fisher exact, Monte Carlo exact,
        Cochran-Armitage trend) or ``"not tested"``.
    statistic, df, p_value
        Test statistic, its degrees of freedom (NaN for exact tests) and the
        two-sided p-value (NaN when not tested).
    n_levels, n_repair_orders, n_events
        Size of the table tested.
    min_expected
        Smallest expected count under independence.
    note
        Why the test was chosen, or why nothing was tested.
    """

    test: str
    statistic: float
    df: float
    p_value: float
    n_levels: int
    n_repair_orders: int
    n_events: int
    min_expected: float
    note: str


def cochran_armitage(
    events: ArrayLike,
    totals: ArrayLike,
    scores: ArrayLike | None = None,
    *,
    n_resamples: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> TrendTest:
    """Test for a linear trend in proportions across ordered groups.

    Parameters
    ----------
    events, totals
        Events and ROs per ordered level.
    scores
        Score of each level; default ``0, 1, 2, ...`` (equally spaced).
    n_resamples
        If given, the p-value is a Monte Carlo estimate of the exact
        conditional p-value: event counts are redrawn from the multivariate
        hypergeometric distribution that the margins fix under no trend.
    rng
        Seed or generator for the Monte Carlo draws.

    Returns
    -------
    TrendTest
        ``statistic`` is the signed z; positive when the rate rises with the
        score.

    Notes
    -----
    With :math:`N = \\sum n_i`, :math:`\\bar p = \\sum r_i / N`,

    .. math:: z = \\frac{\\sum s_i (r_i - n_i \\bar p)}
              {\\sqrt{\\bar p (1 - \\bar p) [\\sum n_i s_i^2 -
              (\\sum n_i s_i)^2 / N]}}

    (Armitage 1955, Biometrics 11:375). Its square equals Agresti's
    linear-by-linear statistic :math:`M^2` times :math:`N / (N - 1)`.
    """
    events = np.asarray(events, dtype=float)
    totals = np.asarray(totals, dtype=float)
    scores = (
        np.arange(len(totals), dtype=float)
        if scores is None
        else np.asarray(scores, dtype=float)
    )
    z = _trend_z(events, totals, scores)
    if n_resamples is None:
        return TrendTest(float(z), float(2 * stats.norm.sf(abs(z))), "asymptotic")

    generator = np.random.default_rng(rng)
    draws = generator.multivariate_hypergeometric(
        totals.astype(np.int64), int(events.sum()), size=n_resamples
    )
    z_null = _trend_z(draws.astype(float), totals, scores)
    # A small tolerance keeps ties with the observed statistic counted.
    extreme = np.abs(z_null) >= abs(z) * (1 - 1e-9)
    p_value = (1 + extreme.sum()) / (n_resamples + 1)
    return TrendTest(float(z), float(p_value), "Monte Carlo exact")


def _trend_z(events: np.ndarray, totals: np.ndarray, scores: np.ndarray):
    n_total = totals.sum()
    p_bar = events.sum(axis=-1) / n_total
    weighted = events @ scores - np.asarray(p_bar) * (totals @ scores)
    variance = (
        p_bar * (1 - p_bar) * (totals @ scores**2 - (totals @ scores) ** 2 / n_total)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return weighted / np.sqrt(variance)


def association_test(
    events: ArrayLike,
    totals: ArrayLike,
    *,
    ordered: bool = False,
    n_resamples: int = N_RESAMPLES,
    rng: np.random.Generator | int | None = None,
) -> AssociationTest:
    """Test whether the event rate differs between the levels of a factor.

    Parameters
    ----------
    events, totals
        Events and ROs per level (levels with no RO are dropped).
    ordered
        The levels are ordered bands: test for a trend (Cochran-Armitage)
        when there are three or more levels.
    n_resamples
        Monte Carlo draws for exact tests of tables larger than 2 x 2.
    rng
        Seed or generator for the Monte Carlo draws.

    Returns
    -------
    AssociationTest

    Notes
    -----
    The test follows the table. Nominal factors get Pearson's chi-square test
    of independence on the levels x (came back, did not) table when Cochran's
    rule holds (no expected count below 1, at most 20% below 5); otherwise
    Fisher's exact test for 2 x 2 tables, and for larger tables its r x c
    generalisation (Freeman-Halton) with a Monte Carlo p-value, both from
    ``scipy.stats.fisher_exact``. Ordered bands get the Cochran-Armitage
    trend test, with the Monte Carlo exact p-value when Cochran's rule fails.
    """
    events = np.asarray(events, dtype=float)
    totals = np.asarray(totals, dtype=float)
    keep = totals > 0
    events, totals = events[keep], totals[keep]
    n_total, n_events = int(totals.sum()), int(events.sum())
    sizes = (len(totals), n_total, n_events)

    if len(totals) < 2:
        return _not_tested(*sizes, "fewer than two levels with ROs")
    if n_events in (0, n_total):
        return _not_tested(*sizes, "every RO has the same outcome")

    table = np.column_stack([events, totals - events])
    expected = np.outer(totals, table.sum(axis=0)) / n_total
    min_expected = float(expected.min())
    is_small = (
        min_expected < 1
        or (expected < MIN_EXPECTED).mean() > MAX_SHARE_BELOW_MIN_EXPECTED
    )
    rule = "expected counts too small for chi-square" if is_small else ""

    if ordered and len(totals) >= 3:
        trend = cochran_armitage(
            events, totals, n_resamples=n_resamples if is_small else None, rng=rng
        )
        name = "Cochran-Armitage trend"
        if is_small:
            name += " (Monte Carlo exact)"
        return AssociationTest(
            name,
            trend.statistic,
            1.0 if not is_small else np.nan,
            trend.p_value,
            *sizes,
            min_expected,
            rule or "ordered bands",
        )
    if not is_small:
        result = stats.chi2_contingency(table, correction=False)
        return AssociationTest(
            "chi-square",
            float(result.statistic),
            float(result.dof),
            float(result.pvalue),
            *sizes,
            min_expected,
            "Cochran's rule holds",
        )
    if len(totals) == 2:
        result = stats.fisher_exact(table.astype(np.int64))
        return AssociationTest(
            "Fisher exact",
            float(result.statistic),
            np.nan,
            float(result.pvalue),
            *sizes,
            min_expected,
            rule,
        )
    method = stats.MonteCarloMethod(
        n_resamples=n_resamples, rng=np.random.default_rng(rng)
    )
    result = stats.fisher_exact(table.astype(np.int64), method=method)
    return AssociationTest(
        "Fisher-Freeman-Halton (Monte Carlo exact)",
        float(result.statistic),
        np.nan,
        float(result.pvalue),
        *sizes,
        min_expected,
        rule,
    )


def permutation_test(
    levels: ArrayLike,
    events: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    order: Sequence[str] | None = None,
    n_resamples: int = N_RESAMPLES,
    rng: np.random.Generator | int | Sequence[int] | None = None,
) -> AssociationTest:
    """Test a factor against the outcome by permutation within strata.

    Parameters
    ----------
    levels
        Level of the factor for each RO (no missing values).
    events
        Whether each RO came back (boolean).
    strata
        Stratum of each RO (e.g. its system group); ``None`` for one stratum.
    order
        The levels in their natural order for an ordered factor (bands): the
        statistic is then a stratified trend. ``None`` for a nominal factor.
    n_resamples
        Number of permutations.
    rng
        Seed or generator of the permutations.

    Returns
    -------
    AssociationTest
        ``statistic`` is the stratified score statistic (nominal: the sum over
        levels of (observed - expected)^2 / variance; ordered: the trend z),
        ``df`` the number of levels minus one, for reading only.

    Notes
    -----
    Under the null hypothesis that the factor has no effect within strata,
    every assignment of a stratum's events to its ROs is equally likely. The
    events a level receives in one stratum then follow the multivariate
    hypergeometric law fixed by the stratum's level sizes and event count,
    so each permutation is drawn per stratum with
    ``numpy.random.Generator.multivariate_hypergeometric`` and summed over
    strata. The p-value is ``(b + 1) / (B + 1)``, where ``b`` of the ``B``
    permutations give a statistic at least as large as the observed one
    (Phipson and Smyth 2010, Stat. Appl. Genet. Mol. Biol. 9:39). It is
    valid for any number of events, however sparse the table, which the
    chi-square reference of a likelihood-ratio test is not. The statistic
    is that of the generalized Cochran-Mantel-Haenszel test with the
    covariance between levels left out; for an ordered factor the trend z
    leaves it out as well, so it is approximate, but the p-value is not.
    """
    levels = pd.Series(np.asarray(levels, dtype=object)).astype("string")
    outcome = np.asarray(events, dtype=bool)
    stratum = (
        pd.Series(np.zeros(len(outcome), dtype=np.int64))
        if strata is None
        else pd.Series(np.asarray(strata, dtype=object)).astype("string")
    )
    frame = pd.DataFrame(
        {"level": levels.to_numpy(), "stratum": stratum.to_numpy(), "event": outcome}
    )
    sizes = frame.pivot_table(
        index="stratum", columns="level", values="event", aggfunc="size", fill_value=0
    )
    if order is not None:
        sizes = sizes[[lv for lv in order if lv in sizes.columns]]
    hits = (
        frame[frame["event"]]
        .pivot_table(
            index="stratum",
            columns="level",
            values="event",
            aggfunc="size",
            fill_value=0,
        )
        .reindex(index=sizes.index, columns=sizes.columns, fill_value=0)
    )
    totals = sizes.to_numpy(dtype=np.int64)
    observed_by_stratum = hits.to_numpy(dtype=np.int64)
    n_total, n_events = int(totals.sum()), int(observed_by_stratum.sum())
    sizes_tuple = (totals.shape[1], n_total, n_events)
    if totals.shape[1] < 2:
        return _not_tested(*sizes_tuple, "fewer than two levels with ROs")
    if n_events in (0, n_total):
        return _not_tested(*sizes_tuple, "every RO has the same outcome")

    stratum_n = totals.sum(axis=1)
    stratum_events = observed_by_stratum.sum(axis=1)
    share = stratum_events / stratum_n
    expected = (totals * share[:, None]).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Hypergeometric variance of a level's event count in each stratum.
        per_stratum = (
            totals
            * (stratum_n[:, None] - totals)
            * (stratum_events * (stratum_n - stratum_events))[:, None]
            / (stratum_n**2 * (stratum_n - 1))[:, None]
        )
    variance = np.nan_to_num(per_stratum).sum(axis=0)
    informative = variance > 0
    if informative.sum() < 2 and order is None:
        return _not_tested(
            *sizes_tuple, "no stratum has events and ROs in two levels of the factor"
        )

    generator = np.random.default_rng(rng)
    draws = np.zeros((n_resamples, totals.shape[1]), dtype=np.int64)
    for row, drawn in zip(totals, stratum_events, strict=True):
        if 0 < drawn < row.sum():
            draws += generator.multivariate_hypergeometric(
                row, int(drawn), size=n_resamples
            )
        else:
            draws += row if drawn else 0
    observed = observed_by_stratum.sum(axis=0)

    if order is not None:
        scores = np.arange(totals.shape[1], dtype=float)
        centred = scores - (expected @ scores) / n_events
        spread = np.sqrt(variance @ centred**2)
        if not spread > 0:
            return _not_tested(*sizes_tuple, "no stratum has events in two bands")
        statistic = float((observed - expected) @ centred / spread)
        null = np.abs((draws - expected) @ centred / spread)
        name, note = "stratified permutation trend", "ordered bands"
    else:
        statistic = float(
            ((observed - expected)[informative] ** 2 / variance[informative]).sum()
        )
        null = ((draws - expected)[:, informative] ** 2 / variance[informative]).sum(
            axis=1
        )
        name, note = "stratified permutation", "levels compared within strata"
    if strata is None:
        name = name.replace("stratified ", "")
        note = "one stratum"
    # A small tolerance keeps ties with the observed statistic counted.
    extreme = null >= abs(statistic) * (1 - 1e-9)
    p_value = (1 + int(extreme.sum())) / (n_resamples + 1)
    return AssociationTest(
        name,
        statistic,
        float(totals.shape[1] - 1),
        float(p_value),
        *sizes_tuple,
        float(expected.min()),
        note,
    )


def _adjusted_test(
    table: pd.DataFrame,
    factor: Factor,
    adjust_for: list[str],
    outcome: str,
    n_resamples: int,
    rng: Sequence[int],
) -> AssociationTest:
    known = table[table[factor.column].notna()]
    levels = known[factor.column].astype("string")
    if not factor.is_ordered:
        levels = _pool_rare(levels, MIN_LEVEL_REPAIR_ORDERS)
    strata = _stratum_labels(known, adjust_for)
    result = permutation_test(
        levels,
        known[outcome].astype("boolean").fillna(False).to_numpy(dtype=bool),
        strata,
        order=factor.levels,
        n_resamples=n_resamples,
        rng=rng,
    )
    if result.test == "not tested":
        return result
    return _with_note(result, f"within levels of {', '.join(adjust_for)}")


def _stratum_labels(table: pd.DataFrame, adjust_for: list[str]) -> np.ndarray:
    parts = [
        table[get_factor(name).column].astype("string").fillna(MISSING_LEVEL)
        for name in adjust_for
    ]
    label = parts[0]
    for part in parts[1:]:
        label = label + " | " + part
    return label.to_numpy(dtype=object)


def _with_note(result: AssociationTest, note: str) -> AssociationTest:
    from dataclasses import replace

    return replace(result, note=note)


def _not_tested(n_levels: int, n_total: int, n_events: int, note: str):
    return AssociationTest(
        "not tested",
        np.nan,
        np.nan,
        np.nan,
        n_levels,
        n_total,
        n_events,
        np.nan,
        note,
    )


def scan_factors(
    table: pd.DataFrame,
    factors: Sequence[str | Factor],
    *,
    outcome: str = "is_comeback_confirmed",
    fdr: float = 0.05,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
    adjust_for: Sequence[str] = (),
) -> pd.DataFrame:
    """Test every factor for association with the outcome; control the FDR.

    Parameters
    ----------
    table
        One row per RO with the factor columns and the boolean ``outcome``.
    factors
        Factors to scan, by name or as :class:`Factor`.
    outcome
        Boolean column that marks an RO that came back.
    fdr
        False discovery rate ``q`` for the Benjamini-Hochberg procedure.
    n_resamples, seed
        Monte Carlo draws and seed for exact tests of large sparse tables.
    adjust_for
        Baseline factors (e.g. ``("system_group",)``: engine jobs come back
        more often than oil changes everywhere). They are tested on their
        own, as a family of their own; every other factor is tested within
        their levels by a stratified permutation test
        (:func:`permutation_test`), so a factor is not flagged only because
        it goes with riskier work. Nominal levels with fewer than 20 ROs are
        pooled into ``"(other)"`` first.

    Returns
    -------
    pandas.DataFrame
        One row per factor: ``factor, label, test, statistic, df, p_value,
        p_adjusted, is_associated, n_levels, n_repair_orders, n_missing,
        n_events, min_expected, note``, sorted by ``p_value``.

    Notes
    -----
    ROs with a missing level are left out of a factor's test (``n_missing``
    counts them). Factors that cannot be tested (one level, no events) keep a
    NaN p-value and do not count in the Benjamini-Hochberg family
    (Benjamini and Hochberg 1995, JRSS B 57:289). The baseline factors form
    a family apart (see :func:`adjust_families`), because they differ by
    nature of the work: in one family with the other factors, their
    rejection would loosen the thresholds of the rest.
    """
    rows = []
    for position, item in enumerate(factors):
        factor = get_factor(item) if isinstance(item, str) else item
        counts = level_counts(table, factor, outcome)
        n_missing = int(counts["n_repair_orders"].get(MISSING_LEVEL, 0))
        counts = counts.drop(index=MISSING_LEVEL, errors="ignore")
        if adjust_for and factor.name not in adjust_for:
            result = _adjusted_test(
                table, factor, list(adjust_for), outcome, n_resamples, [seed, position]
            )
            rows.append(
                {
                    "factor": factor.name,
                    "label": factor.label,
                    **vars(result),
                    "n_missing": n_missing,
                }
            )
            continue
        result = association_test(
            counts["n_events"].to_numpy(),
            counts["n_repair_orders"].to_numpy(),
            ordered=factor.is_ordered,
            n_resamples=n_resamples,
            rng=seed + position,
        )
        rows.append(
            {
                "factor": factor.name,
                "label": factor.label,
                **vars(result),
                "n_missing": n_missing,
            }
        )
    scan = pd.DataFrame(rows)
    scan, _ = adjust_families(scan, None, fdr=fdr, baseline=adjust_for)
    columns = [
        "factor",
        "label",
        "test",
        "statistic",
        "df",
        "p_value",
        "p_adjusted",
        "is_associated",
        "n_levels",
        "n_repair_orders",
        "n_missing",
        "n_events",
        "min_expected",
        "note",
    ]
    return scan[columns].sort_values("p_value", kind="stable", ignore_index=True)


def scan_within(
    table: pd.DataFrame,
    factor: str = "technician",
    by: str = "system_group",
    *,
    outcome: str = "is_comeback_confirmed",
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
) -> pd.DataFrame:
    """Test ``factor`` within each level of ``by``, one test per level.

    A technician who fails on one system group only is diluted in the
    technician test over all work; this scan targets "one technician on one
    system group" directly.

    Parameters
    ----------
    table
        One row per RO with the factor columns and the boolean ``outcome``.
    factor, by
        Factor names: ``factor`` is compared within each level of ``by``.
    outcome
        Boolean column that marks an RO that came back.
    n_resamples, seed
        Permutations and seed of :func:`permutation_test`.

    Returns
    -------
    pandas.DataFrame
        One row per level of ``by``: ``factor, by, within, label, test,
        statistic, df, p_value, n_levels, n_repair_orders, n_events,
        top_level, top_level_repair_orders, top_level_events, note``, in the
        order of the levels. ``top_level`` is the level of ``factor`` with
        the most events above those expected at the group's rate. The
        p-values are not adjusted here (see :func:`adjust_families`).

    Notes
    -----
    Levels of ``factor`` with fewer than 20 ROs within a level of ``by`` are
    pooled into ``"(other)"``. Each test is a one-stratum permutation test
    (:func:`permutation_test`) with its own seed.
    """
    inner, outer = get_factor(factor), get_factor(by)
    known = table[table[inner.column].notna() & table[outer.column].notna()]
    groups = known[outer.column].astype("string")
    events = known[outcome].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rows = []
    for position, group in enumerate(sorted(groups.unique())):
        in_group = (groups == group).to_numpy()
        levels = _pool_rare(known.loc[in_group, inner.column], MIN_LEVEL_REPAIR_ORDERS)
        result = permutation_test(
            levels,
            events[in_group],
            n_resamples=n_resamples,
            rng=[seed, 1_000 + position],
        )
        counts = (
            pd.DataFrame({"level": levels.to_numpy(), "event": events[in_group]})
            .groupby("level")["event"]
            .agg(["size", "sum"])
        )
        rate = counts["sum"].sum() / counts["size"].sum()
        excess = counts["sum"] - counts["size"] * rate
        top = excess.idxmax()
        rows.append(
            {
                "factor": inner.name,
                "by": outer.name,
                "within": str(group),
                "label": f"{inner.label} within {outer.label} {group}",
                **vars(result),
                "top_level": str(top),
                "top_level_repair_orders": int(counts.loc[top, "size"]),
                "top_level_events": int(counts.loc[top, "sum"]),
            }
        )
    columns = [
        "factor",
        "by",
        "within",
        "label",
        "test",
        "statistic",
        "df",
        "p_value",
        "n_levels",
        "n_repair_orders",
        "n_events",
        "top_level",
        "top_level_repair_orders",
        "top_level_events",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


def adjust_families(
    scan: pd.DataFrame,
    within: pd.DataFrame | None = None,
    *,
    fdr: float = 0.05,
    baseline: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Add Benjamini-Hochberg adjusted p-values and flags to the scans.

    Two families are adjusted apart at ``q = fdr``: the baseline factors,
    and every other test (the factors of ``scan`` that are not baseline and
    every row of ``within``, see :func:`scan_within`).

    Parameters
    ----------
    scan
        One row per factor with ``factor`` and ``p_value``.
    within
        Tests of a factor within the levels of another, or ``None``.
    fdr
        False discovery rate ``q``.
    baseline
        Factors known to differ by nature of the work (system group).

    Returns
    -------
    tuple of pandas.DataFrame
        ``scan`` and ``within`` with the columns ``p_adjusted`` and
        ``is_associated`` set (``within`` stays ``None`` when not given).

    Notes
    -----
    Under the null hypothesis that no factor of a family matters, BH at
    ``q`` flags any of them with probability at most ``q`` when the tests are
    independent or positively dependent (Benjamini and Yekutieli 2001, Ann.
    Statist. 29:1165). The tests of one study share the same ROs and
    comebacks, and positive dependence between them is not proven, so
    ``benchmarks/bench_rootcause_null.py`` checks that share by simulation.
    A baseline factor in the same family would be flagged in nearly every
    store and would loosen the thresholds of the others.
    """
    scan = scan.copy()
    is_baseline = scan["factor"].isin(list(baseline)).to_numpy()
    scan["p_adjusted"] = np.nan
    if is_baseline.any():
        scan.loc[is_baseline, "p_adjusted"] = benjamini_hochberg(
            scan.loc[is_baseline, "p_value"].to_numpy()
        )
    p_values = scan.loc[~is_baseline, "p_value"].to_numpy()
    if within is not None:
        within = within.copy()
        p_values = np.concatenate([p_values, within["p_value"].to_numpy()])
    adjusted = benjamini_hochberg(p_values) if len(p_values) else p_values
    n_scan = int((~is_baseline).sum())
    scan.loc[~is_baseline, "p_adjusted"] = adjusted[:n_scan]
    scan["is_associated"] = scan["p_adjusted"].le(fdr)
    if within is not None:
        within["p_adjusted"] = adjusted[n_scan:]
        within["is_associated"] = within["p_adjusted"].le(fdr)
    return scan, within


def confirm_drivers(
    table: pd.DataFrame,
    scan: pd.DataFrame,
    *,
    outcome: str = "is_comeback_confirmed",
    fdr: float = 0.05,
    min_level_repair_orders: int = MIN_LEVEL_REPAIR_ORDERS,
) -> pd.DataFrame:
    """Keep the associated factors that still matter given the others.

    A factor can be associated only because it travels with another one: an
    op code with its system group, a workload band with a technician. Forward
    selection sorts this out. The associated factor with the smallest
    p-value is the first driver; then every remaining associated factor is
    tested again, adjusted for the drivers chosen so far, by a
    likelihood-ratio test between two binomial logistic models (with and
    without the factor). The conditional p-values are adjusted with
    Benjamini-Hochberg at ``fdr``; the smallest that passes becomes the next
    driver. Selection stops when none passes.

    Parameters
    ----------
    table
        One row per RO with the factor columns and the boolean ``outcome``.
    scan
        Output of :func:`scan_factors` on the same table.
    outcome, fdr
        As in :func:`scan_factors`.
    min_level_repair_orders
        Levels with fewer ROs are pooled into ``"(other)"`` for the models.

    Returns
    -------
    pandas.DataFrame
        ``scan`` with the columns ``p_conditional`` (last conditional p-value,
        or the marginal one for the first driver), ``adjusted_for`` (drivers
        it was adjusted for) and ``is_driver``.

    Notes
    -----
    A driver set is never larger than the associated set, so the chance of
    flagging any factor when none matters is that of :func:`scan_factors`.
    The models are fitted on counts grouped by the factor levels, so their
    cost does not grow with the number of ROs.
    """
    result = scan.assign(p_conditional=np.nan, adjusted_for="", is_driver=False)
    result = result.set_index("factor")
    remaining = result.index[result["is_associated"]].tolist()
    if not remaining:
        return result.reset_index()

    first = result.loc[remaining, "p_value"].idxmin()
    result.loc[first, ["p_conditional", "is_driver"]] = [
        result.loc[first, "p_value"],
        True,
    ]
    drivers = [first]
    remaining.remove(first)
    while remaining:
        p_values = np.array(
            [
                _conditional_p(table, name, drivers, outcome, min_level_repair_orders)
                for name in remaining
            ]
        )
        result.loc[remaining, "p_conditional"] = p_values
        result.loc[remaining, "adjusted_for"] = ", ".join(drivers)
        adjusted = benjamini_hochberg(p_values)
        if not np.nanmin(adjusted, initial=np.inf) <= fdr:
            break
        best = remaining[int(np.nanargmin(adjusted))]
        result.loc[best, "is_driver"] = True
        drivers.append(best)
        remaining.remove(best)
    return result.reset_index()


def _conditional_p(
    table: pd.DataFrame,
    candidate: str,
    drivers: list[str],
    outcome: str,
    min_level_repair_orders: int,
) -> float:
    known = table[get_factor(candidate).column].notna()
    return _likelihood_ratio(
        table[known], candidate, drivers, outcome, min_level_repair_orders
    )[2]


def _likelihood_ratio(
    table: pd.DataFrame,
    candidate: str,
    drivers: list[str],
    outcome: str,
    min_level_repair_orders: int,
) -> tuple[float, float, float]:
    columns = [get_factor(name).column for name in [*drivers, candidate]]
    levels = pd.DataFrame(
        {
            column: _pool_rare(table[column], min_level_repair_orders)
            for column in columns
        }
    )
    events = table[outcome].astype("boolean").fillna(False).astype(int)
    grouped = (
        events.groupby([levels[c] for c in columns], observed=True)
        .agg(["sum", "size"])
        .reset_index()
    )
    endog = np.column_stack([grouped["sum"], grouped["size"] - grouped["sum"]])
    reduced = _design(grouped, columns[:-1])
    full = _design(grouped, columns)
    df = np.linalg.matrix_rank(full) - np.linalg.matrix_rank(reduced)
    if df < 1:
        return np.nan, np.nan, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        llf_full = sm.GLM(endog, full, family=sm.families.Binomial()).fit().llf
        llf_reduced = sm.GLM(endog, reduced, family=sm.families.Binomial()).fit().llf
    statistic = max(2 * (llf_full - llf_reduced), 0.0)
    return float(statistic), float(df), float(stats.chi2.sf(statistic, df))


def _pool_rare(values: pd.Series, min_repair_orders: int) -> pd.Series:
    text = values.astype("string").fillna(MISSING_LEVEL)
    sizes = text.map(text.value_counts())
    return text.where(sizes >= min_repair_orders, OTHER_LEVEL)


def _design(grouped: pd.DataFrame, columns: list[str]) -> np.ndarray:
    dummies = pd.get_dummies(grouped[columns], drop_first=True, dtype=float)
    design = sm.add_constant(dummies.to_numpy(), has_constant="add")
    return design[:, independent_columns(design)]


def independent_columns(design: np.ndarray) -> np.ndarray:
    """Return the indices of a maximal set of linearly independent columns.

    Aliased terms (a maintenance RO type is always a maintenance system
    group) make IRLS diverge, so they are dropped, keeping earlier columns.
    """
    if design.shape[1] == 0:
        return np.arange(0)
    _, r, pivots = linalg.qr(design, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int((diagonal > diagonal.max() * max(design.shape) * 1e-12).sum())
    return np.sort(pivots[:rank])
