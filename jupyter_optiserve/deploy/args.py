"""vLLM engine flags from a profile: explicit, so the server never falls back to risky defaults.

``--max-model-len`` is always written (without it vLLM takes ``max_position_embeddings`` and a
128k context rarely fits the KV cache: failure mode #1). Flag spellings come from the runtime
catalog (``Runtime.flags``), values are written ``--flag=value`` as the dashboard does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# vLLM's V1 engine (default from 0.8.0) turns prefix caching and chunked prefill on by itself.
V1_DEFAULT = (0, 8, 0)
# Both flags exist from 0.4.0; older engines get neither.
FLAGS_SINCE = (0, 4, 0)
# vLLM 0.8-0.9 run an fp8 KV cache on V1 only with FlashAttention 3 (Hopper and newer); on older
# GPUs (L4, L40S, A100: compute capability < 9.0) they fall back to the V0 engine, where prefix
# caching and chunked prefill are off unless asked for. From 0.10 V0 is gone.
V0_FALLBACK = ((0, 8, 0), (0, 10, 0))
FA3_MIN_CC = 9.0

_FLAG_DEFAULTS = {
    "tensor_parallel": "--tensor-parallel-size",
    "pipeline_parallel": "--pipeline-parallel-size",
    "max_model_len": "--max-model-len",
    "max_num_seqs": "--max-num-seqs",
    "gpu_memory_utilization": "--gpu-memory-utilization",
    "dtype": "--dtype",
    "quantization": "--quantization",
    "kv_cache_dtype": "--kv-cache-dtype",
    "prefix_caching": "--enable-prefix-caching",
    "chunked_prefill": "--enable-chunked-prefill",
}
_ONTHEFLY = {"fp8": "fp8", "fp8-dynamic": "fp8"}  # precisions vLLM can quantize a 16-bit checkpoint to at load time


@dataclass
class EngineArgs:
    args: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dtype: str | None = None  # the --dtype written, if any


def version_tuple(v: str | None) -> tuple[int, ...] | None:
    nums = re.findall(r"\d+", str(v or ""))
    return tuple(int(n) for n in nums[:3]) + (0,) * (3 - len(nums[:3])) if nums else None


def build_args(
    profile,
    model,
    accelerator,
    runtime=None,
    variant=None,
    *,
    engine_version: str | None = None,
    multinode: bool = False,
    trust_remote_code: bool = False,
) -> EngineArgs:
    """The vLLM flags for ``profile`` on ``accelerator`` (a catalog Accelerator).

    In a multi-node deployment KServe exports TENSOR_PARALLEL_SIZE/PIPELINE_PARALLEL_SIZE from
    ``workerSpec`` and the multinode template passes them, so the parallel flags are left out.
    """
    flags = {**_FLAG_DEFAULTS, **(getattr(runtime, "flags", None) or {})}
    out = EngineArgs()

    def add(key, value=None):
        name = flags.get(key)
        if name:
            out.args.append(name if value is None else f"{name}={value}")

    if not multinode:
        add("tensor_parallel", profile.tp)
        if profile.pp > 1:
            add("pipeline_parallel", profile.pp)
    add("max_model_len", profile.max_model_len)
    add("max_num_seqs", profile.max_num_seqs)
    _batched_tokens(out, profile, accelerator, runtime, engine_version)
    if accelerator is None or accelerator.vendor != "cpu":
        add("gpu_memory_utilization", profile.gpu_memory_utilization)
    _dtype(out, add, profile, model, accelerator, variant)
    _quantization(out, add, profile, model, variant)
    if profile.kv_cache_dtype and profile.kv_cache_dtype != "auto":
        add("kv_cache_dtype", profile.kv_cache_dtype)
    _caching(
        out,
        add,
        engine_version or profile.engine_version or getattr(runtime, "default_engine_version", None),
        v0_fallback=_v0_fallback(profile, accelerator),
    )
    if getattr(model, "trust_remote_code", False):
        if trust_remote_code:
            out.args.append("--trust-remote-code")
        else:
            out.notes.append(
                "this model ships its own code (auto_map); it runs only with --trust-remote-code "
                "(pass --trust-remote-code after a security review)"
            )
    present = {a.split("=", 1)[0] for a in out.args}
    out.args += [a for a in (profile.args or ()) if a.split("=", 1)[0] not in present]
    return out


def _batched_tokens(out, profile, accelerator, runtime, engine_version) -> None:
    """Write the per-step token budget the estimate assumed: vLLM picks it from the GPU's memory
    and name, which a MIG slice or a renamed device can change under the profile."""
    flag = (getattr(runtime, "flags", None) or {}).get("max_num_batched_tokens")
    if not flag or accelerator is None or any(a.startswith(flag) for a in (profile.args or ())):
        return
    from jupyter_optiserve.estimate.constants import constants_for
    from jupyter_optiserve.estimate.engine_defaults import scheduler_defaults

    version = engine_version or profile.engine_version or getattr(runtime, "default_engine_version", None) or "0.21.0"
    const = constants_for(getattr(runtime, "framework", "vllm") or "vllm", version)
    if not const.chunked_prefill:
        return  # V0 sizes its prefill steps from --max-model-len
    limits = scheduler_defaults(const, accelerator, profile.max_model_len)
    out.args.append(f"{flag}={limits.max_num_batched_tokens}")


def _dtype(out, add, profile, model, accelerator, variant) -> None:
    """bf16 needs compute capability 8.0 (failure mode #10); fp32 checkpoints serve in 16 bits."""
    declared = getattr(model, "dtype", "bf16")
    cc = accelerator.cc if accelerator is not None and accelerator.vendor == "nvidia" else None
    want = None
    if profile.precision == "fp16":
        want = "half"
    elif cc is not None and cc < 8.0 and (declared in ("bf16", "fp32") or profile.precision == "bf16"):
        want = "half"
        out.notes.append(
            f"{accelerator.name} (compute capability {accelerator.compute_capability}) lacks bf16: "
            "serving in fp16 (--dtype half), a small accuracy risk"
        )
    elif declared == "fp32":
        want = "bfloat16"
        out.notes.append("the checkpoint declares float32: serving in bfloat16 (--dtype bfloat16) to halve memory")
    if want:
        add("dtype", want)
        out.dtype = want


def _quantization(out, add, profile, model, variant) -> None:
    """Pre-quantized checkpoints carry quantization_config and vLLM detects it: no flag, since a
    forced ``--quantization`` that disagrees with the checkpoint fails at load. Only an on-the-fly
    quantization of 16-bit weights needs the flag."""
    if variant is not None or getattr(model, "quantization_config", None) or getattr(model, "weights", None):
        return
    method = _ONTHEFLY.get(profile.precision)
    if method:
        add("quantization", method)
        out.notes.append(f"quantizing the 16-bit weights to {method} at load time (--quantization={method})")


def _v0_fallback(profile, accelerator) -> bool:
    fp8_kv = str(profile.kv_cache_dtype or "").startswith("fp8")
    cc = accelerator.cc if accelerator is not None and accelerator.vendor == "nvidia" else None
    return fp8_kv and cc is not None and cc < FA3_MIN_CC


def _caching(out, add, version, v0_fallback: bool = False) -> None:
    v = version_tuple(version)
    if v is not None and v0_fallback and V0_FALLBACK[0] <= v < V0_FALLBACK[1]:
        add("prefix_caching")
        add("chunked_prefill")
        out.notes.append(
            f"vLLM {version} runs an fp8 KV cache on this GPU with the V0 engine: enabling prefix "
            "caching and chunked prefill explicitly (V1 turns them on by itself)"
        )
        return
    if v is None or v >= V1_DEFAULT:
        return  # V1 engine: both on by default
    if v >= FLAGS_SINCE:
        add("prefix_caching")
        add("chunked_prefill")
        out.notes.append(
            f"vLLM {version} predates the V1 engine: enabling prefix caching and chunked prefill explicitly"
        )
