"""``kpitools report``: one report per store, the group overview and an index."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpitools.paths import BENCHMARKS_FILE
from kpitools.reports import (
    LANGUAGES,
    STORE_REPORT_NOTEBOOK,
    build_reports,
    write_index,
)

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand to ``subparsers``."""
    parser = subparsers.add_parser(
        "report",
        help="build a report per store from a data folder, with an index page",
        description=(
            "Run the store report notebook once per store with papermill, export "
            "each as HTML without code, run the group overview, and write "
            "index.html. A store that fails does not stop the others; the "
            "command exits with status 1 after all stores ran if any failed."
        ),
    )
    parser.add_argument("data_dir", type=Path, help="data folder of canonical tables")
    parser.add_argument(
        "--store",
        dest="store_ids",
        action="append",
        metavar="ID",
        help="store code to report on; repeat for several (default: every store)",
    )
    parser.add_argument(
        "--period",
        default="",
        help="YYYY-MM or YYYY-MM:YYYY-MM, inclusive (default: last 12 months)",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="language of labels and text in the reports (default: en)",
    )
    parser.add_argument(
        "--benchmarks",
        type=Path,
        default=BENCHMARKS_FILE,
        help="benchmarks CSV (default: the bundled data/benchmarks.csv)",
    )
    parser.add_argument(
        "--comeback-window-days",
        type=int,
        default=30,
        help="days within which a return counts as a comeback (default: 30)",
    )
    parser.add_argument(
        "--rootcause",
        action="store_true",
        help="also run the return-rate root-cause study for every store whose "
        "return rate is flagged worse than its benchmark",
    )
    parser.add_argument(
        "--no-overview",
        dest="overview",
        action="store_false",
        help="skip the group overview notebook",
    )
    parser.add_argument(
        "--notebook",
        type=Path,
        default=STORE_REPORT_NOTEBOOK,
        help="report notebook to run per store; it must declare the parameters "
        "of notebooks/store_report.ipynb (default: that notebook)",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="output folder for notebooks and pages"
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Build the reports and the index; return 1 if any notebook failed."""
    batch = build_reports(
        args.data_dir,
        args.out,
        store_ids=args.store_ids,
        period=args.period,
        language=args.language,
        benchmarks_file=args.benchmarks,
        comeback_window_days=args.comeback_window_days,
        overview=args.overview,
        rootcause=args.rootcause,
        progress=sys.stderr.isatty(),
        store_notebook=args.notebook,
    )
    index = write_index(batch, language=args.language)
    n_ok = sum(store.ok for store in batch.stores)
    print(f"{n_ok} of {len(batch.stores)} store reports built. Index page: {index}")
    if batch.failed:
        print(
            f"kpitools report: failed: {', '.join(batch.failed)}. The index page "
            "gives each reason; the executed notebooks keep the tracebacks.",
            file=sys.stderr,
        )
        return 1
    return 0
