"""The estimator: will this configuration fit, and how fast will it be under a given load?

``estimate(...)`` answers for any catalog or config.json model on any accelerator: vLLM's memory
accounting (``memory.py``), then a step-level simulation of its scheduler (``scheduler.py``) over
per-operation kernel costs (``stepcost.py`` and ``kernels/``: measured tables where installed and
covered, else the roofline). Every figure is labelled "estimated" with the backend that answered.
Constants are versioned per engine version (profiles/engine-constants.yaml). docs/estimation.md
explains the model, its data and its accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.estimate import precision as _prec
from jupyter_optiserve.estimate.constants import constants_for
from jupyter_optiserve.estimate.engine_defaults import scheduler_defaults
from jupyter_optiserve.estimate.memory import MemoryPlan, plan_memory
from jupyter_optiserve.estimate.parallelism import pp_problems, tp_problems
from jupyter_optiserve.estimate.performance import Performance, Shape, curve, run
from jupyter_optiserve.estimate.scheduler import EngineLimits

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.catalog.models import Model

__all__ = ["estimate", "Estimate"]

DEFAULT_ENGINE_VERSION = "0.21.0"


@dataclass
class Estimate:
    fits: bool
    memory: MemoryPlan
    perf: Performance | None
    reasons: list[str]
    warnings: list[str] = field(default_factory=list)
    precision: str = "bf16"
    support_mode: str = "native"
    engine_version: str = ""
    tp: int = 1
    pp: int = 1
    replicas: int = 1
    gpus: int = 1
    input_len: int = 0
    output_len: int = 0
    shape: Shape | None = None
    scheduler: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, Any] | None = None
    _load: tuple[int, float | None, int] = (1, None, 0)

    @property
    def ttft_ms(self) -> float | None:
        return self.perf.ttft_ms if self.perf else None

    @property
    def itl_ms(self) -> float | None:
        return self.perf.itl_ms if self.perf else None

    @property
    def output_tokens_per_s(self) -> float:
        return self.perf.output_tokens_per_s if self.perf else 0.0

    @property
    def fitted_perf(self) -> Performance:
        """The performance of an estimate that fits, as every ranked recommendation does."""
        if self.perf is None:
            raise ValueError("this configuration does not fit: it has no performance estimate")
        return self.perf

    @property
    def backend(self) -> dict[str, Any]:
        return self.shape.provenance if self.shape else {"backend": "none", "detail": ""}

    def refined(self) -> Estimate:
        """The same estimate from the step-level simulation (when it came from the fluid model)."""
        if not (self.fits and self.shape and self.perf) or self.perf.method == "simulate":
            return self
        concurrency, rate, prefix_len = self._load
        perf = run(self.shape, self.input_len, self.output_len, concurrency, self.replicas, rate, prefix_len)
        warnings = [
            w
            for w in self.warnings
            if w
            not in _load_warnings(self.perf, self.memory, self.input_len, self.output_len, concurrency, self.replicas)
        ]
        warnings += _load_warnings(perf, self.memory, self.input_len, self.output_len, concurrency, self.replicas)
        out = Estimate(**{**self.__dict__, "perf": perf, "warnings": warnings})
        out._load = self._load
        return out

    def at(self, concurrency: int | None = None, rate: float | None = None) -> Performance | None:
        """The same configuration under another load (closed loop clients or open-loop rate)."""
        if not (self.fits and self.shape):
            return None
        return run(self.shape, self.input_len, self.output_len, concurrency or 1, self.replicas, rate)

    def curve(self, points: Iterable[int] = (1, 2, 4, 8, 16, 32, 64, 128, 256)) -> list[dict[str, Any]]:
        if not (self.fits and self.shape):
            return []
        return curve(self.shape, self.input_len, self.output_len, self.replicas, points)

    def to_dict(self) -> dict[str, Any]:
        perf = self.perf.to_dict() if self.perf else {}
        out = {
            "fits": self.fits,
            "ttft_ms": perf.get("ttft_ms"),
            "itl_ms": perf.get("itl_ms"),
            "tpot_ms": perf.get("tpot_ms"),
            "output_tokens_per_s": perf.get("output_tokens_per_s", 0.0),
            "output_tokens_per_s_per_gpu": round(perf.get("output_tokens_per_s", 0.0) / self.gpus, 1) if perf else 0.0,
            "request_latency_ms": perf.get("request_latency_ms"),
            "requests_per_s": perf.get("requests_per_s"),
            "concurrency": perf.get("concurrency"),
            "effective_batch": perf.get("effective_batch"),
            "queue_ms": perf.get("queue_ms"),
            "saturated": perf.get("saturated"),
            "percentiles": {k: perf[k] for k in ("ttft_ms_pct", "itl_ms_pct", "request_latency_ms_pct") if k in perf},
            "load": {
                "protocol": perf.get("protocol"),
                "concurrency": perf.get("concurrency"),
                "request_rate": perf.get("request_rate"),
                "preemptions": perf.get("preemptions"),
                "kv_peak_fraction": perf.get("kv_peak_fraction"),
                "admission_limit": perf.get("admission_limit"),
            }
            if perf
            else None,
            "memory": self.memory.to_dict(),
            "scheduler": self.scheduler,
            "precision": self.precision,
            "precision_mode": self.support_mode,
            "gpus": self.gpus,
            "tp": self.tp,
            "pp": self.pp,
            "replicas": self.replicas,
            "input_len": self.input_len,
            "output_len": self.output_len,
            "engine_version": self.engine_version,
            "backend": self.backend,
            "calibration": self.calibration,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "label": "estimated",
        }
        return out


def _whole(flag: str, v: object) -> None:
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise InvalidInputError(f"{flag} must be a whole number of at least 1, got {v!r}", hint=f"fix {flag}")


def estimate(
    model: Model,
    acc: Accelerator,
    *,
    gpus: int,
    tp: int,
    pp: int = 1,
    precision: str = "bf16",
    input_len: int = 1024,
    output_len: int = 256,
    concurrency: int = 1,
    max_model_len: int | None = None,
    engine_version: str | None = None,
    engine: str = "vllm",
    kv_cache_dtype: str = "auto",
    max_num_seqs: int | None = None,
    gpu_memory_utilization: float | None = None,
    usable_gib: float | None = None,
    check_tp: bool = True,
    saturate: bool = False,
    max_num_batched_tokens: int | None = None,
    rate: float | None = None,
    prefix_len: int = 0,
    backend: str = "auto",
    requests: int = 0,
    method: str = "simulate",
) -> Estimate:
    """``concurrency`` closed-loop clients (or ``rate`` requests/s, open loop) send ``input_len``
    -token prompts for ``output_len`` tokens. ``saturate=True`` judges the load that fills every
    replica (what a throughput KPI is about) instead of ``concurrency``. ``method="fluid"`` uses
    the fast average-rate model instead of the step-level simulation (screening)."""
    for flag, v in (
        ("--gpus", gpus),
        ("--tp", tp),
        ("--pp", pp),
        ("--input-len", input_len),
        ("--output-len", output_len),
        ("--concurrency", concurrency),
    ):
        _whole(flag, v)
    for flag, limit in (
        ("--max-model-len", max_model_len),
        ("--max-num-seqs", max_num_seqs),
        ("--max-num-batched-tokens", max_num_batched_tokens),
    ):
        if limit is not None:
            _whole(flag, limit)
    if rate is not None and not (rate > 0 and rate < float("inf")):
        raise InvalidInputError(f"--request-rate must be a positive number, got {rate!r}", hint="fix --request-rate")
    if gpus % (tp * pp):
        raise InvalidInputError(
            f"--gpus {gpus} is not a multiple of --tp {tp} x --pp {pp}",
            hint="gpus = tp x pp x replicas; e.g. --gpus 4 --tp 2 serves 2 replicas",
        )
    prec = _prec.parse(precision)
    version = engine_version or DEFAULT_ENGINE_VERSION
    const = constants_for(engine, version)
    replicas = gpus // (tp * pp)
    reasons, warnings = [], []
    sup = _prec.support(acc, prec.name, moe=bool(model.moe))
    if not sup.ok:
        reasons.append(sup.note)
    elif sup.note:
        warnings.append(sup.note)
    if sup.mode == "fp16-fallback":
        prec = _prec.PRECISIONS["fp16"]
    if check_tp:
        reasons += tp_problems(model, tp, prec.name) + pp_problems(model, pp)
    if kv_cache_dtype == "fp8" and acc.vendor == "nvidia" and (acc.cc or 0) < 8.9:
        warnings.append("fp8 KV cache on a GPU without native FP8 is emulated: capacity doubles, decode may slow")
    defaults = scheduler_defaults(const, acc, max_model_len)
    batched = max_num_batched_tokens or defaults.max_num_batched_tokens
    mns = max_num_seqs or defaults.max_num_seqs
    # Activation peaks are tabulated per step budget; V0's whole-prompt steps are sized from the
    # context (scheduler_defaults), which the table does not cover, so memory keeps the base budget.
    profiled = max_num_batched_tokens or scheduler_defaults(const, acc).max_num_batched_tokens
    mem = plan_memory(
        model, acc, prec, const, tp, pp, max_model_len, kv_cache_dtype, gpu_memory_utilization, usable_gib, profiled
    )
    reasons += _memory_problems(mem, acc, input_len, output_len, max_model_len, kv_cache_dtype)
    if mem.headroom_gib < const.min_headroom_gib and not reasons:
        warnings.append(
            f"only {mem.headroom_gib:.1f} GiB outside vLLM's budget for CUDA graphs; "
            f"lower --max-num-seqs or use --enforce-eager if start-up runs out of memory"
        )
    fits = not reasons
    scheduler = {
        "max_num_batched_tokens": batched,
        "max_num_seqs": mns,
        "block_size": const.block_size,
        "chunked_prefill": bool(const.chunked_prefill),
        "prefix_caching": bool(const.prefix_caching),
        "source": "set" if (max_num_seqs or max_num_batched_tokens) else defaults.source,
    }
    limits = EngineLimits(
        mns, batched, mem.kv_capacity_tokens, const.block_size, bool(const.chunked_prefill), bool(const.prefix_caching)
    )
    shape = Shape(
        model,
        acc,
        prec,
        const,
        tp,
        pp,
        sup.mode,
        "fp8" if kv_cache_dtype == "fp8" else "auto",
        limits,
        version,
        backend,
    )
    if fits and saturate:
        # On-demand paging: a running sequence holds its prompt plus half its answer on average.
        typical = max(1, int(mem.kv_capacity_tokens // (input_len + output_len / 2)))
        concurrency = replicas * max(1, min(mns, typical))
        rate = None
    perf = (
        run(shape, input_len, output_len, concurrency, replicas, rate, prefix_len, requests, method) if fits else None
    )
    if perf:
        warnings += _load_warnings(perf, mem, input_len, output_len, concurrency, replicas)
    est = Estimate(
        fits,
        mem,
        perf,
        reasons,
        warnings,
        prec.name,
        sup.mode,
        const.version,
        tp,
        pp,
        replicas,
        gpus,
        input_len,
        output_len,
        shape if fits else None,
        scheduler,
    )
    est._load = (concurrency, rate, prefix_len)
    return est


def _memory_problems(
    mem: MemoryPlan, acc: Accelerator, isl: int, osl: int, max_model_len: int | None, kv_cache_dtype: str
) -> list[str]:
    """Name the real limit: weights and activations first, then the KV cache; never a negative amount."""
    fixed = mem.weights_gib_per_gpu + mem.activation_gib + mem.non_torch_gib + mem.cuda_graph_gib
    offered = mem.usable_gib * mem.utilization
    if fixed >= offered:
        return [
            f"weights ({mem.weights_gib_per_gpu:.1f} GiB) plus activations and runtime "
            f"({fixed - mem.weights_gib_per_gpu:.1f} GiB) need {fixed:.1f} GiB per GPU; the {acc.name} offers "
            f"{offered:.1f} GiB ({mem.usable_gib:.1f} x {mem.utilization}): use more GPUs or fewer bits per weight"
        ]
    fix = (
        "more GPUs or a shorter context" if kv_cache_dtype == "fp8" else "fp8 KV cache, more GPUs or a shorter context"
    )
    if max_model_len and mem.max_model_len_fit < max_model_len:
        return [
            f"--max-model-len {max_model_len} needs more KV cache than the {mem.kv_budget_gib:.1f} GiB left per GPU "
            f"after weights; at most {mem.max_model_len_fit} tokens fit (use {fix})"
        ]
    need = isl + osl
    if mem.max_model_len < need:
        return [
            f"a {isl}+{osl}-token request needs a context of {need}; only {mem.max_model_len} tokens "
            f"{'are allowed' if max_model_len else 'fit in the KV cache'} (use {fix})"
        ]
    return []


def _load_warnings(
    perf: Performance, mem: MemoryPlan, isl: int, osl: int, concurrency: int, replicas: int
) -> list[str]:
    out = []
    if perf.preemptions:
        out.append(
            f"the KV cache ({mem.kv_capacity_tokens} tokens per replica) runs out at this load: "
            f"{perf.preemptions} preemption(s) recompute requests, so latency climbs; "
            f"use fp8 KV cache, more GPUs or fewer concurrent requests"
        )
    elif concurrency / replicas * (isl + osl) > mem.kv_capacity_tokens:
        out.append(
            f"{concurrency} requests at full length would need more KV cache than the "
            f"{mem.kv_capacity_tokens} tokens per replica: vLLM pages on demand, so it fits on average, "
            f"but long answers risk preemption"
        )
    if perf.saturated and perf.queue_ms > 1.0:
        limit = {"max_num_seqs": "--max-num-seqs", "kv_cache": "the KV cache"}.get(perf.admission_limit, "capacity")
        out.append(
            f"requests wait {perf.queue_ms / 1000:.2f} s on average before they start: {limit} caps how many "
            f"run at once"
        )
    return out
