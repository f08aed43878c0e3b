"""``kpitools sample``: write the synthetic dealer group as a data folder."""

from __future__ import annotations

import argparse
import sys

from kpitools.sample import SAMPLE_SEED, write_sample


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``sample`` subcommand."""
    parser = subparsers.add_parser(
        "sample",
        help="generate the synthetic dealer group",
        description=(
            "Generate a deterministic synthetic dealer group and write its "
            "canonical tables as Parquet files in --out."
        ),
    )
    parser.add_argument("--out", required=True, help="folder to write the tables to")
    parser.add_argument(
        "--seed",
        type=int,
        default=SAMPLE_SEED,
        help=f"random seed (default {SAMPLE_SEED}, the bundled sample's seed)",
    )
    parser.add_argument("--stores", type=int, default=6, help="number of stores")
    parser.add_argument("--months", type=int, default=24, help="months of data")
    parser.add_argument(
        "--repair-orders", type=int, default=60_000, help="total number of ROs"
    )
    parser.add_argument("--start", default="2024-01", help="first month, YYYY-MM")
    parser.add_argument(
        "--no-planted-effects",
        action="store_true",
        help="generate without the planted comeback, no-show and CSI effects",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the sample; return the exit code."""
    try:
        folder = write_sample(
            args.out,
            seed=args.seed,
            n_stores=args.stores,
            months=args.months,
            n_repair_orders=args.repair_orders,
            start=args.start,
            planted_effects=not args.no_planted_effects,
        )
    except ValueError as error:
        print(f"kpitools sample: error: {error}", file=sys.stderr)
        return 2
    print(folder)
    return 0
