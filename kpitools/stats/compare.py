"""Comparisons of KPI values with benchmarks, and the store scorecard."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from kpitools.exceptions import KpiNotFoundError, SmallSampleWarning
from kpitools.stats.intervals import proportion_interval
from kpitools.stats.multiple import adjust_pvalues
from kpitools.stats.results import ALPHA, Comparison, decide_flag
from kpitools.stats.tests import (
    binomial_test,
    nps_test,
    one_sample_t_test,
    welch_t_test,
)

__all__ = [
    "MIN_EXPECTED_EVENTS",
    "MIN_SAMPLE_SIZE",
    "SCORECARD_COLUMNS",
    "compare_mean",
    "compare_nps",
    "compare_rate",
    "scorecard",
]

#: Fewer observations than this make a comparison "too few data". Below about
#: 30 the normal approximations behind the t and NPS z tests are unreliable
#: for skewed satisfaction scores, and an interval is too wide to act on.
MIN_SAMPLE_SIZE = 30
#: Fewer expected events (or non-events) than this under the benchmark,
#: ``n min(p0, 1 - p0) < 5``, also make a rate "too few data": the test then
#: has almost no power, so "no evidence" would mislead. Five is the usual
#: minimum expected count for normal and chi-square approximations.
MIN_EXPECTED_EVENTS = 5

SCORECARD_COLUMNS = [
    "kpi",
    "label",
    "value",
    "n",
    "ci_low",
    "ci_high",
    "benchmark",
    "benchmark_source",
    "p_value",
    "p_adjusted",
    "flag",
    "is_small_sample",
    "available",
    "reason",
    "format",
]

PEER_SOURCE = "peer network (all stores pooled)"
#: Reason of a KPI flagged "no benchmark".
NO_BENCHMARK_REASON = (
    "no benchmark: no published value to test against applies to this store, "
    "and the data hold no other store to compare with"
)


def _joined(*texts: str) -> str:
    return "; ".join(text for text in texts if text)


def _warn_small(kpi: str, n: float, rule: str, stacklevel: int) -> None:
    warnings.warn(
        f"{kpi or 'comparison'}: {rule} (n = {n:g}), so the comparison is flagged "
        "'too few data'. Widen the period or pool advisors before ranking.",
        SmallSampleWarning,
        stacklevel=stacklevel + 1,
    )


def compare_rate(
    successes: float,
    n: float,
    benchmark: float,
    direction: str = "up",
    *,
    kpi: str = "",
    benchmark_source: str = "",
    band: tuple[float, float] | None = None,
    interval_method: str = "wilson",
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    min_sample_size: int = MIN_SAMPLE_SIZE,
    min_expected_events: float = MIN_EXPECTED_EVENTS,
) -> Comparison:
    """Compare a rate (events per RO, per survey ...) with a benchmark rate.

    Exact binomial test of ``p = benchmark`` (two-sided "minlike" p-value as
    R ``binom.test``), interval by ``interval_method`` (Wilson by default).

    Parameters
    ----------
    successes, n : float
        Numerator and denominator counts. ``n = 0`` gives a NaN estimate and
        the reason "no observations".
    benchmark : float
        Benchmark rate in [0, 1]; NaN means none (flag "no benchmark").
    direction : {"up", "down", "band"}
        The KPI's direction.
    kpi, benchmark_source : str
        Carried into the result.
    band : tuple of float, optional
        Target range for ``direction="band"``.
    interval_method : str
        See :func:`kpitools.stats.proportion_interval`.
    alternative : {"two-sided", "greater", "less"}
        Alternative of the test; a one-sided alternative in the KPI's better
        direction comes from :func:`kpitools.stats.direction_alternative`.
    confidence_level : float
    min_sample_size, min_expected_events : float
        Small-sample rule (see the module constants).

    Returns
    -------
    Comparison

    Warns
    -----
    SmallSampleWarning
        ``n < min_sample_size`` or ``n min(p0, 1-p0) < min_expected_events``.

    Notes
    -----
    Exact binomial test computed with ``scipy.stats.binomtest`` (see
    :func:`kpitools.stats.binomial_test`); score interval of Wilson (1927),
    J Am Stat Assoc 22:209-212, by default.
    """
    is_small, rule = _rate_is_small(n, benchmark, min_sample_size, min_expected_events)
    if is_small:
        _warn_small(kpi, n, rule, stacklevel=2)
    reason = "no observations (zero denominator)" if n == 0 else ""
    estimate = successes / n if n > 0 else math.nan

    p_value = math.nan
    if n > 0 and not math.isnan(benchmark):
        p_value = binomial_test(
            int(round(successes)), int(round(n)), benchmark, alternative
        ).p_value
    elif math.isnan(benchmark):
        reason = reason or "no benchmark"

    def interval(level: float) -> tuple[float, float]:
        return proportion_interval(successes, n, interval_method, level)

    ci_low, ci_high = interval(confidence_level)
    flag = decide_flag(
        estimate,
        benchmark,
        direction,
        p_value=p_value,
        ci_low=ci_low,
        ci_high=ci_high,
        band=band,
        is_small_sample=is_small,
    )
    return Comparison(
        kpi=kpi,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        benchmark=benchmark,
        benchmark_source=benchmark_source,
        p_value=p_value,
        p_adjusted=math.nan,
        n=float(n),
        flag=flag,
        is_small_sample=is_small,
        method=f"exact binomial test, {interval_method} interval",
        direction=direction,
        confidence_level=confidence_level,
        reason=reason,
        band=band,
        interval_function=interval,
    )


def _rate_is_small(
    n: float, benchmark: float, min_sample_size: float, min_expected: float
) -> tuple[bool, str]:
    if n < min_sample_size:
        return True, f"fewer than {min_sample_size} observations"
    # A benchmark of 0% or 100% is a target that one event refutes, so the
    # expected-events rule applies only strictly inside (0, 1).
    if not math.isnan(benchmark) and 0 < benchmark < 1:
        expected = n * min(benchmark, 1 - benchmark)
        if expected < min_expected:
            return True, (
                f"fewer than {min_expected:g} expected events under the "
                f"benchmark ({expected:.1f})"
            )
    return False, ""


def compare_mean(
    mean: float,
    std: float,
    n: float,
    benchmark: float,
    direction: str = "up",
    *,
    kpi: str = "",
    benchmark_source: str = "",
    band: tuple[float, float] | None = None,
    peer: tuple[float, float, float] | None = None,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    min_sample_size: int = MIN_SAMPLE_SIZE,
) -> Comparison:
    """Compare a mean score with a benchmark (one-sample t) or peers (Welch t).

    Parameters
    ----------
    mean, std, n : float
        Summary statistics of the unit (as in the KPI table).
    benchmark : float
        Published mean, or the peer mean.
    direction : {"up", "down", "band"}
    kpi, benchmark_source : str
    band : tuple of float, optional
    peer : tuple of float, optional
        ``(mean, std, n)`` of the peer group: the test becomes Welch's t test
        of the unit against the peers, which allows for the peers' own
        sampling error. Without it the benchmark is a fixed value.
    alternative : {"two-sided", "greater", "less"}
    confidence_level : float
    min_sample_size : int

    Returns
    -------
    Comparison
        The interval is the t interval of the unit's mean.

    Warns
    -----
    SmallSampleWarning
        ``n < min_sample_size``.

    Notes
    -----
    One-sample t test against a fixed benchmark, or Welch's
    unequal-variance t test against the peers; see
    :func:`kpitools.stats.one_sample_t_test` and
    :func:`kpitools.stats.welch_t_test`, which the tests check against R
    ``t.test`` output.
    """
    is_small = n < min_sample_size
    if is_small:
        _warn_small(kpi, n, f"fewer than {min_sample_size} answers", stacklevel=2)

    def interval(level: float) -> tuple[float, float]:
        result = one_sample_t_test(mean, std, n, mean, confidence_level=level)
        return result.ci_low, result.ci_high

    if peer is not None:
        test = welch_t_test(mean, std, n, *peer, alternative=alternative)
    else:
        test = one_sample_t_test(mean, std, n, benchmark, alternative=alternative)
    p_value = test.p_value if not math.isnan(benchmark) else math.nan
    reason = "no observations (zero denominator)" if n == 0 else test.reason
    if math.isnan(benchmark):
        reason = reason or "no benchmark"

    ci_low, ci_high = interval(confidence_level)
    estimate = mean if n > 0 else math.nan
    flag = decide_flag(
        estimate,
        benchmark,
        direction,
        p_value=p_value,
        ci_low=ci_low,
        ci_high=ci_high,
        band=band,
        is_small_sample=is_small,
    )
    return Comparison(
        kpi=kpi,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        benchmark=benchmark,
        benchmark_source=benchmark_source,
        p_value=p_value,
        p_adjusted=math.nan,
        n=float(n),
        flag=flag,
        is_small_sample=is_small,
        method=test.method,
        direction=direction,
        confidence_level=confidence_level,
        reason=reason,
        band=band,
        interval_function=interval,
    )


def compare_nps(
    promoters: float,
    detractors: float,
    n: float,
    benchmark: float,
    direction: str = "up",
    *,
    kpi: str = "nps",
    benchmark_source: str = "",
    scale: float = 100.0,
    alternative: str = "two-sided",
    confidence_level: float = 0.95,
    min_sample_size: int = MIN_SAMPLE_SIZE,
) -> Comparison:
    """Compare a net promoter score with a benchmark by its standard error.

    Parameters
    ----------
    promoters, detractors, n : float
        Counts of promoters (9-10), detractors (0-6) and all answers.
    benchmark : float
        Benchmark NPS on the same scale as ``scale`` (45 points when
        ``scale = 100``).
    direction : {"up", "down", "band"}
    kpi, benchmark_source : str
    scale : float
        100 for points from -100 to 100 (as the KPI table reports), 1 for
        shares.
    alternative : {"two-sided", "greater", "less"}
    confidence_level : float
    min_sample_size : int

    Returns
    -------
    Comparison
        Estimate and interval on ``scale``.

    Warns
    -----
    SmallSampleWarning
        ``n < min_sample_size``.

    Notes
    -----
    z test with ``SE = sqrt(((P + D) - (P - D)^2)/n)``, see
    :func:`kpitools.stats.nps_test`.
    """
    is_small = n < min_sample_size
    if is_small:
        _warn_small(kpi, n, f"fewer than {min_sample_size} answers", stacklevel=2)

    def interval(level: float) -> tuple[float, float]:
        result = nps_test(promoters, detractors, n, 0.0, confidence_level=level)
        return result.ci_low * scale, result.ci_high * scale

    share_benchmark = benchmark / scale
    test = nps_test(
        int(promoters), int(detractors), int(n), share_benchmark, alternative
    )
    p_value = test.p_value if not math.isnan(benchmark) else math.nan
    reason = "no observations (zero denominator)" if n == 0 else test.reason
    if math.isnan(benchmark):
        reason = reason or "no benchmark"
    estimate = (promoters - detractors) / n * scale if n > 0 else math.nan
    ci_low, ci_high = interval(confidence_level)
    flag = decide_flag(
        estimate, benchmark, direction, p_value=p_value, is_small_sample=is_small
    )
    return Comparison(
        kpi=kpi,
        estimate=estimate,
        ci_low=ci_low,
        ci_high=ci_high,
        benchmark=benchmark,
        benchmark_source=benchmark_source,
        p_value=p_value,
        p_adjusted=math.nan,
        n=float(n),
        flag=flag,
        is_small_sample=is_small,
        method=test.method,
        direction=direction,
        confidence_level=confidence_level,
        reason=reason,
        interval_function=interval,
    )


# ---------------------------------------------------------------- scorecard


def _definition(kpi: str) -> Any:
    from kpitools.kpis import get_kpi

    try:
        return get_kpi(kpi)
    except KpiNotFoundError:
        return None


def _peer_row(peers: pd.DataFrame) -> dict[str, float]:
    # Pool all stores: sums for ratios and NPS, the pooled mean and standard
    # deviation (within plus between stores) for means.
    numerator = float(peers["numerator"].sum())
    denominator = float(peers["denominator"].sum())
    n = float(peers["n"].sum())
    row = {
        "numerator": numerator,
        "denominator": denominator,
        "n": n,
        "value": numerator / denominator if denominator > 0 else math.nan,
    }
    if "std" in peers and n > 1:
        means = peers["value"].to_numpy(dtype=float)
        counts = peers["n"].to_numpy(dtype=float)
        stds = np.nan_to_num(peers["std"].to_numpy(dtype=float))
        within = np.nansum((counts - 1) * stds**2)
        between = np.nansum(counts * (means - row["value"]) ** 2)
        row["std"] = math.sqrt((within + between) / (n - 1))
    if "promoters" in peers:
        row["promoters"] = float(peers["promoters"].sum())
        row["detractors"] = float(peers["detractors"].sum())
    return row


def _published_benchmark(
    benchmarks: pd.DataFrame | None, kpi: str, selection: dict[str, Any]
) -> Any:
    if benchmarks is None or len(benchmarks) == 0:
        return None
    from kpitools.benchmarks import select_benchmark

    return select_benchmark(benchmarks, kpi, **selection)


def _on_kpi_scale(value: float | None, definition: Any) -> float:
    # Benchmark files give percentages as 85 or 0.85, and the KPI table
    # contains shares, so a percent benchmark above 1 is divided by 100.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    value = float(value)
    if definition is not None and definition.format == "percent" and abs(value) > 1:
        return value / 100
    return value


def _untestable_reference(published: Any, definition: Any) -> str:
    """Say why a benchmark row is shown but not tested, or return "".

    A ``context`` row comes from another instrument (J.D. Power's CSI index
    is a proprietary 1,000-point index; ours is the mean of the factor
    scores x 100), so a test would compare two different scales. A
    ``standard`` row, or any proportion target of exactly 0 or 1, is a rule
    every RO must meet: the exact binomial test of ``p = 1`` gives p = 0
    after a single miss, whatever the sample, so it measures nothing. The
    store is then compared with the peer network and the value is quoted
    in the reason.
    """
    if published is None:
        return ""
    value = _on_kpi_scale(published.value, definition)
    is_proportion = (
        definition is not None
        and definition.aggregation == "ratio"
        and definition.is_proportion
    )
    text = f"{published.source}: {published.value:g}"
    if published.kind == "context":
        return (
            f"shown for context only, not comparable and not tested ({text}, a "
            "different instrument)"
        )
    if published.kind == "standard" or (is_proportion and value in (0.0, 1.0)):
        percent = f"{value:.0%}" if is_proportion else f"{published.value:g}"
        return (
            f"standard of {percent} shown for context, not tested ({text}): a "
            "binomial test against a 0 % or 100 % target is refuted by a single "
            "RO, so the store is compared with its peers"
        )
    return ""


def _not_tested_reason(definition: Any, row: pd.Series) -> str:
    if definition is None:
        return "not tested: KPI not in the registry"
    if definition.aggregation in ("median", "quantile"):
        return "not tested: no test for a median or quantile from a KPI table"
    if definition.aggregation == "ratio" and not definition.is_proportion:
        return (
            "not tested: not a share of units (a ratio of amounts, or a count "
            "per unit), so no binomial or t test applies"
        )
    if definition.aggregation in ("mean", "index") and not row.get("std", 0) > 0:
        return "not tested: no standard deviation in the KPI table"
    return ""


def _compare_row(
    row: pd.Series,
    definition: Any,
    benchmark: float,
    source: str,
    band: tuple[float, float] | None,
    peer: dict[str, float] | None,
) -> Comparison:
    direction = definition.direction
    kpi = definition.name
    if definition.aggregation == "ratio":
        return compare_rate(
            row["numerator"],
            row["denominator"],
            benchmark,
            direction,
            kpi=kpi,
            benchmark_source=source,
            band=band,
        )
    if definition.aggregation == "nps":
        return compare_nps(
            row["promoters"],
            row["detractors"],
            row["denominator"],
            benchmark,
            direction,
            kpi=kpi,
            benchmark_source=source,
        )
    peer_summary = None
    if peer is not None and "std" in peer:
        peer_summary = (peer["value"], peer["std"], peer["n"])
    return compare_mean(
        row["value"],
        row["std"],
        row["n"],
        benchmark,
        direction,
        kpi=kpi,
        benchmark_source=source,
        band=band,
        peer=peer_summary,
    )


def scorecard(
    kpi_table: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    *,
    store_id: str,
    peer_table: pd.DataFrame | None = None,
    language: str = "en",
    region: str | None = None,
    brand: str | None = None,
    country: str | None = None,
    year: int | None = None,
    adjust_method: str = "fdr_bh",
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Compare every KPI of one store with its benchmark, one row per KPI.

    The test follows the KPI's aggregation. A rate of counts (``ratio`` with
    ``is_proportion``) gets the exact binomial test and a Wilson interval. A
    ``mean`` or ``index`` gets the one-sample t test against a published
    value, or Welch's t test against the peers, from ``n``, ``value`` and
    ``std``. ``nps`` gets the z test on its standard error. Ratios of
    amounts (effective labour rate, parts-to-labour ratio ...), medians and
    quantiles are not tested: flag "no evidence" and a reason starting "not
    tested". A KPI with nothing to compare with (no published value applies
    and the data hold no other store, or a KPI such as cycle time without a
    published value) is flagged "no benchmark"; a KPI that could not be
    computed (``available`` False) is flagged "not available"; "too few data"
    is kept for small samples. A ``band`` KPI is flagged "worse" only when
    its interval lies outside the benchmark's ``[low, high]``. p-values of the card are
    adjusted together (Benjamini-Hochberg by default) and flags use the
    adjusted values.

    Parameters
    ----------
    kpi_table : pandas.DataFrame
        Output of :func:`kpitools.kpis.compute_kpis` with ``by`` containing
        ``store_id`` and one row per store and KPI.
    benchmarks : pandas.DataFrame or None
        Output of :func:`kpitools.benchmarks.load_benchmarks`. A KPI with no
        published value is compared with the peer network.
    store_id : str
        Store to report.
    peer_table : pandas.DataFrame, optional
        KPI table of the peer stores (same columns); default ``kpi_table``.
        The peer value pools all its stores, the reported store included.
    language : {"en", "zh"}
        Language of the labels.
    region, brand, country, year : optional
        Passed to :func:`kpitools.benchmarks.select_benchmark`.
    adjust_method : str
        See :func:`kpitools.stats.adjust_pvalues`.
    alpha : float
        Significance level of the flags.

    Returns
    -------
    pandas.DataFrame
        Columns ``SCORECARD_COLUMNS``.

    Raises
    ------
    ValueError
        If ``kpi_table`` has no ``store_id`` column, ``store_id`` is not in
        it, or it has several rows per KPI for the store.

    Warns
    -----
    SmallSampleWarning
        Once, naming every KPI flagged "too few data" for its sample size.

    Notes
    -----
    The p-values of one card are adjusted together with
    :func:`kpitools.stats.adjust_pvalues` (Benjamini-Hochberg false
    discovery rate by default, Benjamini and Hochberg 1995).
    """
    if "store_id" not in kpi_table.columns:
        raise ValueError(
            "kpi_table has no store_id column (found: "
            f"{', '.join(map(str, kpi_table.columns))}); compute it with "
            "compute_kpis(data, by=('store_id',))."
        )
    store_rows = kpi_table[kpi_table["store_id"].astype(str) == str(store_id)]
    if store_rows.empty:
        stores = ", ".join(sorted(map(str, kpi_table["store_id"].unique()))[:10])
        raise ValueError(
            f"store_id {store_id!r} is not in the KPI table (stores: {stores})."
        )
    if store_rows["kpi"].duplicated().any():
        raise ValueError(
            f"kpi_table has several rows per KPI for store {store_id!r}; compute "
            "it with by=('store_id',) for one period, or filter it first."
        )
    peers = kpi_table if peer_table is None else peer_table
    selection = {"region": region, "brand": brand, "country": country, "year": year}

    records, comparisons, small = [], [], []
    for _, row in store_rows.iterrows():
        record, comparison = _scorecard_row(row, peers, benchmarks, selection, language)
        records.append(record)
        comparisons.append(comparison)
        if record["is_small_sample"]:
            small.append(f"{record['kpi']} (n = {record['n']:g})")

    p_adjusted = adjust_pvalues(
        [c.p_value if c is not None else math.nan for c in comparisons], adjust_method
    )
    for record, comparison, adjusted in zip(
        records, comparisons, p_adjusted, strict=True
    ):
        if comparison is None:
            continue
        comparison = comparison.with_adjusted_p_value(float(adjusted), alpha)
        record.update(p_adjusted=comparison.p_adjusted, flag=comparison.flag)
    if small:
        warnings.warn(
            f"Store {store_id}: {len(small)} KPIs have too few data for a "
            f"comparison: {', '.join(small)}. They are flagged 'too few data'; "
            "widen the period before drawing conclusions.",
            SmallSampleWarning,
            stacklevel=2,
        )
    return pd.DataFrame.from_records(records, columns=SCORECARD_COLUMNS)


