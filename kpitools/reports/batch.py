"""Build a batch of reports: one per store, the group overview, root-cause studies."""

from __future__ import annotations

import logging
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

from kpitools.exceptions import ReportError, SmallSampleWarning
from kpitools.kpis import KpiSettings
from kpitools.kpis.engine import parse_period
from kpitools.paths import BENCHMARKS_FILE
from kpitools.reports.fonts import copy_cjk_font
from kpitools.reports.peers import (
    PEER_KPIS_FILE,
    PeerKpis,
    compute_peer_kpis,
    write_peer_kpis,
)
from kpitools.reports.periods import resolve_period
from kpitools.reports.runner import (
    GROUP_OVERVIEW_NOTEBOOK,
    NOTEBOOK_TIMEOUT_SECONDS,
    ROOTCAUSE_NOTEBOOK,
    STORE_REPORT_NOTEBOOK,
    notebook_parameters,
    run_notebook,
)
from kpitools.reports.summary import (
    RETURN_RATE_KPIS,
    format_value,
    is_return_rate_worse,
    read_report_summary,
)

__all__ = [
    "LANGUAGES",
    "NotebookOutcome",
    "ReportBatch",
    "StoreReport",
    "build_reports",
    "list_store_ids",
]

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "zh")
STORES_FOLDER = "stores"
ROOTCAUSE_FOLDER = "rootcause"
GROUP_OVERVIEW_NAME = "group_overview"
# Parameters offered to the root-cause notebook; it must declare the first two.
_ROOTCAUSE_REQUIRED = ("store_id", "data_dir")
# Parameter of the store and overview notebooks that takes the peer KPI file.
PEER_KPIS_PARAMETER = "peer_kpis_file"


@dataclass
class NotebookOutcome:
    """One notebook run of a batch: its files, or the reason it failed."""

    notebook: Path | None = None
    html: Path | None = None
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run finished and its HTML page was written."""
        return not self.error and self.html is not None


@dataclass
class StoreReport(NotebookOutcome):
    """The report of one store, with its summary and root-cause study if run."""

    store_id: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    rootcause: NotebookOutcome | None = None


@dataclass
class ReportBatch:
    """Everything one ``kpitools report`` run produced."""

    out_dir: Path
    data_dir: Path
    parameters: dict[str, Any]
    stores: list[StoreReport]
    overview: NotebookOutcome | None = None
    rootcause_requested: bool = False
    index: Path | None = None
    peer_kpis: PeerKpis | None = None
    peer_kpis_file: Path | None = None
    peer_seconds: float = 0.0

    @property
    def failed(self) -> list[str]:
        """Names of the stores and studies that failed, for the exit message."""
        names = [store.store_id for store in self.stores if not store.ok]
        names += [
            f"{store.store_id} (root cause)"
            for store in self.stores
            if store.rootcause is not None and not store.rootcause.ok
        ]
        if self.overview is not None and not self.overview.ok:
            names.append(GROUP_OVERVIEW_NAME)
        return names


def list_store_ids(data_dir: str | Path) -> list[str]:
    """Return the sorted store codes that have repair orders in ``data_dir``.

    Reads only the ``store_id`` column of ``repair_orders.parquet`` (or the CSV).
    """
    store_ids = _read_repair_order_column(Path(data_dir), "store_id")
    if store_ids is None:
        raise ReportError(
            f"The repair orders in {data_dir} have no store_id column. Pass a "
            "folder written by 'kpitools import' or 'kpitools sample'."
        )
    return sorted(store_ids.dropna().astype(str).unique().tolist())


def _read_repair_order_column(folder: Path, column: str) -> pd.Series | None:
    """Read one column of the repair orders; None when the table lacks it."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"Data folder {folder} does not exist. Pass a folder written by "
            "'kpitools import' or 'kpitools sample'."
        )
    parquet, csv = folder / "repair_orders.parquet", folder / "repair_orders.csv"
    if parquet.is_file():
        names = pq.read_schema(parquet).names
        if column not in names:
            return None
        return pd.read_parquet(parquet, columns=[column])[column]
    if csv.is_file():
        names = pd.read_csv(csv, nrows=0).columns
        if column not in names:
            return None
        return pd.read_csv(csv, usecols=[column], dtype=str)[column]
    raise FileNotFoundError(
        f"Data folder {folder} has no repair_orders.parquet or repair_orders.csv."
        " Pass a folder written by 'kpitools import' or 'kpitools sample'."
    )


