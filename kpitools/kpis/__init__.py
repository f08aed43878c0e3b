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
from kpitools.kpis.docs import render_kpi_docs, write_kpi_docs
from kpitools.kpis.engine import compute_kpis
from kpitools.kpis.labels import (
    column_label,
    kpi_label,
    label_columns,
    report_text,
    value_label,
)
from kpitools.kpis.registry import (
    KPI_NAMES,
    REGISTRY,
    KpiDefinition,
    get_kpi,
    list_kpis,
)
from kpitools.kpis.scope import SCOPE_DEPENDENT_KPIS, describe_scope, scope_reason
from kpitools.kpis.settings import KpiSettings

__all__ = [
    "KPI_NAMES",
    "REGISTRY",
    "SCOPE_DEPENDENT_KPIS",
    "KpiDefinition",
    "KpiSettings",
    "column_label",
    "comeback_table",
    "compute_kpis",
    "describe_scope",
    "get_kpi",
    "kpi_label",
    "label_columns",
    "list_kpis",
    "render_kpi_docs",
    "report_text",
    "scope_reason",
    "time_to_return_table",
    "value_label",
    "write_kpi_docs",
]
