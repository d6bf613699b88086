"""Estimator and recommendation speed (issue targets: one estimate in process median <= 5 ms and
p99 <= 50 ms; `recommend` for one model over 5 pools p50 <= 30 ms; every catalog model x
accelerator x KPI <= 3 s; `optiserve recommend` as a whole process <= 1 s). Prints the figures.

Every timed call gets a distinct input and the memory-plan memo is cleared before each one, so no
figure is served from a memo of repeated answers.

  .venv/bin/python bench/bench_recommend.py [--backend roofline|auto]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import estimate, memory
from jupyter_optiserve.recommend import recommend
from jupyter_optiserve.recommend.targets import Target


def five_pools(cat):
    spec = [("h100-sxm-80gb", 8), ("a100-sxm-80gb", 8), ("l40s", 4), ("l4", 2), ("h200-sxm-141gb", 8)]
    targets = [Target(cat.accelerators.get(a), n, 1, None, "bench") for a, n in spec]
    inv = type("Inventory", (), {})()
    inv.pools = [
        type(
            "Pool",
            (),
            {
                "accelerator_obj": t.acc,
                "gpus_per_node": t.gpus_per_node,
                "nodes": 1,
                "free_gpus": None,
                "source": "bench",
                "product": t.acc.name,
            },
        )()
        for t in targets
    ]
    return inv


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def bench_estimates(cat, backend: str) -> None:
    rng = random.Random(1)
    models = [m for m in cat.models if m.complete and not m.multimodal]
    accs = [a for a in cat.accelerators if a.is_gpu]
    times, seen = [], set()
    while len(times) < 300:
        m, a = rng.choice(models), rng.choice(accs)
        tp = rng.choice((1, 2, 4, 8))
        cfg = (
            m.id,
            a.id,
            tp,
            rng.choice(("bf16", "fp8")),
            rng.choice((128, 512, 1024, 4096)),
            rng.choice((64, 256, 1024)),
            rng.choice((1, 4, 16, 64, 256)),
        )
        if cfg in seen:
            continue
        seen.add(cfg)
        memory._MEMO.clear()
        t0 = time.perf_counter()
        estimate(
            m,
            a,
            gpus=tp,
            tp=tp,
            precision=cfg[3],
            input_len=cfg[4],
            output_len=cfg[5],
            concurrency=cfg[6],
            check_tp=False,
            backend=backend,
        )
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"estimate in process, {len(times)} distinct configurations ({backend}): median {statistics.median(times):.2f} ms, "
        f"p99 {pct(times, 0.99):.1f} ms, max {max(times):.1f} ms  [target median <= 5 ms, p99 <= 50 ms]"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="roofline", choices=["roofline", "auto"])
    ap.add_argument("--skip-sweep", action="store_true")
    args = ap.parse_args()
    cat = load_catalog()
    bench_estimates(cat, args.backend)
    inv = five_pools(cat)
    models = [m for m in cat.models if m.complete]
    recommend(models[0], "balanced", inventory=inv, catalog=cat, backend=args.backend)  # warm the catalogs
    times = []
    kpis = ("latency", "throughput", "balanced", "cost")
    for i in range(40):  # distinct (model, KPI) pairs
        m, kpi = models[i % len(models)], kpis[(i // len(models) + i) % 4]
        memory._MEMO.clear()
        t0 = time.perf_counter()
        recommend(m, kpi, inventory=inv, catalog=cat, backend=args.backend)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"recommend, 1 model x 5 pools (40 distinct model/KPI pairs): p50 {statistics.median(times):.1f} ms, "
        f"p95 {pct(times, 0.95):.1f} ms  [target p50 <= 30 ms]"
    )

    if not args.skip_sweep:
        for refine in (0, None):
            sweep(cat, models, kpis, args.backend, refine)
    cli()


def sweep(cat, models, kpis, backend, refine) -> None:
    accs = list(cat.accelerators)
    sweeps = []
    for _ in range(2):
        t0 = time.perf_counter()
        n = feasible = 0
        for m in models:
            for a in accs:
                for kpi in kpis:
                    memory._MEMO.clear()  # each recommendation computes from scratch
                    r = recommend(m, kpi, accelerator=a.id, catalog=cat, backend=backend, refine=refine)
                    n += 1
                    feasible += bool(r.recommendations)
        sweeps.append(time.perf_counter() - t0)
    how = "fluid screen only" if refine == 0 else "screen + top 3 simulated"
    print(
        f"sweep ({how}): {n} recommendations ({len(models)} models x {len(accs)} accelerators x 4 KPIs, "
        f"{feasible} with a feasible profile): best {min(sweeps):.2f} s, median {statistics.median(sweeps):.2f} s  "
        f"[target <= 3 s]"
    )


def cli() -> None:
    runs = []
    for gpus in ("1", "2", "4", "1", "2"):
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter_optiserve",
                "recommend",
                "--model",
                "granite-3.1-8b-instruct",
                "--kpi",
                "latency",
                "--accelerator",
                "l4",
                "--gpus",
                gpus,
                "--json",
            ],
            check=False,
            capture_output=True,
        )
        runs.append(time.perf_counter() - t0)
    print(f"`optiserve recommend` whole process: median {statistics.median(runs) * 1000:.0f} ms  [target <= 1 s]")


if __name__ == "__main__":
    main()
