"""GPU memory: weights, KV cache, vLLM's budget -> KV capacity, concurrency and max context.

Formulas (docs/estimation.md, "Memory"):
  weights/GPU   = (quantized params x bytes/param + 16-bit embeddings) / (tp x pp)
  KV budget     = usable x gpu_memory_utilization - weights - activation peak - non-torch - CUDA graphs
  KV tokens     = floor(budget / (block_size x kv bytes/token/GPU)) x block_size
  concurrency   = KV tokens / max_model_len
Check: Llama-3.1-8B bf16 on H100: 79.18 x 0.9 - 14.96 - 4.8 - 0.13 = 51.3 GiB -> 420k tokens.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.estimate.precision import Precision

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.catalog.models import Model
    from jupyter_optiserve.estimate.constants import EngineConstants

GIB = 1024**3


def weight_bytes(model: Model, prec: Precision) -> float:
    """Whole-model weight bytes at ``prec``; native quantized checkpoints keep their own format."""
    return model._memo(("weight_bytes", prec.name), lambda: _weight_bytes(model, prec))


def _weight_bytes(model: Model, prec: Precision) -> float:
    total = model.total_params
    native = (model.weights or {}).get("scheme")
    if native == "mxfp4" and prec.name in ("mxfp4", "bf16", "fp16"):
        # gpt-oss: MXFP4 experts, everything else 16-bit
        experts = model.expert_params
        return experts * (0.5 + 1 / 32) + (total - experts) * 2.0
    if native in ("fp8", "fp8-block") and prec.name in ("bf16", "fp16", "fp8"):
        return total * 1.0 + model.embedding_params * 1.0  # DeepSeek: fp8 blocks, 16-bit embeddings
    if not prec.quantized:
        return total * prec.weight_bytes
    embed = model.embedding_params  # embeddings and lm_head stay 16-bit in every scheme
    return (total - embed) * prec.weight_bytes + embed * 2.0


def activation_gib(model: Model, const: EngineConstants, batched_tokens: int) -> float:
    """Peak activation of vLLM's profiling run: constant in max-model-len, set by model class.
    The table holds peaks measured at ``activation_reference_tokens`` batched tokens; the
    profiling run's peak scales with the engine's ``max_num_batched_tokens``."""
    scale = batched_tokens / const.activation_reference_tokens
    return max(0.5, _activation_class(model, const) * scale)


def _activation_class(model: Model, const: EngineConstants) -> float:
    act = const.activation_gib
    if model.total_params < 4e9:
        return act["small"]
    if model.multimodal:
        return act["multimodal"]
    if model.moe:
        return act["moe"]
    if (model.vocab_size or 0) > 140_000:
        return act["large_vocab"]
    return act["dense"]


@dataclass(frozen=True)  # shared by the memo in plan_memory: never mutated
class MemoryPlan:
    usable_gib: float
    utilization: float
    weights_gib_per_gpu: float
    activation_gib: float
    non_torch_gib: float
    cuda_graph_gib: float
    kv_budget_gib: float
    kv_bytes_per_token_per_gpu: float
    kv_capacity_tokens: int
    max_model_len: int
    max_model_len_fit: int
    max_concurrency: float
    headroom_gib: float
    kv_dtype: str

    @property
    def kv_cache_gib_per_gpu(self) -> float:
        return max(0.0, self.kv_budget_gib)

    def to_dict(self) -> dict[str, Any]:
        return {
            "usable_gib_per_gpu": round(self.usable_gib, 2),
            "gpu_memory_utilization": self.utilization,
            "weights_gib_per_gpu": round(self.weights_gib_per_gpu, 2),
            "activation_gib_per_gpu": round(self.activation_gib, 2),
            "non_torch_gib_per_gpu": round(self.non_torch_gib, 2),
            "cuda_graph_gib_per_gpu": round(self.cuda_graph_gib, 2),
            "kv_cache_gib_per_gpu": round(self.kv_cache_gib_per_gpu, 2),
            "kv_bytes_per_token_per_gpu": int(self.kv_bytes_per_token_per_gpu),
            "kv_cache_dtype": self.kv_dtype,
            "kv_capacity_tokens": self.kv_capacity_tokens,
            "max_model_len": self.max_model_len,
            "max_model_len_fit": self.max_model_len_fit,
            "max_concurrency": round(self.max_concurrency, 2),
            "headroom_gib_per_gpu": round(self.headroom_gib, 2),
        }


def seq_bytes(model: Model, kv_bytes: float, tp: int, pp: int, length: int) -> float:
    """KV bytes one sequence of ``length`` tokens holds on one GPU."""
    return model.kv_bytes_per_token(kv_bytes, tp, context=length) * length / pp


def solve_max_model_len(model: Model, kv_bytes: float, tp: int, pp: int, budget_bytes: float, block: int) -> int:
    """Largest context (a block multiple, <= the model's maximum) whose one sequence fits the KV budget."""
    if budget_bytes <= 0:
        return 0
    hi = model.max_context
    if seq_bytes(model, kv_bytes, tp, pp, hi) <= budget_bytes:
        return hi
    lo = 0
    while hi - lo > 1:  # per-sequence KV grows monotonically with length (sliding layers saturate)
        mid = (lo + hi) // 2
        if seq_bytes(model, kv_bytes, tp, pp, mid) <= budget_bytes:
            lo = mid
        else:
            hi = mid
    return lo // block * block


_MEMO: OrderedDict[tuple[object, ...], tuple[Model, Accelerator, EngineConstants, MemoryPlan]] = OrderedDict()
_memo_lock = threading.Lock()


def plan_memory(
    model: Model,
    acc: Accelerator,
    prec: Precision,
    const: EngineConstants,
    tp: int,
    pp: int,
    max_model_len: int | None,
    kv_cache_dtype: str = "auto",
    utilization: float | None = None,
    usable_gib: float | None = None,
    batched_tokens: int = 8192,
) -> MemoryPlan:
    """Memoised like performance.steady_state: one configuration is planned once for all KPIs."""
    key = (
        id(model),
        id(acc),
        prec.name,
        id(const),
        tp,
        pp,
        max_model_len,
        kv_cache_dtype,
        utilization,
        usable_gib,
        batched_tokens,
    )
    with _memo_lock:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is model and hit[1] is acc and hit[2] is const:
            return hit[3]
    plan = _plan_memory(
        model, acc, prec, const, tp, pp, max_model_len, kv_cache_dtype, utilization, usable_gib, batched_tokens
    )
    with _memo_lock:
        _MEMO[key] = (model, acc, const, plan)
        if len(_MEMO) > 20_000:
            _MEMO.popitem(last=False)
    return plan


def _plan_memory(
    model: Model,
    acc: Accelerator,
    prec: Precision,
    const: EngineConstants,
    tp: int,
    pp: int,
    max_model_len: int | None,
    kv_cache_dtype: str,
    utilization: float | None,
    usable_gib: float | None,
    batched_tokens: int,
) -> MemoryPlan:
    util = utilization or const.gpu_memory_utilization
    usable = usable_gib if usable_gib is not None else acc.usable_memory_gib
    weights = weight_bytes(model, prec) / (tp * pp) / GIB
    act = activation_gib(model, const, batched_tokens)
    non_torch = const.non_torch_gib["tp1" if tp * pp == 1 else "tp_multi"]
    graphs = const.cuda_graph_gib
    budget = usable * util - weights - act - non_torch - graphs
    kv_bytes = 1.0 if kv_cache_dtype == "fp8" else 2.0
    block = const.block_size
    fit = solve_max_model_len(model, kv_bytes, tp, pp, budget * GIB, block)
    mml = max_model_len or fit
    per_token = model.kv_bytes_per_token(kv_bytes, tp, context=mml) / pp
    page = block * per_token
    tokens = int(max(0.0, budget) * GIB // page) * block if page > 0 else 0
    conc = tokens / mml if mml else 0.0
    headroom = usable * (1 - util)
    return MemoryPlan(
        usable,
        util,
        weights,
        act,
        non_torch,
        graphs,
        budget,
        per_token,
        tokens,
        mml,
        fit,
        conc,
        headroom,
        "fp8" if kv_cache_dtype == "fp8" else "auto",
    )
