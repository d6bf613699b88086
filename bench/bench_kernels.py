"""What the measured-kernel backend (aiconfigurator-core) costs, and how far real kernels sit from
the datasheet roofline. Prints: import time and the heavy modules the per-op path pulls in, the
load time per system, the per-query time, and measured vs roofline GEMM times on H200 at
Llama-3.1-8B layer shapes (markdown)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate.kernels import aic

IMPORT_PROBE = """
import sys, time
t = time.perf_counter()
from aiconfigurator_core.sdk import engine, perf_database, operations, common, errors
dt = time.perf_counter() - t
heavy = sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'pandas', 'pyarrow', 'scipy'})
print(f"{dt * 1000:.0f} {','.join(heavy) or '-'}")
"""

SYSTEMS = ("h200-sxm-141gb", "h100-sxm-80gb", "b200-180gb", "a100-sxm-80gb", "l40s")
H200 = {"bf16": 989e12, "fp8": 1979e12}
H200_BW = 4.8e12
LAYERS = (("qkv", 6144, 4096), ("o", 4096, 4096), ("gate_up", 28672, 4096), ("down", 4096, 14336))
TOKENS = (1, 16, 128, 1024, 8192)


def roofline(m: int, n: int, k: int, path: str) -> float:
    """Datasheet peak: FLOPs at full tensor throughput or weights plus 16-bit activations at full HBM."""
    moved = n * k * (2 if path == "bf16" else 1) + 2.0 * m * (n + k)
    return max(2.0 * m * n * k / H200[path], moved / H200_BW)


def main() -> None:
    if not aic.available():
        sys.exit("aiconfigurator-core is not installed: pip install 'jupyter_optiserve[measured]'")
    runs = [
        subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True).stdout.split()
        for _ in range(3)
    ]
    print(
        f"import aiconfigurator_core.sdk per-op API: median {statistics.median(float(r[0]) for r in runs):.0f} ms "
        f"(fresh process); numpy/pandas/pyarrow/scipy imported: {runs[0][1]}"
    )

    cat = load_catalog()
    print("\n| system | tables | bind | first query of each op family | total |")
    print("|---|---|---|---|---|")
    for acc_id in SYSTEMS:
        acc = cat.accelerators.get(acc_id)
        t0 = time.perf_counter()
        b = aic.backend_for(acc)
        t1 = time.perf_counter()
        b.gemm(1024, 4096, 4096, "bf16")
        b.attention_prefill(1, 1024, 1024, 32, 8, 128, "auto")
        b.attention_decode(8, 1024, 32, 8, 128, "auto")
        b.allreduce(1 << 20, 2)
        t2 = time.perf_counter()
        print(
            f"| {acc.name} | {b.system} vLLM {b.version} | {(t1 - t0) * 1000:.0f} ms | {(t2 - t1) * 1000:.0f} ms "
            f"| {(t2 - t0) * 1000:.0f} ms |"
        )

    b = aic.backend_for(cat.accelerators.get("h200-sxm-141gb"))
    t0 = time.perf_counter()
    for m in range(2000, 3000):
        b.gemm(m, 6144, 4096, "bf16")
    miss = (time.perf_counter() - t0) / 1000
    t0 = time.perf_counter()
    for m in range(2000, 3000):
        b.gemm(m, 6144, 4096, "bf16")
    hit = (time.perf_counter() - t0) / 1000
    print(f"\nper query after warm-up: {miss * 1e6:.1f} us (engine), {hit * 1e6:.2f} us (memoised)")

    print(
        "\nH200, Llama-3.1-8B layer GEMMs (TP 1): measured (AIC vLLM tables) vs roofline "
        "(989 / 1979 TFLOPS, 4.8 TB/s); eff = roofline / measured"
    )
    print(
        "\n| layer (n x k) | m | bf16 measured us | bf16 roofline us | bf16 eff | fp8 measured us | fp8 roofline us "
        "| fp8 eff | fp8 speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, n, k in LAYERS:
        for m in TOKENS:
            row = [f"{name} ({n} x {k})", str(m)]
            measured = {}
            for path in ("bf16", "fp8"):
                measured[path] = b.gemm(m, n, k, path)
                ideal = roofline(m, n, k, path)
                row += [f"{measured[path] * 1e6:.1f}", f"{ideal * 1e6:.1f}", f"{ideal / measured[path]:.0%}"]
            row.append(f"{measured['bf16'] / measured['fp8']:.2f}x")
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
