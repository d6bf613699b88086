"""Plain-language reasons for a recommendation, naming the numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jupyter_optiserve.recommend.quality import sentence

if TYPE_CHECKING:
    from jupyter_optiserve.recommend import Recommendation
    from jupyter_optiserve.recommend.kpi import Workload

_WHAT = {
    "latency": "lowest request latency",
    "throughput": "most output tokens per second",
    "balanced": "best tokens/s per GPU at moderate latency",
    "cost": "lowest GPU cost per million output tokens",
    "slo": "cheapest configuration meeting every target",
}


def explain(
    kpi: str,
    wl: Workload,
    rec: Recommendation,
    runner_up: Recommendation | None,
    is_best: bool,
    tradeoff: str | None = None,
) -> list[str]:
    est, p, acc = rec.estimate, rec.profile, rec.target.acc
    perf, mem = est.fitted_perf, est.memory
    out = []
    head = "best for" if is_best else "ranked for"
    out.append(
        f"{head} '{kpi}' ({_WHAT[kpi]}): at {perf.concurrency} concurrent request(s) of {wl.input_len}->{wl.output_len} "
        f"tokens: TTFT {perf.ttft_ms:.0f} ms, {perf.itl_ms:.1f} ms/token, {perf.output_tokens_per_s:,.0f} output tokens/s "
        f"on {p.gpus} GPU(s)"
    )
    if is_best and runner_up is not None and rec.raw_score >= runner_up.raw_score:
        out.append(_versus(kpi, rec, runner_up))  # else the runner-up is better but bigger: `tradeoff` says so
    if tradeoff:
        out.append(tradeoff)
    if p.precision in ("fp8", "int8", "int4", "nvfp4", "mxfp4"):
        how = "native tensor cores" if est.support_mode == "native" else "weight-only kernels (16-bit compute)"
        src = (
            f"the quantized checkpoint {p.variant}"
            if p.variant
            else "on-the-fly quantization (--quantization fp8)"
            if p.precision == "fp8"
            else "the checkpoint's own format"
        )
        out.append(f"{p.precision} weights via {src}: {mem.weights_gib_per_gpu:.1f} GiB per GPU, {how}")
    elif p.precision == "fp16" and acc.vendor == "nvidia" and (acc.cc or 0) < 8.0:
        out.append(f"{acc.name} lacks bf16, so the model is served in fp16 (--dtype half)")
    if p.tp > 1:
        link = {"nvlink": "NVLink", "xgmi": "Infinity Fabric", "pcie": "PCIe"}.get(
            acc.interconnect_kind, acc.interconnect_kind
        )
        out.append(
            f"tensor parallel {p.tp} over {link} ({acc.interconnect_gbps:g} GB/s per direction) splits every token's weight reads across {p.tp} GPUs"
        )
    if p.pp > 1:
        out.append(f"pipeline parallel {p.pp} spans {p.pp} nodes because one node cannot hold the model")
    if p.replicas > 1:
        out.append(f"{p.replicas} replicas (data parallel) use the pool's {p.gpus} GPUs for throughput")
    out.append(
        f"memory per GPU: {mem.weights_gib_per_gpu:.1f} GiB weights + {mem.kv_cache_gib_per_gpu:.1f} GiB KV cache "
        f"({mem.kv_capacity_tokens:,} tokens, {mem.max_concurrency:.1f} full-length requests at --max-model-len {p.max_model_len})"
    )
    q = sentence(rec.quality) if rec.quality else None
    if q:
        out.append(q)
    if p.kv_cache_dtype == "fp8" and rec.quality.get("kv_note"):
        out.append(rec.quality["kv_note"])
    if p.provenance == "curated":
        out.append("matches a curated OptiServe profile for this model and GPU")
    return out


def _versus(kpi: str, rec: Recommendation, other: Recommendation) -> str:
    a, b = rec.estimate.fitted_perf, other.estimate.fitted_perf
    name = other.profile.name
    if kpi == "latency":
        return f"{(b.request_latency_ms / a.request_latency_ms - 1) * 100:.0f}% faster per request than the runner-up {name}"
    if kpi == "throughput":
        return (
            f"{(a.output_tokens_per_s / b.output_tokens_per_s - 1) * 100:.0f}% more tokens/s than the runner-up {name}"
        )
    if kpi == "balanced":
        return f"{(a.output_tokens_per_s / rec.profile.gpus) / max(b.output_tokens_per_s / other.profile.gpus, 1e-9) * 100 - 100:.0f}% more tokens/s per GPU than the runner-up {name}"
    return f"cheaper per token than the runner-up {name} ({rec.profile.gpus} vs {other.profile.gpus} GPU(s))"