def _check_period(data_folder: Path, period: str) -> None:
    """Raise ReportError when ``period`` is invalid or has no repair orders.

    The overlap is checked against the months of ``opened_at``; a table
    without that column is left to the notebooks.
    """
    try:
        months = parse_period(period.strip() or None)
    except ValueError as error:
        raise ReportError(str(error)) from None
    if months is None:
        return
    opened = _read_repair_order_column(data_folder, "opened_at")
    if opened is None:
        return
    opened = pd.to_datetime(opened, errors="coerce").dropna()
    if opened.empty:
        raise ReportError(
            f"The repair orders in {data_folder} have no opening date, so no "
            f"report period can be checked. Check the import of {data_folder}."
        )
    first = pd.Period(opened.min(), freq="M")
    last = pd.Period(opened.max(), freq="M")
    first_code = first.year * 12 + first.month - 1
    last_code = last.year * 12 + last.month - 1
    if months[1] < first_code or months[0] > last_code:
        raise ReportError(
            f"Period {period!r} has no repair orders: the data in {data_folder} "
            f"covers {first} to {last}. Pass --period within those months."
        )


def build_reports(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    store_ids: list[str] | None = None,
    period: str = "",
    language: str = "en",
    benchmarks_file: str | Path = BENCHMARKS_FILE,
    comeback_window_days: int = 30,
    overview: bool = True,
    rootcause: bool = False,
    progress: bool = True,
    timeout: int = NOTEBOOK_TIMEOUT_SECONDS,
    store_notebook: str | Path = STORE_REPORT_NOTEBOOK,
    overview_notebook: str | Path = GROUP_OVERVIEW_NOTEBOOK,
    rootcause_notebook: str | Path = ROOTCAUSE_NOTEBOOK,
) -> ReportBatch:
    """Run the store report for every store, then the overview and studies.

    A store whose notebook fails (an exception in a cell, a timeout, a dead
    kernel) is recorded with the reason and the others still run. The index
    page is written by the caller with :func:`kpitools.reports.write_index`.

    Parameters
    ----------
    data_dir
        A data folder of canonical tables.
    out_dir
        Where notebooks and pages go: ``stores/<store>.ipynb|.html|.json``,
        ``group_overview.ipynb|.html`` and ``rootcause/<store>.ipynb|.html``.
    store_ids
        Stores to report on; all stores in the data when ``None``.
    period
        ``"YYYY-MM"`` or ``"YYYY-MM:YYYY-MM"``; empty for the notebook's
        default (the last twelve months of data).
    language
        ``"en"`` or ``"zh"``.
    benchmarks_file, comeback_window_days
        Passed to each notebook.
    overview
        Also run the group overview once.
    rootcause
        Also run the root-cause study for each store whose return rate is
        flagged worse than its benchmark or lies above the peer network's
        funnel (see :func:`_select_rootcause_stores`).
    progress
        Show a tqdm progress bar over the stores.
    timeout
        Seconds one cell may run.

    Returns
    -------
    ReportBatch

    Notes
    -----
    When the store notebook declares ``peer_kpis_file``, every store's KPIs
    over the report period are computed once here and written to
    ``_batch/peer_kpis.parquet`` in ``out_dir``. Each store notebook then reads
    only its own store's rows and takes the peers from that file, so a batch
    reads the whole group once rather than once per store.
    """
    if language not in LANGUAGES:
        raise ReportError(
            f"Unknown report language {language!r}; expected one of {LANGUAGES}."
        )
    data_folder, out_folder = Path(data_dir).resolve(), Path(out_dir).resolve()
    # Check every argument before the first notebook runs, so a mistake gives
    # one message rather than one failed notebook per store.
    settings = _check_settings(comeback_window_days)
    available = list_store_ids(data_folder)
    selected = _select_stores(store_ids, available, data_folder)
    _check_period(data_folder, period)
    out_folder.mkdir(parents=True, exist_ok=True)
    # Every HTML page of the batch loads this one copy (see export_html).
    copy_cjk_font(out_folder)
    common = {
        "period": period,
        "data_dir": str(data_folder),
        "benchmarks_file": str(Path(benchmarks_file).resolve()),
        "comeback_window_days": settings.comeback_window_days,
        "language": language,
    }
    batch = ReportBatch(
        out_folder, data_folder, common, [], rootcause_requested=rootcause
    )
    peer_file: dict[str, Any] = {}
    if _declares(store_notebook, PEER_KPIS_PARAMETER):
        _prepare_peer_kpis(batch)
        peer_file[PEER_KPIS_PARAMETER] = str(batch.peer_kpis_file or "")

    for store_id in tqdm(
        selected, desc="Store reports", unit="store", disable=not progress
    ):
        batch.stores.append(
            _run_store(
                store_notebook, out_folder, store_id, common | peer_file, timeout
            )
        )
    if overview:
        overview_common = common
        if peer_file and _declares(overview_notebook, PEER_KPIS_PARAMETER):
            overview_common = common | peer_file
        batch.overview = _run_overview(
            overview_notebook, out_folder, overview_common, selected, timeout
        )
    if rootcause:
        _run_rootcause_studies(batch, rootcause_notebook, common, timeout, progress)
    return batch


