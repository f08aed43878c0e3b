"""The peer KPI table of a batch: computed once, shared by every store report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpitools.exceptions import ReportError
from kpitools.kpis import KpiSettings, compute_kpis
from kpitools.reports.periods import resolve_period
from kpitools.tables import ServiceData, load_data

__all__ = [
    "PEER_KPIS_FILE",
    "PeerKpis",
    "StoreReportData",
    "compute_peer_kpis",
    "load_store_data",
    "load_store_report_data",
    "read_peer_kpis",
    "write_peer_kpis",
]

# Inside a batch's output folder; the leading underscore keeps it apart from
# the store pages.
PEER_KPIS_FILE = Path("_batch") / "peer_kpis.parquet"
# Key of the Parquet schema metadata that records what the table was built with.
_METADATA_KEY = b"kpitools.peer_kpis"


@dataclass(frozen=True)
class PeerKpis:
    """A peer KPI table with the period and settings it was computed for."""

    table: pd.DataFrame
    period: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class StoreReportData:
    """What a store report reads: the store's own tables and its peers' KPIs."""

    data: ServiceData
    period: str
    peer_kpis: pd.DataFrame


def compute_peer_kpis(
    data: ServiceData, period: str, settings: KpiSettings | None = None
) -> pd.DataFrame:
    """Compute every KPI of every store in ``data``: the scorecard's peer table.

    Parameters
    ----------
    data
        The whole group's tables.
    period
        ``"YYYY-MM"`` or ``"YYYY-MM:YYYY-MM"`` (inclusive).
    settings
        KPI settings; the defaults of :class:`kpitools.kpis.KpiSettings` if None.

    Returns
    -------
    pandas.DataFrame
        :func:`kpitools.kpis.compute_kpis` with ``by=("store_id",)``, which
        :func:`kpitools.stats.scorecard` takes as ``peer_table``.
    """
    return compute_kpis(data, by=("store_id",), period=period, settings=settings)


def write_peer_kpis(
    peer_kpis: pd.DataFrame,
    path: str | Path,
    *,
    period: str,
    settings: KpiSettings | None = None,
) -> Path:
    """Write a peer KPI table as Parquet, recording its period and settings.

    The period and the settings go into the file's schema metadata, so that
    :func:`read_peer_kpis` can reject a table built for another report.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(peer_kpis, preserve_index=False)
    record = {"period": period, "settings": _settings_record(settings)}
    metadata = {
        **(table.schema.metadata or {}),
        _METADATA_KEY: json.dumps(record).encode("utf-8"),
    }
    pq.write_table(table.replace_schema_metadata(metadata), target)
    return target


def read_peer_kpis(
    path: str | Path, *, period: str = "", settings: KpiSettings | None = None
) -> PeerKpis:
    """Read a table written by :func:`write_peer_kpis` and check what it is for.

    Parameters
    ----------
    path
        The Parquet file.
    period
        The report's period; empty to take the file's.
    settings
        The report's KPI settings; None to accept the file's settings.

    Raises
    ------
    ReportError
        The file is missing, was not written by :func:`write_peer_kpis`, or
        was computed for another period or other KPI settings.
    """
    source = Path(path)
    if not source.is_file():
        raise ReportError(
            f"Peer KPI file {source} does not exist. Pass the file that "
            "build_reports wrote, or an empty peer_kpis_file to compute the peers."
        )
    metadata = pq.read_schema(source).metadata or {}
    if _METADATA_KEY not in metadata:
        raise ReportError(
            f"Peer KPI file {source} records no period or settings, so it was not "
            "written by write_peer_kpis. Write it again with write_peer_kpis."
        )
    record = json.loads(metadata[_METADATA_KEY])
    if period and period != record["period"]:
        raise ReportError(
            f"Peer KPI file {source} is for period {record['period']!r}, but the "
            f"report is for {period!r}. Pass the same period to both, or an empty "
            "peer_kpis_file to compute the peers for this period."
        )
    expected = record["settings"] if settings is None else _settings_record(settings)
    changed = sorted(
        name
        for name in set(expected) | set(record["settings"])
        if expected.get(name) != record["settings"].get(name)
    )
    if changed:
        raise ReportError(
            f"Peer KPI file {source} was computed with other KPI settings "
            f"({', '.join(changed)}). Build the batch again with the report's "
            "settings, or pass an empty peer_kpis_file to compute the peers."
        )
    table = pd.read_parquet(source)
    return PeerKpis(table, record["period"], record["settings"])


def load_store_data(data_dir: str | Path, store_id: str) -> ServiceData:
    """Read one store's rows of every canonical table in ``data_dir``.

    Parquet tables are filtered while they are read (pyarrow row-group and
    row filters), so a store of a large group never loads the others' rows.
    The result equals ``load_data(data_dir).for_store(store_id)``.

    Raises
    ------
    FileNotFoundError
        ``data_dir`` does not exist or holds no repair orders.
    DataValidationError
        A table breaks its schema.
    """
    return load_data(data_dir, store_ids=[store_id])


def load_store_report_data(
    data_dir: str | Path,
    store_id: str,
    *,
    period: str = "",
    peer_kpis_file: str | Path = "",
    settings: KpiSettings | None = None,
) -> StoreReportData:
    """Load what one store report needs: its own tables, period and peer KPIs.

    With ``peer_kpis_file`` the store's rows are read alone and the peers'
    KPIs come from the file (a batch computes them once for every store).
    Without it the whole group is read and the peers are computed here, so a
    notebook opened by hand gives the same scorecard.

    Parameters
    ----------
    data_dir
        A data folder of canonical tables.
    store_id
        The store of the report.
    period
        ``"YYYY-MM"`` or ``"YYYY-MM:YYYY-MM"``; empty for the file's period,
        or without a file the last twelve months of the group's data.
    peer_kpis_file
        A file written by :func:`write_peer_kpis`, or empty.
    settings
        KPI settings; the defaults if None.
    """
    settings = settings or KpiSettings()
    if peer_kpis_file:
        peers = read_peer_kpis(peer_kpis_file, period=period, settings=settings)
        data = load_store_data(data_dir, store_id)
        return StoreReportData(data, peers.period, peers.table)
    group = load_data(data_dir)
    period = resolve_period(group, period)
    peer_kpis = compute_peer_kpis(group, period, settings)
    return StoreReportData(group.for_store(store_id), period, peer_kpis)


def _settings_record(settings: KpiSettings | None) -> dict[str, Any]:
    values = (settings or KpiSettings()).as_dict()
    # A round trip through JSON makes the record comparable with a read one.
    return json.loads(json.dumps(values, default=str))
