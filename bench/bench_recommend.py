"""Recommendation speed (issue targets: one model over 5 pools p50 <= 20 ms; every catalog model x
accelerator x KPI <= 2 s; `optiserve recommend` as a whole process <= 1 s). Prints the figures."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import memory, performance
from jupyter_optiserve.recommend import recommend
from jupyter_optiserve.recommend.targets import Target


def five_pools(cat):
    spec = [("h100-sxm-80gb", 8), ("a100-sxm-80gb", 8), ("l40s", 4), ("l4", 2), ("h200-sxm-141gb", 8)]
    return type("Inventory", (), {"pools": []})(), [Target(cat.accelerators.get(a), n, 1, None, "bench") for a, n in spec]


def main() -> None:
    cat = load_catalog()
    inv, targets = five_pools(cat)
    inv.pools = [type("Pool", (), {"accelerator_obj": t.acc, "gpus_per_node": t.gpus_per_node, "nodes": 1,
                                   "free_gpus": None, "source": "bench", "product": t.acc.name})() for t in targets]
    recommend("llama-3.1-8b-instruct", "balanced", inventory=inv, catalog=cat)  # warm caches
    times = []
    for i in range(40):
        kpi = ("latency", "throughput", "balanced", "cost")[i % 4]
        performance._MEMO.clear()  # measure the computation, not the memos
        memory._MEMO.clear()
        t0 = time.perf_counter()
        recommend("llama-3.1-8b-instruct", kpi, inventory=inv, catalog=cat)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"recommend, 1 model x 5 pools (4 KPIs, 40 runs): p50 {statistics.median(times):.1f} ms, "
          f"p95 {times[int(0.95 * len(times)) - 1]:.1f} ms  [target p50 <= 20 ms]")

    accs = [a for a in cat.accelerators]
    models = [m for m in cat.models if m.complete]
    sweeps = []
    for _ in range(3):  # a shared 2-core machine is noisy: report the best and the median of 3
        performance._MEMO.clear()
        memory._MEMO.clear()
        t0 = time.perf_counter()
        n = best = 0
        for m in models:
            for a in accs:
                for kpi in ("latency", "throughput", "balanced", "cost"):
                    r = recommend(m, kpi, accelerator=a.id, catalog=cat)
                    n += 1
                    best += bool(r.recommendations)
        sweeps.append(time.perf_counter() - t0)
    print(f"sweep: {n} recommendations ({len(models)} models x {len(accs)} accelerators x 4 KPIs, "
          f"{best} with a feasible profile): best {min(sweeps):.2f} s, median {statistics.median(sweeps):.2f} s  [target <= 2 s]")

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter_optiserve", "recommend", "--model", "granite-3.1-8b-instruct",
                        "--kpi", "latency", "--accelerator", "l4", "--gpus", "2", "--json"], check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(f"`optiserve recommend` whole process: median {statistics.median(runs) * 1000:.0f} ms  [target <= 1 s]")


if __name__ == "__main__":
    main()
