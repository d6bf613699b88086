"""Fit the roofline's efficiencies for the vLLM V1 rows of profiles/engine-constants.yaml.

  .venv/bin/python tools/fit_efficiencies.py --data CSV [--fit-source aiconfigurator]

Coordinate descent over each efficiency's physical range (docs/estimation.md, "Constants"),
minimising the median |log(predicted/measured)| of TTFT and ITL on the fitting source's rows
only; the other sources are held out and reported, never fitted. Prints the values to write
into the YAML by hand (a reviewer checks each against its range) and the error before/after.
"""

from __future__ import annotations

import argparse
import statistics

from jupyter_optiserve import calibration as C
from jupyter_optiserve.catalog import load_catalog
from jupyter_optiserve.estimate import constants
from jupyter_optiserve.estimate.kernels import select

# name -> (path in the efficiency block, physical range)
PARAMS = {
    "gemm_flops.fp8": (("gemm_flops", "fp8"), (0.45, 0.75)),
    "gemm_bandwidth": (("gemm_bandwidth",), (0.55, 0.85)),
    "attention_prefill_flops": (("attention_prefill_flops",), (0.30, 0.75)),
    "attention_decode_bandwidth": (("attention_decode_bandwidth",), (0.50, 0.92)),
    "link_bandwidth": (("link_bandwidth",), (0.55, 0.90)),
    "step_overhead_ms": (("step_overhead_ms",), (0.3, 2.0)),
    "step_overhead_per_seq_us": (("step_overhead_per_seq_us",), (2.0, 40.0)),
}


def _v1_rows():
    return [r for r in constants._table()["vllm"] if r.get("engine") == "v1"]


def _set(name: str, value: float) -> None:
    path, _ = PARAMS[name]
    for row in _v1_rows():
        d = row["efficiency"]
        for key in path[:-1]:
            d = d[key]
        d[path[-1]] = value
    constants.constants_for.cache_clear()
    select._ROOFLINES.clear()


def _get(name: str) -> float:
    path, _ = PARAMS[name]
    d = _v1_rows()[0]["efficiency"]
    for key in path:
        d = d[key]
    return d


def _objective(cat, raw) -> float:
    rows = [C.predict_row(cat, r, "roofline") for r in raw]
    parts = [C.log_error([r for r in rows if C.group(r.metric) == m]) for m in ("ttft_ms", "itl_ms")]
    return statistics.mean(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--fit-source", default="aiconfigurator")
    ap.add_argument("--passes", type=int, default=2)
    args = ap.parse_args()
    cat = load_catalog()
    raw = [
        r
        for r in C.read_csv(args.data)
        if C._source(r["source_url"]) == args.fit_source and r["metric"] in ("ttft_ms", "tpot_ms", "itl_ms")
    ]
    best = _objective(cat, raw)
    print(f"start: objective {best:.4f} ({len(raw)} rows) " + ", ".join(f"{k}={_get(k)}" for k in PARAMS))
    for _ in range(args.passes):
        for name, (_, (lo, hi)) in PARAMS.items():
            keep = _get(name)
            for i in range(7):
                v = round(lo + (hi - lo) * i / 6, 3)
                _set(name, v)
                obj = _objective(cat, raw)
                if obj < best - 1e-4:
                    best, keep = obj, v
            _set(name, keep)
            print(f"  {name} = {keep}  objective {best:.4f}", flush=True)
    print("fitted: " + ", ".join(f"{k}={_get(k)}" for k in PARAMS))


if __name__ == "__main__":
    main()
