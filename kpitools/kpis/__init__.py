"""KPI definitions, settings and the vectorised KPI engine.

Importing the package registers every KPI family in :data:`REGISTRY`.
"""

from __future__ import annotations

from kpitools.kpis import appointments as _appointments  # noqa: F401
from kpitools.kpis import quality as _quality  # noqa: F401
from kpitools.kpis import satisfaction as _satisfaction  # noqa: F401
from kpitools.kpis import warranty as _warranty  # noqa: F401
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
