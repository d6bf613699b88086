"""Accelerators the catalog lacks (synthesized from what the device reports) and MIG slices.

An unknown GPU is still usable: its memory is measured, and bandwidth/TFLOPS are taken from the
*slowest* datacenter part of its generation (by CUDA compute capability), so estimates err on the
side of "slower than reality". Everything synthesized carries ``extra["unknown"]``/``notes``.
"""

from __future__ import annotations

import dataclasses
import re

from jupyter_optiserve.catalog.accelerators import Accelerator

# (min compute capability, label, memory GB/s, dense 16-bit TFLOPS, has bf16, has fp8).
# Lower bounds of each generation's datacenter parts in the catalog: V100 PCIe, T4, A30, A10/A2,
# L4, H100 PCIe, B200 halved (no smaller Blackwell datacenter part is catalogued).
_GENERATIONS = [
    (10.0, "blackwell", 2000, 500, True, True),
    (9.0, "hopper", 2000, 750, True, True),
    (8.9, "ada", 300, 120, True, True),
    (8.6, "ampere (GA10x)", 200, 35, True, False),
    (8.0, "ampere (GA100)", 930, 165, True, False),
    (7.5, "turing", 320, 65, False, False),
    (7.0, "volta", 800, 110, False, False),
    (0.0, "older", 150, 10, False, False),
]
_VENDOR_DEFAULTS = {"amd": (1600, 180), "intel": (1000, 200)}  # GB/s, TFLOPS: older Instinct / Gaudi 1


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "gpu"


def synthesize(
    name: str,
    memory_gib: float,
    compute_capability: str | None = None,
    vendor: str = "nvidia",
    resource_name: str | None = None,
) -> Accelerator:
    """An ``Accelerator`` for a device the catalog does not know, flagged ``extra['unknown']``."""
    cc = None
    try:
        cc = float(compute_capability) if compute_capability else None
    except ValueError:
        pass
    if vendor == "nvidia":
        gen = next(g for g in _GENERATIONS if (cc or 0.0) >= g[0])
        label, bw, tf, bf16, fp8 = gen[1:]
        if cc is None:
            label = "unknown generation (no compute capability)"
    else:
        bw, tf = _VENDOR_DEFAULTS.get(vendor, (300, 50))
        label, bf16, fp8 = f"unknown {vendor} part", True, False
    tflops: dict[str, float] = {"fp16": tf, **({"bf16": tf} if bf16 else {}), **({"fp8": tf * 2} if fp8 else {})}
    note = (
        f"'{name}' is not in the accelerator catalog: memory {memory_gib:g} GiB as reported; bandwidth "
        f"{bw} GB/s and {tf} TFLOPS are conservative guesses for {label}. Estimates are rough."
    )
    return Accelerator(
        id=f"unknown-{_slug(name)}",
        name=name,
        vendor=vendor,
        memory_gb=round(memory_gib * 1.0737, 1),
        usable_memory_gib=float(memory_gib),
        memory_bw_gbps=float(bw),
        tflops=tflops,
        interconnect_kind="pcie",
        interconnect_gbps=32.0,
        compute_capability=compute_capability,
        arch=None,
        resource_name=resource_name
        or {"nvidia": "nvidia.com/gpu", "amd": "amd.com/gpu", "intel": "habana.ai/gaudi"}.get(vendor),
        nvml_name=name if vendor == "nvidia" else None,
        gfd_product=None,
        source="estimated",
        extra={"unknown": True, "notes": [note]},
    )


def mig_fractions(profile: str) -> tuple[float, float] | None:
    """(compute fraction, memory GB) of a MIG profile such as ``3g.20gb`` or ``1g.10gb+me``."""
    m = re.match(r"(\d+)g\.(\d+)gb", profile or "")
    return (int(m.group(1)) / 7.0, float(m.group(2))) if m else None


def mig_slice(parent: Accelerator, profile: str, memory_gib: float) -> Accelerator:
    """The share of ``parent`` that one MIG instance gets: its own memory, bandwidth in proportion to
    memory, compute in proportion to its GPCs (of 7), no NVLink (TP is 1 on MIG)."""
    frac = mig_fractions(profile)
    compute = frac[0] if frac else memory_gib / parent.usable_memory_gib
    mem_frac = min(1.0, memory_gib / parent.usable_memory_gib) if parent.usable_memory_gib else 1.0
    return dataclasses.replace(
        parent,
        id=f"{parent.id}-mig-{profile}",
        name=f"{parent.name} MIG {profile}",
        memory_gb=round(memory_gib * 1.0737, 1),
        usable_memory_gib=float(memory_gib),
        memory_bw_gbps=round(parent.memory_bw_gbps * mem_frac, 1),
        tflops={k: round(v * compute, 1) for k, v in parent.tflops.items()},
        interconnect_kind="none",
        interconnect_gbps=0.0,
        extra={
            "mig": profile,
            "parent": parent.id,
            "notes": [
                f"MIG {profile} slice of {parent.name}: {memory_gib:g} GiB; bandwidth and TFLOPS "
                f"scaled from the full GPU; tensor parallelism is 1 on MIG"
            ],
        },
    )
