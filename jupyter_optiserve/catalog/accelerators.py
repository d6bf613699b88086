"""The accelerator catalog: memory, bandwidth, peak FLOPS, interconnect and every name a GPU goes by.

Lookup is by catalog id, NVML name, GPU Feature Discovery ``nvidia.com/gpu.product`` label (with
``-SHARED`` and ``-MIG-*`` suffixes stripped), PCI device id or a short alias, case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jupyter_optiserve.errors import NotFoundError, closest

SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name", "vendor", "memory_bw_gbps", "usable_memory_gib", "tflops", "resource_name"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
            "name": {"type": "string"},
            "vendor": {"enum": ["nvidia", "amd", "intel", "cpu"]},
            "memory_gb": {"type": "number", "exclusiveMinimum": 0},
            "usable_memory_gib": {"type": "number", "exclusiveMinimum": 0},
            "memory_bw_gbps": {"type": "number", "exclusiveMinimum": 0},
            "tflops": {
                "type": "object",
                "anyOf": [{"required": ["bf16"]}, {"required": ["fp16"]}],
                "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
            },
            "interconnect": {
                "type": "object",
                "properties": {"kind": {"type": "string"}, "bw_gbps_per_direction": {"type": "number"}},
            },
            "compute_capability": {"type": "string", "pattern": r"^\d+\.\d+$"},
            "resource_name": {"type": ["string", "null"]},
            "names": {"type": "object"},
            "relative_cost": {"type": "number", "minimum": 0},
            "isa": {"type": "array", "items": {"type": "string"}},
            "gpus_per_node": {"type": "integer", "minimum": 1},
            "gpus_per_node_note": {"type": "string"},
        },
    },
}


def normalize(name: str) -> str:
    """Canonical lookup key: lower case, spaces/underscores as '-', GFD sharing/MIG suffixes removed."""
    key = re.sub(r"[\s_]+", "-", name.strip().lower())
    key = re.sub(r"-mig-.*$", "", key)
    key = re.sub(r"-shared$", "", key)
    return key


@dataclass(frozen=True)
class Accelerator:
    id: str
    name: str
    vendor: str
    memory_gb: float
    usable_memory_gib: float
    memory_bw_gbps: float
    tflops: dict[str, float]
    interconnect_kind: str
    interconnect_gbps: float
    compute_capability: str | None
    arch: str | None
    resource_name: str | None
    nvml_name: str | None
    gfd_product: str | None
    pci_device_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    relative_cost: float = 1.0
    isa: tuple[str, ...] = ()
    source: str = ""
    gpus_per_node: int = 8  # GPUs one server usually holds: the largest TP for a manual choice
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Accelerator:
        names = d.get("names") or {}
        link = d.get("interconnect") or {}
        return cls(
            id=d["id"],
            name=d["name"],
            vendor=d["vendor"],
            memory_gb=d.get("memory_gb") or round(d["usable_memory_gib"] * 1.0737, 1),
            usable_memory_gib=float(d["usable_memory_gib"]),
            memory_bw_gbps=float(d["memory_bw_gbps"]),
            tflops=dict(d["tflops"]),
            interconnect_kind=link.get("kind", "pcie"),
            interconnect_gbps=float(link.get("bw_gbps_per_direction", 32)),
            compute_capability=d.get("compute_capability"),
            arch=d.get("arch"),
            resource_name=d.get("resource_name"),
            nvml_name=names.get("nvml"),
            gfd_product=names.get("gfd_product"),
            pci_device_ids=tuple(names.get("pci_device_ids") or ()),
            aliases=tuple(names.get("aliases") or ()),
            relative_cost=float(d.get("relative_cost", 1.0)),
            isa=tuple(d.get("isa") or ()),
            source=d.get("source", ""),
            gpus_per_node=int(d.get("gpus_per_node") or (1 if d["vendor"] == "cpu" else 8)),
        )

    @property
    def cc(self) -> float | None:
        """Compute capability as a number (NVIDIA only)."""
        return float(self.compute_capability) if self.compute_capability else None

    @property
    def is_gpu(self) -> bool:
        return self.vendor != "cpu"

    @property
    def has_fast_link(self) -> bool:
        return self.interconnect_kind in ("nvlink", "xgmi", "roce", "nvlink-bridge")

    def peak_tflops(self, compute: str) -> float:
        """Dense peak for a compute precision; falls back to 16-bit where the card lacks a faster path."""
        t = self.tflops
        if compute in t:
            return float(t[compute])
        if compute == "bf16" and "fp16" in t:
            return float(t["fp16"])
        return float(t.get("bf16") or t.get("fp16") or 0.0)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "vendor": self.vendor,
            "memory_gb": self.memory_gb,
            "usable_memory_gib": self.usable_memory_gib,
            "memory_bw_gbps": self.memory_bw_gbps,
            "tflops": self.tflops,
            "interconnect": {"kind": self.interconnect_kind, "bw_gbps_per_direction": self.interconnect_gbps},
            "compute_capability": self.compute_capability,
            "arch": self.arch,
            "resource_name": self.resource_name,
            "nvml_name": self.nvml_name,
            "gfd_product": self.gfd_product,
            "pci_device_ids": list(self.pci_device_ids),
            "aliases": list(self.aliases),
            "relative_cost": self.relative_cost,
            "gpus_per_node": self.gpus_per_node,
        }


class AcceleratorCatalog:
    """All accelerators, indexed by every name they are known by."""

    def __init__(self, items: list[Accelerator]):
        self.items = items
        self._by_key: dict[str, Accelerator] = {}
        for acc in items:
            for name in (acc.id, acc.name, acc.nvml_name, acc.gfd_product, *acc.aliases):
                if name:
                    self._by_key.setdefault(normalize(name), acc)
            for pci in acc.pci_device_ids:
                self._by_key.setdefault(pci.lower(), acc)
                vendor, device = pci.lower().split(":")
                self._by_key.setdefault(f"{device}:{vendor}", acc)  # NIM's gpu_device order

    def __iter__(self) -> Iterator[Accelerator]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, name: str | None) -> Accelerator | None:
        """The accelerator for any of its names, or None."""
        if not name:
            return None
        key = normalize(str(name))
        if key in self._by_key:
            return self._by_key[key]
        # NVML names on some drivers drop the vendor prefix ("H100 80GB HBM3") or add one.
        for prefix in ("nvidia-", "tesla-", "amd-", "intel-"):
            if prefix + key in self._by_key:
                return self._by_key[prefix + key]
            if key.startswith(prefix) and key[len(prefix) :] in self._by_key:
                return self._by_key[key[len(prefix) :]]
        return None

    def get(self, name: str) -> Accelerator:
        """Like :meth:`find`, but an unknown name is an error listing the closest matches."""
        acc = self.find(name)
        if acc is None:
            near = closest(str(name), [a.id for a in self.items] + [a for x in self.items for a in x.aliases])
            raise NotFoundError(
                f"unknown accelerator '{name}'",
                hint=("closest: " + ", ".join(near) + "; " if near else "") + "`optiserve accelerators` lists them all",
                matches=near,
            )
        return acc