def _declares(notebook: str | Path, name: str) -> bool:
    """Return whether ``notebook`` declares parameter ``name`` (False if unreadable)."""
    try:
        return name in notebook_parameters(notebook)
    except Exception:  # the run itself records why the notebook is unusable
        return False


def _prepare_peer_kpis(batch: ReportBatch) -> None:
    """Compute the group's KPI table once and write it for the store notebooks.

    On failure the notebooks get no file and compute the peers themselves,
    so the error shows in each store's notebook, where the index reports it.
    """
    from kpitools.kpis import KpiSettings
    from kpitools.tables import load_data

    started = time.perf_counter()
    try:
        data = load_data(batch.data_dir)
        period = resolve_period(data, batch.parameters["period"])
        settings = KpiSettings(
            comeback_window_days=batch.parameters["comeback_window_days"]
        )
        table = compute_peer_kpis(data, period, settings)
        path = write_peer_kpis(
            table, batch.out_dir / PEER_KPIS_FILE, period=period, settings=settings
        )
    except Exception as error:
        logger.warning(
            "Computing the peer KPIs failed, so each notebook computes its own: %s",
            error,
        )
        return
    batch.peer_kpis = PeerKpis(table, period, settings.as_dict())
    batch.peer_kpis_file = path
    batch.peer_seconds = time.perf_counter() - started
    logger.info(
        "Peer KPIs of %d stores for %s written to %s in %.1f s",
        table["store_id"].nunique(),
        period,
        path,
        batch.peer_seconds,
    )


def _check_settings(comeback_window_days: int) -> KpiSettings:
    """Return the KPI settings of the batch; raise ReportError if invalid."""
    try:
        return KpiSettings(comeback_window_days=int(comeback_window_days))
    except (TypeError, ValueError) as error:
        raise ReportError(f"Invalid KPI setting: {error}") from None


def _select_stores(
    store_ids: list[str] | None, available: list[str], data_folder: Path
) -> list[str]:
    if not store_ids:
        return available
    unknown = [store_id for store_id in store_ids if store_id not in available]
    if unknown:
        raise ReportError(
            f"Store(s) {', '.join(unknown)} have no repair orders in {data_folder}. "
            f"Stores in this data: {', '.join(available)}."
        )
    return list(dict.fromkeys(store_ids))


def _run_store(
    notebook: str | Path,
    out_folder: Path,
    store_id: str,
    common: dict[str, Any],
    timeout: int,
) -> StoreReport:
    folder = out_folder / STORES_FOLDER
    summary_path = folder / f"{store_id}.json"
    summary_path.unlink(missing_ok=True)
    parameters = {**common, "store_id": store_id, "summary_path": str(summary_path)}
    report = StoreReport(store_id=store_id)
    _run_guarded(report, notebook, folder / f"{store_id}.ipynb", parameters, timeout)
    if report.ok:
        if summary_path.is_file():
            report.summary = read_report_summary(summary_path)
        else:
            report.error = (
                f"The notebook finished but wrote no summary to {summary_path.name}."
            )
    return report


