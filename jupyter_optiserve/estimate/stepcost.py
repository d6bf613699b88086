"""The time of one engine step, composed from a kernel-cost backend's per-operation answers.

A vLLM step runs every layer once over all tokens scheduled in it: decode tokens (one per running
sequence) and prompt chunks. Per layer: the linear layers (QKV, output, FFN or fused MoE) over all
tokens, attention (decode over each sequence's cached context, prefill over the chunk's causal
triangle plus its cached prefix), and two tensor-parallel all-reduces; then the LM head over the
sequences that sample; plus the CPU's per-step work (schedule, prepare inputs, sample, detokenize).

The linear part depends only on the token count, so it is tabulated once per configuration on a
power-of-two grid and interpolated; attention is linear in its work (KV tokens read, prefill
query-key pairs). That keeps one step at a few microseconds, so the scheduler can run thousands.
See docs/estimation.md.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING

from jupyter_optiserve.estimate.kernels.base import KernelBackend

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.models import Model
    from jupyter_optiserve.estimate.constants import EngineConstants
    from jupyter_optiserve.estimate.precision import Precision

GRID: tuple[int, ...] = tuple(2**i for i in range(16))  # 1 .. 32768 tokens in a step


def compute_path(prec: Precision, mode: str) -> str:
    """The kernel path a precision runs on: native tensor cores or a weight-only fallback."""
    if mode == "weight-only":
        return "w4a16" if prec.weight_bytes < 1 else "w8a16"
    if prec.compute in ("fp8", "int8", "fp4") and mode == "native":
        return prec.compute
    return "bf16"


class _LazyGrid:
    """Values of ``fn`` on GRID, each computed when first read."""

    __slots__ = ("fn", "values")

    def __init__(self, fn: Callable[[int], float]):
        self.fn = fn
        self.values: list[float | None] = [None] * len(GRID)

    def __getitem__(self, i: int) -> float:
        v = self.values[i]
        if v is None:
            v = self.values[i] = self.fn(GRID[i])
        return v


class StepCost:
    """Step time of one replica of one configuration (per GPU of a TP group; PP stages in series)."""

    def __init__(
        self,
        model: Model,
        prec: Precision,
        mode: str,
        tp: int,
        pp: int,
        kv_dtype: str,
        backend: KernelBackend,
        const: EngineConstants,
    ):
        self.backend, self.tp, self.pp = backend, tp, pp
        self.path = compute_path(prec, mode)
        m = model
        self.layers = m.layers or 32
        self.hidden = m.hidden_size or 4096
        self.heads = max(1, (m.heads or 32) // tp)
        self.kv_heads = max(1, (m.kv_heads or m.heads or 32) // tp)
        self.head_dim = m.head_dim or 128
        self.kv_dtype = "fp8" if kv_dtype == "fp8" else "auto"
        eff = const.efficiency
        self.step_overhead: float = eff["step_overhead_ms"] * 1e-3
        self.per_seq: float = eff["step_overhead_per_seq_us"] * 1e-6
        self.p2p: float = eff.get("pp_p2p_latency_us", 50) * 1e-6
        self._gemms, self._moe = self._layer_ops(m)
        self._vocab = (m.vocab_size or 32000) // tp
        # Filled on first use: a simulation touches a handful of token counts, not the whole grid.
        self._lin = _LazyGrid(self._linear_s)
        self._head = _LazyGrid(lambda t: backend.gemm(t, self._vocab, self.hidden, "bf16"))
        self._dec_c, self._dec_0 = self._decode_attention_coeffs()
        self._pre_c, self._pre_0 = self._prefill_attention_coeffs()

    def _layer_ops(self, m: Model) -> tuple[list[tuple[int, int]], tuple[int, int, int] | None]:
        """(n, k) of each linear layer per GPU, and the MoE shape if any."""
        tp, h, d = self.tp, self.hidden, self.head_dim
        embed = m.embedding_params
        attention_ok = m.complete and (m.attention or {}).get("kind", "gqa") == "gqa"
        if not attention_ok:  # MLA, hybrid or partial dims: one GEMM per layer holding its share
            per_layer = max(1.0, (m.active_params - embed) / self.layers)
            return [(max(1, int(per_layer / h / tp)), h)], None
        gemms = [((self.heads + 2 * self.kv_heads) * d, h), (h, self.heads * d)]
        moe: tuple[int, int, int] | None = None
        attn_params = h * (m.heads or 32) * d * 2 + 2 * h * (m.kv_heads or 32) * d
        if m.moe:
            inter = m.moe.get("moe_intermediate_size") or m.intermediate_size or 4 * h
            topk = m.moe["experts_per_token"]
            moe = (inter, m.moe["experts"], topk)
            routed = 3 * h * inter * topk
            rest = (m.active_params - embed) / self.layers - attn_params - routed  # shared experts, dense layers
            if rest > h * 64:
                gemms.append((max(1, int(rest / h / tp)), h))
        else:
            inter = m.intermediate_size or 4 * h
            gemms += [(2 * inter // tp, h), (h, inter // tp)]
        return gemms, moe

    def _linear_s(self, tokens: int) -> float:
        b = self.backend
        t = sum(b.gemm(tokens, n, k, self.path) for n, k in self._gemms)
        if self._moe:
            inter, experts, topk = self._moe
            t += b.moe(tokens, self.hidden, inter, experts, topk, self.tp, self.path)
        t += 2 * b.allreduce(tokens * self.hidden * 2.0, self.tp)
        return t * self.layers

    def _decode_attention_coeffs(self) -> tuple[float, float]:
        b, args = self.backend, (self.heads, self.kv_heads, self.head_dim, self.kv_dtype)
        small, large = b.attention_decode(1, 16, *args), b.attention_decode(64, 4096, *args)
        slope = max(0.0, (large - small) / (64 * 4096 - 16))
        return slope * self.layers, small * self.layers

    def _prefill_attention_coeffs(self) -> tuple[float, float]:
        b, args = self.backend, (self.heads, self.kv_heads, self.head_dim, self.kv_dtype)
        small, large = b.attention_prefill(1, 16, 16, *args), b.attention_prefill(1, 4096, 4096, *args)
        work_small, work_large = 16 * 8, 4096 * 2048
        slope = max(0.0, (large - small) / (work_large - work_small))
        return slope * self.layers, small * self.layers

    @staticmethod
    def _interp(table: _LazyGrid, x: float) -> float:
        if x <= 1:
            return table[0]
        i = bisect.bisect_left(GRID, x)
        if i >= len(GRID):  # beyond the grid: linear from the last two points
            i = len(GRID) - 1
        x0, x1 = GRID[i - 1], GRID[i]
        return table[i - 1] + (table[i] - table[i - 1]) * (x - x0) / (x1 - x0)

    def step_s(
        self, decodes: int, ctx_sum: float, prefill_tokens: int, prefill_work: float, prefill_seqs: int = 0
    ) -> float:
        """One step: ``decodes`` sequences decoding over ``ctx_sum`` cached tokens in all, plus
        ``prefill_tokens`` prompt tokens whose causal query-key pairs total ``prefill_work``."""
        tokens = decodes + prefill_tokens
        t = self._interp(self._lin, tokens) + self._interp(self._head, decodes + prefill_seqs)
        if decodes:
            t += self._dec_0 + self._dec_c * ctx_sum
        if prefill_tokens:
            t += self._pre_0 + self._pre_c * prefill_work  # one varlen attention kernel per layer
        t += self.step_overhead + self.per_seq * (decodes + prefill_seqs)
        if self.pp > 1:  # stages run in series for one step; activations cross between them
            t += (self.pp - 1) * (self.p2p + tokens * self.hidden * 2.0 / 25e9)
        return t
