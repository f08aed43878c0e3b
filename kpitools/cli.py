"""The ``kpitools`` command: dispatch to one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kpitools.exceptions import KpiToolsError

__all__ = ["main"]

# Each module defines add_parser(subparsers) and run(args) -> int.
SUBCOMMAND_MODULES = (
    "kpitools._cli_import",
    "kpitools._cli_kpis",
    "kpitools._cli_report",
    "kpitools._cli_sample",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand that is installed."""
    parser = argparse.ArgumentParser(
        prog="kpitools",
        description="Service-department KPIs for car dealerships.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    Expected bad input (a :class:`KpiToolsError`, a missing file) prints one
    message without a traceback and exits with status 2. A closed output
    pipe (``kpitools kpis --list | head``) ends the command quietly.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        status = int(args.run(args))
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The reader of stdout exited early (``kpitools kpis --list | head``).
        # Point stdout at devnull so the interpreter's final flush is silent.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0
    except (KpiToolsError, FileNotFoundError, PermissionError) as error:
        print(f"kpitools {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