def _scorecard_row(
    row: pd.Series,
    peers: pd.DataFrame,
    benchmarks: pd.DataFrame | None,
    selection: dict[str, Any],
    language: str,
) -> tuple[dict[str, Any], Comparison | None]:
    kpi = str(row["kpi"])
    definition = _definition(kpi)
    available = bool(row.get("available", True))
    record: dict[str, Any] = {
        "kpi": kpi,
        "label": definition.label(language) if definition is not None else kpi,
        "value": row.get("value", math.nan),
        "n": float(row.get("n", math.nan)),
        "ci_low": math.nan,
        "ci_high": math.nan,
        "benchmark": math.nan,
        "benchmark_source": "",
        "p_value": math.nan,
        "p_adjusted": math.nan,
        "flag": "not available",
        "is_small_sample": False,
        "available": available,
        "reason": str(row.get("reason", "") or ""),
        "format": definition.format if definition is not None else "",
    }
    if not available:
        return record, None

    published = _published_benchmark(benchmarks, kpi, selection)
    reference = _untestable_reference(published, definition)
    if reference:
        record["reason"] = _joined(record["reason"], reference)
        published = None
    peer = None
    peer_rows = peers[(peers["kpi"] == kpi) & peers.get("available", True)]
    if published is not None:
        benchmark = _on_kpi_scale(published.value, definition)
        source = str(published.source)
        low = _on_kpi_scale(published.low, definition)
        high = _on_kpi_scale(published.high, definition)
        band = (low, high) if not (math.isnan(low) or math.isnan(high)) else None
    elif peer_rows["store_id"].nunique() > 1:
        peer = _peer_row(peer_rows)
        benchmark = peer["value"]
        if definition is not None and definition.aggregation == "nps":
            benchmark *= 100
        source, band = PEER_SOURCE, None
    else:
        benchmark, source, band = math.nan, "", None
    record.update(benchmark=benchmark, benchmark_source=source)

    not_tested = _not_tested_reason(definition, row)
    if math.isnan(benchmark):
        # Nothing to compare with: give the interval of a testable KPI, but
        # no test; a small sample stays "too few data".
        flag = "no benchmark"
        if not not_tested:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SmallSampleWarning)
                no_band = (math.nan, math.nan)
                band = no_band if definition.direction == "band" else None
                comparison = _compare_row(row, definition, benchmark, "", band, None)
            record.update(
                ci_low=comparison.ci_low,
                ci_high=comparison.ci_high,
                is_small_sample=comparison.is_small_sample,
            )
            flag = comparison.flag
        reason = _joined(record["reason"], NO_BENCHMARK_REASON, not_tested)
        record.update(flag=flag, reason=reason)
        return record, None
    if not_tested:
        record.update(flag="no evidence", reason=_joined(record["reason"], not_tested))
        return record, None
    if definition.direction == "band" and band is None:
        band = (math.nan, math.nan)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        comparison = _compare_row(row, definition, benchmark, source, band, peer)
    record.update(
        ci_low=comparison.ci_low,
        ci_high=comparison.ci_high,
        p_value=comparison.p_value,
        flag=comparison.flag,
        is_small_sample=comparison.is_small_sample,
        reason=record["reason"] or comparison.reason,
    )
    return record, comparison
