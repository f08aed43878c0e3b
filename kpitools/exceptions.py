"""Errors and warnings raised by kpitools.

Exception tree::

    KpiToolsError(Exception)
    ├── DataValidationError(KpiToolsError, ValueError)  a table breaks its schema
    ├── ImportFormatError(KpiToolsError, ValueError)    an export cannot be read
    ├── ProfileError(KpiToolsError, ValueError)         an import profile is invalid
    ├── KpiNotFoundError(KpiToolsError, KeyError)       unknown KPI name
    ├── BenchmarkNotFoundError(KpiToolsError, KeyError) no benchmark for a KPI
    ├── UnknownParameterError(KpiToolsError, ValueError) notebook parameter mismatch
    └── ReportError(KpiToolsError, RuntimeError)        a report could not be built

Warning tree::

    KpiToolsWarning(UserWarning)
    ├── SmallSampleWarning      too few observations for a stable estimate
    ├── DataQualityWarning      input looks suspicious but was used
    └── DegenerateDataWarning   a model fit fell back to a simpler estimate
"""

from __future__ import annotations

__all__ = [
    "BenchmarkNotFoundError",
    "DataQualityWarning",
    "DataValidationError",
    "DegenerateDataWarning",
    "ImportFormatError",
    "KpiNotFoundError",
    "KpiToolsError",
    "KpiToolsWarning",
    "ProfileError",
    "ReportError",
    "SmallSampleWarning",
    "UnknownParameterError",
]


class KpiToolsError(Exception):
    """Base class of every error that kpitools raises on purpose."""


class DataValidationError(KpiToolsError, ValueError):
    """A canonical table breaks its schema."""


class ImportFormatError(KpiToolsError, ValueError):
    """An export file cannot be read: encoding, layout or a value.

    The message names the file and, where known, the row, the column and the
    value, and says what to do.
    """


class ProfileError(KpiToolsError, ValueError):
    """An import profile is missing a key or has an invalid value."""


class KpiNotFoundError(KpiToolsError, KeyError):
    """A KPI name is not in the registry."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class BenchmarkNotFoundError(KpiToolsError, KeyError):
    """The benchmarks file has no value for the KPI requested."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownParameterError(KpiToolsError, ValueError):
    """A report was given a parameter that its notebook does not declare."""


class ReportError(KpiToolsError, RuntimeError):
    """A report could not be built."""


class KpiToolsWarning(UserWarning):
    """Base class of kpitools warnings, so a notebook can filter them at once."""


class SmallSampleWarning(KpiToolsWarning):
    """Too few observations for a stable estimate; the result is still returned."""


class DataQualityWarning(KpiToolsWarning):
    """Input data looks suspicious (for example a VIN check digit) but was used."""


class DegenerateDataWarning(KpiToolsWarning):
    """A fit could not be made as asked and fell back to a simpler estimate."""
