"""Import dealer exports into canonical tables: readers, values, profiles."""

from kpitools.importing.pipeline import ImportResult, import_export
from kpitools.importing.profiles import (
    FieldSpec,
    Profile,
    TableProfile,
    available_profiles,
    load_profile,
)
from kpitools.importing.quarantine import REASONS, Quarantine
from kpitools.importing.readers import Layout, SourceTable, decode_bytes, read_source

__all__ = [
    "REASONS",
    "FieldSpec",
    "ImportResult",
    "Layout",
    "Profile",
    "Quarantine",
    "SourceTable",
    "TableProfile",
    "available_profiles",
    "decode_bytes",
    "import_export",
    "load_profile",
    "read_source",
]
