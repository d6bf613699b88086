"""The hardware inventory: local devices, the cluster's accelerator pools, quota and notes.

``Inventory.to_dict()`` is the JSON contract of ``optiserve hardware --json`` and of the server
extension. Every pool says where it came from (``source``): nodes | hardware-profile |
accelerator-profile | runtime-template | nvml | manual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jupyter_optiserve.catalog.accelerators import Accelerator

SOURCES = ("nodes", "hardware-profile", "accelerator-profile", "runtime-template", "nvml", "manual")


def _gib(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


@dataclass
class LocalGPU:
    index: int
    name: str
    accelerator: str | None  # catalog id; None for a GPU the catalog lacks
    pci_device_id: str | None  # "10de:2330"
    memory_total_gib: float
    memory_free_gib: float | None
    memory_used_gib: float | None = None
    compute_capability: str | None = None
    mig_enabled: bool = False
    mig_instances: list[dict[str, Any]] = field(
        default_factory=list[Any]
    )  # {index, name, profile, memory_gib, memory_free_gib}
    nvlink_links_active: int | None = None
    other_processes: list[dict[str, Any]] = field(default_factory=list[Any])  # {pid, memory_gib}
    notes: list[str] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        """Other processes hold memory on it: free memory, not total, is what a server gets."""
        return bool(self.other_processes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "accelerator": self.accelerator,
            "pci_device_id": self.pci_device_id,
            "memory_total_gib": _gib(self.memory_total_gib),
            "memory_free_gib": _gib(self.memory_free_gib),
            "memory_used_gib": _gib(self.memory_used_gib),
            "compute_capability": self.compute_capability,
            "mig_enabled": self.mig_enabled,
            "mig_instances": self.mig_instances,
            "nvlink_links_active": self.nvlink_links_active,
            "shared": self.shared,
            "other_processes": self.other_processes,
            "unknown": self.accelerator is None,
            "notes": self.notes,
        }


@dataclass
class LocalCPU:
    arch: str
    model: str | None
    cores: int
    cpu_limit: float | None  # cgroup quota in cores (a pod's limit), None when unlimited
    memory_total_gib: float | None
    memory_available_gib: float | None
    memory_limit_gib: float | None  # cgroup memory limit
    isa: list[str]
    accelerator: str | None  # catalog CPU entry (cpu-x86-amx, ...)

    def to_dict(self) -> dict[str, Any]:
        return {
            "arch": self.arch,
            "model": self.model,
            "cores": self.cores,
            "cpu_limit": self.cpu_limit,
            "memory_total_gib": _gib(self.memory_total_gib),
            "memory_available_gib": _gib(self.memory_available_gib),
            "memory_limit_gib": _gib(self.memory_limit_gib),
            "isa": self.isa,
            "accelerator": self.accelerator,
        }


@dataclass
class LocalInfo:
    gpus: list[LocalGPU]
    nvml_available: bool
    nvml_reason: str | None  # why there are no GPUs / NVML failed; None when fine
    driver_version: str | None = None
    cuda_version: str | None = None
    cpu: LocalCPU | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "gpu_count": len(self.gpus),
            "gpus": [g.to_dict() for g in self.gpus],
            "nvml": {"available": self.nvml_available, "reason": self.nvml_reason},
            "driver_version": self.driver_version,
            "cuda_version": self.cuda_version,
            "cpu": self.cpu.to_dict() if self.cpu else None,
        }


@dataclass
class Pool:
    """GPUs a deployment can land on: same accelerator and GPUs per node (or one profile's offer)."""

    accelerator: str | None  # catalog id (the parent GPU for a MIG slice), None when unknown
    product: str | None  # as labelled / named by the source
    vendor: str | None
    memory_gib: float | None  # per GPU (per slice for MIG)
    gpus_per_node: int | None  # most GPUs one pod can request on one node
    nodes: int | None
    free_gpus: int | None  # summed over nodes; None when pods are not readable
    tolerations: list[dict[str, Any]]
    node_selector: dict[str, Any]
    source: str
    resource_name: str | None = None
    max_free_gpus_per_node: int | None = None
    compute_capability: str | None = None
    mig: dict[str, Any] | None = None  # {"profile": "3g.20gb", "strategy": "mixed"|"single"|"local"}
    sharing: dict[str, Any] | None = None  # {"strategy": "time-slicing"|"mps", "replicas": 4}
    max_tensor_parallel: int | None = None  # 1 on MIG and shared GPUs
    counts: dict[str, Any] | None = None  # {"min", "max", "default"} from a hardware profile
    profile: str | None = None  # "<namespace>/<name>" of the profile that offers or matches it
    node_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    grant: str | None = None  # what to ask an admin for, when a permission was missing
    free_gpus_by_node: list[int] = field(default_factory=list)  # largest first; empty when pods are not readable
    accelerator_obj: Accelerator | None = field(default=None, repr=False, compare=False)

    @property
    def unknown(self) -> bool:
        return bool(self.accelerator_obj is not None and self.accelerator_obj.extra.get("unknown"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "accelerator": self.accelerator,
            "product": self.product,
            "vendor": self.vendor,
            "memory_gib": _gib(self.memory_gib),
            "gpus_per_node": self.gpus_per_node,
            "nodes": self.nodes,
            "free_gpus": self.free_gpus,
            "tolerations": self.tolerations,
            "node_selector": self.node_selector,
            "source": self.source,
            "resource_name": self.resource_name,
            "max_free_gpus_per_node": self.max_free_gpus_per_node,
            "compute_capability": self.compute_capability,
            "mig": self.mig,
            "sharing": self.sharing,
            "max_tensor_parallel": self.max_tensor_parallel,
            "counts": self.counts,
            "profile": self.profile,
            "node_names": self.node_names,
            "unknown": self.unknown,
            "estimated_accelerator": self.accelerator_obj.id if self.accelerator_obj is not None else None,
            "notes": self.notes,
            "grant": self.grant,
        }


@dataclass
class Quota:
    """GPU (and CPU/memory) ResourceQuota in the namespace: {key: {hard, used, remaining, quota}}."""

    namespace: str | None
    readable: bool | None  # None: not asked (no cluster)
    resources: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def remaining(self, resource_name: str) -> float | None:
        """Smallest remaining amount over ``requests.<r>``, ``limits.<r>`` and ``<r>``; None if unlimited."""
        vals = [
            self.resources[k]["remaining"]
            for k in (f"requests.{resource_name}", f"limits.{resource_name}", resource_name)
            if k in self.resources
        ]
        return min(vals) if vals else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "readable": self.readable,
            "resources": self.resources,
            "notes": self.notes,
        }


@dataclass
class Inventory:
    local: LocalInfo
    pools: list[Pool]
    quota: Quota
    notes: list[str] = field(default_factory=list)
    cluster: dict[str, Any] | None = None  # server, namespace (+source), identity, reachable; None without cluster
    access: dict[str, Any] = field(default_factory=dict)  # "list[Any] nodes (cluster-wide)": True/False/None
    grant: str | None = None  # one combined grant for every read permission that was missing

    @property
    def primary(self) -> Pool | None:
        """The pool a recommendation uses by default: the manual choice, else the largest pool."""
        return self.pools[0] if self.pools else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "local": self.local.to_dict(),
            "pools": [p.to_dict() for p in self.pools],
            "quota": self.quota.to_dict(),
            "notes": self.notes,
            "cluster": self.cluster,
            "access": self.access,
            "grant": self.grant,
        }
