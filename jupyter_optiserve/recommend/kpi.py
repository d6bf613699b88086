"""KPIs: the workload each is judged at and how candidates are ordered.

latency    one user, short prompts: lowest request latency (TTFT + output x ITL); NVLink TP wins.
throughput saturated pool: most output tokens/s from the GPUs the pool offers (replicas fill it).
balanced   16 concurrent users: tokens/s per GPU, discounted by request latency.
cost       cheapest GPUs that serve the workload: GPU-hours per million tokens (quantization welcome).
SLO        explicit targets (--ttft-ms, --itl-ms, --concurrency, --context): the cheapest meeting all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jupyter_optiserve.errors import InvalidInputError

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.catalog.profiles import Profile
    from jupyter_optiserve.estimate import Estimate

KPIS = ("latency", "throughput", "balanced", "cost", "slo")
NAMED_KPIS = KPIS[:-1]  # the KPIs a deploy, a serving profile and a deploy command name (slo is a set of targets)


@dataclass(frozen=True)
class Workload:
    input_len: int
    output_len: int
    concurrency: int
    context: int | None = None  # minimum max-model-len the user needs
    ttft_ms: float | None = None
    itl_ms: float | None = None

    @property
    def has_slo(self) -> bool:
        return self.ttft_ms is not None or self.itl_ms is not None


DEFAULTS = {
    "latency": dict(input_len=1024, output_len=256, concurrency=1, max_num_seqs=32),
    "throughput": dict(input_len=1024, output_len=256, concurrency=256, max_num_seqs=256),
    "balanced": dict(input_len=1024, output_len=256, concurrency=16, max_num_seqs=128),
    "cost": dict(input_len=1024, output_len=256, concurrency=16, max_num_seqs=128),
    "slo": dict(input_len=1024, output_len=256, concurrency=8, max_num_seqs=128),
}


def parse_kpi(kpi: str | None, slo_given: bool) -> str:
    k = (kpi or ("slo" if slo_given else "balanced")).strip().lower().replace("-", "_")
    k = {"low_latency": "latency", "high_throughput": "throughput", "low_cost": "cost", "quantized": "cost"}.get(k, k)
    if k not in KPIS:
        raise InvalidInputError(
            f"--kpi '{kpi}' is not known",
            hint="use latency, throughput, balanced, cost, or SLO flags (--ttft-ms, --itl-ms, --concurrency, --context)",
        )
    return k


def workload(
    kpi: str,
    input_len: int | None = None,
    output_len: int | None = None,
    concurrency: int | None = None,
    context: int | None = None,
    ttft_ms: float | None = None,
    itl_ms: float | None = None,
) -> Workload:
    d = DEFAULTS[kpi]
    for flag, v in (
        ("--input-len", input_len),
        ("--output-len", output_len),
        ("--concurrency", concurrency),
        ("--context", context),
    ):
        if v is not None and (not isinstance(v, int) or v < 1):
            raise InvalidInputError(f"{flag} must be a whole number of at least 1, got {v!r}", hint=f"fix {flag}")
    for flag, ms in (("--ttft-ms", ttft_ms), ("--itl-ms", itl_ms)):
        if ms is not None and not (ms > 0):
            raise InvalidInputError(f"{flag} must be a positive number of milliseconds, got {ms!r}", hint=f"fix {flag}")
    isl = input_len or d["input_len"]
    osl = output_len or d["output_len"]
    if context and context < isl + osl and input_len is None:
        isl = max(1, context - osl)
    return Workload(isl, osl, concurrency or d["concurrency"], context, ttft_ms, itl_ms)


def score(kpi: str, est: Estimate, acc: Accelerator, profile: Profile) -> float:
    """Higher is better."""
    p = est.fitted_perf
    gpus = profile.gpus
    if kpi == "latency":
        return -(p.request_latency_ms + 0.01 * gpus)  # tiny tie-break: fewer GPUs
    if kpi == "throughput":
        return p.output_tokens_per_s - 0.001 * gpus
    if kpi == "balanced":
        return p.output_tokens_per_s / gpus / (1 + p.request_latency_ms / 10_000)
    # cost and slo: price of a million output tokens, in relative GPU-hours
    return -(gpus * acc.relative_cost / max(p.output_tokens_per_s, 1e-9) * 1e6 / 3600)


def meets_slo(wl: Workload, est: Estimate) -> str | None:
    """Why the estimate misses the SLO, or None when it meets it."""
    p = est.fitted_perf
    if wl.ttft_ms is not None and p.ttft_ms > wl.ttft_ms:
        return f"TTFT {p.ttft_ms:.0f} ms misses the {wl.ttft_ms:g} ms target at {wl.concurrency} concurrent users"
    if wl.itl_ms is not None and p.itl_ms > wl.itl_ms:
        return f"inter-token latency {p.itl_ms:.1f} ms misses the {wl.itl_ms:g} ms target at {wl.concurrency} concurrent users"
    return None
