"""The built-in backend: each operation at a fitted fraction of the datasheet's peak.

Every efficiency is a physical fraction with a range a reviewer can check (docs/estimation.md,
"Efficiencies"): the share of peak tensor FLOPS a GEMM or attention kernel reaches once it is
compute-bound, the share of HBM bandwidth it reaches while streaming weights or KV, the share of
link bandwidth an all-reduce reaches, and the shortest time any kernel takes (launch and tail).
Answers for every accelerator in the catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jupyter_optiserve.estimate.kernels.base import Provenance

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.estimate.constants import EngineConstants

_KV_BYTES = {"fp8": 1.0, "auto": 2.0, "bf16": 2.0, "fp16": 2.0}
# Bytes per weight element a GEMM streams on each compute path (scales included).
_WEIGHT_BYTES = {"bf16": 2.0, "fp8": 1.0, "int8": 1.0, "w4a16": 0.5 + 2 / 128, "w8a16": 1.0, "fp4": 0.5 + 1 / 16}


class RooflineBackend:
    def __init__(self, acc: Accelerator, const: EngineConstants):
        self.acc = acc
        eff = const.efficiency
        vendor = const.vendor_efficiency.get(acc.vendor, 1.0)  # software maturity of the vendor's stack
        self._bw: float = acc.memory_bw_gbps * 1e9
        self._eta_bw: float = eff["gemm_bandwidth"] * vendor
        self._eta_attn_bw: float = eff["attention_decode_bandwidth"] * vendor
        self._eta_attn_f: float = eff["attention_prefill_flops"] * vendor
        self._eta_gemm: dict[str, float] = {p: v * vendor for p, v in eff["gemm_flops"].items()}
        self._floor: float = eff["kernel_floor_us"] * 1e-6
        self._link: float = (acc.interconnect_gbps or 32.0) * 1e9 * eff["link_bandwidth"]
        self._alpha: float = (
            eff["allreduce_latency_us"] if acc.has_fast_link else eff["allreduce_latency_pcie_us"]
        ) * 1e-6
        self._peak = {p: self._peak_for(p) for p in _WEIGHT_BYTES}
        self.provenance = Provenance("roofline", f"roofline, efficiencies for vLLM {const.since}+ (engine-constants)")

    def _peak_for(self, path: str) -> float:
        t = self.acc.tflops
        if path in ("fp8", "int8") and path in t:
            return float(t[path]) * 1e12
        if path == "fp4":
            return float(t.get("fp4") or t.get("fp8") or self.acc.peak_tflops("bf16")) * 1e12
        return self.acc.peak_tflops("bf16") * 1e12  # weight-only paths dequantize and compute in 16-bit

    def gemm(self, m: int, n: int, k: int, path: str) -> float:
        flops = 2.0 * m * n * k
        moved = n * k * _WEIGHT_BYTES[path] + 2.0 * m * (n + k)  # weights + 16-bit activations in and out
        eta_f = self._eta_gemm.get(path, self._eta_gemm["bf16"])
        return max(flops / (eta_f * self._peak[path]), moved / (self._eta_bw * self._bw), self._floor)

    def attention_prefill(
        self, batch: int, q_len: int, kv_len: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str
    ) -> float:
        # QK^T and PV over the causal triangle of the new tokens plus the whole cached prefix.
        prefix = max(0, kv_len - q_len)
        flops = 4.0 * batch * heads * head_dim * q_len * (prefix + q_len / 2)
        moved = batch * kv_len * 2 * kv_heads * head_dim * _KV_BYTES.get(kv_dtype, 2.0)
        return max(flops / (self._eta_attn_f * self._peak["bf16"]), moved / (self._eta_attn_bw * self._bw), self._floor)

    def attention_decode(self, batch: int, ctx: int, heads: int, kv_heads: int, head_dim: int, kv_dtype: str) -> float:
        moved = batch * ctx * 2 * kv_heads * head_dim * _KV_BYTES.get(kv_dtype, 2.0)
        flops = 4.0 * batch * heads * head_dim * ctx
        return max(moved / (self._eta_attn_bw * self._bw), flops / (self._eta_attn_f * self._peak["bf16"]), self._floor)

    def allreduce(self, nbytes: float, tp: int) -> float:
        if tp <= 1:
            return 0.0
        return 2 * (tp - 1) / tp * nbytes / self._link + self._alpha  # ring: 2(p-1)/p of the message per link

    def moe(self, tokens: int, hidden: int, inter: int, experts: int, topk: int, tp: int, path: str) -> float:
        # vLLM's fused MoE kernel: one launch reads every expert the step's tokens touch
        # (up+gate and down, sharded by TP) and computes top-k experts per token.
        touched = experts * (1 - (1 - topk / experts) ** max(tokens, 1))
        per_expert = 3 * hidden * inter / tp
        moved = touched * per_expert * _WEIGHT_BYTES[path] + 2.0 * tokens * topk * (hidden + 2 * inter / tp)
        flops = 2.0 * tokens * topk * per_expert
        eta_f = self._eta_gemm.get(path, self._eta_gemm["bf16"])
        return max(flops / (eta_f * self._peak[path]), moved / (self._eta_bw * self._bw), self._floor)
