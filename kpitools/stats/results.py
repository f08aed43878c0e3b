"""Result object of a benchmark comparison and the rule that sets its flag."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

__all__ = [
    "ALPHA",
    "FLAGS",
    "Comparison",
    "decide_flag",
]

#: Flags a comparison can carry, in the order a report lists them.
FLAGS = (
    "better",
    "worse",
    "no evidence",
    "too few data",
    "no benchmark",
    "not available",
)

#: Significance level behind the flags: a p-value (adjusted when available) at
#: or below it counts as evidence.
ALPHA = 0.05

_DIRECTIONS = ("up", "down", "band")


def decide_flag(
    estimate: float,
    benchmark: float,
    direction: str,
    *,
    p_value: float = math.nan,
    ci_low: float = math.nan,
    ci_high: float = math.nan,
    band: tuple[float, float] | None = None,
    is_small_sample: bool = False,
    alpha: float = ALPHA,
) -> str:
    """Return the flag of a comparison, respecting the KPI's direction.

    Parameters
    ----------
    estimate, benchmark : float
        Observed value and the value it is compared with.
    direction : {"up", "down", "band"}
        ``up``: higher is better; ``down``: lower is better; ``band``: a target
        range ``band = (low, high)``.
    p_value : float
        p-value of the test against the benchmark, adjusted for multiplicity
        when the caller has adjusted it.
    ci_low, ci_high : float
        Confidence interval of the estimate; used for ``band`` only.
    band : tuple of float, optional
        Target range for ``direction="band"``.
    is_small_sample : bool
        True when the sample is below the small-sample rule.
    alpha : float
        Significance level.

    Returns
    -------
    str
        ``"too few data"`` for a small sample or a missing estimate;
        ``"no benchmark"`` when there is nothing to compare with (a missing
        ``benchmark``, or for a band a missing ``band``);
        ``"better"``/``"worse"`` when the p-value is at or below ``alpha`` and
        the estimate lies on that side of the benchmark; ``"no evidence"``
        otherwise. For a band, ``"worse"`` only when the whole confidence
        interval lies outside ``[low, high]``; staying inside the band is never
        flagged ``"better"``.
    """
    if direction not in _DIRECTIONS:
        raise ValueError(
            f"direction must be one of {_DIRECTIONS}, got {direction!r}; "
            "take it from the KPI definition (KpiDefinition.direction)."
        )
    if is_small_sample or _is_missing(estimate):
        return "too few data"
    if direction != "band" and _is_missing(benchmark):
        return "no benchmark"

    if direction == "band":
        if band is None:
            raise ValueError(
                "direction='band' needs band=(low, high); pass the benchmark's "
                "low and high values."
            )
        low, high = band
        if _is_missing(low) and _is_missing(high) and _is_missing(benchmark):
            return "no benchmark"
        if not _is_missing(ci_high) and not _is_missing(low) and ci_high < low:
            return "worse"
        if not _is_missing(ci_low) and not _is_missing(high) and ci_low > high:
            return "worse"
        return "no evidence"

    if _is_missing(p_value) or _is_missing(benchmark) or p_value > alpha:
        return "no evidence"
    if estimate == benchmark:
        return "no evidence"
    is_above = estimate > benchmark
    return "better" if is_above == (direction == "up") else "worse"


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Comparison:
    """Comparison of one KPI value with a benchmark.

    Attributes
    ----------
    kpi : str
        KPI name as in the registry.
    estimate : float
        Observed value (NaN when the denominator is zero; see ``reason``).
    ci_low, ci_high : float
        Confidence interval of the estimate at ``confidence_level``.
    benchmark : float
        Value compared with (published or peer network).
    benchmark_source : str
        Where the benchmark comes from.
    p_value : float
        p-value of the test named in ``method``.
    p_adjusted : float
        p-value adjusted for multiplicity; NaN until a caller adjusts it.
    n : float
        Sample size (ROs, surveys, answers).
    flag : str
        One of ``FLAGS``.
    is_small_sample : bool
        True when ``n`` is below the small-sample rule of the method.
    method : str
        Test and interval used.
    direction : str
        ``up``, ``down`` or ``band``.
    confidence_level : float
        Level of ``ci_low``/``ci_high``.
    reason : str
        Why a value is missing or a flag was forced; empty otherwise.
    """

    kpi: str
    estimate: float
    ci_low: float
    ci_high: float
    benchmark: float
    benchmark_source: str
    p_value: float
    p_adjusted: float
    n: float
    flag: str
    is_small_sample: bool
    method: str
    direction: str = "up"
    confidence_level: float = 0.95
    reason: str = ""
    band: tuple[float, float] | None = None
    interval_function: Callable[[float], tuple[float, float]] | None = field(
        default=None, repr=False, compare=False
    )

    def confidence_interval(
        self, confidence_level: float = 0.95
    ) -> tuple[float, float]:
        """Return the confidence interval of the estimate at another level."""
        if self.interval_function is None:
            if confidence_level == self.confidence_level:
                return (self.ci_low, self.ci_high)
            raise ValueError(
                f"this comparison of {self.kpi!r} stores only its "
                f"{self.confidence_level:.0%} interval; recompute it with the "
                "compare_* function and confidence_level="
                f"{confidence_level}."
            )
        return self.interval_function(confidence_level)

    def with_adjusted_p_value(
        self, p_adjusted: float, alpha: float = ALPHA
    ) -> Comparison:
        """Return a copy with ``p_adjusted`` set and the flag decided on it."""
        p_for_flag = p_adjusted if not _is_missing(p_adjusted) else self.p_value
        flag = decide_flag(
            self.estimate,
            self.benchmark,
            self.direction,
            p_value=p_for_flag,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
            band=self.band,
            is_small_sample=self.is_small_sample,
            alpha=alpha,
        )
        return replace(self, p_adjusted=p_adjusted, flag=flag)
