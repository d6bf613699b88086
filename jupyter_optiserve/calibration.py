"""Accuracy of the estimator against published vLLM measurements (``optiserve validate``).

Each CSV row (../shared/reference/calibration/published-vllm-measurements.csv format) is joined to
the catalogs, its batch derived from ``concurrency_or_rate``, the metric predicted and compared.
Sources that leave a parameter unstated are modelled as documented in ``ASSUMPTIONS``.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.estimate import estimate

# Source model names -> (catalog model, weight precision, kv cache dtype)
MODEL_MAP = [
    (r"llama-3\.1-405b|hermes-3-llama-3\.1-405b", "llama-3.1-405b-instruct"),
    (r"llama-3\.1-70b", "llama-3.1-70b-instruct"),
    (r"llama-3\.1-8b", "llama-3.1-8b-instruct"),
    (r"mistral-7b-instruct-v0\.3", "mistral-7b-instruct-v0.3"),
    (r"mistral-nemo", "mistral-nemo-instruct-2407"),
    (r"mistral-large-instruct-2407", "mistral-large-instruct-2407"),
    (r"mixtral-8x22b", "mixtral-8x22b-v0.1"),
    (r"mixtral-8x7b", "mixtral-8x7b-instruct-v0.1"),
]

ASSUMPTIONS = {
    # LambdaLabsML/vllm-benchmark states neither lengths nor dataset; benchmark_serving's default
    # ShareGPT set averages roughly 200 prompt and 200 output tokens.
    "lengths_when_unstated": (200, 200),
    # AMD's "Throughput (tokens/s)" does not say output or total: both are tried, the closer kept.
}

METRICS = ("ttft_ms", "tpot_ms", "itl_ms", "output_tok_per_s", "tok_per_s_unspecified", "e2e_latency_s")


@dataclass
class Row:
    source: str
    model: str
    gpu: str
    tp: int
    metric: str
    measured: float
    predicted: float | None
    note: str = ""

    @property
    def error_pct(self) -> float | None:
        if self.predicted is None:
            return None
        return (self.predicted - self.measured) / self.measured * 100


def _source(url: str) -> str:
    u = url.lower()
    return "lambda" if "lambda" in u else "amd" if "amd.com" in u else "aiconfigurator" if "aiconfigurator" in u else url[:40]


def _map_model(name: str):
    low = name.lower()
    for pat, mid in MODEL_MAP:
        if re.search(pat, low):
            return mid
    return None


def _precision(model_name: str, stated: str) -> tuple[str, str]:
    s = (stated + " " + model_name).lower()
    kv = "fp8" if "fp8-kv" in s or "weights+kv" in s else "auto"
    return ("fp8" if "fp8" in s else "bf16"), kv


def _batch(spec: str) -> int:
    m = re.search(r"concurrency=(\d+)|batch_size=(\d+)", spec)
    if m:
        return int(m.group(1) or m.group(2))
    prompts = re.search(r"num_prompts=(\d+)|(\d+) prompts", spec)
    seqs = re.search(r"max_num_seqs=(\d+)", spec)
    n = int(prompts.group(1) or prompts.group(2)) if prompts else 256
    return min(n, int(seqs.group(1)) if seqs else 256)


def predict_row(cat, r: dict) -> Row:
    metric = r["metric"]
    base = Row(_source(r["source_url"]), r["model"], r["gpu"], int(r["tp"] or r["num_gpus"] or 1), metric, float(r["value"]), None)
    mid = _map_model(r["model"])
    acc = cat.accelerators.find(r["gpu"]) or cat.accelerators.find(r["gpu"].split(" ")[0])
    if not mid or not acc or metric not in METRICS:
        base.note = "no catalog match"
        return base
    model = cat.find_model(mid)
    prec, kv = _precision(r["model"], r["precision"])
    isl, osl = ASSUMPTIONS["lengths_when_unstated"]
    base.note = "lengths assumed"
    if r["input_len"]:
        base.note = ""
        isl, osl = int(r["input_len"]), int(r["output_len"])
    conc = _batch(r["concurrency_or_rate"])
    seqs = re.search(r"max_num_seqs=(\d+)", r["concurrency_or_rate"])
    max_len = 2000 if base.source == "lambda" else None
    est = estimate(model, acc, gpus=base.tp, tp=base.tp, precision=prec, input_len=isl, output_len=osl,
                   concurrency=conc, max_model_len=max_len or None, engine_version=r["engine_version"] or "0.12.0",
                   kv_cache_dtype=kv, max_num_seqs=int(seqs.group(1)) if seqs else None, check_tp=False)
    if not est.fits:
        base.note = "; ".join(est.reasons)
        return base
    p = est.perf
    if metric == "ttft_ms":
        base.predicted = p.ttft_ms
    elif metric in ("tpot_ms", "itl_ms"):
        base.predicted = p.itl_ms
    elif metric == "output_tok_per_s":
        base.predicted = p.output_tokens_per_s
    elif metric == "tok_per_s_unspecified":
        out, total = p.output_tokens_per_s, p.output_tokens_per_s * (isl + osl) / osl
        base.predicted = min((out, total), key=lambda v: abs(v - base.measured))
        base.note = "output" if base.predicted == out else "total"
    elif metric == "e2e_latency_s":
        base.predicted = p.request_latency_ms / 1000
    return base


def validate_csv(cat, path: str | Path) -> list[Row]:
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(f"--data {p}: no such file", hint="pass the calibration CSV, e.g. ../shared/reference/calibration/published-vllm-measurements.csv")
    with open(p, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    needed = {"model", "gpu", "metric", "value", "concurrency_or_rate"}
    if not rows or not needed <= set(rows[0]):
        raise InvalidInputError(f"--data {p}: not a calibration CSV (needs columns {', '.join(sorted(needed))})",
                                hint="use the published-vllm-measurements.csv format")
    return [predict_row(cat, r) for r in rows]


def _group(metric: str) -> str:
    return {"tpot_ms": "itl_ms", "tok_per_s_unspecified": "throughput", "output_tok_per_s": "throughput",
            "e2e_latency_s": "request_latency"}.get(metric, metric)


def summarize(rows: list[Row]) -> dict:
    """Median and p90 absolute % error per metric group, and per source/metric."""
    def stats(errs):
        a = sorted(abs(e) for e in errs)
        if not a:
            return None
        p90 = a[min(len(a) - 1, int(round(0.9 * (len(a) - 1))))]
        return {"rows": len(a), "median_abs_pct": round(statistics.median(a), 1), "p90_abs_pct": round(p90, 1),
                "median_signed_pct": round(statistics.median(errs), 1)}
    out = {"metrics": {}, "metrics_all_rows": {}, "by_source": {}, "tp_scaling_shape": {},
           "skipped": sum(1 for r in rows if r.error_pct is None)}
    stated = lambda r: r.note != "lengths assumed"  # noqa: E731
    for key_fn, bucket, keep in ((lambda r: _group(r.metric), "metrics", stated),
                                 (lambda r: _group(r.metric), "metrics_all_rows", lambda r: True),
                                 (lambda r: f"{r.source}/{_group(r.metric)}", "by_source", lambda r: True)):
        groups: dict[str, list[float]] = {}
        for r in rows:
            if r.error_pct is not None and keep(r):
                groups.setdefault(key_fn(r), []).append(r.error_pct)
        out[bucket] = {k: stats(v) for k, v in sorted(groups.items())}
    # Rows whose conditions are unstated are only fair as shape checks: how a metric scales
    # from the smallest TP to larger TP for the same model (../shared/docs/estimation.md §11.6).
    ratios: dict[str, list[float]] = {}
    base: dict[tuple, Row] = {}
    for r in sorted((r for r in rows if r.error_pct is not None and not stated(r)), key=lambda r: r.tp):
        key = (r.source, r.model, r.metric)
        if key not in base:
            base[key] = r
            continue
        b = base[key]
        measured, predicted = r.measured / b.measured, r.predicted / b.predicted
        ratios.setdefault(_group(r.metric), []).append((predicted - measured) / measured * 100)
    out["tp_scaling_shape"] = {k: stats(v) for k, v in sorted(ratios.items())}
    return out
