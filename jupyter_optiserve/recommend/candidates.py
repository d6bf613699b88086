"""Generate only configurations vLLM would accept, for one model on one target.

Precisions: the checkpoint's own (bf16, or fp16 below compute capability 8.0), fp8 (vLLM quantizes
on load, or a Red Hat FP8 variant), and int8/int4/nvfp4 where a quantized variant exists; each gated
by the hardware (estimate/precision.py). TP sizes obey the head/KV/vocab/group rules and stay in one
node; pipeline parallelism spans nodes only when one node cannot hold the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jupyter_optiserve.estimate import precision as P
from jupyter_optiserve.estimate.parallelism import valid_tp_sizes

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog
    from jupyter_optiserve.catalog.accelerators import Accelerator
    from jupyter_optiserve.catalog.models import Model
    from jupyter_optiserve.catalog.runtimes import Runtime
    from jupyter_optiserve.catalog.variants import Variant
    from jupyter_optiserve.estimate.precision import Support
    from jupyter_optiserve.recommend.targets import Target

_VARIANT_PREF = {
    "fp8": ("fp8-dynamic", "fp8", "fp8-block"),
    "int8": ("w8a8",),
    "int4": ("w4a16",),
    "nvfp4": ("nvfp4",),
    "mxfp4": ("mxfp4",),
}


@dataclass(frozen=True)
class Candidate:
    precision: str
    variant: Variant | None
    tp: int
    pp: int
    kv_cache_dtype: str
    support: Support

    @property
    def gpus_per_replica(self) -> int:
        return self.tp * self.pp


def precision_options(
    catalog: Catalog, model: Model, acc: Accelerator, runtime: Runtime, variant: Variant | None = None
) -> tuple[list[tuple[str, Variant | None, Support]], list[str]]:
    """[(precision, variant|None, Support)] the hardware can serve, and why others were dropped."""
    rejected: list[str] = []
    native = (model.weights or {}).get("scheme")
    if variant is not None:  # the user named a quantized checkpoint: only that
        wanted = [P.SCHEME_PRECISION.get(variant.scheme) or model.dtype.replace("fp32", "bf16")]
    elif native in ("mxfp4",):
        wanted = ["mxfp4"]
    elif native in ("fp8", "fp8-block"):
        wanted = ["fp8"]
    else:
        wanted = ["bf16", "fp8", "int8", "int4", "nvfp4"]
    variants = {v.scheme: v for v in catalog.variants_for(model)} if variant is None else {}
    out = []
    native_fp8 = P.support(acc, "fp8", moe=bool(model.moe)).mode == "native"
    for prec in wanted:
        if prec == "int8" and native_fp8 and "fp8" in wanted:
            continue  # same bytes and peak as FP8 here, and FP8 keeps more accuracy: not a distinct option
        chosen = variant
        if prec in ("int8", "int4", "nvfp4") and variant is None:
            chosen = next((variants[s] for s in _VARIANT_PREF[prec] if s in variants), None)
            if chosen is None:
                continue  # needs a quantized checkpoint; none published for this model
        if prec == "fp8" and variant is None and native is None:
            chosen = next((variants[s] for s in _VARIANT_PREF["fp8"] if s in variants), None)
        canon = P.parse(prec).name
        if canon not in runtime.precisions and prec not in runtime.precisions:
            rejected.append(f"{prec}: the {runtime.name} runtime does not serve it")
            continue
        sup = P.support(acc, canon, moe=bool(model.moe))
        if not sup.ok:
            rejected.append(f"{prec}: {sup.note}")
            continue
        out.append((canon if sup.mode != "fp16-fallback" else "fp16", chosen, sup))
    return out, rejected


def generate(
    catalog: Catalog,
    model: Model,
    target: Target,
    runtime: Runtime,
    variant: Variant | None = None,
    kv_fp8: bool = True,
) -> tuple[list[Candidate], list[str]]:
    """``kv_fp8=False`` skips fp8-KV twins: they add capacity, not speed (docs/estimation.md, "Precision gates")."""
    acc = target.acc
    precs, rejected = precision_options(catalog, model, acc, runtime, variant)
    max_tp = 1 if target.usable_gib is not None and getattr(target.pool, "mig", None) else target.gpus_per_node
    out = []
    fp8_kv = kv_fp8 and (
        (acc.vendor == "nvidia" and (acc.cc or 0) >= 8.9) or (acc.vendor == "amd" and "fp8" in acc.tflops)
    )
    for prec, var, sup in precs:
        tps = valid_tp_sizes(model, max_tp, prec)
        if not tps:
            rejected.append(f"{prec}: no tensor-parallel size up to {max_tp} is valid for {model.id}")
            continue
        pps = [1] + [pp for pp in (2, 4) if pp <= target.nodes]
        for tp in tps:
            for pp in pps:
                if pp > 1 and tp != max_tp:
                    continue  # across nodes, fill each node first
                for kv in ("auto", "fp8") if fp8_kv else ("auto",):
                    out.append(Candidate(prec, var, tp, pp, kv, sup))
    return out, rejected
