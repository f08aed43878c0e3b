"""The KPI registry: one :class:`KpiDefinition` per KPI, keyed by name."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpitools.exceptions import KpiNotFoundError

if TYPE_CHECKING:
    from kpitools.kpis.context import KpiContext

__all__ = [
    "AGGREGATIONS",
    "DIRECTIONS",
    "FORMATS",
    "KPI_NAMES",
    "REGISTRY",
    "KpiDefinition",
    "get_kpi",
    "list_kpis",
    "register",
]

DIRECTIONS = ("up", "down", "band")
AGGREGATIONS = ("ratio", "mean", "median", "quantile", "nps", "index")
FORMATS = ("percent", "number", "currency", "hours", "days", "score", "ratio")

# Catalogue order, used by the registry, list_kpis and the KPI table.
KPI_NAMES = (
    "csi_top_box",
    "csi_mean",
    "csi_index",
    "nps",
    "appointment_rate",
    "appointment_show_rate",
    "appointment_no_show_rate",
    "appointment_arrival_to_ro_rate",
    "appointment_conversion",
    "appointment_punctuality",
    "comeback_candidate_rate",
    "comeback_confirmed_rate",
    "revisit_rate",
    "first_time_fix_rate",
    "warranty_claim_rate",
    "warranty_rejection_rate",
    "hours_per_ro",
    "effective_labor_rate",
    "effective_labor_rate_pct_door",
    "avg_cp_ro_value",
    "parts_to_labor_ratio",
    "labor_gross_pct",
    "upsell_acceptance_lines",
    "upsell_acceptance_amount",
    "mpi_penetration",
    "cycle_time_median",
    "cycle_time_p90",
    "on_time_delivery",
    "retention_rate",
    "churn_rate",
    "followup_completion",
    "followup_reach_rate",
    "complaint_rate",
    "ros_per_advisor_day",
)

UnitsFunction = Callable[["KpiContext"], pd.DataFrame]


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: what it counts, how it aggregates and how it is shown.

    Attributes
    ----------
    name
        Registry key, e.g. ``"comeback_candidate_rate"``.
    label_en, label_zh
        Display labels in English and Chinese.
    numerator, denominator
        Plain-language definitions of what is summed over the units.
    unit_of_analysis
        What one unit is, plural (``"answered surveys"``); also used in the
        reason text when a group has none.
    direction
        ``"up"`` (higher is better), ``"down"`` or ``"band"`` (a target range).
    aggregation
        ``"ratio"`` (sum of numerators over sum of denominators), ``"mean"``,
        ``"median"``, ``"quantile"``, ``"nps"`` or ``"index"`` (a mean on a
        fixed scale).
    format
        How values are shown: ``"percent"``, ``"number"``, ``"currency"``,
        ``"hours"``, ``"days"``, ``"score"`` or ``"ratio"``.
    requires
        ``"table"`` or ``"table.column"`` inputs that must be present and not
        entirely null; anything missing makes the KPI not available.
    settings
        Names of the :class:`KpiSettings` fields the definition uses.
    units
        Function of a :class:`KpiContext` returning one row per unit with
        ``store_id``, ``date``, whatever grouping keys it knows, and
        ``numerator``/``denominator`` (ratio, nps) or ``value`` (the others).
    formula
        The formula in one line, for docs.
    source
        Where the definition (and any benchmark) comes from.
    quantile
        The quantile for ``aggregation="quantile"``; None reads
        ``settings.cycle_time_quantile``.
    is_proportion
        The value is a share of units, so ``n`` is the denominator and the
        value lies in [0, 1]; otherwise ``n`` counts the units.
    splits_by_pay_type
        A money or hours KPI that ``pay_type_split`` splits by pay type.
    notes
        Caveats printed in the docs.
    """

    name: str
    label_en: str
    label_zh: str
    numerator: str
    denominator: str
    unit_of_analysis: str
    direction: str
    aggregation: str
    format: str
    requires: tuple[str, ...]
    settings: tuple[str, ...]
    units: UnitsFunction
    formula: str
    source: str
    quantile: float | None = None
    is_proportion: bool = True
    splits_by_pay_type: bool = False
    notes: str = ""

    def __post_init__(self) -> None:
        for attribute, allowed in (
            ("direction", DIRECTIONS),
            ("aggregation", AGGREGATIONS),
            ("format", FORMATS),
        ):
            value = getattr(self, attribute)
            if value not in allowed:
                raise ValueError(
                    f"KPI {self.name!r}: {attribute} must be one of {allowed}, "
                    f"got {value!r}."
                )

    def label(self, language: str = "en") -> str:
        """Return the display label in ``language`` (``"en"`` or ``"zh"``)."""
        if language == "en":
            return self.label_en
        if language == "zh":
            return self.label_zh
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")


REGISTRY: dict[str, KpiDefinition] = {}


def register(definition: KpiDefinition) -> KpiDefinition:
    """Add ``definition`` to :data:`REGISTRY` in catalogue order."""
    if definition.name not in KPI_NAMES:
        raise ValueError(
            f"KPI {definition.name!r} is not in the catalogue KPI_NAMES; add it there."
        )
    REGISTRY[definition.name] = definition
    ordered = sorted(REGISTRY.items(), key=lambda item: KPI_NAMES.index(item[0]))
    REGISTRY.clear()
    REGISTRY.update(ordered)
    return definition


def get_kpi(name: str) -> KpiDefinition:
    """Return the definition of KPI ``name``.

    Raises
    ------
    KpiNotFoundError
        ``name`` is not registered; the message lists close names.
    """
    if name in REGISTRY:
        return REGISTRY[name]
    close = difflib.get_close_matches(name, list(REGISTRY), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise KpiNotFoundError(
        f"Unknown KPI {name!r}.{hint} Run 'kpitools kpis --list' to see all "
        f"{len(REGISTRY)} KPIs."
    )


def list_kpis(language: str = "en") -> pd.DataFrame:
    """Return the catalogue: one row per KPI with its label and definition.

    Columns: ``kpi, label, direction, format, aggregation, numerator,
    denominator, unit_of_analysis, requires, settings, formula, source``.
    """
    rows = [
        {
            "kpi": d.name,
            "label": d.label(language),
            "direction": d.direction,
            "format": d.format,
            "aggregation": d.aggregation,
            "numerator": d.numerator,
            "denominator": d.denominator,
            "unit_of_analysis": d.unit_of_analysis,
            "requires": ", ".join(d.requires),
            "settings": ", ".join(d.settings),
            "formula": d.formula,
            "source": d.source,
        }
        for d in REGISTRY.values()
    ]
    return pd.DataFrame(rows)
