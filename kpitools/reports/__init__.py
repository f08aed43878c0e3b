"""Store reports: run the report notebooks with papermill and index them.

``build_reports`` runs ``notebooks/store_report.ipynb`` once per store (and the
group overview and root-cause studies), ``write_index`` writes ``index.html``.
``run_notebook`` runs a single notebook after checking its parameters.
"""

from kpitools.reports.batch import (
    LANGUAGES,
    NotebookOutcome,
    ReportBatch,
    StoreReport,
    build_reports,
    list_store_ids,
)
from kpitools.reports.display import (
    advisor_table,
    caveats_table,
    import_accounting_table,
    report_headline,
    scorecard_table,
    store_profile,
)
from kpitools.reports.figures import (
    add_intervals,
    advisor_caterpillar_plot,
    kpi_funnel_plot,
    kpi_trend_plot,
)
from kpitools.reports.fonts import CJK_FONT_FAMILY, cjk_font_file, register_cjk_font
from kpitools.reports.index import INDEX_FILE, render_index, write_index
from kpitools.reports.peers import (
    PEER_KPIS_FILE,
    PeerKpis,
    StoreReportData,
    compute_peer_kpis,
    load_store_data,
    load_store_report_data,
    read_peer_kpis,
    write_peer_kpis,
)
from kpitools.reports.periods import count_repair_orders, resolve_period
from kpitools.reports.runner import (
    GROUP_OVERVIEW_NOTEBOOK,
    KERNEL_NAME,
    ROOTCAUSE_NOTEBOOK,
    STORE_REPORT_NOTEBOOK,
    NotebookRun,
    check_parameters,
    export_html,
    notebook_parameters,
    run_notebook,
)
from kpitools.reports.summary import (
    HEADLINE_KPIS,
    RETURN_RATE_KPIS,
    format_value,
    is_return_rate_worse,
    read_report_summary,
    write_report_summary,
)

__all__ = [
    "count_repair_orders",
    "PEER_KPIS_FILE",
    "PeerKpis",
    "StoreReportData",
    "compute_peer_kpis",
    "load_store_data",
    "load_store_report_data",
    "read_peer_kpis",
    "write_peer_kpis",
    "kpi_trend_plot",
    "kpi_funnel_plot",
    "advisor_caterpillar_plot",
    "add_intervals",
    "store_profile",
    "scorecard_table",
    "report_headline",
    "import_accounting_table",
    "caveats_table",
    "advisor_table",
    "CJK_FONT_FAMILY",
    "GROUP_OVERVIEW_NOTEBOOK",
    "HEADLINE_KPIS",
    "INDEX_FILE",
    "KERNEL_NAME",
    "LANGUAGES",
    "RETURN_RATE_KPIS",
    "ROOTCAUSE_NOTEBOOK",
    "STORE_REPORT_NOTEBOOK",
    "NotebookOutcome",
    "NotebookRun",
    "ReportBatch",
    "StoreReport",
    "build_reports",
    "check_parameters",
    "cjk_font_file",
    "export_html",
    "format_value",
    "is_return_rate_worse",
    "list_store_ids",
    "notebook_parameters",
    "read_report_summary",
    "register_cjk_font",
    "render_index",
    "resolve_period",
    "run_notebook",
    "write_index",
    "write_report_summary",
]
