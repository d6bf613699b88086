"""Precisions and quantization schemes: bytes per weight, compute path, and hardware gates.

The rules, per vendor and compute capability, and why they hold: docs/estimation.md, section 10
"Precision gates". They move between vLLM versions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jupyter_optiserve.errors import InvalidInputError

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.accelerators import Accelerator


@dataclass(frozen=True)
class Precision:
    name: str  # canonical: bf16 fp16 fp8 int8 int4 nvfp4 mxfp4
    weight_bytes: float  # per quantized parameter, scales included
    compute: str  # tensor-core path when native: bf16 | fp8 | int8 | fp4
    quantized: bool
    vllm_quantization: str | None = None  # --quantization value for on-the-fly quantization


PRECISIONS = {
    "bf16": Precision("bf16", 2.0, "bf16", False),
    "fp16": Precision("fp16", 2.0, "bf16", False),
    # FP8 W8A8: 1 byte + per-channel scales (negligible). vLLM can quantize bf16 checkpoints on load.
    "fp8": Precision("fp8", 1.0, "fp8", True, "fp8"),
    "int8": Precision("int8", 1.0, "int8", True),
    # INT4 W4A16, group 128: 4 bits + one 16-bit scale per 128 weights.
    "int4": Precision("int4", 0.5 + 2 / 128, "bf16", True),
    # NVFP4: 4 bits + an FP8 scale per 16 weights; MXFP4: 4 bits + an E8M0 scale per 32.
    "nvfp4": Precision("nvfp4", 0.5 + 1 / 16, "fp4", True),
    "mxfp4": Precision("mxfp4", 0.5 + 1 / 32, "fp4", True),
}

ALIASES = {
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "w8a8": "int8",
    "w8a8-int8": "int8",
    "int8-w8a8": "int8",
    "fp8-dynamic": "fp8",
    "fp8-block": "fp8",
    "w8a8-fp8": "fp8",
    "fp8-static": "fp8",
    "w4a16": "int4",
    "int4-w4a16": "int4",
    "awq": "int4",
    "gptq": "int4",
    "int4_awq": "int4",
    "fp4": "nvfp4",
    "w4a4": "nvfp4",
}

# Variant scheme (model-variants.csv) -> canonical precision
SCHEME_PRECISION = {
    "fp8": "fp8",
    "fp8-dynamic": "fp8",
    "fp8-block": "fp8",
    "w8a8": "int8",
    "w4a16": "int4",
    "nvfp4": "nvfp4",
    "mxfp4": "mxfp4",
    "none": None,
    "sparse-2of4": None,
}


@functools.lru_cache(maxsize=64)
def parse(name: str) -> Precision:
    key = str(name).strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in PRECISIONS:
        raise InvalidInputError(
            f"--precision '{name}' is not known",
            hint="use bf16, fp16, fp8, int8, int4 (or a scheme: w4a16, w8a8, fp8-dynamic, nvfp4, mxfp4)",
        )
    return PRECISIONS[key]


@dataclass(frozen=True)
class Support:
    mode: str  # native | weight-only | fp16-fallback | unsupported
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.mode != "unsupported"


def support(acc: Accelerator, precision: str, moe: bool = False) -> Support:
    """Can ``acc`` serve weights in ``precision``, and how (native kernels or a slower fallback)?"""
    p = parse(precision).name
    if acc.vendor == "nvidia":
        return _nvidia(acc, p, moe)
    if acc.vendor == "amd":
        fp8 = (acc.arch or "").startswith("gfx94") or "fp8" in acc.tflops
        table = {"bf16": True, "fp16": True, "fp8": fp8, "int4": fp8, "int8": False, "nvfp4": False, "mxfp4": fp8}
        return Support("native") if table[p] else Support("unsupported", f"vLLM ROCm has no {p} kernels for {acc.name}")
    if acc.vendor == "intel":
        ok = p in ("bf16", "fp16") or (p == "fp8" and "fp8" in acc.tflops)
        return Support("native") if ok else Support("unsupported", f"vLLM on Gaudi serves bf16/fp8 only, not {p}")
    # CPU: vLLM CPU serves bf16 (AVX-512 BF16/AMX) or fp16, plus INT8/INT4 weight-only checkpoints.
    if p in ("bf16", "fp16"):
        return Support("native")
    if p in ("int8", "int4"):
        return Support("weight-only", "CPU kernels dequantize on the fly")
    return Support("unsupported", f"no {p} kernels on CPUs")


def _nvidia(acc: Accelerator, p: str, moe: bool) -> Support:
    cc = acc.cc or 0.0
    name = f"{acc.name} (compute capability {acc.compute_capability})"
    if p == "bf16":
        if cc >= 8.0:
            return Support("native")
        return Support("fp16-fallback", f"{name} lacks bf16: serving in fp16 (--dtype half), a small accuracy risk")
    if p == "fp16":
        return Support("native")
    if p == "fp8":
        if cc >= 8.9:
            return Support("native")
        if moe and cc >= 7.5:
            return Support(
                "unsupported", f"FP8 MoE checkpoints need native FP8 (compute capability 8.9+); {name} has none"
            )
        if cc >= 7.5:
            return Support(
                "weight-only",
                f"{name} has no FP8 tensor cores: runs as W8A16 via FP8 Marlin (memory saving, no compute speed-up)",
            )
        return Support("unsupported", f"FP8 needs compute capability 7.5+ (Marlin) or 8.9+ (native); {name} is too old")
    if p == "int8":
        if cc >= 10.0:
            return Support("unsupported", f"vLLM's INT8 W8A8 kernels do not support Blackwell; {name}")
        if cc > 7.5:
            return Support("native")
        if cc == 7.5:
            return Support("native", "vLLM docs are ambiguous for Turing INT8 W8A8: test before production")
        return Support("unsupported", f"INT8 W8A8 needs compute capability 7.5+; {name}")
    if p == "int4":
        if cc >= 8.0:
            return Support("weight-only", "W4A16 via Marlin: 4-bit weights, 16-bit compute")
        return Support("unsupported", f"W4A16 Marlin kernels need compute capability 8.0+; {name}")
    if p in ("nvfp4", "mxfp4"):
        if cc >= 10.0:
            return Support("native")
        if cc >= 8.0:
            return Support("weight-only", f"{name} has no native FP4: weight-only FP4 via Marlin")
        return Support("unsupported", f"{p.upper()} needs compute capability 8.0+; {name}")
    return Support("unsupported", f"unknown precision {p}")
