"""The in-process benchmark client's own cost, and how well it recovers the simulator's truth.

Runs the simulated engine in its own process (so its CPU is not counted) and the client here, at
1, 8, 32 and 256 concurrent streams. Prints per level: the client's CPU time per received token
(process time / tokens: the overhead the client adds to what it measures; the target is < 1 ms at
256 streams) and the error of the measured TTFT p50, ITL mean and end-to-end p50 against the
simulator's truth. Usage: python bench/bench_benchmark_client.py [--levels 1,8,32,256]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_optiserve.benchmark.runner import Sweep, run_sweep  # noqa: E402
from jupyter_optiserve.benchmark.workload import Workload  # noqa: E402
from jupyter_optiserve.testing.simengine import Timing  # noqa: E402

TIMING = Timing(ttft_base_ms=250.0, ttft_per_prompt_token_ms=0.1, itl_base_ms=20.0, itl_per_stream_ms=0.1)
IN, OUT = 256, 64


def start_sim() -> tuple[str, subprocess.Popen]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [sys.executable, "-m", "jupyter_optiserve.testing.simengine", "--port", str(port)]
    for k, v in vars(TIMING).items():
        args += ["--" + k.replace("_", "-"), str(v)]
    p = subprocess.Popen(args, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return f"http://127.0.0.1:{port}", p
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the simulated engine did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--levels", default="1,8,32,256")
    ap.add_argument("--requests", type=int, default=0, help="per level (default: 2 x concurrency, at least 16)")
    a = ap.parse_args()
    url, sim = start_sim()
    err = lambda m, t: f"{(m - t) / t * 100:+.1f}%"  # noqa: E731
    print(
        f"simulated engine: TTFT {TIMING.ttft_ms(IN):.0f} ms at {IN} prompt tokens, ITL {TIMING.itl_base_ms} ms "
        f"+ {TIMING.itl_per_stream_ms} ms per extra stream; {OUT} output tokens"
    )
    print(
        f"{'streams':>7} {'requests':>8} {'tokens':>7} {'client CPU us/token':>20} {'TTFT p50 err':>12} "
        f"{'ITL err':>8} {'E2E p50 err':>11}"
    )
    try:
        for c in (int(x) for x in a.levels.split(",")):
            n = a.requests or max(16, 2 * c)
            cpu0 = time.process_time()
            lv = run_sweep(
                {"url": url, "model": "granite"},
                Workload(IN, OUT),
                Sweep(concurrency=[c], requests_per_level=n, max_streams=max(256, c)),
            )[0]
            cpu = time.process_time() - cpu0
            tokens = lv["requests"] * lv["mean_output_tokens"]
            ttft, itl = TIMING.ttft_ms(IN), TIMING.itl_ms(c)
            e2e = ttft + (OUT - 1) * itl
            print(
                f"{c:>7} {lv['requests']:>8} {tokens:>7.0f} {cpu / tokens * 1e6:>20.1f} "
                f"{err(lv['ttft_ms']['p50'], ttft):>12} {err(lv['itl_ms']['mean'], itl):>8} "
                f"{err(lv['request_latency_ms']['p50'], e2e):>11}"
            )
    finally:
        sim.terminate()


if __name__ == "__main__":
    main()
