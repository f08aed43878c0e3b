"""A deterministic synthetic dealer group, with effects planted for analyses to find.

``generate_sample`` builds every canonical table in memory; ``write_sample``
writes them as Parquet. The bundled ``data/sample`` folder is
``write_sample("data/sample", **BUNDLED_SAMPLE_OPTIONS)``.
"""

from kpitools.sample._generator import (
    BUNDLED_SAMPLE_OPTIONS,
    PLANTED_EFFECTS,
    SAMPLE_SEED,
    generate_sample,
    write_sample,
)
from kpitools.sample._vin import vin_check_digit

__all__ = [
    "BUNDLED_SAMPLE_OPTIONS",
    "PLANTED_EFFECTS",
    "SAMPLE_SEED",
    "generate_sample",
    "vin_check_digit",
    "write_sample",
]
