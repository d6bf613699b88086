"""Output quality of a profile: its weights' published accuracy recovery and the quality floor.

A latency, throughput, balanced or SLO answer never trades accuracy the user was not shown:
4-bit weights (a quantized derivative, not the model's own checkpoint) are left out unless the
KPI is cost or the user allows them (``--allow-precision``). Figures come from the variant's
catalog entry (``accuracy_recovery``, with the model card it was read from); none is invented.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.estimate.precision import SCHEME_PRECISION

if TYPE_CHECKING:
    from jupyter_optiserve.catalog.models import Model
    from jupyter_optiserve.catalog.variants import Variant

FLOOR_KPIS = ("latency", "throughput", "balanced", "slo")  # cost is where trading accuracy is the point
FLOOR_BITS = 8  # weights narrower than this need opting in
BITS = {"bf16": 16, "fp16": 16, "fp32": 32, "fp8": 8, "int8": 8, "int4": 4, "nvfp4": 4, "mxfp4": 4}
LOW_PRECISIONS = ("int4", "nvfp4", "mxfp4")
KV_FP8_NOTE = (
    "fp8 KV cache: twice the tokens per GiB; keys and values keep 8 bits, a small accuracy cost "
    "vLLM does not quantify (uncalibrated scales default to 1.0)"
)


def parse_allow(allow: str | bool | Iterable[str] | None) -> frozenset[str]:
    """``--allow-precision`` as the set of low precisions allowed: True/'all'/'4bit' allow every one."""
    if allow in (None, False, "", []):
        return frozenset()
    if allow is True:
        return frozenset(LOW_PRECISIONS)
    items = allow.split(",") if isinstance(allow, str) else list(allow or ())
    out: set[str] = set()
    for item in (str(i).strip().lower() for i in items):
        if item in ("all", "4bit", "4-bit", "true"):
            out.update(LOW_PRECISIONS)
        elif item in ("w4a16", "int4"):
            out.add("int4")
        elif item in LOW_PRECISIONS:
            out.add(item)
        elif item:
            raise InvalidInputError(
                f"--allow-precision '{item}' is not a low precision OptiServe gates",
                hint="use int4, nvfp4, mxfp4 or 4bit (all of them), comma-separated",
                field="allow_precision",
            )
    return frozenset(out)


def is_native(model: Model, precision: str) -> bool:
    """The model's own published format: no accuracy traded for serving it."""
    scheme = (getattr(model, "weights", None) or {}).get("scheme") or ""
    return (
        precision in ("bf16", "fp16", "fp32")
        or bool(scheme)
        and (scheme.startswith(precision) or SCHEME_PRECISION.get(scheme) == precision)
    )


def below_floor(kpi: str, model: Model, precision: str, allowed: frozenset[str]) -> bool:
    return (
        kpi in FLOOR_KPIS
        and BITS.get(precision, 16) < FLOOR_BITS
        and not is_native(model, precision)
        and precision not in allowed
    )


def describe(prec: str, kv_cache_dtype: str, model: Model, variant: Variant | None) -> dict[str, Any]:
    """The quality facts of one profile, for the table, the API, the sidebar and the reasons."""
    rec = variant.accuracy_recovery if variant is not None else None
    if is_native(model, prec):
        label, origin = f"{prec} (as published)", "the model's own checkpoint"
    elif rec and variant is not None:
        label, origin = f"{prec} {rec['percent']:g}%", variant.id
    else:
        label = f"{prec} n/p"
        origin = variant.id if variant is not None else f"on-the-fly quantization (--quantization {prec})"
    out = {
        "weights": prec,
        "weight_bits": BITS.get(prec, 16),
        "checkpoint": origin,
        "accuracy_recovery_pct": rec["percent"] if rec else None,
        "accuracy_benchmark": rec.get("benchmark") if rec else None,
        "accuracy_source": rec["source"] if rec else None,
        "published": bool(rec) or is_native(model, prec),
        "label": label,
        "kv_cache_dtype": kv_cache_dtype,
        "kv_note": KV_FP8_NOTE if kv_cache_dtype == "fp8" else None,
    }
    return out


def floor_rejection(
    kpi: str, model: Model, precision: str, variant: Variant | None, name: str, target: str
) -> dict[str, Any]:
    """The `rejected` entry for weights below the floor: once per precision, with its published recovery."""
    q = describe(precision, "auto", model, variant)
    rec = (
        f"{q['accuracy_recovery_pct']:g}% accuracy recovery"
        if q["accuracy_recovery_pct"]
        else "accuracy recovery not published"
    )
    return {
        "name": f"{name} ({target})",
        "target": target,
        "precision": precision,
        "floor": True,
        "why": f"{precision} weights ({q['checkpoint']}, {rec}) are below the quality floor for '{kpi}': "
        f"pass --allow-precision {precision} to consider them",
    }


def sentence(q: dict[str, Any]) -> str | None:
    """The reason line about accuracy (None for the model's own weights)."""
    if q["weights"] in ("bf16", "fp16", "fp32") and q["published"]:
        return None
    if q["accuracy_recovery_pct"] is not None:
        return (
            f"quality: {q['weights']} weights keep {q['accuracy_recovery_pct']:g}% of the unquantized model's "
            f"{q['accuracy_benchmark'] or 'benchmark'} score (published: {q['accuracy_source']})"
        )
    if q["published"]:
        return f"quality: {q['weights']} is the model's own published format"
    return f"quality: {q['weights']} weights ({q['checkpoint']}): accuracy recovery not published"
