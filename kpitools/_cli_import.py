"""``kpitools import``: read dealer exports into a canonical data folder."""

from __future__ import annotations

import argparse
import warnings
from typing import Any

from kpitools.exceptions import DataQualityWarning
from kpitools.importing import available_profiles, import_export

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> None:
    """Add the ``import`` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="import DMS exports into canonical tables",
        description=(
            "Read export files with an import profile and write canonical "
            "Parquet tables, quarantine files and import_summary.json."
        ),
    )
    parser.add_argument("paths", nargs="+", help="export files or folders")
    parser.add_argument(
        "--profile",
        required=True,
        help=(
            "shipped profile name or YAML path; shipped: "
            + ", ".join(available_profiles())
        ),
    )
    parser.add_argument("--out", required=True, help="output data folder")
    parser.add_argument(
        "--store", default=None, help="store code (default: the profile's store_id)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the import and print the row accounting per table."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataQualityWarning)
        result = import_export(args.paths, args.profile, args.out, store_id=args.store)
    for warning in caught:
        print(f"warning: {warning.message}")
    print(result.summary_table().to_string(index=False))
    absent = result.summary["absent_tables"]
    if absent:
        print(f"absent tables (not in this source): {', '.join(absent)}")
    print(f"written to {result.out_dir}")
    return 0
