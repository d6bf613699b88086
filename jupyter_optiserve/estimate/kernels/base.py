"""The interface every kernel-cost backend answers: seconds for one operation on one GPU.

A backend knows one accelerator (and, for measured tables, one engine version). The step-cost
model (``estimate/stepcost.py``) composes these per-operation costs into the time of one engine
step; the scheduler model then runs steps. See docs/estimation.md, "Kernel-cost backends".

Compute paths (``path``): ``bf16`` (also fp16), ``fp8`` (W8A8 FP8), ``int8`` (W8A8 INT8),
``w4a16`` (4-bit weights, 16-bit compute, Marlin), ``w8a16`` (FP8 weights via Marlin on GPUs
without FP8 tensor cores), ``fp4`` (NVFP4/MXFP4 native).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

PATHS = ("bf16", "fp8", "int8", "w4a16", "w8a16", "fp4")


@dataclass(frozen=True)
class Provenance:
    """Which backend answered, and from which data: shown beside every estimate."""

    backend: str  # "roofline" | "measured"
    detail: (
        str  # e.g. "roofline, efficiencies fitted for vLLM 0.21" or "measured kernels, vLLM tables 0.24.0 (h200_sxm)"
    )

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "detail": self.detail}


@runtime_checkable
class KernelBackend(Protocol):
    @property
    def provenance(self) -> Provenance: ...

    def gemm(self, m: int, n: int, k: int, path: str) -> float:
        """One (m x k) @ (k x n) GEMM; m is the number of tokens in the step."""
        ...

    def attention_prefill(
        self, batch: int, q_len: int, kv_len: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str
    ) -> float:
        """Prefill attention of ``batch`` sequences, each ``q_len`` new tokens over ``kv_len`` tokens
        (cached prefix included), for ONE layer; heads are per GPU (already divided by TP)."""
        ...

    def attention_decode(self, batch: int, ctx: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str) -> float:
        """Decode attention of ``batch`` sequences, one new token each over ``ctx`` cached tokens,
        for ONE layer; heads per GPU."""
        ...

    def allreduce(self, nbytes: float, tp: int) -> float:
        """One all-reduce of ``nbytes`` across ``tp`` GPUs of one node."""
        ...

    def moe(self, tokens: int, hidden: int, inter: int, experts: int, topk: int, tp: int, path: str) -> float:
        """The routed-expert FFN of ONE MoE layer for ``tokens`` tokens (experts sharded by TP)."""
        ...
