"""``kpitools kpis``: list the KPI catalogue or write a KPI table."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from kpitools.exceptions import KpiToolsError
from kpitools.kpis import (
    KpiSettings,
    compute_kpis,
    label_columns,
    list_kpis,
    value_label,
    write_kpi_docs,
)
from kpitools.kpis.engine import month_codes, month_labels, normalise_by, parse_period
from kpitools.tables import ServiceData, load_data

__all__ = ["add_parser", "run"]

WRITERS = {".csv", ".parquet", ".xlsx"}


class KpiCommandError(KpiToolsError, ValueError):
    """Invalid arguments to ``kpitools kpis``."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``kpis`` subcommand."""
    parser = subparsers.add_parser(
        "kpis",
        help="list the KPI catalogue or compute a KPI table",
        description=(
            "Compute every KPI for DATA_DIR grouped by --by and write the tidy "
            "KPI table to --out (CSV, Parquet or Excel by extension), or list "
            "the catalogue with --list."
        ),
    )
    parser.add_argument("data_dir", nargs="?", help="data folder of canonical tables")
    parser.add_argument("--list", action="store_true", help="print the KPI catalogue")
    parser.add_argument(
        "--docs",
        metavar="FILE",
        help="write the KPI catalogue page (docs/kpis.md) generated from the code",
    )
    parser.add_argument(
        "--by",
        default="store_id",
        help="comma-separated grouping keys, e.g. store,advisor,month "
        "(aliases: store, advisor, technician, vehicle_age)",
    )
    parser.add_argument(
        "--period", help="month YYYY-MM or inclusive range YYYY-MM:YYYY-MM"
    )
    parser.add_argument(
        "--kpi", action="append", help="KPI name to compute (repeatable; default all)"
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a KPI setting, e.g. comeback_window_days=90 (repeatable)",
    )
    parser.add_argument("--language", choices=("en", "zh"), default="en")
    parser.add_argument("--out", help="output file: .csv, .parquet or .xlsx")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``kpitools kpis``; return the exit code."""
    if args.docs:
        print(f"wrote {write_kpi_docs(args.docs)}")
        return 0
    if args.list:
        _print_catalogue(args.language)
        return 0
    if not args.data_dir or not args.out:
        raise KpiCommandError(
            "kpitools kpis needs DATA_DIR and --out FILE (or --list, or --docs FILE)."
        )
    out = Path(args.out)
    if out.suffix.lower() not in WRITERS:
        raise KpiCommandError(
            f"--out {out} has extension {out.suffix!r}; use .csv, .parquet or .xlsx."
        )
    try:
        settings = KpiSettings.from_strings(args.setting)
        by = normalise_by(args.by)
        months = parse_period(args.period)
    except (TypeError, ValueError) as error:
        raise KpiCommandError(str(error)) from None
    data = load_data(args.data_dir)
    if months is not None:
        _check_period_has_data(data, args.period, months)
    table = compute_kpis(
        data, by=by, kpis=args.kpi, period=args.period, settings=settings
    )
    _write(table, settings, out, args.language)
    print(settings.describe(args.language).to_string(index=False))
    print(f"wrote {len(table):,} rows to {out}")
    return 0


def _check_period_has_data(
    data: ServiceData, period: str, months: tuple[int, int]
) -> None:
    """Raise KpiCommandError when no repair order was opened in ``period``."""
    codes = month_codes(data.get("repair_orders")["opened_at"]).dropna()
    if codes.empty:
        raise KpiCommandError(
            f"The repair orders in {data.source} have no opening date, so "
            f"--period {period} selects no data. Check the import."
        )
    first, last = int(codes.min()), int(codes.max())
    if codes.between(*months).any():
        return
    first_label, last_label = month_labels(pd.Series([first, last])).tolist()
    raise KpiCommandError(
        f"Period {period!r} has no repair orders: the data in {data.source} "
        f"covers {first_label} to {last_label}. Pass --period within those months."
    )


def _print_catalogue(language: str) -> None:
    catalogue = list_kpis(language)[["kpi", "label", "direction", "format"]]
    catalogue["direction"] = catalogue["direction"].map(
        lambda direction: value_label(direction, language)
    )
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(label_columns(catalogue, language).to_string(index=False))


def _write(
    table: pd.DataFrame, settings: KpiSettings, out: Path, language: str
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        table.to_csv(out, index=False, encoding="utf-8")
    elif suffix == ".parquet":
        table.to_parquet(out, index=False)
    else:
        with pd.ExcelWriter(out) as writer:
            table.to_excel(writer, sheet_name="kpis", index=False)
            settings.describe(language).to_excel(
                writer, sheet_name="settings", index=False
            )