def _run_overview(
    notebook: str | Path,
    out_folder: Path,
    common: dict[str, Any],
    store_ids: list[str],
    timeout: int,
) -> NotebookOutcome:
    parameters = {
        name: common[name]
        for name in (
            "period",
            "data_dir",
            "benchmarks_file",
            "language",
            PEER_KPIS_PARAMETER,
        )
        if name in common
    }
    parameters["store_ids"] = ",".join(store_ids)
    outcome = NotebookOutcome()
    target = out_folder / f"{GROUP_OVERVIEW_NAME}.ipynb"
    _run_guarded(outcome, notebook, target, parameters, timeout)
    return outcome


def _run_rootcause_studies(
    batch: ReportBatch,
    notebook: str | Path,
    common: dict[str, Any],
    timeout: int,
    progress: bool,
) -> None:
    flagged = _select_rootcause_stores(batch)
    if not flagged:
        return
    try:
        declared = notebook_parameters(notebook)
    except Exception as error:  # a missing or untagged notebook fails every study
        for store in flagged:
            store.rootcause = NotebookOutcome(error=_describe(error))
        return
    missing = [name for name in _ROOTCAUSE_REQUIRED if name not in declared]
    offered = {**common, "store_id": ""}
    for store in tqdm(
        flagged, desc="Root-cause studies", unit="store", disable=not progress
    ):
        store.rootcause = NotebookOutcome()
        if missing:
            store.rootcause.error = (
                f"Notebook {Path(notebook).name} does not declare {missing}."
            )
            continue
        # Pass the offered parameters the notebook declares: only store_id and
        # data_dir are required of it, period, window and language are optional.
        parameters = {
            name: value for name, value in offered.items() if name in declared
        }
        parameters["store_id"] = store.store_id
        target = batch.out_dir / ROOTCAUSE_FOLDER / f"{store.store_id}.ipynb"
        if "summary_path" in declared:
            parameters["summary_path"] = str(target.with_suffix(".json"))
        _run_guarded(store.rootcause, notebook, target, parameters, timeout)


def _select_rootcause_stores(batch: ReportBatch) -> list[StoreReport]:
    """Choose the stores whose return rate deserves a root-cause study.

    A store whose report ran is chosen when its return rate (the first
    available KPI of :data:`kpitools.reports.summary.RETURN_RATE_KPIS`) is
    flagged worse than the benchmark on its scorecard, or lies above the 95%
    upper limit of the peer network's funnel: every store in the data folder,
    over the store report's period, around the pooled rate
    (:func:`kpitools.stats.funnel_table`, with its random-effects widening
    when the stores vary more than chance). The rule that chose a store is
    written in plain words to ``store.summary["rootcause_reason"]`` for the
    index page.

    The funnel catches a store that is an outlier among its peers although
    the published benchmark is loose (the GAC 5% ceiling for comebacks).
    Stores whose report failed are never chosen.
    """
    ran = [store for store in batch.stores if store.ok]
    outliers = _funnel_outliers(batch.data_dir, ran, batch.parameters, batch.peer_kpis)
    chosen = []
    for store in ran:
        reasons = []
        if is_return_rate_worse(store.summary):
            reasons.append(_worse_reason(store.summary))
        if store.store_id in outliers:
            reasons.append(outliers[store.store_id])
        if reasons:
            store.summary["rootcause_reason"] = "; ".join(reasons)
            chosen.append(store)
    return chosen


def _return_rate_row(summary: dict[str, Any]) -> dict[str, Any] | None:
    kpis = summary.get("kpis") or {}
    for name in RETURN_RATE_KPIS:
        row = kpis.get(name)
        if (
            row is not None
            and row.get("available", True)
            and row.get("value") is not None
        ):
            return row
    return None


def _worse_reason(summary: dict[str, Any]) -> str:
    row = _return_rate_row(summary) or {}
    label = row.get("label") or row.get("kpi") or "return rate"
    return (
        f"{label} {format_value(row.get('value'), 'percent')} flagged worse than "
        f"the benchmark {format_value(row.get('benchmark'), 'percent')}"
    )


