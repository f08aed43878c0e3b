"""kpitools: service-department KPIs for car dealerships.

Import exports into canonical tables, compute KPIs per store, advisor and
month, compare them with benchmarks and peers, and study why repairs come back.

The names below are the curated public API. The subpackages ``kpitools.kpis``,
``kpitools.stats``, ``kpitools.plots``, ``kpitools.rootcause``,
``kpitools.reports``, ``kpitools.importing`` and ``kpitools.sample`` export
more, each listed in its own ``__all__``.
"""

from kpitools.benchmarks import Benchmark, load_benchmarks, select_benchmark
from kpitools.exceptions import (
    DataQualityWarning,
    DataValidationError,
    DegenerateDataWarning,
    ImportFormatError,
    KpiToolsError,
    KpiToolsWarning,
    SmallSampleWarning,
)
from kpitools.importing import import_export
from kpitools.kpis import (
    KpiSettings,
    comeback_table,
    compute_kpis,
    get_kpi,
    list_kpis,
    time_to_return_table,
)
from kpitools.paths import BENCHMARKS_FILE, SAMPLE_DATA_DIR
from kpitools.privacy import mask_vin, mask_vins
from kpitools.reports import build_reports
from kpitools.rootcause import comeback_study
from kpitools.sample import generate_sample
from kpitools.stats import (
    adjust_pvalues,
    compare_rate,
    proportion_interval,
    scorecard,
)
from kpitools.tables import ServiceData, load_data, write_data

__version__ = "0.1.0"

__all__ = [
    "BENCHMARKS_FILE",
    "Benchmark",
    "DataQualityWarning",
    "DataValidationError",
    "DegenerateDataWarning",
    "ImportFormatError",
    "KpiSettings",
    "KpiToolsError",
    "KpiToolsWarning",
    "SAMPLE_DATA_DIR",
    "ServiceData",
    "SmallSampleWarning",
    "adjust_pvalues",
    "build_reports",
    "comeback_study",
    "comeback_table",
    "compare_rate",
    "compute_kpis",
    "generate_sample",
    "get_kpi",
    "import_export",
    "list_kpis",
    "load_benchmarks",
    "load_data",
    "mask_vin",
    "mask_vins",
    "proportion_interval",
    "scorecard",
    "select_benchmark",
    "time_to_return_table",
    "write_data",
]
