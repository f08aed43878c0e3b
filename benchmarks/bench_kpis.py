"""Time the full KPI table by store, advisor and month on a large data set.

Usage::

    python benchmarks/bench_kpis.py [--n-repair-orders 1000000] [--cache DIR]

The data set comes from ``kpitools.sample.generate_sample`` and is written to
``--cache`` (default ``benchmarks/output/kpis_<N>``) as Parquet on the first
run, in a child process, so the peak memory printed here is that of loading
the tables and computing the KPIs only. Prints the wall time of
``compute_kpis(by=("store_id", "advisor_id", "month"))`` for the whole
catalogue and the peak resident memory of this process. Target on 2 cores:
under 10 s and under 4 GB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCHMARK_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARK_DIR.parent
sys.path.insert(0, str(PROJECT_DIR))


def generate(n_repair_orders: int, folder: Path) -> None:
    """Generate the sample group with ``n_repair_orders`` and write it."""
    from kpitools.sample import generate_sample
    from kpitools.tables import write_data

    started = time.perf_counter()
    data = generate_sample(seed=2024, n_repair_orders=n_repair_orders)
    write_data(data, folder)
    print(f"generated {n_repair_orders:,} ROs in {time.perf_counter() - started:.1f} s")


def peak_memory_gb() -> float:
    """Peak resident set size of this process in GB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-repair-orders", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.cache or BENCHMARK_DIR / "output" / f"kpis_{args.n_repair_orders}"
    if args.generate_only:
        generate(args.n_repair_orders, folder)
        return 0
    if not (folder / "repair_orders.parquet").exists():
        command = [sys.executable, __file__, "--generate-only", "--cache", str(folder)]
        command += ["--n-repair-orders", str(args.n_repair_orders)]
        subprocess.run(command, check=True)

    from kpitools.kpis import REGISTRY, compute_kpis
    from kpitools.tables import load_data

    started = time.perf_counter()
    data = load_data(folder, validate=False)
    loaded = time.perf_counter()
    table = compute_kpis(data, by=("store_id", "advisor_id", "month"))
    finished = time.perf_counter()
    n_orders = len(data.tables["repair_orders"])
    print(f"repair orders:       {n_orders:,}")
    print(
        f"KPIs:                {len(REGISTRY)} ({int(table['available'].sum()):,} "
        f"available rows of {len(table):,})"
    )
    print(f"load tables:         {loaded - started:.2f} s")
    print(f"compute_kpis wall:   {finished - loaded:.2f} s")
    print(f"peak memory (RSS):   {peak_memory_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
