"""Accuracy of the estimator against published vLLM measurements (``optiserve validate``).

Each CSV row (the published-vllm-measurements.csv format: source_url, model, engine_version, gpu,
tp, precision, input_len, output_len, concurrency_or_rate, metric, value) is joined to the
catalogs, its load derived from ``concurrency_or_rate``, the metric predicted by the scheduler
simulation and compared. Errors are reported per source, metric, load regime and kernel backend,
plus shape checks (how a metric scales when only TP, prompt length, output length or concurrency
changes). Which rows the constants were fitted on, and which were held out: docs/estimation.md.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import CatalogError, InvalidInputError
from jupyter_optiserve.estimate import estimate

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog

# Source model names -> catalog model
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

ASSUMPTIONS: dict[str, Any] = {
    # LambdaLabsML/vllm-benchmark states neither lengths nor dataset; benchmark_serving's default
    # ShareGPT set averages roughly 200 prompt and 200 output tokens.
    "lengths_when_unstated": (200, 200),
    # Rows without an engine version (AIConfigurator's 70B rows) were collected with vLLM 0.12.
    "engine_version_when_unstated": "0.12.0",
    # AMD's "Throughput (tokens/s)" does not say output or total: both are tried, the closer kept.
}

METRICS = ("ttft_ms", "tpot_ms", "itl_ms", "output_tok_per_s", "tok_per_s_unspecified", "e2e_latency_s")
REGIMES = ("one user", "mid load", "saturated")


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
    regime: str = ""
    backend: str = ""
    input_len: int = 0
    output_len: int = 0
    load: str = ""

    @property
    def error_pct(self) -> float | None:
        if self.predicted is None or not self.measured:
            return None
        return (self.predicted - self.measured) / self.measured * 100

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "model": self.model,
            "gpu": self.gpu,
            "tp": self.tp,
            "metric": self.metric,
            "regime": self.regime,
            "backend": self.backend,
            "input_len": self.input_len,
            "output_len": self.output_len,
            "load": self.load,
            "measured": self.measured,
            "predicted": self.predicted,
            "error_pct": self.error_pct,
            "note": self.note,
        }


def _source(url: str) -> str:
    u = url.lower()
    return (
        "lambda"
        if "lambda" in u
        else "amd"
        if "amd.com" in u
        else "aiconfigurator"
        if "aiconfigurator" in u
        else url[:40]
    )


def _map_model(name: str) -> str | None:
    low = name.lower()
    for pat, mid in MODEL_MAP:
        if re.search(pat, low):
            return mid
    return None


def _precision(model_name: str, stated: str) -> tuple[str, str]:
    s = (stated + " " + model_name).lower()
    kv = "fp8" if "fp8-kv" in s or "weights+kv" in s else "auto"
    return ("fp8" if "fp8" in s else "bf16"), kv


def _load(spec: str) -> tuple[int, bool]:
    """(clients or batch, infinite rate?) from ``concurrency_or_rate``."""
    m = re.search(r"concurrency=(\d+)|batch_size=(\d+)", spec)
    if m:
        return int(m.group(1) or m.group(2)), False
    prompts = re.search(r"num_prompts=(\d+)|(\d+) prompts", spec)
    n = int(prompts.group(1) or prompts.group(2)) if prompts else 256
    return n, True  # every prompt sent at once: a closed loop with as many clients as prompts, one each


def regime(concurrency: int, all_at_once: bool) -> str:
    if all_at_once or concurrency > 32:
        return "saturated"
    return "one user" if concurrency <= 2 else "mid load"


def predict_row(cat: Catalog, r: dict[str, Any], backend: str = "auto") -> Row:
    metric = r["metric"]
    base = Row(
        _source(r["source_url"]),
        r["model"],
        r["gpu"],
        int(r["tp"] or r["num_gpus"] or 1),
        metric,
        float(r["value"]),
        None,
        load=r["concurrency_or_rate"],
    )
    mid = _map_model(r["model"])
    acc = cat.accelerators.find(r["gpu"]) or cat.accelerators.find(r["gpu"].split(" ")[0])
    if not mid or not acc or metric not in METRICS:
        base.note = "no catalog match"
        return base
    model = cat.find_model(mid)
    if model is None:  # MODEL_MAP names a model the catalog lacks: the map is stale
        raise CatalogError(
            f"calibration maps '{r['model']}' to the model '{mid}', which the catalog does not have",
            hint="fix MODEL_MAP in jupyter_optiserve/calibration.py or add the model to the catalog",
        )
    prec, kv = _precision(r["model"], r["precision"])
    isl, osl = ASSUMPTIONS["lengths_when_unstated"]
    base.note = "lengths assumed"
    if r["input_len"]:
        base.note = ""
        isl, osl = int(r["input_len"]), int(r["output_len"])
    base.input_len, base.output_len = isl, osl
    conc, at_once = _load(r["concurrency_or_rate"])
    base.regime = regime(conc, at_once)
    seqs = re.search(r"max_num_seqs=(\d+)", r["concurrency_or_rate"])
    max_len = 2000 if base.source == "lambda" else None
    est = estimate(
        model,
        acc,
        gpus=base.tp,
        tp=base.tp,
        precision=prec,
        input_len=isl,
        output_len=osl,
        concurrency=conc,
        max_model_len=max_len,
        kv_cache_dtype=kv,
        engine_version=r["engine_version"] or ASSUMPTIONS["engine_version_when_unstated"],
        max_num_seqs=int(seqs.group(1)) if seqs else None,
        check_tp=False,
        backend=backend,
        requests=conc if at_once else 0,
    )
    if not est.fits:
        base.note = "; ".join(est.reasons)
        return base
    base.backend = est.backend["backend"]
    p = est.fitted_perf
    if metric == "ttft_ms":
        base.predicted = p.ttft_ms
    elif metric in ("tpot_ms", "itl_ms"):
        base.predicted = p.itl_ms
    elif metric == "output_tok_per_s":
        base.predicted = p.output_tokens_per_s
    elif metric == "tok_per_s_unspecified":
        out, total = p.output_tokens_per_s, p.output_tokens_per_s * (isl + osl) / osl
        assert base.measured is not None  # a row without a measurement has no metric to compare
        base.predicted = min((out, total), key=lambda v: abs(v - base.measured))
        base.note = "output" if base.predicted == out else "total"
    elif metric == "e2e_latency_s":
        base.predicted = p.request_latency_ms / 1000
    return base


def read_csv(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise InvalidInputError(
            f"--data {p}: no such file", hint="pass a calibration CSV in the published-vllm-measurements.csv format"
        )
    with open(p, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    needed = {"model", "gpu", "metric", "value", "concurrency_or_rate"}
    if not rows or not needed <= set(rows[0]):
        raise InvalidInputError(
            f"--data {p}: not a calibration CSV (needs columns {', '.join(sorted(needed))})",
            hint="use the published-vllm-measurements.csv format",
        )
    return rows


def validate_csv(cat: Catalog, path: str | Path, backend: str = "auto") -> list[Row]:
    return [predict_row(cat, r, backend) for r in read_csv(path)]


def group(metric: str) -> str:
    return {
        "tpot_ms": "itl_ms",
        "tok_per_s_unspecified": "throughput",
        "output_tok_per_s": "throughput",
        "e2e_latency_s": "request_latency",
    }.get(metric, metric)


def _stats(errs: list[float]) -> dict[str, Any] | None:
    a = sorted(abs(e) for e in errs)
    if not a:
        return None
    p90 = a[min(len(a) - 1, int(round(0.9 * (len(a) - 1))))]
    return {
        "rows": len(a),
        "median_abs_pct": round(statistics.median(a), 1),
        "p90_abs_pct": round(p90, 1),
        "median_signed_pct": round(statistics.median(errs), 1),
    }


def _bucket(rows: list[Row], key: Callable[[Row], str], keep: Callable[[Row], bool] = lambda r: True) -> dict[str, Any]:
    groups: dict[str, list[float]] = {}
    for r in rows:
        if r.error_pct is not None and keep(r):
            groups.setdefault(key(r), []).append(r.error_pct)
    return {k: _stats(v) for k, v in sorted(groups.items())}


SHAPE_KEYS = ("tp", "input_len", "output_len", "load")


def shape_checks(rows: list[Row]) -> dict[str, Any]:
    """For rows that differ from another row of the same source, model, GPU and metric in exactly
    one condition, the error of the predicted ratio against the measured ratio (per condition)."""
    usable = [r for r in rows if r.error_pct is not None and r.predicted]
    by: dict[tuple[str, str, str, str], list[Row]] = {}
    for r in usable:
        by.setdefault((r.source, r.model, r.gpu, r.metric), []).append(r)
    out: dict[str, list[float]] = {}
    for group_rows in by.values():
        for i, a in enumerate(group_rows):
            for b in group_rows[i + 1 :]:
                differ = [k for k in SHAPE_KEYS if getattr(a, k) != getattr(b, k)]
                if len(differ) != 1:
                    continue
                if a.predicted is None or b.predicted is None:
                    continue  # `usable` holds predicted rows only; this narrows the type
                measured, predicted = b.measured / a.measured, b.predicted / a.predicted
                out.setdefault(f"{differ[0]}/{group(a.metric)}", []).append((predicted - measured) / measured * 100)
    return {k: _stats(v) for k, v in sorted(out.items())}


def summarize(rows: list[Row]) -> dict[str, Any]:
    """Median and p90 absolute % error per metric, per source, per regime and per backend."""
    stated = lambda r: r.note != "lengths assumed"  # noqa: E731
    return {
        "metrics": _bucket(rows, lambda r: group(r.metric), stated),
        "metrics_all_rows": _bucket(rows, lambda r: group(r.metric)),
        "by_source": _bucket(rows, lambda r: f"{r.source}/{group(r.metric)}"),
        "by_regime": _bucket(rows, lambda r: f"{r.source}/{r.regime}/{group(r.metric)}"),
        "by_backend": _bucket(rows, lambda r: f"{r.backend}/{group(r.metric)}"),
        "shape": shape_checks(rows),
        "tp_scaling_shape": {k.split("/", 1)[1]: v for k, v in shape_checks(rows).items() if k.startswith("tp/")},
        "skipped": sum(1 for r in rows if r.error_pct is None),
    }


def log_error(rows: list[Row]) -> float:
    """The fitting objective: median |log(predicted / measured)| (symmetric in over and under)."""
    errs = [abs(math.log(r.predicted / r.measured)) for r in rows if r.predicted and r.measured > 0]
    return statistics.median(errs) if errs else math.inf
