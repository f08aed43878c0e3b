"""Share of comeback studies that flag a factor when no effect is planted.

Generates a group of stores with ``planted_effects=False`` and runs the
root-cause scan on each store. The generator gives system groups different
comeback rates (engine work comes back more often than oil changes), so the
system group is the baseline: it is tested in a family of its own and is not
counted. Every other test has no effect to find: the factors tested within
system groups and the technicians tested within each system group, all in one
Benjamini-Hochberg family. The share of stores where any of them is flagged
estimates the chance that a study flags something under the global null.
Each flag is printed with its factor and test.

Run: python benchmarks/bench_rootcause_null.py [n_stores] [ros_per_store]

Claim: at q = 0.05, the share of null stores with a flagged test is at most
q up to simulation error. BH guarantees this for independent or positively
dependent tests (Benjamini and Yekutieli 2001). The tests of one study share
their ROs, and that condition is not proven for them, so the claim rests on
this simulation. Last measured: 200 stores of 1,500 ROs over 12 months,
seed 11, confirmed comebacks, on 2 shared cores: 11 of 200 stores flagged a
test (5.5 %, 95 % Wilson CI 3.1 %-9.6 %). See benchmarks/README.md
for the figure and the wall time.
"""

import sys
import time
import warnings

import numpy as np

from kpitools.rootcause import comeback_study
from kpitools.sample import generate_sample
from kpitools.stats import proportion_interval

FDR = 0.05
SEED = 11


def main(n_stores: int = 200, ros_per_store: int = 1_500) -> None:
    started = time.perf_counter()
    data = generate_sample(
        seed=SEED,
        n_stores=n_stores,
        months=12,
        n_repair_orders=n_stores * ros_per_store,
        planted_effects=False,
    )
    flagged = []
    for store_id in data.store_ids:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study = comeback_study(data, store_id=store_id, fdr=FDR, fit_model=False)
        scan = study.associations
        others = scan[(scan["factor"] != "system_group") & scan["is_associated"]]
        within = study.flagged_within_groups()
        for _, row in others.iterrows():
            print(
                f"  {store_id}: {row['factor']} ({row['test']}, "
                f"p={row['p_value']:.4f}, adjusted {row['p_adjusted']:.4f}, "
                f"{int(row['n_events'])} events)"
            )
        for _, row in within.iterrows():
            print(
                f"  {store_id}: technician within {row['within']} ({row['test']}, "
                f"p={row['p_value']:.4f}, adjusted {row['p_adjusted']:.4f}, "
                f"{int(row['n_events'])} events)"
            )
        flagged.append(len(others) + len(within) > 0)
    n_flagged = int(np.sum(flagged))
    low, high = proportion_interval(n_flagged, len(flagged))
    print(
        f"{len(flagged)} stores, outcome {study.outcome}, q = {FDR}: "
        f"{n_flagged} flagged a test other than system group "
        f"({n_flagged / len(flagged):.1%}, 95% Wilson CI {float(low):.1%}-"
        f"{float(high):.1%}); {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
