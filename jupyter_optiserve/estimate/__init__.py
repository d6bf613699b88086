"""The estimator: will this configuration fit, and how fast will it be?

``estimate(...)`` answers for any catalog or config.json model on any accelerator. Every figure is
labelled "estimated"; constants are versioned per engine version (profiles/engine-constants.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.estimate import precision as _prec
from jupyter_optiserve.estimate.constants import constants_for
from jupyter_optiserve.estimate.memory import MemoryPlan, plan_memory
from jupyter_optiserve.estimate.parallelism import pp_problems, tp_problems
from jupyter_optiserve.estimate.performance import Performance, Shape, curve, steady_state

__all__ = ["estimate", "Estimate"]


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

    @property
    def ttft_ms(self):
        return self.perf.ttft_ms if self.perf else None

    @property
    def itl_ms(self):
        return self.perf.itl_ms if self.perf else None

    @property
    def output_tokens_per_s(self):
        return self.perf.output_tokens_per_s if self.perf else 0.0

    def curve(self, points=(1, 2, 4, 8, 16, 32, 64, 128, 256)) -> list[dict]:
        if not (self.fits and self.shape):
            return []
        return curve(self.shape, self.input_len, self.output_len, self.replicas, self.memory.kv_capacity_tokens,
                     self._max_num_seqs, points)

    _max_num_seqs: int = 256

    def to_dict(self) -> dict:
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
            "memory": self.memory.to_dict(),
            "precision": self.precision,
            "precision_mode": self.support_mode,
            "gpus": self.gpus, "tp": self.tp, "pp": self.pp, "replicas": self.replicas,
            "input_len": self.input_len, "output_len": self.output_len,
            "engine_version": self.engine_version,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "label": "estimated",
        }
        return out


def estimate(model, acc, *, gpus: int, tp: int, pp: int = 1, precision: str = "bf16", input_len: int = 1024,
             output_len: int = 256, concurrency: int = 1, max_model_len: int | None = None,
             engine_version: str | None = None, engine: str = "vllm", kv_cache_dtype: str = "auto",
             max_num_seqs: int | None = None, gpu_memory_utilization: float | None = None,
             usable_gib: float | None = None, check_tp: bool = True, saturate: bool = False) -> Estimate:
    """``saturate=True`` judges performance with every replica's batch full (max_num_seqs or what the
    KV cache holds), instead of at ``concurrency``: what a throughput KPI is about."""
    for flag, v in (("--gpus", gpus), ("--tp", tp), ("--pp", pp), ("--input-len", input_len),
                    ("--output-len", output_len), ("--concurrency", concurrency)):
        if not isinstance(v, int) or v < 1:
            raise InvalidInputError(f"{flag} must be a whole number of at least 1, got {v!r}", hint=f"fix {flag}")
    if max_model_len is not None and max_model_len < 1:
        raise InvalidInputError(f"--max-model-len must be positive, got {max_model_len}", hint="fix --max-model-len")
    if gpus % (tp * pp):
        raise InvalidInputError(f"--gpus {gpus} is not a multiple of --tp {tp} x --pp {pp}",
                                hint="gpus = tp x pp x replicas; e.g. --gpus 4 --tp 2 serves 2 replicas")
    prec = _prec.parse(precision)
    const = constants_for(engine, engine_version or "0.21.0")
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
    mem = plan_memory(model, acc, prec, const, tp, pp, max_model_len, kv_cache_dtype, gpu_memory_utilization, usable_gib)
    need = input_len + output_len
    gib = mem.usable_gib * mem.utilization
    if mem.weights_gib_per_gpu + mem.activation_gib + mem.non_torch_gib >= gib:
        reasons.append(f"needs {mem.weights_gib_per_gpu + mem.activation_gib + mem.non_torch_gib:.1f} GiB per GPU for weights "
                       f"and activations, the {acc.name} offers {gib:.1f} GiB ({mem.usable_gib:.1f} x {mem.utilization})")
    elif max_model_len and mem.max_model_len_fit < max_model_len:
        reasons.append(f"--max-model-len {max_model_len} needs more KV cache than the {mem.kv_budget_gib:.1f} GiB left per GPU; "
                       f"at most {mem.max_model_len_fit} tokens fit (use fp8 KV cache, more GPUs or a shorter context)")
    elif mem.max_model_len < need:
        reasons.append(f"a {input_len}+{output_len}-token request needs a context of {need}, only {mem.max_model_len} "
                       f"tokens {'are allowed' if max_model_len else 'fit in the KV cache'}")
    if mem.headroom_gib < const.min_headroom_gib and not reasons:
        warnings.append(f"only {mem.headroom_gib:.1f} GiB outside vLLM's budget for CUDA graphs; "
                        f"lower --max-num-seqs or use --enforce-eager if start-up runs out of memory")
    fits = not reasons
    mns = max_num_seqs or const.default_max_num_seqs
    shape = Shape(model, acc, prec, const, tp, pp, sup.mode, 1.0 if kv_cache_dtype == "fp8" else 2.0)
    if fits and saturate:
        concurrency = replicas * max(1, min(mns, mem.kv_capacity_tokens // (input_len + output_len)))
    perf = steady_state(shape, input_len, output_len, concurrency, replicas, mem.kv_capacity_tokens, mns) if fits else None
    if perf and perf.saturated:
        warnings.append(f"{concurrency} concurrent requests exceed what {replicas} replica(s) can run at once "
                        f"(batch {perf.batch:.0f}): requests queue for {perf.queue_ms / 1000:.1f} s")
    est = Estimate(fits, mem, perf, reasons, warnings, prec.name, sup.mode, const.version, tp, pp, replicas, gpus,
                   input_len, output_len, shape if fits else None)
    est._max_num_seqs = mns
    return est
