"""Render the KPI catalogue page (``docs/kpis.md``) from the registry.

Regenerate the page with ``kpitools kpis --docs docs/kpis.md``; a test fails
when the file and the registry disagree.
"""

from __future__ import annotations

from pathlib import Path

from kpitools.kpis.labels import value_label
from kpitools.kpis.registry import REGISTRY, KpiDefinition
from kpitools.kpis.settings import KpiSettings
from kpitools.paths import PROJECT_DIR

__all__ = ["KPI_DOCS_FILE", "render_kpi_docs", "write_kpi_docs"]

KPI_DOCS_FILE = PROJECT_DIR / "docs" / "kpis.md"

_HEADER = """\
# KPI catalogue

Generated from the KPI registry (`kpitools.kpis.REGISTRY`) by
`kpitools kpis --docs docs/kpis.md`; do not edit by hand.

Every KPI is computed by `kpitools.kpis.compute_kpis` over any grouping
(store, advisor, technician, month, pay type, lane, RO type, model, vehicle
age band). Ratio KPIs sum numerators and denominators over the units of a
group and divide, so they add up across groups. Retention and churn are
the exception: they count the service base at the end of the period (each
month's end when grouped by month), so months do not add up. A KPI whose input table or
column is missing, or entirely empty, is reported as not available with the
reason, never as zero. Benchmarks with their sources are given where a
published figure exists; otherwise the peer network (all stores in the data)
is the comparison.
"""


def render_kpi_docs() -> str:
    """Return the Markdown text of the KPI catalogue page."""
    parts = [_HEADER, _summary_table(), _settings_table()]
    parts += [_section(definition) for definition in REGISTRY.values()]
    return "\n".join(parts).rstrip() + "\n"


def write_kpi_docs(path: str | Path = KPI_DOCS_FILE) -> Path:
    """Write :func:`render_kpi_docs` to ``path`` and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_kpi_docs(), encoding="utf-8")
    return target


def _summary_table() -> str:
    lines = [
        "## Summary",
        "",
        "| KPI | label | 中文 | direction | format |",
        "|---|---|---|---|---|",
    ]
    for d in REGISTRY.values():
        lines.append(
            f"| `{d.name}` | {d.label_en} | {d.label_zh} | "
            f"{value_label(d.direction)} | {d.format} |"
        )
    return "\n".join(lines) + "\n"


def _settings_table() -> str:
    lines = [
        "## Settings",
        "",
        "Every definitional choice is a field of `KpiSettings`; reports print",
        "the values they used (`KpiSettings().describe()`).",
        "",
        "| setting | default | meaning |",
        "|---|---|---|",
    ]
    for row in KpiSettings().describe().itertuples():
        lines.append(f"| `{row.name}` | {row.value} | {row.meaning} |")
    return "\n".join(lines) + "\n"


def _section(definition: KpiDefinition) -> str:
    settings = ", ".join(f"`{s}`" for s in definition.settings) or "none"
    requires = ", ".join(f"`{r}`" for r in definition.requires)
    lines = [
        f"## `{definition.name}`: {definition.label_en} ({definition.label_zh})",
        "",
        f"- Formula: {definition.formula}",
        f"- Numerator: {definition.numerator}",
        f"- Denominator: {definition.denominator or 'none'}",
        f"- Unit of analysis: {definition.unit_of_analysis}",
        f"- Aggregation: {definition.aggregation}; format: {definition.format}",
        f"- Direction: {value_label(definition.direction)}",
        f"- Requires: {requires}",
        f"- Settings: {settings}",
        f"- Benchmark and source: {definition.source}",
    ]
    if definition.notes:
        lines.append(f"- Notes: {definition.notes}")
    return "\n".join(lines) + "\n"
