"""Time a batch of store reports on a large generated dealer group.

Usage::

    python benchmarks/bench_reports.py [--stores 5 | --all] [--n-stores 30]
        [--n-repair-orders 300000] [--compute-peers-in-notebook]

The group comes from ``kpitools.sample.generate_sample`` and is written to
``benchmarks/output/reports_<stores>x<ROs>/data`` on the first run, in a child
process. The batch then runs in another child process, so the memory figures
are those of the batch alone: ``build_reports`` for the first ``--stores``
stores (no overview, no root-cause studies), in English. Prints the wall time
of the batch-level peer KPI computation, the wall time of each store's
notebook, the peak resident memory of the batch process, and the largest
resident memory of a notebook kernel (polled every 0.2 s with psutil).

``--compute-peers-in-notebook`` runs a copy of the store notebook without the
``peer_kpis_file`` parameter, so every store reads the whole group and
computes the peers itself, as the notebook did before the batch shared them.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCHMARK_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARK_DIR.parent
sys.path.insert(0, str(PROJECT_DIR))


def generate(n_stores: int, n_repair_orders: int, folder: Path) -> None:
    """Generate the group and write it as canonical Parquet tables."""
    from kpitools.sample import generate_sample
    from kpitools.tables import write_data

    started = time.perf_counter()
    data = generate_sample(
        seed=2024, n_stores=n_stores, n_repair_orders=n_repair_orders
    )
    write_data(data, folder)
    seconds = time.perf_counter() - started
    print(f"generated {n_stores} stores, {n_repair_orders:,} ROs in {seconds:.0f} s")


def notebook_without_peer_file(folder: Path) -> Path:
    """Write a copy of the store notebook that computes the peers itself."""
    import nbformat

    from kpitools.reports import STORE_REPORT_NOTEBOOK

    notebook = nbformat.read(STORE_REPORT_NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            lines = cell.source.splitlines()
            kept = [line for line in lines if not line.startswith("peer_kpis_file")]
            cell.source = "\n".join(kept)
            # The notebook's later cells still read the name; "" means compute.
            notebook.cells.insert(
                notebook.cells.index(cell) + 1,
                nbformat.v4.new_code_cell('peer_kpis_file = ""'),
            )
            break
    target = folder / "store_report_peers_in_notebook.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target


class KernelMemory(threading.Thread):
    """Poll the resident memory of this process's children (the kernels)."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_bytes = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self.stopped.wait(self.interval):
            for child in me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                except psutil.Error:  # the kernel ended between the two calls
                    continue
                self.peak_bytes = max(self.peak_bytes, rss)


def run_batch(data_dir: Path, out_dir: Path, n_stores: int, in_notebook: bool) -> None:
    """Run the batch and print its figures (called in a child process)."""
    from kpitools.reports import STORE_REPORT_NOTEBOOK, build_reports, list_store_ids

    store_ids = list_store_ids(data_dir)
    store_ids = store_ids[:n_stores] if n_stores > 0 else store_ids
    notebook = (
        notebook_without_peer_file(out_dir / "_notebooks")
        if in_notebook
        else STORE_REPORT_NOTEBOOK
    )
    kernel_memory = KernelMemory()
    kernel_memory.start()
    started = time.perf_counter()
    batch = build_reports(
        data_dir,
        out_dir,
        store_ids=store_ids,
        overview=False,
        progress=False,
        store_notebook=notebook,
    )
    total = time.perf_counter() - started
    kernel_memory.stopped.set()
    failed = [store.store_id for store in batch.stores if not store.ok]
    print(f"peer KPIs for the batch: {batch.peer_seconds:.1f} s")
    for store in batch.stores:
        status = "ok" if store.ok else f"failed: {store.error}"
        print(f"store {store.store_id}: {store.seconds:.1f} s ({status})")
    seconds = [store.seconds for store in batch.stores]
    print(
        f"batch of {len(seconds)} stores: {total:.1f} s wall, "
        f"{sum(seconds) / len(seconds):.1f} s per store notebook on average"
    )
    self_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    # Polled, because Linux counts the parent's memory at fork time in a
    # child's ru_maxrss, which hides the kernel's own peak.
    kernel_gb = kernel_memory.peak_bytes / 1024**3
    print(
        f"peak memory: batch process {self_gb:.2f} GB, "
        f"largest notebook kernel {kernel_gb:.2f} GB"
    )
    print(json.dumps({"failed": failed}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=5, help="stores to report on")
    parser.add_argument("--all", action="store_true", help="report on every store")
    parser.add_argument("--n-stores", type=int, default=30, help="stores in the group")
    parser.add_argument("--n-repair-orders", type=int, default=300_000)
    parser.add_argument("--compute-peers-in-notebook", action="store_true")
    parser.add_argument("--cache", type=Path, default=None, help="output folder")
    parser.add_argument("--step", choices=["generate", "batch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = args.cache or (
        BENCHMARK_DIR / "output" / f"reports_{args.n_stores}x{args.n_repair_orders}"
    )
    data_dir = folder / "data"
    if args.step == "generate":
        generate(args.n_stores, args.n_repair_orders, data_dir)
        return 0
    if args.step == "batch":
        label = "in_notebook" if args.compute_peers_in_notebook else "shared"
        run_batch(
            data_dir,
            folder / f"reports_{label}",
            0 if args.all else args.stores,
            args.compute_peers_in_notebook,
        )
        return 0

    common = [sys.executable, __file__, "--cache", str(folder)]
    common += ["--n-stores", str(args.n_stores)]
    common += ["--n-repair-orders", str(args.n_repair_orders)]
    if not (data_dir / "repair_orders.parquet").is_file():
        subprocess.run([*common, "--step", "generate"], check=True)
    batch = [*common, "--step", "batch", "--stores", str(args.stores)]
    batch += ["--all"] if args.all else []
    batch += ["--compute-peers-in-notebook"] if args.compute_peers_in_notebook else []
    return subprocess.run(batch, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