def _funnel_outliers(
    data_dir: Path,
    stores: list[StoreReport],
    parameters: dict[str, Any],
    peer_kpis: PeerKpis | None = None,
) -> dict[str, str]:
    """Return store -> reason for the stores above the peer funnel's 95% limit.

    The batch's peer KPI table is used when it covers the store's period;
    otherwise the group's data is read and the return rate computed here.
    """
    by_scope: dict[tuple[str, str], list[str]] = {}
    for store in stores:
        row = _return_rate_row(store.summary)
        if row is not None:
            key = (str(row["kpi"]), str(store.summary.get("period") or ""))
            by_scope.setdefault(key, []).append(store.store_id)
    if not by_scope:
        return {}
    try:
        from kpitools.stats import funnel_table

        group_kpis = _group_return_rates(data_dir, parameters, peer_kpis)
    except Exception as error:  # the scorecard rule still applies without it
        logger.warning("No peer funnel for the root-cause choice: %s", error)
        return {}
    outliers = {}
    for (kpi, period), store_ids in by_scope.items():
        try:
            table = group_kpis(kpi, period)
        except Exception as error:  # the scorecard rule still applies without it
            logger.warning("No peer funnel for the root-cause choice: %s", error)
            return {}
        table = table[table["available"] & (table["denominator"] > 0)]
        if len(table) < 2:
            continue
        with warnings.catch_warnings():
            # Six stores are too few for a stable overdispersion estimate; the
            # funnel still gives the limits, widened when the stores vary more.
            warnings.simplefilter("ignore", SmallSampleWarning)
            funnel = funnel_table(
                table["numerator"], table["denominator"], table["store_id"]
            ).table
        above = funnel[funnel["position_95"].eq("above")]
        pooled = table["numerator"].sum() / table["denominator"].sum()
        for row in above.itertuples():
            if row.group in store_ids:
                outliers[str(row.group)] = (
                    f"{kpi.replace('_', ' ')} {format_value(row.value, 'percent')} "
                    f"above the peer network's 95% funnel limit "
                    f"{format_value(row.upper_95, 'percent')} "
                    f"({len(funnel)} stores, pooled rate "
                    f"{format_value(pooled, 'percent')})"
                )
    return outliers


def _group_return_rates(
    data_dir: Path, parameters: dict[str, Any], peer_kpis: PeerKpis | None
) -> Any:
    """Return a function (kpi, period) -> every store's row of that KPI."""
    from kpitools.kpis import KpiSettings, compute_kpis
    from kpitools.tables import load_data

    settings = KpiSettings(
        comeback_window_days=int(parameters.get("comeback_window_days", 30))
    )
    loaded: list[Any] = []

    def rows(kpi: str, period: str) -> pd.DataFrame:
        if peer_kpis is not None and period == peer_kpis.period:
            return peer_kpis.table[peer_kpis.table["kpi"] == kpi]
        if not loaded:
            loaded.append(load_data(data_dir, validate=False))
        return compute_kpis(
            loaded[0],
            by=("store_id",),
            kpis=[kpi],
            period=period or None,
            settings=settings,
        )

    return rows


def _run_guarded(
    outcome: NotebookOutcome,
    notebook: str | Path,
    target: Path,
    parameters: dict[str, Any],
    timeout: int,
) -> None:
    """Run one notebook into ``outcome``, recording any exception as its error."""
    target.with_suffix(".html").unlink(missing_ok=True)
    try:
        run = run_notebook(notebook, target, parameters, timeout=timeout)
    # Every exception is caught so one store cannot stop the batch: papermill's
    # execution error, nbclient's CellTimeoutError and DeadKernelError, and
    # errors while saving or exporting.
    except Exception as error:
        logger.warning("Notebook %s failed for %s: %s", notebook, target.stem, error)
        outcome.notebook = target if target.is_file() else None
        outcome.error = _describe(error)
        return
    outcome.notebook, outcome.html, outcome.seconds = (
        run.notebook,
        run.html,
        run.seconds,
    )


def _describe(error: BaseException) -> str:
    """Return a short reason for the index: the exception and its last line."""
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None) or str(error)
    text = f"{name}: {value}".strip()
    if not value:
        text = "".join(traceback.format_exception_only(error)).strip()
    return text if len(text) <= 500 else text[:497] + "..."
