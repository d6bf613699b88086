"""Why a configuration cannot run, in words that name the real limit and never a negative amount.

The estimator's memory reasons are re-derived here from its memory plan: what vLLM needs before any
KV cache (weights + activations + CUDA graphs and runtime) against what it may use
(usable x gpu_memory_utilization), then the KV cache the context needs against what is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_optiserve.estimate import Estimate

GIB = 1024**3


def why_not(est: Estimate, acc_name: str, max_model_len: int | None) -> str:
    return "; ".join(reasons(est, acc_name, max_model_len)) or "does not fit"


def reasons(est: Estimate, acc_name: str, max_model_len: int | None) -> list[str]:
    """The estimator's reasons with its memory ones replaced by the binding limit (see module doc)."""
    mine = memory_limit(est, acc_name, max_model_len)
    out = [r for r in est.reasons if not (mine and _is_memory(r))]
    if mine and len(out) < len(est.reasons):
        out.append(mine)
    return out


def _is_memory(reason: str) -> bool:
    return "GiB" in reason or reason.startswith("--max-model-len")


def memory_limit(est: Estimate, acc_name: str, max_model_len: int | None) -> str | None:
    """The binding memory limit in plain words, or None when memory is not what stops it."""
    m = est.memory
    offered = m.usable_gib * m.utilization
    runtime = m.non_torch_gib + m.cuda_graph_gib
    fixed = m.weights_gib_per_gpu + m.activation_gib + runtime
    if fixed >= offered:
        return (
            f"needs {fixed:.1f} GiB per GPU before any KV cache (weights {m.weights_gib_per_gpu:.1f} + activations "
            f"{m.activation_gib:.1f} + CUDA graphs and runtime {runtime:.1f}), more than the {offered:.1f} GiB vLLM may "
            f"use on the {acc_name} ({m.usable_gib:.1f} x {m.utilization}): use more GPUs per replica or smaller weights"
        )
    if max_model_len and m.max_model_len_fit < max_model_len:
        left = max(0.0, offered - fixed)
        need = m.kv_bytes_per_token_per_gpu * max_model_len / GIB
        fits = f"room for {m.max_model_len_fit:,} tokens" if m.max_model_len_fit > 0 else "not one KV block"
        fixes = (["fp8 KV cache"] if m.kv_dtype != "fp8" else []) + ["more GPUs per replica", "a shorter --context"]
        return (
            f"--max-model-len {max_model_len} needs {need:.1f} GiB of KV cache per GPU; {left:.1f} GiB is left after "
            f"weights, activations and CUDA graphs ({fits}): use {', '.join(fixes[:-1])} or {fixes[-1]}"
        )
    return None
