"""KPI definitions, settings and the vectorised KPI engine.

Importing the package registers every KPI family in :data:`REGISTRY`.
"""

from __future__ import annotations

from kpitools.kpis import (  # noqa: F401  (importing registers the KPIs)
    appointments,
    delivery,
    followup,
    labor,
    productivity,
    quality,
    retention,
    satisfaction,
    upsell,
    warranty,
)
from kpitools.kpis.comebacks import comeback_table, time_to_return_table
from kpitools.kpis.engine import compute_kpis
from kpitools.kpis.registry import REGISTRY, KpiDefinition, get_kpi, list_kpis
from kpitools.kpis.settings import KpiSettings

__all__ = [
    "REGISTRY",
    "KpiDefinition",
    "KpiSettings",
    "comeback_table",
    "compute_kpis",
    "get_kpi",
    "list_kpis",
    "time_to_return_table",
]
