"""kpitools: service-department KPIs for car dealerships.

Import exports into canonical tables, compute KPIs per store, advisor and
month, compare them with benchmarks and peers, and study why repairs come back.
"""

from kpitools.exceptions import (
    DataValidationError,
    KpiToolsError,
    KpiToolsWarning,
    SmallSampleWarning,
)
from kpitools.paths import BENCHMARKS_FILE, SAMPLE_DATA_DIR
from kpitools.privacy import mask_vin, mask_vins
from kpitools.tables import ServiceData, load_data, write_data

__version__ = "0.1.0"

__all__ = [
    "BENCHMARKS_FILE",
    "DataValidationError",
    "KpiToolsError",
    "KpiToolsWarning",
    "SAMPLE_DATA_DIR",
    "ServiceData",
    "SmallSampleWarning",
    "load_data",
    "mask_vin",
    "mask_vins",
    "write_data",
]
